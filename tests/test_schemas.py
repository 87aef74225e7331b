"""Schemas: round trips, JSON Schemas that are valid and accept real output, bad values rejected
with a message that names the field and the expected form."""

from __future__ import annotations

import json

import jsonschema
import pytest
from pydantic import ValidationError
from sohoa.schemas import (
    DOC_TYPE_FIELDS,
    DocumentResult,
    PageResult,
    ProcessResult,
    Truth,
    TruthDocument,
    WordsFile,
    validate_field_value,
)
from typer.testing import CliRunner

from sohoa.cli import app


def _result() -> ProcessResult:
    return ProcessResult(
        source="scans/ho-so-1.pdf",
        documents=[
            DocumentResult(
                id="d1",
                doc_type="land_use_certificate",
                doc_type_confidence=0.97,
                form_version="2014",
                pages=[1, 2],
                pdf="d1.pdf",
                fields={
                    "holder_name": {"value": "Nguyễn  Văn\u00a0An", "confidence": 0.9},
                    "area_m2": {"value": "152,5 m²", "confidence": 0.8},
                    "issue_date": {"value": "05/06/2015", "confidence": 0.9},
                    "registry_number": {"value": "CH 00120", "confidence": 0.7},
                },
                issues=[
                    {"field": "area_m2", "code": "area_words_mismatch", "message": "Diện tích không khớp"}
                ],
            )
        ],
        pages=[
            PageResult(
                index=1, status="document", rotation=90, skew_deg=-2.4, dpi=200, text="GIẤY CHỨNG NHẬN"
            ),
            PageResult(index=2, status="document", dpi=200),
            PageResult(index=3, status="blank", dpi=200),
            PageResult(index=4, status="failed", error={"code": "corrupt_page", "message": "Trang hỏng"}),
        ],
    )


def test_values_are_normalised_on_the_way_in():
    fields = _result().documents[0].fields
    assert fields["holder_name"].value == "Nguyễn Văn An"
    assert fields["area_m2"].value == "152.5"
    assert fields["issue_date"].value == "2015-06-05"
    assert fields["registry_number"].value == "CH00120"


def test_nfc_on_the_way_in():
    decomposed = "Nguye\u0302\u0303n"  # NFD 'Nguyễn'
    value = validate_field_value("birth_certificate", "full_name", decomposed)
    assert value == "Nguyễn" and len(value) == 6


def test_round_trip_through_json():
    result = _result()
    again = ProcessResult.model_validate_json(result.model_dump_json())
    assert again == result


@pytest.mark.parametrize(
    ("doc_type", "field", "value", "says"),
    [
        ("birth_certificate", "date_of_birth", "31/02/2005", "not a real calendar date"),
        ("birth_certificate", "date_of_birth", "mười lăm", "YYYY-MM-DD"),
        ("birth_certificate", "sex", "male", "'Nam' or 'Nữ'"),
        ("birth_certificate", "mother_birth_year", "80", "four digits"),
        ("birth_certificate", "personal_id", "12345", "12-digit CCCD"),
        ("land_use_certificate", "area_m2", "một trăm", "decimal number"),
        ("death_certificate", "time_of_death", "25:10", "HH:MM"),
        ("birth_certificate", "full_name", "   ", "must not be empty"),
        ("birth_certificate", "hair_colour", "đen", "not a field of birth_certificate"),
    ],
)
def test_bad_values_rejected_with_a_clear_message(doc_type, field, value, says):
    with pytest.raises(ValueError, match=says):
        validate_field_value(doc_type, field, value)
    with pytest.raises(ValidationError, match=says):
        DocumentResult(
            id="d1",
            doc_type=doc_type,
            doc_type_confidence=1,
            pages=[1],
            fields={field: {"value": value, "confidence": 0.5}},
        )


def test_structural_rules():
    with pytest.raises(ValidationError, match="failed page must carry an error"):
        PageResult(index=1, status="failed")
    with pytest.raises(ValidationError, match="input order"):
        ProcessResult(source="x", pages=[PageResult(index=2, status="blank")])
    with pytest.raises(ValidationError, match="names page 3"):
        ProcessResult(
            source="x",
            pages=[PageResult(index=1, status="document")],
            documents=[DocumentResult(id="d1", doc_type="unknown", doc_type_confidence=0.5, pages=[3])],
        )
    with pytest.raises(ValidationError, match="carries no fields"):
        DocumentResult(
            id="d1",
            doc_type="unknown",
            doc_type_confidence=0.5,
            pages=[1],
            fields={"full_name": {"value": "A", "confidence": 1}},
        )
    with pytest.raises(ValidationError, match="less than or equal to 1"):
        DocumentResult(id="d1", doc_type="birth_certificate", doc_type_confidence=1.5, pages=[1])
    with pytest.raises(ValidationError, match="Extra inputs"):
        ProcessResult.model_validate({"source": "x", "extra": 1})


def test_truth_fields_checked():
    page = {"file": "d001/page-1.png", "dpi": 200, "lines": ["GIẤY KHAI SINH"]}
    doc = TruthDocument(
        id="d001",
        doc_type="birth_certificate",
        form_version="tt04-2020",
        level="clean",
        fields={"date_of_birth": "2005-03-15"},
        pages=[page],
    )
    assert Truth([doc]).model_dump(mode="json")[0]["fields"]["date_of_birth"] == "2005-03-15"
    with pytest.raises(ValidationError, match="date_of_birth"):
        TruthDocument(
            id="d1",
            doc_type="birth_certificate",
            form_version="x",
            level="clean",
            fields={"date_of_birth": "2005-13-01"},
            pages=[page],
        )


def test_contract_field_names_are_all_there():
    """The canonical fields of CONTRACT.md, per type (a rename would break other systems)."""
    assert list(DOC_TYPE_FIELDS["marriage_certificate"].model_fields) == [
        f"{who}_{f}"
        for who in ("husband", "wife")
        for f in ("name", "date_of_birth", "ethnicity", "nationality", "residence", "personal_id")
    ] + ["registration_place", "registration_date", "registration_number", "book_number"]
    assert "cause_of_death" in DOC_TYPE_FIELDS["death_certificate"].model_fields
    assert {"co_holder_name", "certificate_code", "land_use_code", "registry_number"} <= set(
        DOC_TYPE_FIELDS["land_use_certificate"].model_fields
    )
    assert len(DOC_TYPE_FIELDS["birth_certificate"].model_fields) == 25


def test_schema_command_writes_valid_json_schemas(tmp_path):
    run = CliRunner().invoke(app, ["schema", str(tmp_path)])
    assert run.exit_code == 0, run.output
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {f"{n}.schema.json" for n in ("result", "words", "truth", *DOC_TYPE_FIELDS)}
    for path in tmp_path.iterdir():
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))
    result_schema = json.loads((tmp_path / "result.schema.json").read_text())
    instance = _result().model_dump(mode="json", exclude_none=True)
    jsonschema.validate(instance, result_schema)
    instance["pages"][0]["rotation"] = 45
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(instance, result_schema)
    birth_schema = json.loads((tmp_path / "birth_certificate.schema.json").read_text())
    jsonschema.validate({"date_of_birth": "2005-03-15", "sex": "Nữ"}, birth_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"sex": "F"}, birth_schema)
    words_schema = json.loads((tmp_path / "words.schema.json").read_text())
    jsonschema.validate(WordsFile(source="x", pages=[]).model_dump(mode="json"), words_schema)
