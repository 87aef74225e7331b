"""The one settings object: environment variables `SOHOA_*` over an optional `sohoa.toml`
(the file named by `SOHOA_CONFIG`, else `./sohoa.toml`), over defaults. See docs/configuration.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from sohoa.schemas.signing import SignerProfile


def config_file() -> Path:
    return Path(os.environ.get("SOHOA_CONFIG", "sohoa.toml"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_", extra="forbid")

    ocr_lang: str = Field("vie", description="Tesseract language(s) for recognition, e.g. 'vie' or 'vie+eng'")
    ocr_timeout: float = Field(
        180.0, gt=0, description="Seconds one page may take in Tesseract before it is stopped"
    )
    ocr_engine: Literal["auto", "tesserocr", "pytesseract"] = Field(
        "auto",
        description="Tesseract in-process (tesserocr) or as a subprocess (pytesseract); auto: the first there",
    )
    tesseract_cmd: str = Field(
        "tesseract", description="Tesseract executable (a name on PATH or a full path)"
    )
    jpeg_quality: int = Field(
        85, ge=30, le=100, description="JPEG quality of page images in the searchable PDFs"
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Least severe log level shown"
    )
    log_format: Literal["console", "json"] = Field(
        "console", description="Human-readable lines or JSON lines"
    )
    storage_dir: Path = Field(Path("sohoa-data"), description="Where the workers keep page images and PDFs")
    database_url: str = Field(
        "sqlite:///sohoa-data/sohoa.db", description="State database (SQLite by default, PostgreSQL at scale)"
    )
    broker_url: str | None = Field(None, description="Dramatiq broker (redis://, amqp://); none: in-process")
    public_url: str = Field("http://localhost:8000", description="Base of the lookup URL printed in QR codes")
    signer_profiles: dict[str, SignerProfile] = Field(
        default_factory=dict, description="Signer profiles for `sohoa sign --profile NAME` (docs/signing.md)"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_file()))


def load_settings(**overrides) -> Settings:
    """Read the settings; a bad value raises pydantic's ValidationError naming the setting."""
    return Settings(**overrides)
