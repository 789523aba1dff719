"""The step engine: self-assessment, proposal and decision, for members (a whole cell at once)
and for organizations. Both subjects share the order of the steps (R-073), the scores, the
superseding record and its audit; they differ in who may act and in the rules on the grade."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangbo.access import policy
from dangbo.access.policy import can
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError, RuleViolation
from dangbo.core.text import nfc
from dangbo.members.models import ACTIVE_STATUSES, EventType, Member, MemberEvent, MembershipSpan
from dangbo.members.services import EventInput, event_correct, member_record_event
from dangbo.orgs.models import Organization

from .. import rules, selectors
from ..models import GRADE_ABBREV, Grade, GradingCampaign, GradingRecord, Step, Subject
from .common import NO_RIGHT, GradingRefused, StepInput, criteria_scores, parse_total
from .common import fmt as _fmt
from .common import user_or_none as _user


@dataclass
class _Checked:
    data: StepInput
    cell_id: int
    grassroots_id: int | None
    total: Decimal | None
    scores: dict = field(default_factory=dict)
    previous: GradingRecord | None = None


# --- shared by both subjects -----------------------------------------------------------------


def _check_step(step: str) -> None:
    if step not in Step.values:
        raise DomainError("Bước không hợp lệ.", field="step")


def _check_order(current: dict, step: str, reason: str, *, who: str, fld: str, no_proposal: str) -> None:
    """R-073: a decision follows a proposal; once decided, only a new decision (with a reason)."""
    if step != Step.DECISION and Step.DECISION in current:
        raise DomainError(f"{who} đã có quyết định xếp loại; chỉ có thể điều chỉnh bằng quyết định mới.", field=fld)
    if step == Step.DECISION:
        if Step.PROPOSAL not in current:
            raise RuleViolation(no_proposal, field=fld, rule="R-073")
        if Step.DECISION in current and not reason:
            raise DomainError("Điều chỉnh kết quả đã quyết định phải nêu lý do.", field="reason")


def _scored(row: StepInput) -> tuple[dict[str, str], Decimal | None]:
    """The row's scores per criterion and its total: the criteria's sum when scores are given
    (a total typed as well must match it), else the typed total."""
    scores, score_total = criteria_scores(row.framework, row.scores)
    total = score_total if score_total is not None else parse_total(row.total)
    if score_total is not None and row.total not in (None, "") and parse_total(row.total) != score_total:
        raise DomainError(f"Tổng điểm ({row.total}) khác tổng điểm các tiêu chí ({score_total:g}).", field="total")
    return scores, total


def _new_record(
    *,
    actor,
    campaign: GradingCampaign,
    step: str,
    row: StepInput,
    scores: dict,
    total: Decimal | None,
    on: date,
    decision_number: str,
    reason: str,
    previous: GradingRecord | None,
    **subject,
) -> GradingRecord:
    """The (unsaved) record of one subject's step; `subject`: member, org, grassroots_org_id,
    member_event as the subject has them."""
    return GradingRecord(
        campaign=campaign,
        subject=Subject.MEMBER if row.member is not None else Subject.ORG,
        step=step,
        framework=row.framework,
        scores=scores,
        total=total,
        grade=row.grade,
        comment=nfc(row.comment),
        on=on,
        decision_number=nfc(decision_number),
        supersedes=previous,
        reason=reason if previous else "",
        recorded_by=_user(actor),
        **subject,
    )


def _save_record(*, actor, record: GradingRecord, document, audit_org_id: int, summary: str, after: dict, **audit):
    """Save a step's record (superseding the previous one) and audit it in the same transaction."""
    if document:
        record.document = document
    record.save()
    previous = record.supersedes
    audit_record(
        actor=actor,
        action=f"grading.{record.subject}_{record.step}",
        obj=record,
        org_id=audit_org_id,
        summary=f"{record.get_step_display()} năm {record.campaign.year} — {summary}",
        before={"grade": previous.grade} if previous else None,
        after=after,
        **audit,
    )
    return record


# --- members ---------------------------------------------------------------------------------


def _check_member_row(
    *, actor, campaign: GradingCampaign, step: str, row: StepInput, on: date, reason: str
) -> _Checked:
    member = row.member
    at = min(on, rules.year_end(campaign.year))
    span = MembershipSpan.objects.valid_on(at).filter(member=member, status__in=ACTIVE_STATUSES).first()
    if span is None:
        raise DomainError(
            f"{member.full_name} không phải là đảng viên đang sinh hoạt vào ngày {_fmt(at)}.", field="member"
        )
    cell = selectors.version_on(span.org_id, at)
    if cell is None or not selectors.in_subtree(span.org_id, campaign.root_org_id, at):
        raise DomainError(f"{member.full_name} không thuộc phạm vi của đợt đánh giá này.", field="member")
    # Who may do the step: the member or the cell for self-assessment, the cell for the
    # proposal, the competent committee (the cell's superior) for the decision.
    if step == Step.SELF:
        allowed = member.pk in policy.own_member_ids(actor) or can(actor, "view_personal", span.org_id)
    elif step == Step.PROPOSAL:
        allowed = can(actor, "view_personal", span.org_id)
    else:
        allowed = can(actor, "record", cell.parent_id or span.org_id)
    if not allowed:
        raise DomainError(NO_RIGHT, field="member")
    scores, total = _scored(row)
    rules.check_score_and_grade(year=campaign.year, total=total, grade=row.grade)
    reason_ng = rules.not_graded_reason(
        year=campaign.year, status=span.status, exempt=span.exempt, ceremony_on=member.ceremony_on
    )
    rules.check_gradable(year=campaign.year, grade=row.grade, reason=reason_ng)
    if step in (Step.PROPOSAL, Step.DECISION):
        rules.check_discipline(
            year=campaign.year, grade=row.grade, disciplined=selectors.member_disciplined_in(member.pk, campaign.year)
        )
    current = {r.step: r for r in GradingRecord.objects.current().filter(campaign=campaign, member=member)}
    _check_order(
        current,
        step,
        reason,
        who=member.full_name,
        fld="member",
        no_proposal=f"{member.full_name}: chưa có nhận xét, đề xuất xếp loại của chi bộ (bước 2) nên chưa thể quyết định.",
    )
    return _Checked(row, span.org_id, selectors.grassroots_of(cell, at), total, scores, current.get(step))


def _decision_event(*, actor, campaign: GradingCampaign, c: _Checked, on: date, decision_number: str, reason: str):
    """A decision is also the member's yearly-grading event (a correction voids the previous one)."""
    if c.previous is not None and c.previous.member_event_id:
        event_correct(
            actor=actor, event=c.previous.member_event, reason=f"Điều chỉnh xếp loại năm {campaign.year}: {reason}"
        )
    return member_record_event(
        actor=actor,
        member=c.data.member,
        data=EventInput(
            type=EventType.YEARLY_GRADING,
            on=on,
            decision_number=nfc(decision_number),
            note=f"Xếp loại chất lượng năm {campaign.year}: {rules.grade_label(c.data.grade)}",
            payload={
                "year": campaign.year,
                "grade": c.data.grade,
                "total": str(c.total) if c.total is not None else None,
            },
        ),
    )


@transaction.atomic
def member_steps_record(
    *,
    actor,
    campaign: GradingCampaign,
    step: str,
    rows: list[StepInput],
    on: date,
    decision_number: str = "",
    reason: str = "",
    document=None,
) -> list[GradingRecord]:
    """Record one step (self-assessment, proposal or decision) for several members at once (a
    cell's meeting, a committee's resolution). All rows or none; the R-072 cap is checked on the
    grassroots organizations' totals after the batch (a decision)."""
    _check_step(step)
    if on is None:
        raise DomainError("Phải nhập ngày.", field="on")
    if on > timezone.localdate():
        raise DomainError("Ngày không được sau ngày hôm nay.", field="on")
    if on < campaign.opens_on:
        raise DomainError(f"Ngày không được trước ngày bắt đầu đợt đánh giá ({_fmt(campaign.opens_on)}).", field="on")
    reason = nfc(reason).strip()
    checked: list[_Checked] = []
    errors: list[tuple[int, str, str]] = []
    for i, row in enumerate(rows):
        try:
            checked.append(_check_member_row(actor=actor, campaign=campaign, step=step, row=row, on=on, reason=reason))
        except DomainError as exc:
            errors.append((i, exc.field or "", exc.message))
    if errors:
        raise GradingRefused(errors)
    records = []
    for c in checked:
        member = c.data.member
        event = None
        if step == Step.DECISION:
            event = _decision_event(
                actor=actor, campaign=campaign, c=c, on=on, decision_number=decision_number, reason=reason
            )
        record = _new_record(
            actor=actor,
            campaign=campaign,
            step=step,
            row=c.data,
            scores=c.scores,
            total=c.total,
            on=on,
            decision_number=decision_number,
            reason=reason,
            previous=c.previous,
            member=member,
            org_id=c.cell_id,
            grassroots_org_id=c.grassroots_id,
            member_event=event,
        )
        records.append(
            _save_record(
                actor=actor,
                record=record,
                document=document,
                audit_org_id=c.cell_id,
                subject_member_id=member.pk,
                summary=f"{member.full_name}: {GRADE_ABBREV[c.data.grade]}" + (" (điều chỉnh)" if c.previous else ""),
                after={"grade": c.data.grade, "total": c.total, "on": on},
            )
        )
    if step == Step.DECISION:
        for grassroots_id in {c.grassroots_id for c in checked}:
            _check_cap(campaign, grassroots_id)
    return records


def _check_cap(campaign: GradingCampaign, grassroots_id: int) -> None:
    counts = selectors.grassroots_counts(campaign, grassroots_id)
    if not counts[Grade.EXCELLENT]:
        return
    name = getattr(selectors.version_on(grassroots_id, rules.year_end(campaign.year)), "name", "Tổ chức cơ sở đảng")
    rules.check_excellent_cap(
        year=campaign.year,
        excellent=counts[Grade.EXCELLENT],
        good=counts[Grade.GOOD],
        allowed=selectors.cap_allowed(campaign, grassroots_id),
        org_name=name,
    )


# --- organizations ---------------------------------------------------------------------------


def _check_org_excellent(*, campaign: GradingCampaign, org: Organization, name: str, at: date) -> None:
    """R-071: no «Hoàn thành xuất sắc» for an organization with a member disciplined that year."""
    sub = selectors.subtree_versions(org.pk, at).values("org_id")
    members = MembershipSpan.objects.valid_on(at).filter(org_id__in=sub).values("member_id")
    if (
        MemberEvent.objects.effective()
        .filter(member_id__in=members, type__in=rules.DISCIPLINE_TYPES, on__year=campaign.year)
        .exists()
    ):
        raise RuleViolation(
            f"{name} có đảng viên bị kỷ luật trong năm {campaign.year} nên không thể xếp loại "
            "«Hoàn thành xuất sắc nhiệm vụ» (Quy định 366-QĐ/TW).",
            field="grade",
            rule="R-071",
        )


def _org_step_record(
    *,
    actor,
    campaign: GradingCampaign,
    step: str,
    row: StepInput,
    on: date,
    decision_number: str,
    reason: str,
    document,
) -> GradingRecord:
    """An organization's self-assessment, the superior's proposal, the superior's decision."""
    org = row.org
    if on is None or on > timezone.localdate():
        raise DomainError("Ngày không hợp lệ (không được sau ngày hôm nay).", field="on")
    at = min(on, rules.year_end(campaign.year))
    v = selectors.version_on(org.pk, at)
    if v is None or not selectors.in_subtree(org.pk, campaign.root_org_id, at):
        raise DomainError("Tổ chức không thuộc phạm vi của đợt đánh giá này.", field="org")
    if step == Step.SELF:
        allowed = can(actor, "view_personal", org.pk)
    elif v.parent_id:
        allowed = can(actor, "record", v.parent_id)
    else:
        allowed = policy.everywhere(actor, "record")
    if not allowed:
        raise DomainError(NO_RIGHT, field="org")
    scores, total = _scored(row)
    rules.check_score_and_grade(year=campaign.year, total=total, grade=row.grade)
    if row.grade == Grade.NOT_GRADED:
        raise DomainError("Tổ chức đảng phải được xếp loại.", field="grade")
    if row.grade == Grade.EXCELLENT and step != Step.SELF:
        _check_org_excellent(campaign=campaign, org=org, name=v.name, at=at)
    current = {
        r.step: r for r in GradingRecord.objects.current().filter(campaign=campaign, subject=Subject.ORG, org=org)
    }
    reason = nfc(reason).strip()
    _check_order(
        current,
        step,
        reason,
        who="Tổ chức",
        fld="org",
        no_proposal="Chưa có đề xuất xếp loại (bước 2) nên chưa thể quyết định.",
    )
    previous = current.get(step)
    record = _new_record(
        actor=actor,
        campaign=campaign,
        step=step,
        row=row,
        scores=scores,
        total=total,
        on=on,
        decision_number=decision_number,
        reason=reason,
        previous=previous,
        org=org,
    )
    return _save_record(
        actor=actor,
        record=record,
        document=document,
        audit_org_id=org.pk,
        summary=f"{v.name}: {GRADE_ABBREV[row.grade]}",
        after={"grade": row.grade, "total": total},
    )


# --- one subject, member or organization -----------------------------------------------------


@transaction.atomic
def step_record(
    *,
    actor,
    campaign: GradingCampaign,
    step: str,
    grade: str,
    on: date,
    member: Member | None = None,
    org: Organization | None = None,
    total=None,
    scores=None,
    framework=None,
    comment: str = "",
    decision_number: str = "",
    reason: str = "",
    document=None,
) -> GradingRecord:
    """One step for one subject: a member (as a batch of one, `member_steps_record`; a refusal is
    re-raised with its own field and rule) or an organization. Exactly one of `member`, `org`."""
    if (member is None) == (org is None):
        raise ValueError("step_record: give exactly one of member and org")
    _check_step(step)
    row = StepInput(
        grade=grade, member=member, org=org, total=total, scores=scores, framework=framework, comment=comment
    )
    if org is not None:
        return _org_step_record(
            actor=actor,
            campaign=campaign,
            step=step,
            row=row,
            on=on,
            decision_number=decision_number,
            reason=reason,
            document=document,
        )
    try:
        return member_steps_record(
            actor=actor,
            campaign=campaign,
            step=step,
            rows=[row],
            on=on,
            decision_number=decision_number,
            reason=reason,
            document=document,
        )[0]
    except GradingRefused as exc:
        _, fld, message = exc.errors[0]
        raise DomainError(message, field=fld or None) from None
