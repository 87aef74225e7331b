"""Form knowledge as data: one module per document type with its titles, form versions, sections
and labels (DOMAIN.md). Classification and extraction read these tables; a new form version is an
edit here, not a code change.
"""

from __future__ import annotations

from .birth_certificate import FORM as BIRTH
from .death_certificate import FORM as DEATH
from .land_use_certificate import FORM as LAND
from .marriage_certificate import FORM as MARRIAGE
from .spec import FormSpec, LabelSpec, VersionSpec, fold

FORMS: dict[str, FormSpec] = {f.doc_type: f for f in (BIRTH, MARRIAGE, DEATH, LAND)}

__all__ = ["FORMS", "FormSpec", "LabelSpec", "VersionSpec", "fold"]
