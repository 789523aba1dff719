"""Reference lists (org types, ethnic groups, religions, levels, event types, statuses).

They ship with the code as CSV files copied from the domain folder (`reference/*.csv`, with their
source comments) and are read once per process. Codes are stored on the records; labels are shown.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class RefItem:
    code: str
    name: str
    row: dict[str, str]


@cache
def items(kind: str) -> tuple[RefItem, ...]:
    path = REFERENCE_DIR / f"{kind}.csv"
    with path.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = csv.DictReader(lines)
    return tuple(RefItem(code=r["code"], name=r["name_vi"], row=r) for r in rows)


@cache
def _index(kind: str) -> dict[str, RefItem]:
    return {item.code: item for item in items(kind)}


def label(kind: str, code: str | None) -> str:
    if not code:
        return ""
    item = _index(kind).get(code)
    return item.name if item else code


def choices(kind: str, *, where: dict[str, str] | None = None) -> list[tuple[str, str]]:
    result = []
    for item in items(kind):
        if where and any(item.row.get(k) != v for k, v in where.items()):
            continue
        result.append((item.code, item.name))
    return result


def exists(kind: str, code: str) -> bool:
    return code in _index(kind)
