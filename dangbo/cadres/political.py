"""Political-standard cases (kết luận tiêu chuẩn chính trị, R-097): reads, the figure and the write.

The most sensitive records of the product. Only the internal-political-protection role
(access.models.Role.POLITICAL_PROTECTION: "view_political", "record_political") sees them, in the
concluding committee's subtree; every other user, an administrator and a province officer
included, gets "not found" (404) on every page and API route, exactly as for a record that does
not exist. Every read (list, record, figure) is audited, and so is every refused attempt, with
summaries that never name the person (the audit log is read by administrators).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.http import Http404

from dangbo.access import policy
from dangbo.audit.services import audit_read, audit_record
from dangbo.cadres.models import Cadre, PoliticalCase, PoliticalConclusion, PoliticalPurpose
from dangbo.core.errors import DomainError
from dangbo.core.text import nfc, nfc_multiline
from dangbo.orgs.selectors import org_subtree_on

VIEW = "view_political"
RECORD = "record_political"


def _political_action(action: str) -> str:
    """Whatever action is asked, a political case needs the political-protection actions: "view"
    means "view_political", anything else "record_political"."""
    return VIEW if action in ("view", "view_personal", VIEW) else RECORD


policy.scoped_by(PoliticalCase, field="org_id", as_action=_political_action)


def may_view(actor) -> bool:
    return policy.can(actor, VIEW)


def _denied(actor, what: str) -> Http404:
    """Audit a refused attempt (the role is missing or the case is outside the scope) and return
    the 404 to raise: the answer is the same as for a case that does not exist."""
    if getattr(actor, "is_authenticated", False) or policy.is_system(actor):
        audit_read(
            actor=actor,
            obj=None,
            org_id=None,
            what="political_case_denied",
            summary=f"Truy cập kết luận tiêu chuẩn chính trị bị từ chối ({what})",
        )
    return Http404(policy.NOT_FOUND)


def require_view(actor, what: str) -> None:
    if not may_view(actor):
        raise _denied(actor, what)


def political_cases(
    *, actor, purpose: str = "", start: date | None = None, end: date | None = None, via: str = "page"
) -> list[PoliticalCase]:
    """The cases the actor may see (404 without the role), newest first; the read is audited."""
    require_view(actor, "danh sách")
    qs = policy.for_user(PoliticalCase, actor).select_related("org", "cadre")
    if purpose:
        qs = qs.filter(purpose=purpose)
    if start:
        qs = qs.filter(concluded_on__gte=start)
    if end:
        qs = qs.filter(concluded_on__lte=end)
    rows = list(qs.order_by("-concluded_on", "-id")[:500])
    audit_read(
        actor=actor,
        obj=None,
        org_id=None,
        what="political_case_list",
        summary=f"Xem danh sách kết luận tiêu chuẩn chính trị ({len(rows)} hồ sơ)" + (" (API)" if via == "api" else ""),
    )
    return rows


def political_case_read(*, actor, pk, via: str = "page") -> PoliticalCase:
    """One case (404 without the role or outside the scope); the read is audited."""
    require_view(actor, "hồ sơ")
    case = (
        policy.for_user(PoliticalCase, actor).select_related("org", "cadre").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if case is None:
        raise _denied(actor, "hồ sơ ngoài phạm vi")
    audit_read(
        actor=actor,
        obj=case,
        org_id=case.org_id,
        what="political_case",
        summary=f"Xem kết luận tiêu chuẩn chính trị số {case.pk}" + (" (API)" if via == "api" else ""),
    )
    return case


@dataclass
class PurposeFigure:
    total: int
    by_purpose: dict[str, int]
    meets: int
    not_meets: int
    case_ids: list[int]

    def vn(self) -> str:
        """Report wording: "117" (two digits at least, as the reports write counts)."""
        return f"{self.total:02d}"


def political_figure(*, actor, org_id: int, start: date, end: date) -> PurposeFigure:
    """Conclusions made over [start, end] (inclusive) by the committees of the organization's
    subtree (as of `end`), by purpose (R-097; seed 000: "117"). 404 without the role; audited."""
    require_view(actor, "số liệu")
    if not policy.can(actor, VIEW, org_id):
        raise _denied(actor, "số liệu ngoài phạm vi")
    org_ids = org_subtree_on(actor=actor, org_id=org_id, at=end).values("org_id")
    rows = list(
        policy.for_user(PoliticalCase, actor)
        .filter(org_id__in=org_ids, concluded_on__gte=start, concluded_on__lte=end)
        .values_list("pk", "purpose", "conclusion")
    )
    by = Counter(p for _, p, _ in rows)
    audit_read(
        actor=actor,
        obj=None,
        org_id=org_id,
        what="political_case_figure",
        summary=f"Xem số liệu kết luận tiêu chuẩn chính trị {start:%d/%m/%Y}–{end:%d/%m/%Y}",
    )
    return PurposeFigure(
        total=len(rows),
        by_purpose={p: by.get(p, 0) for p in PoliticalPurpose.values},
        meets=sum(1 for *_, c in rows if c == PoliticalConclusion.MEETS),
        not_meets=sum(1 for *_, c in rows if c == PoliticalConclusion.NOT_MEETS),
        case_ids=[pk for pk, *_ in rows],
    )


@dataclass
class PoliticalCaseInput:
    org_id: int
    purpose: str
    conclusion: str
    concluding_body: str
    concluded_on: date
    cadre_id: int | None = None
    subject_name: str = ""
    subject_birth_date: date | None = None
    relatives_checked: str = ""
    conclusion_text: str = ""


def political_case_record(*, actor, data: PoliticalCaseInput) -> PoliticalCase:
    """Record a conclusion: "record_political" on the concluding committee (without it: 404, as
    a read). The subject is a cadre in scope or a person by name and birth date."""
    if not policy.can(actor, RECORD, data.org_id):
        raise _denied(actor, "ghi kết luận")
    if data.purpose not in PoliticalPurpose.values:
        raise DomainError("Mục đích kết luận không hợp lệ", field="purpose")
    if data.conclusion not in PoliticalConclusion.values:
        raise DomainError("Kết luận phải là đủ hoặc không đủ tiêu chuẩn chính trị", field="conclusion")
    body = nfc(data.concluding_body or "").strip()
    if not body:
        raise DomainError("Cơ quan kết luận không được để trống", field="concluding_body")
    if data.concluded_on > policy.today():
        raise DomainError("Ngày kết luận không được sau ngày hôm nay", field="concluded_on")
    name, birth = nfc(data.subject_name or "").strip(), data.subject_birth_date
    if data.cadre_id is not None:
        cadre = policy.for_user(Cadre, actor).filter(pk=data.cadre_id).first()
        if cadre is None:
            raise DomainError(policy.not_found("cán bộ"), field="cadre_id")
        name, birth = name or cadre.full_name, birth or cadre.birth_date
    if not name:
        raise DomainError("Phải chọn cán bộ hoặc ghi họ và tên người được kết luận", field="subject_name")
    if birth is None:
        raise DomainError("Phải ghi ngày sinh người được kết luận", field="subject_birth_date")
    relatives = "\n".join(
        line.strip() for line in nfc_multiline(data.relatives_checked or "").splitlines() if line.strip()
    )
    with transaction.atomic():
        case = PoliticalCase.objects.create(
            org_id=data.org_id,
            cadre_id=data.cadre_id,
            subject_name=name,
            subject_birth_date=birth,
            purpose=data.purpose,
            relatives_checked=relatives,
            relatives_count=len(relatives.splitlines()) if relatives else 0,
            conclusion=data.conclusion,
            conclusion_text=nfc_multiline(data.conclusion_text or ""),
            concluding_body=body,
            concluded_on=data.concluded_on,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="political_case.record",
            obj=case,
            org_id=case.org_id,
            summary=f"Ghi kết luận tiêu chuẩn chính trị số {case.pk} ({case.get_purpose_display()})",
        )
    return case
