"""The officer's mapping of unrecognized columns, saved per header layout.

A file's header row is matched by folded text against each layout's aliases (parse.py). A column
that no alias recognizes is never dropped silently: the dry run lists it, and on the job's page the
officer maps it to a field (or marks it ignored). `mapping_save` keeps that choice as a
`ColumnMapping` for the header layout (parse.layout_key: the folded headers in order), owned by the
organization at the root of the officer's scope, audited; `open_layout` applies the mappings the
actor may see (access policy) to every later file with the same header row. A mapping given for one
job (ImportJob.column_map) takes precedence over the saved one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.imports.models import ColumnMapping
from dangbo.imports.parse import IGNORE, Layout, Table, open_rows, open_table


def saved_map(actor, kind: str, layout_key: str) -> dict[str, str]:
    """The saved mapping of `layout_key` the actor may see (the most recently saved wins per header)."""
    out: dict[str, str] = {}
    for mapping in (
        policy.for_user(ColumnMapping, actor)
        .filter(kind=kind, layout_key=layout_key)
        .order_by("updated_at", "pk")
        .values_list("mapping", flat=True)
    ):
        out.update(mapping)
    return out


def _mapping_for(actor, layout: Layout, column_map: dict[str, str] | None):
    """The mapping of a header layout key: the saved one the actor sees, then `column_map` on top."""
    cache: dict[str, dict[str, str]] = {}

    def mapping_for(key: str) -> dict[str, str]:
        if key not in cache:
            cache[key] = {**saved_map(actor, layout.kind, key), **(column_map or {})}
        return cache[key]

    return mapping_for


def open_layout(
    path: str | Path | None,
    *,
    filename: str | None,
    layout: Layout,
    actor,
    column_map: dict[str, str] | None = None,
    rows: Iterable | None = None,
    numbered: bool = False,
    empty: str = "Tệp không có dữ liệu.",
) -> Table:
    """open_table with the mappings saved for the file's header layout, then `column_map` on top;
    with `rows`, the rows already in memory (parse.open_rows: `numbered`, `empty`)."""
    mapping_for = _mapping_for(actor, layout, column_map)
    if rows is not None:
        return open_rows(rows, layout, mapping_for, numbered=numbered, empty=empty)
    return open_table(path, filename=filename, layout=layout, column_map=mapping_for)


def _owner_org_id(actor, right: str) -> int | None:
    """The organization a user's mapping belongs to: the root of their scope for `right` (None:
    everywhere, a system-wide administrator or the command line)."""
    roots = policy.scope_roots(actor, action=right)
    if roots is None:
        return None
    if not roots:
        raise DomainError("Bạn không có quyền nhập dữ liệu.", field="mapping")
    return min(r.org_id for r in roots)


@transaction.atomic
def mapping_save(
    *,
    actor,
    layout: Layout,
    layout_key: str,
    headers: list[dict[str, Any]],
    mapping: dict[str, str],
    right: str = "record",
) -> ColumnMapping:
    """Save the officer's mapping of header layout `layout_key` (folded header -> field, "" =
    ignore). A field may be chosen for one column only; fields and headers are checked against
    the layout and the file's header row. Audited."""
    policy.require_actor(actor)
    fields = {name for name, _, _ in layout.columns}
    keys = {h["key"]: h for h in headers}
    header_of = layout.header_of
    clean: dict[str, str] = {}
    for key, name in mapping.items():
        if key not in keys:
            raise DomainError("Cột không có trong dòng tiêu đề của tệp.", field="mapping")
        if name != IGNORE and name not in fields:
            raise DomainError(f"Trường «{name}» không có trong mẫu nhập.", field="mapping")
        clean[key] = name
    taken: dict[str, str] = {}
    for h in headers:
        name = clean.get(h["key"], h.get("field") or "")
        if name and name in taken:
            raise DomainError(
                f"Trường «{header_of.get(name, name)}» được chọn cho hai cột: «{taken[name]}» và «{h['header']}».",
                field="mapping",
            )
        if name:
            taken[name] = h["header"]
    org_id = _owner_org_id(actor, right)
    obj, created = ColumnMapping.objects.select_for_update().get_or_create(
        org_id=org_id,
        kind=layout.kind,
        layout_key=layout_key,
        defaults={
            "headers": [h["header"] for h in headers],
            "mapping": clean,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    before = None if created else dict(obj.mapping)
    if not created:
        obj.mapping = {**obj.mapping, **clean}
        obj.save(update_fields=["mapping", "updated_at"])
    shown = ", ".join(
        f"«{keys[k]['header']}» → {header_of.get(v, 'bỏ qua') if v else 'bỏ qua'}" for k, v in clean.items()
    )
    audit_record(
        actor=actor,
        action="import.mapping_saved",
        obj=obj,
        org_id=org_id,
        summary=f"Ghép cột tệp nhập: {shown}",
        before=before,
        after=obj.mapping,
    )
    return obj


__all__ = ["mapping_save", "open_layout", "saved_map"]
