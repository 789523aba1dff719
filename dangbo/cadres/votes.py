"""Confidence votes (lấy phiếu tín nhiệm): campaigns, their units, ballots and the derived bands.

- R-090: three levels (tín nhiệm cao / tín nhiệm / tín nhiệm thấp); the session is valid only if
  at least 2/3 of those summoned attend.
- R-091: on the valid ballots, more than 1/2 and under 2/3 "tín nhiệm thấp" → removed from
  planning for higher posts and considered for reassignment, resignation or a vote without
  waiting for the term end; 2/3 or more → dismissal without waiting for the term end.
- R-092: coverage "42/46 đơn vị": units done out of the units on the campaign's list, with the
  status and reason of every other unit.
Every threshold is a versioned rule parameter (core.rules, R-000) read on the vote's date.
Writes check the access policy ("record" on the campaign's committee) and are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from dangbo.access import policy
from dangbo.audit.services import audit_read, audit_record
from dangbo.cadres.models import (
    Cadre,
    Title,
    UnitStatus,
    VoteCampaign,
    VoteRegime,
    VoteResult,
    VoterGroup,
    VoteUnit,
)
from dangbo.core.errors import DomainError
from dangbo.core.rules import param
from dangbo.core.text import nfc

policy.scoped_by(VoteCampaign, field="org_id")


# --- the band of one result -----------------------------------------------------

NORMAL, REVIEW, DISMISS, INVALID = "normal", "review", "dismiss", "invalid"
BAND_LABELS = {
    NORMAL: "Không thuộc diện xem xét",
    REVIEW: "Trên 1/2 đến dưới 2/3 phiếu tín nhiệm thấp",
    DISMISS: "Từ 2/3 phiếu tín nhiệm thấp trở lên",
    INVALID: "Không hợp lệ: dưới 2/3 số người được triệu tập có mặt",
}
CONSEQUENCES = {
    NORMAL: "",
    REVIEW: (
        "Đưa ra khỏi quy hoạch chức danh cao hơn; xem xét bố trí công tác khác, cho thôi giữ chức vụ "
        "hoặc lấy phiếu tín nhiệm không chờ hết nhiệm kỳ"
    ),
    DISMISS: "Cấp có thẩm quyền miễn nhiệm, không chờ hết nhiệm kỳ",
    INVALID: "Tổ chức lại việc lấy phiếu",
}


@dataclass(frozen=True)
class Band:
    key: str
    low_percent: float  # share of "tín nhiệm thấp" on the valid ballots, 0–100
    quorum_ok: bool

    @property
    def label(self) -> str:
        return BAND_LABELS[self.key]

    @property
    def consequence(self) -> str:
        return CONSEQUENCES[self.key]


def band_of(*, summoned: int, attended: int, valid: int, low: int, on: date) -> Band:
    """The band of one cadre × title × voter group's ballots (R-090 quorum, R-091 thresholds),
    compared as exact fractions (no rounding: 2 of 3 is "2/3 or more")."""
    qn, qd = param("confidence_vote_quorum", on)
    rn, rd = param("confidence_low_review_above", on)
    dn, dd = param("confidence_low_dismiss_from", on)
    quorum_ok = summoned > 0 and attended * qd >= summoned * qn
    percent = round(100 * low / valid, 1) if valid else 0.0
    if not quorum_ok or valid == 0:
        return Band(INVALID, percent, quorum_ok)
    if low * dd >= valid * dn:
        return Band(DISMISS, percent, True)
    if low * rd > valid * rn:
        return Band(REVIEW, percent, True)
    return Band(NORMAL, percent, True)


def result_band(r: VoteResult) -> Band:
    return band_of(summoned=r.summoned, attended=r.attended, valid=r.valid, low=r.low, on=r.held_on)


WORST = [INVALID, NORMAL, REVIEW, DISMISS]  # a cadre's band over their voter groups: the worst


# --- writes ------------------------------------------------------------------------------------


def campaign_open(*, actor, org_id: int, year: int, name: str, regime: str = VoteRegime.PARTY) -> VoteCampaign:
    policy.require(actor, "record", org_id, message=policy.not_found("cấp ủy"), field="org_id")
    if regime not in VoteRegime.values:
        raise DomainError("Chế độ lấy phiếu không hợp lệ", field="regime")
    if not 2000 <= year <= policy.today().year + 1:
        raise DomainError("Năm không hợp lệ", field="year")
    name = nfc(name or "").strip()
    if not name:
        raise DomainError("Tên đợt không được để trống", field="name")
    with transaction.atomic():
        campaign = VoteCampaign.objects.create(org_id=org_id, name=name, regime=regime, year=year)
        audit_record(
            actor=actor,
            action="vote_campaign.open",
            obj=campaign,
            org_id=org_id,
            summary=f"Mở đợt lấy phiếu tín nhiệm «{name}» năm {year}",
        )
    return campaign


def unit_set(
    *,
    actor,
    campaign: VoteCampaign,
    name: str,
    status: str = UnitStatus.PENDING,
    org_id: int | None = None,
    held_on: date | None = None,
    reason: str = "",
    decision: str = "",
) -> VoteUnit:
    """Add a unit to the campaign's list or change its status. Done needs the date; postponed
    needs the decision; not subject needs the reason."""
    policy.require(actor, "record", campaign.org_id, message=policy.not_found("đợt lấy phiếu"), field="campaign")
    name, reason, decision = nfc(name or "").strip(), nfc(reason or "").strip(), nfc(decision or "").strip()
    if not name:
        raise DomainError("Tên đơn vị không được để trống", field="name")
    if status not in UnitStatus.values:
        raise DomainError("Tình trạng không hợp lệ", field="status")
    if status == UnitStatus.DONE and held_on is None:
        raise DomainError("Đơn vị đã lấy phiếu phải có ngày lấy phiếu", field="held_on")
    if status == UnitStatus.POSTPONED and not decision:
        raise DomainError("Lùi thời gian lấy phiếu phải có quyết định", field="decision")
    if status == UnitStatus.NOT_SUBJECT and not reason:
        raise DomainError("Phải ghi lý do không thuộc diện lấy phiếu", field="reason")
    with transaction.atomic():
        unit, created = VoteUnit.objects.get_or_create(campaign=campaign, name=name, defaults={"org_id": org_id})
        before = unit.status
        unit.status, unit.held_on, unit.reason, unit.decision = status, held_on, reason, decision
        if org_id is not None:
            unit.org_id = org_id
        unit.save()
        audit_record(
            actor=actor,
            action="vote_unit.set",
            obj=unit,
            org_id=campaign.org_id,
            before=None if created else {"status": before},
            after={"status": status},
            summary=f"{campaign.name}: {name} — {unit.get_status_display()}",
        )
    return unit


@dataclass
class BallotInput:
    cadre_id: int
    title_id: int
    voter_group: str
    summoned: int
    attended: int
    valid: int
    high: int
    medium: int
    low: int
    held_on: date


def result_record(*, actor, unit: VoteUnit, data: BallotInput) -> VoteResult:
    """Record one cadre × title × voter group's ballots (R-090): the three levels add up to the
    valid ballots, which are no more than those attending, no more than those summoned."""
    campaign = unit.campaign
    policy.require(actor, "record", campaign.org_id, message=policy.not_found("đợt lấy phiếu"), field="campaign")
    if not policy.for_user(Cadre, actor).filter(pk=data.cadre_id).exists():
        raise DomainError(policy.not_found("cán bộ"), field="cadre_id")
    title = policy.for_user(Title, actor).filter(pk=data.title_id).first()
    if title is None:
        raise DomainError(policy.not_found("chức danh"), field="title_id")
    if not title.confidence_vote_applies:
        raise DomainError(f"Chức danh «{title.name}» không thuộc diện lấy phiếu tín nhiệm", field="title_id")
    if data.voter_group not in VoterGroup.values:
        raise DomainError("Thành phần lấy phiếu không hợp lệ", field="voter_group")
    if min(data.summoned, data.attended, data.valid, data.high, data.medium, data.low) < 0:
        raise DomainError("Số phiếu không được âm", field="summoned")
    if data.attended > data.summoned:
        raise DomainError("Số có mặt không được lớn hơn số được triệu tập", field="attended")
    if data.valid > data.attended:
        raise DomainError("Số phiếu hợp lệ không được lớn hơn số có mặt", field="valid")
    if data.high + data.medium + data.low != data.valid:
        raise DomainError(
            f"Tín nhiệm cao + tín nhiệm + tín nhiệm thấp ({data.high + data.medium + data.low}) "
            f"phải bằng số phiếu hợp lệ ({data.valid})",
            field="valid",
        )
    try:
        with transaction.atomic():
            result = VoteResult.objects.create(
                unit=unit,
                cadre_id=data.cadre_id,
                title=title,
                voter_group=data.voter_group,
                summoned=data.summoned,
                attended=data.attended,
                valid=data.valid,
                high=data.high,
                medium=data.medium,
                low=data.low,
                held_on=data.held_on,
            )
            band = result_band(result)
            audit_record(
                actor=actor,
                action="vote_result.record",
                obj=result,
                org_id=campaign.org_id,
                summary=f"{campaign.name}, {unit.name}: kết quả lấy phiếu chức danh «{title.name}» "
                f"({result.get_voter_group_display()}) — {band.label}",
            )
    except IntegrityError:
        raise DomainError("Đã có kết quả của thành phần này cho cán bộ và chức danh này", field="voter_group") from None
    return result


# --- reads -------------------------------------------------------------------------------------


@dataclass
class Coverage:
    done: int
    total: int
    rest: list[VoteUnit]

    def vn(self) -> str:
        """Report wording (seed 000): "42/46 đơn vị"."""
        return f"{self.done:02d}/{self.total:02d} đơn vị"


def coverage(units: list[VoteUnit]) -> Coverage:
    """R-092: units done out of the units on the list; the others with their status and reason."""
    done = [u for u in units if u.status == UnitStatus.DONE]
    return Coverage(done=len(done), total=len(units), rest=[u for u in units if u.status != UnitStatus.DONE])


@dataclass
class CadreBand:
    cadre: Cadre
    title: Title
    unit: VoteUnit
    results: list[tuple[VoteResult, Band]]
    band: Band


@dataclass
class CampaignView:
    campaign: VoteCampaign
    units: list[VoteUnit]
    coverage: Coverage
    cadres: list[CadreBand]


def campaign_list(*, actor) -> QuerySet:
    return policy.for_user(VoteCampaign, actor).order_by("-year", "id")


def campaign_read(*, actor, pk, via: str = "page") -> CampaignView:
    """A campaign with its units, coverage and, per cadre × title, the results of every voter
    group with the derived band (the worst of the groups) and consequence; 404 outside scope.
    Audited: the ballots of named cadres are personal."""
    campaign = policy.get_in_scope_or_404(VoteCampaign, actor, pk)
    units = list(campaign.units.order_by("name", "id"))
    by_key: dict[tuple, list] = {}
    for r in (
        VoteResult.objects.filter(unit__campaign=campaign)
        .select_related("cadre", "title", "unit")
        .order_by("unit__name", "cadre__full_name", "title_id", "voter_group")
    ):
        by_key.setdefault((r.unit_id, r.cadre_id, r.title_id), []).append((r, result_band(r)))
    cadres = []
    for results in by_key.values():
        r0 = results[0][0]
        worst = max((b for _, b in results), key=lambda b: (WORST.index(b.key), b.low_percent))
        cadres.append(CadreBand(cadre=r0.cadre, title=r0.title, unit=r0.unit, results=results, band=worst))
    audit_read(
        actor=actor,
        obj=campaign,
        org_id=campaign.org_id,
        what="vote_campaign",
        summary=f"Xem kết quả lấy phiếu tín nhiệm «{campaign.name}»" + (" (API)" if via == "api" else ""),
    )
    return CampaignView(campaign=campaign, units=units, coverage=coverage(units), cadres=cadres)


def pending_units(*, actor, today: date) -> QuerySet:
    """Units of the campaigns in scope (this year or earlier) not done yet: not held, neither
    postponed by a decision nor exempted (the worklist item)."""
    campaigns = policy.for_user(VoteCampaign, actor).filter(year__lte=today.year).values("pk")
    return VoteUnit.objects.filter(campaign_id__in=campaigns, status=UnitStatus.PENDING)
