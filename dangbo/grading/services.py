"""Writes for grading: one function per operation, atomic, audited (audit_record in the same
transaction). Refusals raise DomainError/RuleViolation with a Vietnamese message naming the
field (and `GradingRefused` lists the refused rows of a whole cell); nothing is written then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangbo.access import policy
from dangbo.access.policy import can
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError, RuleViolation
from dangbo.core.text import nfc
from dangbo.members.models import ACTIVE_STATUSES, EventType, Member, MemberEvent, MembershipSpan
from dangbo.members.services import EventInput, event_correct, member_record_event
from dangbo.notifications.models import Notification
from dangbo.notifications.services import notify
from dangbo.orgs.models import Organization

from . import rules, selectors
from .models import (
    GRADE_ABBREV,
    CapException,
    CriteriaFramework,
    Criterion,
    Grade,
    GradingCampaign,
    GradingRecord,
    Step,
    Subject,
)

NO_RIGHT = "Bạn không có quyền thực hiện bước này cho tổ chức này."


class GradingRefused(DomainError):
    """Some rows of a batch were refused: `errors` = [(row index, field, message)]."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(f"Có {len(errors)} dòng không hợp lệ; chưa ghi dòng nào.", field=None)
        self.errors = errors


def _fmt(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- campaigns -------------------------------------------------------------------------------


@transaction.atomic
def campaign_open(
    *,
    actor,
    year: int,
    root_org: Organization,
    opens_on: date,
    self_assessment_due: date,
    cell_meeting_due: date,
    decision_due: date,
    deadline: date,
    note: str = "",
) -> GradingCampaign:
    """Open a year's grading of `root_org`'s subtree (by an officer of that organization)."""
    if not (can(actor, "record", root_org.pk) or can(actor, "restructure", root_org.pk)):
        raise DomainError("Bạn không có quyền triển khai đánh giá, xếp loại cho tổ chức này.", field="root_org")
    if not (2000 <= int(year) <= timezone.localdate().year + 1):
        raise DomainError("Năm đánh giá không hợp lệ.", field="year")
    if (
        selectors.version_on(root_org.pk, rules.year_end(year)) is None
        and selectors.version_on(root_org.pk, opens_on) is None
    ):
        raise DomainError(f"Tổ chức không tồn tại trong năm {year}.", field="root_org")
    steps = [
        ("opens_on", opens_on, "Ngày bắt đầu"),
        ("self_assessment_due", self_assessment_due, "Hạn tự đánh giá"),
        ("cell_meeting_due", cell_meeting_due, "Hạn họp chi bộ"),
        ("decision_due", decision_due, "Hạn quyết định xếp loại"),
        ("deadline", deadline, "Hạn hoàn thành"),
    ]
    for name, value, title in steps:
        if value is None:
            raise DomainError(f"Phải nhập {title.lower()}.", field=name)
    for (_, a, ta), (name, b, tb) in zip(steps, steps[1:], strict=False):
        if b < a:
            raise DomainError(f"{tb} ({_fmt(b)}) không được trước {ta.lower()} ({_fmt(a)}).", field=name)
    if opens_on.year not in (year, year + 1) or deadline.year > year + 1:
        raise DomainError(f"Lịch đánh giá phải nằm trong năm {year} hoặc đầu năm {year + 1}.", field="opens_on")
    if GradingCampaign.objects.filter(year=year, root_org=root_org).exists():
        raise DomainError(f"Đã có đợt đánh giá, xếp loại năm {year} của tổ chức này.", field="year")
    campaign = GradingCampaign.objects.create(
        year=year,
        root_org=root_org,
        opens_on=opens_on,
        self_assessment_due=self_assessment_due,
        cell_meeting_due=cell_meeting_due,
        decision_due=decision_due,
        deadline=deadline,
        note=nfc(note),
        opened_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="grading.campaign_opened",
        obj=campaign,
        org_id=root_org.pk,
        summary=f"Triển khai đánh giá, xếp loại năm {year}",
        after={"year": year, "opens_on": opens_on, "deadline": deadline},
    )
    return campaign


# --- criteria frameworks ---------------------------------------------------------------------


def _items(items) -> list[tuple[str, Decimal]]:
    out = []
    for i, (text, points) in enumerate(items, start=1):
        text = nfc(text).strip()
        try:
            pts = Decimal(str(points))
        except (InvalidOperation, ValueError):
            raise DomainError(f"Tiêu chí {i}: điểm tối đa không hợp lệ.", field="items") from None
        if not text:
            raise DomainError(f"Tiêu chí {i}: phải nhập nội dung.", field="items")
        if pts <= 0:
            raise DomainError(f"Tiêu chí {i}: điểm tối đa phải lớn hơn 0.", field="items")
        out.append((text, pts))
    if not out:
        raise DomainError("Khung tiêu chí phải có ít nhất một tiêu chí.", field="items")
    return out


@transaction.atomic
def framework_issue(
    *,
    actor,
    year: int,
    name: str,
    subject: str,
    items,
    issued_on: date,
    org_type: str = "",
    position: str = "",
    owner_org: Organization | None = None,
    parent: CriteriaFramework | None = None,
) -> CriteriaFramework:
    """Issue a criteria framework (khung tiêu chí); a new one for the same key is a new version."""
    name = nfc(name).strip()
    if not name:
        raise DomainError("Phải nhập tên khung tiêu chí.", field="name")
    if subject not in Subject.values:
        raise DomainError("Đối tượng không hợp lệ.", field="subject")
    if owner_org is None:
        if not policy.everywhere(actor, "record"):
            raise DomainError("Chỉ quản trị hệ thống ban hành khung tiêu chí chung.", field="owner_org")
    elif not can(actor, "record", owner_org.pk):
        raise DomainError("Bạn không có quyền ban hành khung tiêu chí cho tổ chức này.", field="owner_org")
    clean = _items(items)
    if rules.param("grading_score_bands", year) and sum(p for _, p in clean) != 100:
        raise RuleViolation(
            f"Từ năm {year} khung tiêu chí phải có tổng điểm tối đa là 100 (hiện là {sum(p for _, p in clean):g}).",
            field="items",
            rule="R-071",
        )
    key = {"year": year, "subject": subject, "org_type": org_type, "position": nfc(position), "owner_org": owner_org}
    version = CriteriaFramework.objects.filter(**key).count() + 1
    fw = CriteriaFramework.objects.create(
        name=name, parent=parent, version=version, issued_on=issued_on, issued_by=_user(actor), **key
    )
    Criterion.objects.bulk_create(
        Criterion(framework=fw, order=i, text=t, max_points=p) for i, (t, p) in enumerate(clean, start=1)
    )
    audit_record(
        actor=actor,
        action="grading.framework_issued",
        obj=fw,
        org_id=owner_org.pk if owner_org else None,
        summary=f"Ban hành khung tiêu chí «{name}» năm {year} (lần {version})",
        after={"items": [[t, p] for t, p in clean], "parent": parent.pk if parent else None},
    )
    return fw


@transaction.atomic
def framework_adapt(
    *, actor, parent: CriteriaFramework, owner_org: Organization, issued_on: date, items=None, name: str = ""
) -> CriteriaFramework:
    """A committee adapts a framework for its subtree (owner must be inside the parent's owner's
    subtree); the criteria are copied unless new ones are given."""
    if parent.owner_org_id and not selectors.in_subtree(owner_org.pk, parent.owner_org_id, issued_on):
        raise DomainError(
            "Chỉ được cụ thể hóa khung tiêu chí của cấp trên trong phạm vi của cấp ủy đó.", field="owner_org"
        )
    if items is None:
        items = [(c.text, c.max_points) for c in parent.criteria.all()]
    return framework_issue(
        actor=actor,
        year=parent.year,
        name=name or parent.name,
        subject=parent.subject,
        items=items,
        issued_on=issued_on,
        org_type=parent.org_type,
        position=parent.position,
        owner_org=owner_org,
        parent=parent,
    )


def _scores(framework: CriteriaFramework | None, scores: dict | None) -> tuple[dict[str, str], Decimal | None]:
    if framework is None or not scores:
        return {}, None
    crit = {str(c.pk): c for c in framework.criteria.all()}
    out: dict[str, str] = {}
    total = Decimal(0)
    for key, value in scores.items():
        c = crit.get(str(key))
        if c is None:
            raise DomainError("Tiêu chí không thuộc khung tiêu chí đã chọn.", field="scores")
        try:
            pts = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise DomainError(f"Điểm của tiêu chí «{c.text}» không hợp lệ.", field="scores") from None
        if not (0 <= pts <= c.max_points):
            raise DomainError(f"Điểm của tiêu chí «{c.text}» phải từ 0 đến {c.max_points:g}.", field="scores")
        out[str(c.pk)] = str(pts)
        total += pts
    return out, total


# --- member steps ----------------------------------------------------------------------------


@dataclass
class StepInput:
    grade: str
    member: Member | None = None
    org: Organization | None = None
    total: Any = None
    scores: dict | None = None
    framework: CriteriaFramework | None = None
    comment: str = ""


@dataclass
class _Checked:
    data: StepInput
    cell_id: int
    grassroots_id: int | None
    total: Decimal | None
    scores: dict = field(default_factory=dict)
    previous: GradingRecord | None = None


def _total(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError("Tổng điểm không hợp lệ.", field="total") from None


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
    scores, score_total = _scores(row.framework, row.scores)
    total = score_total if score_total is not None else _total(row.total)
    if score_total is not None and row.total not in (None, "") and _total(row.total) != score_total:
        raise DomainError(f"Tổng điểm ({row.total}) khác tổng điểm các tiêu chí ({score_total:g}).", field="total")
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
    if step != Step.DECISION and Step.DECISION in current:
        raise DomainError(
            f"{member.full_name} đã có quyết định xếp loại; chỉ có thể điều chỉnh bằng quyết định mới.", field="member"
        )
    if step == Step.DECISION:
        if Step.PROPOSAL not in current:
            raise RuleViolation(
                f"{member.full_name}: chưa có nhận xét, đề xuất xếp loại của chi bộ (bước 2) nên chưa thể quyết định.",
                field="member",
                rule="R-073",
            )
        if Step.DECISION in current and not reason:
            raise DomainError("Điều chỉnh kết quả đã quyết định phải nêu lý do.", field="reason")
    return _Checked(row, span.org_id, selectors.grassroots_of(cell, at), total, scores, current.get(step))


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
    if step not in Step.values:
        raise DomainError("Bước không hợp lệ.", field="step")
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
            if c.previous is not None and c.previous.member_event_id:
                event_correct(
                    actor=actor,
                    event=c.previous.member_event,
                    reason=f"Điều chỉnh xếp loại năm {campaign.year}: {reason}",
                )
            event = member_record_event(
                actor=actor,
                member=member,
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
        record = GradingRecord(
            campaign=campaign,
            subject=Subject.MEMBER,
            step=step,
            member=member,
            org_id=c.cell_id,
            grassroots_org_id=c.grassroots_id,
            framework=c.data.framework,
            scores=c.scores,
            total=c.total,
            grade=c.data.grade,
            comment=nfc(c.data.comment),
            on=on,
            decision_number=nfc(decision_number),
            supersedes=c.previous,
            reason=reason if c.previous else "",
            member_event=event,
            recorded_by=_user(actor),
        )
        if document:
            record.document = document
        record.save()
        records.append(record)
        audit_record(
            actor=actor,
            action=f"grading.member_{step}",
            obj=record,
            org_id=c.cell_id,
            subject_member_id=member.pk,
            summary=f"{record.get_step_display()} năm {campaign.year} — {member.full_name}: "
            f"{GRADE_ABBREV[c.data.grade]}" + (" (điều chỉnh)" if c.previous else ""),
            before={"grade": c.previous.grade} if c.previous else None,
            after={"grade": c.data.grade, "total": c.total, "on": on},
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


def member_step_record(
    *,
    actor,
    campaign: GradingCampaign,
    step: str,
    member: Member,
    grade: str,
    on: date,
    total=None,
    scores=None,
    framework=None,
    comment: str = "",
    decision_number: str = "",
    reason: str = "",
    document=None,
) -> GradingRecord:
    """One member's step; a refusal is re-raised with its own field and rule."""
    row = StepInput(grade=grade, member=member, total=total, scores=scores, framework=framework, comment=comment)
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


# --- organization steps ----------------------------------------------------------------------


@transaction.atomic
def org_step_record(
    *,
    actor,
    campaign: GradingCampaign,
    step: str,
    org: Organization,
    grade: str,
    on: date,
    total=None,
    scores=None,
    framework=None,
    comment: str = "",
    decision_number: str = "",
    reason: str = "",
    document=None,
) -> GradingRecord:
    """An organization's self-assessment, the superior's proposal, the superior's decision."""
    if step not in Step.values:
        raise DomainError("Bước không hợp lệ.", field="step")
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
    scores_, score_total = _scores(framework, scores)
    total_ = score_total if score_total is not None else _total(total)
    rules.check_score_and_grade(year=campaign.year, total=total_, grade=grade)
    if grade == Grade.NOT_GRADED:
        raise DomainError("Tổ chức đảng phải được xếp loại.", field="grade")
    if grade == Grade.EXCELLENT and step != Step.SELF:
        sub = selectors.subtree_versions(org.pk, at).values("org_id")
        members = MembershipSpan.objects.valid_on(at).filter(org_id__in=sub).values("member_id")
        if (
            MemberEvent.objects.effective()
            .filter(member_id__in=members, type__in=rules.DISCIPLINE_TYPES, on__year=campaign.year)
            .exists()
        ):
            raise RuleViolation(
                f"{v.name} có đảng viên bị kỷ luật trong năm {campaign.year} nên không thể xếp loại "
                "«Hoàn thành xuất sắc nhiệm vụ» (Quy định 366-QĐ/TW).",
                field="grade",
                rule="R-071",
            )
    current = {
        r.step: r for r in GradingRecord.objects.current().filter(campaign=campaign, subject=Subject.ORG, org=org)
    }
    reason = nfc(reason).strip()
    if step != Step.DECISION and Step.DECISION in current:
        raise DomainError("Tổ chức đã có quyết định xếp loại; chỉ có thể điều chỉnh bằng quyết định mới.", field="org")
    if step == Step.DECISION:
        if Step.PROPOSAL not in current:
            raise RuleViolation("Chưa có đề xuất xếp loại (bước 2) nên chưa thể quyết định.", field="org", rule="R-073")
        if Step.DECISION in current and not reason:
            raise DomainError("Điều chỉnh kết quả đã quyết định phải nêu lý do.", field="reason")
    previous = current.get(step)
    record = GradingRecord(
        campaign=campaign,
        subject=Subject.ORG,
        step=step,
        org=org,
        framework=framework,
        scores=scores_,
        total=total_,
        grade=grade,
        comment=nfc(comment),
        on=on,
        decision_number=nfc(decision_number),
        supersedes=previous,
        reason=reason if previous else "",
        recorded_by=_user(actor),
    )
    if document:
        record.document = document
    record.save()
    audit_record(
        actor=actor,
        action=f"grading.org_{step}",
        obj=record,
        org_id=org.pk,
        summary=f"{record.get_step_display()} năm {campaign.year} — {v.name}: {GRADE_ABBREV[grade]}",
        before={"grade": previous.grade} if previous else None,
        after={"grade": grade, "total": total_},
    )
    return record


# --- cap exceptions, reminders ---------------------------------------------------------------


@transaction.atomic
def cap_exception_record(
    *,
    actor,
    campaign: GradingCampaign,
    grassroots_org: Organization,
    max_excellent: int,
    decision_number: str,
    reason: str,
    decided_on: date,
) -> CapException:
    """R-072: the competent level allows up to `max_excellent` HTXSNV in a grassroots org."""
    v = selectors.version_on(grassroots_org.pk, rules.year_end(campaign.year))
    if v is None or not selectors.in_subtree(grassroots_org.pk, campaign.root_org_id, rules.year_end(campaign.year)):
        raise DomainError("Tổ chức không thuộc phạm vi của đợt đánh giá này.", field="grassroots_org")
    if not can(actor, "record", v.parent_id or grassroots_org.pk):
        raise DomainError(NO_RIGHT, field="grassroots_org")
    if not nfc(decision_number).strip():
        raise DomainError("Phải nhập số văn bản cho phép vượt tỷ lệ.", field="decision_number")
    if not nfc(reason).strip():
        raise DomainError("Phải nêu lý do.", field="reason")
    if max_excellent is None or int(max_excellent) < 1:
        raise DomainError("Số HTXSNV tối đa phải lớn hơn 0.", field="max_excellent")
    row = CapException.objects.create(
        campaign=campaign,
        grassroots_org=grassroots_org,
        max_excellent=int(max_excellent),
        decision_number=nfc(decision_number).strip(),
        reason=nfc(reason).strip(),
        decided_on=decided_on,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="grading.cap_exception",
        obj=row,
        org_id=grassroots_org.pk,
        summary=f"Cho phép {v.name} có tối đa {max_excellent} đảng viên HTXSNV năm {campaign.year}",
        after={"max_excellent": int(max_excellent), "decision_number": row.decision_number},
    )
    return row


@transaction.atomic
def campaign_remind_late(*, actor, campaign: GradingCampaign, today: date | None = None) -> list[Notification]:
    """Notify every late subordinate organization (once a day per organization)."""
    today = today or timezone.localdate()
    if not can(actor, "record", campaign.root_org_id):
        raise DomainError(NO_RIGHT, field="campaign")
    created = []
    for row in selectors.campaign_progress(campaign=campaign, today=today):
        if row.status != selectors.LATE:
            continue
        note = notify(
            kind="grading.late",
            key=f"grading.late:{campaign.pk}:{today.isoformat()}",  # once a day per organization
            org_id=row.org_id,
            target=campaign,
            actor=actor,
            message=f"{row.name}: đã quá hạn hoàn thành đánh giá, xếp loại năm {campaign.year} "
            f"({_fmt(campaign.deadline)}); đã quyết định {row.decided}/{row.members} đảng viên.",
        )
        if note is not None:
            created.append(note)
    audit_record(
        actor=actor,
        action="grading.reminders_sent",
        obj=campaign,
        org_id=campaign.root_org_id,
        summary=f"Nhắc {len(created)} tổ chức chậm đánh giá, xếp loại năm {campaign.year}",
        after={"orgs": [n.org_id for n in created]},
    )
    return created
