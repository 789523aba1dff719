"""The member's side of the record (issue 20, R-161: the right to access and correct one's data).

A member reads their own record as the registry holds it and asks for a correction of one
field; the officer of the member's organization ("record" right) accepts it — the registry then
changes the profile by a `profile_update` event (members.services.member_update_profile), linked to
the request — or refuses it with a reason. Nothing is overwritten without an event; every write is
audited in its transaction. Bad input raises DomainError naming the field, and writes nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc
from dangbo.meetings.models import CorrectionRequest, CorrectionStatus
from dangbo.members.models import EventType, Member, MemberEvent
from dangbo.members.services import ProfileInput, member_update_profile

# The fields a member may ask to correct: field → label. Dates are written dd/mm/yyyy.
FIELDS = {
    "full_name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "hometown": "Quê quán",
    "citizen_id": "Số CCCD",
    "occupation": "Nghề nghiệp",
    "phone": "Điện thoại",
    "professional_education": "Chuyên môn nghiệp vụ",
}


@policy.scoped(CorrectionRequest)
def _corrections_for(qs: QuerySet, user, action: str) -> QuerySet:
    """The requests about members in scope (a member: their own)."""
    return qs.filter(member_id__in=policy.for_user(Member, user, action).values("pk"))


def _shown(member: Member, field: str) -> str:
    value = getattr(member, field)
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return value or ""


def _parse_date(raw: str) -> date:
    try:
        day, month, year = (int(x) for x in raw.split("/"))
        return date(year, month, day)
    except ValueError:
        raise DomainError("Ngày sinh phải viết theo dạng dd/mm/yyyy.", field="requested_value") from None


def correction_request(*, actor, field: str, requested_value: str, reason: str = "") -> CorrectionRequest:
    """The signed-in member asks to correct `field` of their own record."""
    own = sorted(policy.own_member_ids(actor)) if getattr(actor, "is_authenticated", False) else []
    if not own:
        raise DomainError(policy.NOT_FOUND, field="member")
    member = Member.objects.get(pk=own[0])
    if field not in FIELDS:
        raise DomainError("Chọn thông tin cần đính chính.", field="field")
    value = nfc(requested_value or "").strip()
    if not value:
        raise DomainError(f"Ghi «{FIELDS[field]}» đúng là gì.", field="requested_value")
    if field == "birth_date":
        value = f"{_parse_date(value):%d/%m/%Y}"
    current = _shown(member, field)
    if value == current:
        raise DomainError(f"«{FIELDS[field]}» trong hồ sơ đã là «{value}».", field="requested_value")
    if CorrectionRequest.objects.filter(member=member, field=field, status=CorrectionStatus.PENDING).exists():
        raise DomainError(f"Đã có một yêu cầu đính chính «{FIELDS[field]}» đang chờ xử lý.", field="field")
    with transaction.atomic():
        req = CorrectionRequest.objects.create(
            member=member,
            field=field,
            current_value=current[:255],
            requested_value=value[:255],
            reason=nfc(reason or "").strip()[:500],
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action="member.correction_requested",
            obj=req,
            org_id=member.current_org_id,
            subject_member_id=member.pk,
            summary=f"Đề nghị đính chính {FIELDS[field].lower()}",
            after={"field": field, "requested": value},
        )
    return req


def _profile_of(member: Member) -> ProfileInput:
    return ProfileInput(
        full_name=member.full_name,
        birth_year=member.birth_year,
        sex=member.sex,
        birth_date=member.birth_date,
        ethnicity=member.ethnicity,
        religion=member.religion,
        hometown=member.hometown,
        citizen_id=member.citizen_id,
        party_card_number=member.party_card_number,
        general_education=member.general_education,
        professional_education=member.professional_education,
        theory_level=member.theory_level,
        occupation=member.occupation,
        phone=member.phone,
    )


def _pending(actor, request_id: int) -> CorrectionRequest:
    req = policy.for_user(CorrectionRequest, actor, "record").select_related("member").filter(pk=request_id).first()
    if req is None:
        raise DomainError(policy.NOT_FOUND, field="request")
    if req.status != CorrectionStatus.PENDING:
        raise DomainError("Yêu cầu này đã được xử lý.", field="request")
    return req


def correction_accept(*, actor, request_id: int) -> CorrectionRequest:
    """Accept: the registry records the corrected value by a profile update event."""
    req = _pending(actor, request_id)
    member = req.member
    profile = _profile_of(member)
    value: object = req.requested_value
    if req.field == "birth_date":
        value = _parse_date(req.requested_value)
    elif req.field == "citizen_id":
        value = req.requested_value or None
    data = asdict(profile) | {req.field: value}
    with transaction.atomic():
        member_update_profile(
            actor=actor,
            member=member,
            profile=ProfileInput(**data),
            on=policy.today(),
            note=f"Đính chính theo yêu cầu của đảng viên (yêu cầu số {req.pk})",
        )
        event = MemberEvent.objects.filter(member=member, type=EventType.PROFILE_UPDATE).order_by("-id").first()
        req.status, req.decided_by, req.decided_at, req.event = (
            CorrectionStatus.ACCEPTED,
            actor,
            timezone.now(),
            event,
        )
        req.save(update_fields=["status", "decided_by", "decided_at", "event"])
        audit_record(
            actor=actor,
            action="member.correction_accepted",
            obj=req,
            org_id=member.current_org_id,
            subject_member_id=member.pk,
            summary=f"Chấp nhận đính chính {FIELDS[req.field].lower()}",
            before={"value": req.current_value},
            after={"value": req.requested_value},
        )
    return req


def correction_refuse(*, actor, request_id: int, reason: str) -> CorrectionRequest:
    """Refuse with a reason the member reads."""
    req = _pending(actor, request_id)
    reason = nfc(reason or "").strip()
    if not reason:
        raise DomainError("Ghi lý do từ chối.", field="refusal_reason")
    with transaction.atomic():
        req.status, req.decided_by, req.decided_at, req.refusal_reason = (
            CorrectionStatus.REFUSED,
            actor,
            timezone.now(),
            reason[:500],
        )
        req.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
        audit_record(
            actor=actor,
            action="member.correction_refused",
            obj=req,
            org_id=req.member.current_org_id,
            subject_member_id=req.member_id,
            summary=f"Từ chối đính chính: {reason[:200]}",
        )
    return req


def my_record(*, actor) -> Member | None:
    own = sorted(policy.own_member_ids(actor)) if getattr(actor, "is_authenticated", False) else []
    return Member.objects.filter(pk=own[0]).first() if own else None


def record_rows(member: Member) -> list[tuple[str, str]]:
    """The member's record as the registry holds it, for their own page."""
    rows = [(label, _shown(member, f)) for f, label in FIELDS.items()]
    rows += [
        ("Giới tính", member.get_sex_display()),
        ("Số thẻ đảng viên", member.party_card_number or ""),
        ("Ngày vào Đảng", f"{member.admitted_on:%d/%m/%Y}" if member.admitted_on else ""),
        ("Ngày chính thức", f"{member.full_on:%d/%m/%Y}" if member.full_on else ""),
    ]
    return rows


def pending_list(*, actor) -> QuerySet:
    return (
        policy.for_user(CorrectionRequest, actor, "record")
        .filter(status=CorrectionStatus.PENDING)
        .select_related("member")
        .order_by("requested_at", "id")
    )
