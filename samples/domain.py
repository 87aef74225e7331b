"""The generator's one door to the domain rules of `sohoa.pipeline.validate` ("don't copy, call").

Every number in words, identity number and land-use purpose code the generator prints goes through
here, so the forms obey exactly the rules the pipeline checks.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from ..pipeline.validate import identity as validate_identity
from ..pipeline.validate.identity import make_cccd
from ..pipeline.validate.land import code_to_purpose, purpose_to_codes
from ..pipeline.validate.number_words import area_to_words, date_to_words


def date_in_words(d: dt.date, rng: random.Random) -> str:
    """The date in words, in a spelling variant chosen by `rng` (mồng/mùng, nghìn/ngàn, linh/lẻ, ...)."""
    return date_to_words(d, rng)


def area_in_words(area: str, rng: random.Random) -> str:
    """`152,5` -> `Một trăm năm mươi hai phẩy năm mét vuông`, in a spelling variant chosen by `rng`."""
    return area_to_words(Decimal(area.replace(".", "").replace(",", ".")), rng)


def make_personal_id(rng: random.Random, *, sex: str, birth_year: int, province_code: str) -> str:
    """12 digits: province (3), sex/century digit, year (2), six random digits."""
    return make_cccd(province_code, sex, birth_year, rng)


def make_cmnd(rng: random.Random, *, province_code: str) -> str:
    """9 digits (old identity card): no structure to obey, so any digits do."""
    del province_code  # a CMND's digits do not encode the province in a way the checks use
    return validate_identity.make_cmnd(rng)


# --- land use ------------------------------------------------------------------------------------


def purpose_name(code: str) -> str:
    """The purpose in words for a land-use code (`ONT` -> `Đất ở tại nông thôn`)."""
    name = code_to_purpose(code)
    if name is None:
        raise ValueError(f"unknown land-use code {code!r}")
    return name


def purpose_code(purpose: str) -> str | None:
    """The one code of a purpose in words, or None when it maps to none or several."""
    codes = purpose_to_codes(purpose).value
    return codes[0] if codes and len(codes) == 1 else None
