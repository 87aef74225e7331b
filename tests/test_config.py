"""Settings: defaults, `sohoa.toml`, environment variables over the file, bad values named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sohoa.config import load_settings


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("SOHOA_CONFIG", str(tmp_path / "absent.toml"))
    s = load_settings()
    assert s.ocr_lang == "vie" and s.jpeg_quality == 85 and s.broker_url is None


def test_file_then_environment(monkeypatch, tmp_path):
    cfg = tmp_path / "sohoa.toml"
    cfg.write_text('ocr_lang = "vie+eng"\njpeg_quality = 70\nlog_format = "json"\n')
    monkeypatch.setenv("SOHOA_CONFIG", str(cfg))
    s = load_settings()
    assert (s.ocr_lang, s.jpeg_quality, s.log_format) == ("vie+eng", 70, "json")
    monkeypatch.setenv("SOHOA_JPEG_QUALITY", "90")
    assert load_settings().jpeg_quality == 90


def test_bad_value_names_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("SOHOA_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("SOHOA_JPEG_QUALITY", "500")
    with pytest.raises(ValidationError, match="jpeg_quality"):
        load_settings()


def test_unknown_key_in_file_is_an_error(monkeypatch, tmp_path):
    cfg = tmp_path / "sohoa.toml"
    cfg.write_text("ocr_langs = 'vie'\n")
    monkeypatch.setenv("SOHOA_CONFIG", str(cfg))
    with pytest.raises(ValidationError, match="ocr_langs"):
        load_settings()


def test_ocr_engine_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("SOHOA_CONFIG", str(tmp_path / "absent.toml"))
    assert load_settings().ocr_engine == "auto"
    monkeypatch.setenv("SOHOA_OCR_ENGINE", "pytesseract")
    assert load_settings().ocr_engine == "pytesseract"
    monkeypatch.setenv("SOHOA_OCR_ENGINE", "easyocr")
    with pytest.raises(ValidationError, match="ocr_engine"):
        load_settings()
