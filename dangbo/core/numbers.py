"""Vietnamese number formatting: 51.602 and 90,5%."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def vn_int(value: int | None) -> str:
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


def vn_decimal(value: float | Decimal | None, places: int = 1) -> str:
    if value is None:
        return ""
    quant = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quant, rounding=ROUND_HALF_UP)
    whole, _, frac = f"{rounded:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = vn_int(abs(int(whole)))
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


def vn_percent(part: int, whole: int, places: int = 1) -> str:
    if not whole:
        return "—"
    return vn_decimal(Decimal(part) * 100 / Decimal(whole), places) + "%"
