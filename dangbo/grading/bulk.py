"""A cell's bulk entry of one step: what the page shows in each row (the step's record, else the
previous step's as a proposal), and which posted rows are changes to be recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

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


def _unchanged(cur, d: dict) -> bool:
    return (
        cur is not None
        and cur.grade == d["grade"]
        and cur.total == d.get("total")
        and (cur.comment == d["comment"] or not d["comment"])
    )


@dataclass
class Changes:
    """The rows to record (`inputs`) and the formset index of each (`index`)."""

    inputs: list[StepInput] = field(default_factory=list)
    index: list[int] = field(default_factory=list)


def changed_rows(rows: list[dict], step: str, cleaned: list[dict]) -> Changes:
    """The posted rows (`cleaned`, the formset's cleaned data) that differ from the step's record."""
    by_id = {r["member"].pk: r for r in rows}
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
    return out
