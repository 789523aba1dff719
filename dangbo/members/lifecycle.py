"""Replay of a member's lifecycle events: validation by the rules, and the derived timeline.

`replay(events, profile)` is a pure function. It walks the effective events in date order,
refuses the first one that breaks a rule (RuleViolation with a Vietnamese message and the rule
id), and returns the member's state today and the dated spans. The services call it with the
new event added before anything is written, so an event that breaks a rule writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Protocol

from dangbo.core.dates import add_months, add_working_days, whole_months_between
from dangbo.core.errors import RuleViolation
from dangbo.core.reference import items
from dangbo.core.rules import param
from dangbo.members.models import ACTIVE_STATUSES
from dangbo.members.models import EventType as E
from dangbo.members.models import Status as S


class EventLike(Protocol):
    id: int | None
    type: str
    on: date
    org_id: int | None
    counterpart_org_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Profile:
    birth_date: date | None
    birth_year: int
    general_education: str = ""


@dataclass(frozen=True)
class Facts:
    """What the spans carry besides dates (the projected state)."""

    status: str | None = None
    org_id: int | None = None
    exempt: bool = False
    temp_org_id: int | None = None
    in_transfer: bool = False


@dataclass(frozen=True)
class Span:
    facts: Facts
    valid_from: date
    valid_to: date | None


@dataclass
class Timeline:
    state: Facts
    spans: list[Span]
    admitted_on: date | None = None  # first admission decision: starts seniority
    ceremony_on: date | None = None  # latest ceremony: starts probation
    full_on: date | None = None  # ceremony + 12 months
    gaps: list[tuple[date, date | None]] = field(default_factory=list)
    badges: list[int] = field(default_factory=list)
    transfer_out_on: date | None = None
    readmissions: int = 0

    def status_on(self, at: date) -> str | None:
        for span in self.spans:
            if span.valid_from <= at and (span.valid_to is None or span.valid_to >= at):
                return span.facts.status
        return None

    def seniority_months(self, at: date) -> int:
        """Party seniority (tuổi đảng) in whole months on `at` (R-027, R-028)."""
        if self.admitted_on is None or at < self.admitted_on:
            return 0
        total = whole_months_between(self.admitted_on, at)
        for start, end in self.gaps:
            if start > at:
                continue
            stop = min(end, at) if end else at
            total -= whole_months_between(start, stop)
        return max(total, 0)

    def probation_end(self) -> date | None:
        return add_months(self.ceremony_on, param("probation_months", self.ceremony_on)) if self.ceremony_on else None


# Exits that stop party seniority (a transfer out of the system does not: the member stays a member).
OUT_OF_PARTY = (S.NAME_REMOVED, S.EXPELLED, S.LEFT, S.DECEASED)


def age_in_months(profile: Profile, on: date) -> int:
    # Old records that know only the year: count from 1 July of that year (mid-year).
    born = profile.birth_date or date(profile.birth_year, 7, 1)
    return whole_months_between(born, on)


def _education_rank(code: str) -> int | None:
    for item in items("education_levels"):
        if item.code == code and item.row.get("dimension") == "general":
            return int(item.row["rank"])
    return None


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


class _Replayer:
    def __init__(self, profile: Profile):
        self.profile = profile
        self.facts = Facts()
        self.t = Timeline(state=Facts(), spans=[])
        self.changes: list[tuple[date, int, dict[str, Any]]] = []
        self.pending_decision_on: date | None = None
        self.status_before_expulsion: str | None = None
        self.exit_on: date | None = None
        self.lost_since: date | None = None
        self.seq = 0

    # -- helpers ---------------------------------------------------------------------------
    def change(self, on: date, **fields: Any) -> None:
        self.seq += 1
        self.changes.append((on, self.seq, fields))
        self.facts = replace(self.facts, **fields)

    def need(self, ok: bool, message: str, rule: str | None = None, field_name: str | None = None) -> None:
        if not ok:
            raise RuleViolation(message, rule=rule, field=field_name)

    def need_active(self, ev: EventLike) -> None:
        self.need(
            self.facts.status in ACTIVE_STATUSES,
            f"Ngày {_fmt(ev.on)} người này không phải là đảng viên đang sinh hoạt, không thể ghi «{E(ev.type).label}».",
            field_name="on",
        )

    def check_admission_age(self, ev: EventLike) -> None:
        resolution = ev.payload.get("cell_resolution_date")
        on = date.fromisoformat(resolution) if resolution else ev.on
        months = age_in_months(self.profile, on)
        low, high = param("admission_min_age_months", on), param("admission_max_age_months", on)
        self.need(
            months >= low,
            f"Chưa đủ {low // 12} tuổi (tính đủ tháng) vào ngày chi bộ xét kết nạp {_fmt(on)}: "
            f"mới {months // 12} tuổi {months % 12} tháng.",
            "R-050",
            "birth_date",
        )
        if months > high:
            self.need(
                bool(ev.payload.get("over_age_approved")),
                f"Người trên {high // 12} tuổi (vào ngày {_fmt(on)}) chỉ được kết nạp khi cấp ủy "
                "trực thuộc Trung ương đồng ý; hãy ghi rõ văn bản đồng ý.",
                "R-050",
                "over_age_approved",
            )
        rank = _education_rank(self.profile.general_education)
        minimum = param("admission_min_education_rank", on)
        if rank is not None and rank < minimum and not ev.payload.get("education_exception"):
            raise RuleViolation(
                "Người vào Đảng phải tốt nghiệp trung học cơ sở trở lên (trừ trường hợp đặc biệt "
                "theo hướng dẫn của Ban Bí thư).",
                rule="R-051",
                field="general_education",
            )

    # -- the events ------------------------------------------------------------------------
    def apply(self, ev: EventLike) -> None:
        handler = getattr(self, f"on_{ev.type}", None)
        if handler is None:
            raise RuleViolation(f"Loại sự kiện không hợp lệ: {ev.type}", field="type")
        handler(ev)

    def on_admission_decision(self, ev: EventLike) -> None:
        self.need(
            self.facts.status is None,
            "Người này đã có quá trình đảng viên; trường hợp vào Đảng lần nữa phải ghi «Kết nạp lại».",
            field_name="type",
        )
        self.need(ev.org_id is not None, "Phải chọn chi bộ kết nạp.", field_name="org")
        self.check_admission_age(ev)
        self.pending_decision_on = ev.on
        if self.t.admitted_on is None:
            self.t.admitted_on = ev.on
        self.change(ev.on, status=S.PENDING, org_id=ev.org_id)

    def on_readmission(self, ev: EventLike) -> None:
        self.need(
            self.facts.status in (S.NAME_REMOVED, S.LEFT, S.EXPELLED),
            "Chỉ kết nạp lại người đã bị xóa tên, đã xin ra khỏi Đảng hoặc đã bị khai trừ.",
            "R-041",
            "type",
        )
        max_times = param("readmission_max_times", ev.on)
        self.need(self.t.readmissions < max_times, "Chỉ được kết nạp lại một lần.", "R-041", "type")
        wait = param("readmission_wait_months", ev.on)
        earliest = add_months(self.exit_on, wait)
        self.need(
            ev.on >= earliest,
            f"Kết nạp lại phải sau khi ra khỏi Đảng ít nhất {wait} tháng "
            f"(ra khỏi Đảng ngày {_fmt(self.exit_on)}, sớm nhất ngày {_fmt(earliest)}).",
            "R-041",
            "on",
        )
        self.need(ev.org_id is not None, "Phải chọn chi bộ kết nạp lại.", field_name="org")
        self.check_admission_age(ev)
        self.t.readmissions += 1
        self.t.gaps.append((self.exit_on, ev.on))
        self.pending_decision_on = ev.on
        self.change(ev.on, status=S.PENDING, org_id=ev.org_id, exempt=False, temp_org_id=None)

    def on_admission_ceremony(self, ev: EventLike) -> None:
        self.need(
            self.facts.status == S.PENDING,
            "Chỉ tổ chức lễ kết nạp sau khi có quyết định kết nạp.",
            field_name="type",
        )
        decided = self.pending_decision_on
        self.need(ev.on >= decided, "Ngày lễ kết nạp không được trước ngày quyết định kết nạp.", "R-055", "on")
        days = param("ceremony_within_working_days", decided)
        deadline = add_working_days(decided, days)
        if ev.on > deadline:
            self.need(
                bool(ev.payload.get("late_ceremony_approved")),
                f"Lễ kết nạp phải tổ chức trong {days} ngày làm việc kể từ ngày quyết định "
                f"(hạn {_fmt(deadline)}); tổ chức muộn hơn phải có ý kiến đồng ý của cấp ủy cấp trên.",
                "R-055",
                "on",
            )
        self.t.ceremony_on = ev.on
        self.t.full_on = None
        self.change(ev.on, status=S.PROBATIONARY)

    def on_full_recognition(self, ev: EventLike) -> None:
        self.need(
            self.facts.status == S.PROBATIONARY,
            "Chỉ công nhận chính thức cho đảng viên dự bị.",
            "R-023",
            "type",
        )
        self.need(
            self.t.ceremony_on is not None,
            "Chưa có ngày lễ kết nạp nên chưa tính được ngày hết dự bị; hãy bổ sung ngày lễ kết nạp.",
            "R-021",
            "type",
        )
        end = self.t.probation_end()
        self.need(
            ev.on >= end,
            f"Chưa hết 12 tháng dự bị (lễ kết nạp {_fmt(self.t.ceremony_on)}, hết dự bị ngày {_fmt(end)}).",
            "R-021",
            "on",
        )
        # full membership counts from the end of probation, not from the decision date.
        self.t.full_on = end
        self.seq += 1
        self.changes.append((end, self.seq, {"status": S.FULL}))
        self.facts = replace(self.facts, status=S.FULL)

    def on_probation_name_removal(self, ev: EventLike) -> None:
        self.need(self.facts.status == S.PROBATIONARY, "Chỉ xóa tên đảng viên dự bị bằng sự kiện này.", "R-022", "type")
        self.exit(ev, S.NAME_REMOVED)

    def exit(self, ev: EventLike, status: str) -> None:
        self.exit_on = ev.on
        if self.lost_since:
            self.t.gaps.append((self.lost_since, ev.on))
            self.lost_since = None
        self.change(ev.on, status=status, temp_org_id=None, in_transfer=False, exempt=False)

    def on_name_removal(self, ev: EventLike) -> None:
        self.need(
            self.facts.status == S.FULL,
            "Xóa tên đảng viên chính thức; với đảng viên dự bị dùng «Xóa tên đảng viên dự bị».",
            "R-039",
            "type",
        )
        self.exit(ev, S.NAME_REMOVED)

    def on_voluntary_exit(self, ev: EventLike) -> None:
        self.need_active(ev)
        self.exit(ev, S.LEFT)

    def on_discipline_expulsion(self, ev: EventLike) -> None:
        self.need_active(ev)
        self.status_before_expulsion = self.facts.status
        self.exit(ev, S.EXPELLED)

    def on_rights_restoration(self, ev: EventLike) -> None:
        self.need(self.facts.status == S.EXPELLED, "Chỉ khôi phục quyền cho người đã bị khai trừ.", "R-028", "type")
        # wrongly expelled members keep continuous seniority (no gap recorded).
        self.change(ev.on, status=self.status_before_expulsion, org_id=ev.org_id or self.facts.org_id)

    def on_death(self, ev: EventLike) -> None:
        self.need(
            self.facts.status in (*ACTIVE_STATUSES, S.PENDING),
            f"Ngày {_fmt(ev.on)} người này không còn trong danh sách đảng viên.",
            field_name="on",
        )
        self.exit(ev, S.DECEASED)

    def on_official_transfer_out(self, ev: EventLike) -> None:
        self.need_active(ev)
        self.need(not self.facts.in_transfer, "Đảng viên đang trong thời gian chuyển sinh hoạt đi.", field_name="type")
        self.t.transfer_out_on = ev.on
        if ev.counterpart_org_id:
            self.need(
                ev.counterpart_org_id != self.facts.org_id,
                "Nơi đến phải khác nơi đang sinh hoạt.",
                field_name="counterpart_org",
            )
            # Counted at the sending org until the receiving org records receipt (member_statuses.csv).
            self.change(ev.on, in_transfer=True, temp_org_id=None)
        else:
            self.exit_on = ev.on
            self.change(ev.on, status=S.TRANSFERRED_AWAY, in_transfer=False, temp_org_id=None, exempt=False)

    def on_official_transfer_in(self, ev: EventLike) -> None:
        self.need(ev.org_id is not None, "Phải chọn tổ chức tiếp nhận.", field_name="org")
        if self.facts.in_transfer:
            self.need(ev.on >= self.t.transfer_out_on, "Ngày tiếp nhận không được trước ngày chuyển đi.", "R-033", "on")
            self.change(ev.on, org_id=ev.org_id, in_transfer=False)
            return
        self.need(
            self.facts.status in (None, S.TRANSFERRED_AWAY),
            f"Ngày {_fmt(ev.on)} đảng viên đang sinh hoạt tại tổ chức trong hệ thống: ngày tiếp nhận "
            "không được trước ngày chuyển sinh hoạt đi; hãy ghi «Chuyển sinh hoạt đi» trước.",
            "R-033",
            "on",
        )
        status = ev.payload.get("status")
        self.need(
            status in (S.PROBATIONARY, S.FULL),
            "Tiếp nhận đảng viên từ nơi khác phải ghi rõ là đảng viên dự bị hay chính thức.",
            field_name="status",
        )
        for key in ("admitted_on", "ceremony_on", "full_on"):
            if ev.payload.get(key) and getattr(self.t, key) is None:
                setattr(self.t, key, date.fromisoformat(ev.payload[key]))
        self.need(
            self.t.admitted_on is not None,
            "Phải ghi ngày quyết định kết nạp của đảng viên chuyển đến.",
            "R-027",
            "admitted_on",
        )
        self.change(ev.on, status=status, org_id=ev.org_id, in_transfer=False)

    def on_temporary_transfer_out(self, ev: EventLike) -> None:
        self.need_active(ev)
        self.need(self.facts.temp_org_id is None, "Đảng viên đang sinh hoạt tạm thời ở nơi khác.", "R-035", "type")
        self.need(ev.counterpart_org_id is not None, "Phải chọn nơi sinh hoạt tạm thời.", "R-035", "counterpart_org")
        self.need(
            ev.counterpart_org_id != self.facts.org_id,
            "Nơi sinh hoạt tạm thời phải khác nơi sinh hoạt chính thức.",
            "R-035",
            "counterpart_org",
        )
        self.change(ev.on, temp_org_id=ev.counterpart_org_id)

    def on_temporary_transfer_return(self, ev: EventLike) -> None:
        self.need(self.facts.temp_org_id is not None, "Đảng viên không sinh hoạt tạm thời ở nơi khác.", "R-035", "type")
        self.change(ev.on, temp_org_id=None)

    def on_activity_exemption(self, ev: EventLike) -> None:
        self.need_active(ev)
        self.need(not self.facts.exempt, "Đảng viên đã được miễn sinh hoạt.", "R-037", "type")
        self.change(ev.on, exempt=True)

    def on_activity_exemption_end(self, ev: EventLike) -> None:
        self.need(self.facts.exempt, "Đảng viên không trong thời gian miễn sinh hoạt.", "R-037", "type")
        self.change(ev.on, exempt=False)

    def on_lost_contact(self, ev: EventLike) -> None:
        self.need_active(ev)
        self.need(self.lost_since is None, "Đã ghi mất liên lạc trước đó.", "R-027", "type")
        self.lost_since = ev.on

    def on_contact_restored(self, ev: EventLike) -> None:
        self.need(self.lost_since is not None, "Chưa ghi mất liên lạc.", "R-027", "type")
        self.t.gaps.append((self.lost_since, ev.on))
        self.lost_since = None

    def on_org_reassigned(self, ev: EventLike) -> None:
        self.need(
            self.facts.status in (*ACTIVE_STATUSES, S.PENDING),
            "Chỉ chuyển đảng viên đang sinh hoạt.",
            field_name="type",
        )
        self.need(ev.org_id is not None, "Thiếu tổ chức nhận.", field_name="org")
        self.change(ev.on, org_id=ev.org_id)

    def on_badge_awarded(self, ev: EventLike) -> None:
        try:
            years = int(ev.payload.get("years"))
        except (TypeError, ValueError):
            years = None
        milestones = param("badge_milestones", ev.on)
        self.need(years in milestones, f"Mốc huy hiệu không hợp lệ: {years} năm tuổi đảng.", "R-029", "years")
        self.need(years not in self.t.badges, f"Đã tặng Huy hiệu {years} năm tuổi Đảng.", "R-029", "years")
        reason = ev.payload.get("early_reason")
        if reason == "posthumous":
            self.need(
                self.facts.status == S.DECEASED, "Truy tặng chỉ dành cho đảng viên đã từ trần.", "R-030", "early_reason"
            )
            early = param("badge_early_posthumous_months", ev.on)
            at = self.exit_on
        else:
            self.need_active(ev)
            at = ev.on
            early = 0
            if reason == "ill":
                early = param(
                    "badge_early_ill_months_upto_65" if years <= 65 else "badge_early_ill_months_from_70", ev.on
                )
        have = self.t.seniority_months(at)
        self.need(
            have + early >= years * 12,
            f"Chưa đủ {years} năm tuổi Đảng (mới {have // 12} năm {have % 12} tháng).",
            "R-029",
            "years",
        )
        self.t.badges.append(years)

    def _record_only(self, ev: EventLike) -> None:
        self.need_active(ev)

    on_discipline_reprimand = on_discipline_warning = on_discipline_dismissal = _record_only
    on_party_card_issued = on_yearly_grading = _record_only

    def on_profile_update(self, ev: EventLike) -> None:
        # A profile change is a fact about the person, valid whatever the membership state
        # (member_update_profile records it for people not yet admitted too).
        return

    # -- spans -------------------------------------------------------------------------------
    def build_spans(self) -> list[Span]:
        return spans_from_changes(self.changes)


def spans_from_changes(changes: list[tuple[date, int, dict]]) -> list[Span]:
    """Fold dated state changes (day, order within the day, fields) into spans: one span per run
    of equal facts, a change on a span's first day replacing it, no span while there is no status."""
    spans: list[Span] = []
    facts = Facts()
    ordered = sorted(changes, key=lambda c: (c[0], c[1]))
    i = 0
    while i < len(ordered):
        day = ordered[i][0]
        while i < len(ordered) and ordered[i][0] == day:
            facts = replace(facts, **ordered[i][2])
            i += 1
        if spans and spans[-1].valid_to is None:
            if spans[-1].facts == facts:
                continue
            spans[-1] = Span(spans[-1].facts, spans[-1].valid_from, day - timedelta(days=1))
        if spans and spans[-1].valid_from == day:
            spans.pop()
        if facts.status is not None:
            spans.append(Span(facts, day, None))
    return spans


def replay(events: list[EventLike], profile: Profile) -> Timeline:
    """Validate and fold the effective events (oldest first); raise RuleViolation on the first bad one."""
    r = _Replayer(profile)
    for ev in sorted(events, key=lambda e: (e.on, e.id if e.id is not None else 10**18)):
        r.apply(ev)
    if r.lost_since:
        r.t.gaps.append((r.lost_since, None))
    elif r.facts.status in OUT_OF_PARTY and r.exit_on is not None:
        # seniority stops while out of the party (a re-admission closes this gap).
        r.t.gaps.append((r.exit_on, None))
    r.t.state = r.facts
    r.t.spans = r.build_spans()
    return r.t


def recognition_due(timeline: Timeline, today: date) -> dict[str, Any] | None:
    """R-022: for a probationary member, when recognition must be proposed and whether it is late."""
    if timeline.state.status != S.PROBATIONARY or timeline.ceremony_on is None:
        return None
    from dangbo.members.deadlines import recognition_alert_from, recognition_deadline

    end = timeline.probation_end()
    deadline = recognition_deadline(timeline.ceremony_on)
    return {
        "probation_end": end,
        "deadline": deadline,
        "alert": today >= recognition_alert_from(timeline.ceremony_on),
        "overdue": today > deadline,
    }
