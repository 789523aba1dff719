"""A cell's bulk entry of one step: what the page shows in each row (the step's record, else the
previous step's as a proposal), and which posted rows are changes to be recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

from dangbo.access.policy import can

from .models import Step
from .services import StepInput

PREVIOUS_STEP = {Step.SELF: None, Step.PROPOSAL: Step.SELF, Step.DECISION: Step.PROPOSAL}


def initial_rows(rows: list[dict], step: str) -> list[dict]:
    """One form row per member: this step's record, else the previous step's, else empty."""
    previous = PREVIOUS_STEP[step]
    initial = []
    for r in rows:
        src = r[step] or (r[previous] if previous else None)
        initial.append(
            {
                "member": r["member"].pk,
                "total": src.total if src else None,
                "grade": src.grade if src else ("not_graded" if r["not_graded_reason"] else ""),
                "comment": src.comment if src and src.step == step else "",
            }
        )
    return initial


def can_enter(actor, step: str, cell) -> bool:
    """May `actor` enter this step for the whole cell (R-073)? The cell (view_personal) for the
    self-assessment and the proposal, the competent committee (the cell's superior) for the
    decision. A read-only role (leader) sees the table without a form."""
    if step == Step.DECISION:
        return can(actor, "record", cell.parent_id or cell.org_id)
    return can(actor, "view_personal", cell.org_id)


def _same_as_shown(shown: dict | None, d: dict) -> bool:
    return (
        shown is not None
        and (shown.get("grade") or "") == d["grade"]
        and shown.get("total") == d.get("total")
        and (shown.get("comment") or "") == (d["comment"] or "")
    )


def _unchanged(cur, d: dict) -> bool:
    return (
        cur is not None
        and cur.grade == d["grade"]
        and cur.total == d.get("total")
        and (cur.comment == d["comment"] or not d["comment"])
    )


@dataclass
class Changes:
    """The rows to record (`inputs`), the formset index of each (`index`) and how many of them
    the user edited on the page (`edited`); the others keep the previous step's result shown
    as a proposal, unchanged."""

    inputs: list[StepInput] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    edited: int = 0

    def summary(self) -> str:
        """«cho N đảng viên», with the edited rows apart when some rows only adopt the previous step."""
        n = len(self.inputs)
        kept = n - self.edited
        if not kept:
            return f"cho {n} đảng viên"
        return f"cho {n} đảng viên ({self.edited} dòng sửa, {kept} dòng giữ theo kết quả bước trước)"


def changed_rows(rows: list[dict], step: str, cleaned: list[dict]) -> Changes:
    """The posted rows (`cleaned`, the formset's cleaned data) that differ from the step's record."""
    by_id = {r["member"].pk: r for r in rows}
    shown = {d["member"]: d for d in initial_rows(rows, step)}
    out = Changes()
    for i, d in enumerate(cleaned):
        if not d or not d.get("grade") or d["member"] not in by_id:
            continue
        if _unchanged(by_id[d["member"]][step], d):
            continue
        out.inputs.append(
            StepInput(member=by_id[d["member"]]["member"], grade=d["grade"], total=d.get("total"), comment=d["comment"])
        )
        out.index.append(i)
        if not _same_as_shown(shown.get(d["member"]), d):
            out.edited += 1
    return out
