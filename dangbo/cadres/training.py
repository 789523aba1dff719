"""Training (đào tạo, bồi dưỡng) and ranks / salary steps (ngạch, bậc lương) of cadres.

- Courses belong to the committee that sends cadres (`org`: the access scope); an enrolment is a
  cadre sent by a decision, with the result. A passed course confers its level (political theory,
  R-098; state management) from its completion date: `levels_on` gives a cadre's levels as of any
  date, and the cadre's current levels are updated when a completion is recorded.
- Rank and salary-step events are dated, append-only (voided by a correction). A regular step
  raise needs the full interval since the last step (`salary_regular_step_months`, by rank code);
  an early raise may come at most `salary_early_step_max_months` early (versioned parameters).
- Figures (seed 000 §II.3): "108" sent to senior theory courses "(50 tập trung, 58 không tập
  trung)", other courses, "35" step raises "(12 trước thời hạn, 23 thường xuyên)", allowances,
  rank transfers, rank appointments by rank, recruitments and transfers in.
Every write checks the access policy ("record") and is audited in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from dangbo.access import policy
from dangbo.audit.services import audit_record
from dangbo.cadres.eligibility import months_between
from dangbo.cadres.models import (
    RANK_EVENTS,
    STEP_RAISES,
    Cadre,
    CadreProfileChange,
    CourseKind,
    CourseMode,
    EnrolmentResult,
    SalaryEvent,
    SalaryEventType,
    TrainingCourse,
    TrainingEnrolment,
    TrainingNeed,
)
from dangbo.core.errors import DomainError
from dangbo.core.rules import param
from dangbo.core.text import nfc

# Levels a course confers, with their rank (reference/theory_levels.csv, R-098).
THEORY_LEVELS = {
    "so_cap": ("Sơ cấp", 1),
    "trung_cap": ("Trung cấp", 2),
    "cao_cap": ("Cao cấp", 3),
    "cu_nhan": ("Cử nhân", 4),
}
STATE_MANAGEMENT_LEVELS = {
    "chuyen_vien": ("Chuyên viên", 1),
    "chuyen_vien_chinh": ("Chuyên viên chính", 2),
    "chuyen_vien_cao_cap": ("Chuyên viên cao cấp", 3),
}
LEVELS_BY_KIND = {CourseKind.THEORY: THEORY_LEVELS, CourseKind.STATE_MANAGEMENT: STATE_MANAGEMENT_LEVELS}


def _n(n: int) -> str:
    from dangbo.cadres.selectors import vn_count

    return vn_count(n)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@policy.scoped(TrainingCourse)
def _courses_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="org_id", action=action)


@policy.scoped(TrainingEnrolment)
def _enrolments_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="cadre__managing_org_id", action=action)


@policy.scoped(TrainingNeed)
def _needs_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="org_id", action=action)


@policy.scoped(SalaryEvent)
def _salary_for(qs: QuerySet, user, action: str) -> QuerySet:
    return policy.scope_orgs(qs, user, field="cadre__managing_org_id", action=action)


def _rank_of(levels: dict, text: str) -> int:
    text = (text or "").strip().casefold()
    for name, rank in levels.values():
        if name.casefold() in text:
            return rank
    return 0


# --- training: writes ---------------------------------------------------------------------------


def course_create(
    *,
    actor,
    org_id: int,
    name: str,
    kind: str,
    starts_on: date,
    mode: str = CourseMode.FULL_TIME,
    level: str = "",
    institution: str = "",
    ends_on: date | None = None,
) -> TrainingCourse:
    policy.require(actor, "record", org_id, message=policy.not_found("cấp ủy"), field="org_id")
    name = nfc(name or "").strip()
    if not name:
        raise DomainError("Tên lớp không được để trống", field="name")
    if kind not in CourseKind.values:
        raise DomainError("Loại lớp không hợp lệ", field="kind")
    if mode not in CourseMode.values:
        raise DomainError("Hình thức học phải là tập trung hoặc không tập trung", field="mode")
    levels = LEVELS_BY_KIND.get(kind)
    if levels is not None and level not in levels:
        raise DomainError(
            f"Trình độ được cấp phải là một trong: {', '.join(n for n, _ in levels.values())}", field="level"
        )
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("Ngày kết thúc phải sau ngày khai giảng", field="ends_on")
    with transaction.atomic():
        course = TrainingCourse.objects.create(
            org_id=org_id,
            name=name,
            kind=kind,
            level=nfc(level).strip(),
            mode=mode,
            institution=nfc(institution).strip(),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit_record(
            actor=actor,
            action="training_course.create",
            obj=course,
            org_id=org_id,
            summary=f"Mở lớp «{name}» ({course.get_mode_display().lower()}) từ {starts_on:%d/%m/%Y}",
        )
    return course


def enrol(*, actor, course: TrainingCourse, cadre_id: int, sent_on: date, decision: str = "") -> TrainingEnrolment:
    """Send a cadre in scope to a course (one enrolment per cadre and course)."""
    policy.require(actor, "record", course.org_id, message=policy.not_found("lớp"), field="course")
    cadre = policy.for_user(Cadre, actor, "record").filter(pk=cadre_id).first()
    if cadre is None:
        raise DomainError(policy.not_found("cán bộ"), field="cadre_id")
    try:
        with transaction.atomic():
            e = TrainingEnrolment.objects.create(
                course=course, cadre=cadre, sent_on=sent_on, decision=nfc(decision).strip()
            )
            audit_record(
                actor=actor,
                action="training.enrol",
                obj=e,
                org_id=cadre.managing_org_id,
                summary=f"Cử {cadre.full_name} đi học lớp «{course.name}» ngày {sent_on:%d/%m/%Y}",
            )
    except IntegrityError:
        raise DomainError(f"{cadre.full_name} đã được cử đi học lớp này", field="cadre_id") from None
    return e


def enrolment_result(
    *, actor, enrolment: TrainingEnrolment, result: str, completed_on: date | None = None, certificate: str = ""
) -> TrainingEnrolment:
    """Record the result. A passed theory or state-management course raises the cadre's current
    level when it is higher (the level as of any date is read from the enrolments: levels_on)."""
    enrolment = policy.get_in_scope_or_404(
        TrainingEnrolment.objects.select_related("course", "cadre"), actor, enrolment.pk, "record"
    )
    if result not in EnrolmentResult.values or result == EnrolmentResult.STUDYING:
        raise DomainError("Kết quả phải là hoàn thành, không hoàn thành hoặc thôi học", field="result")
    if completed_on is None:
        raise DomainError("Phải có ngày hoàn thành (hoặc ngày thôi học)", field="completed_on")
    if completed_on < enrolment.sent_on:
        raise DomainError("Ngày hoàn thành phải sau ngày cử đi học", field="completed_on")
    if enrolment.result != EnrolmentResult.STUDYING:
        raise DomainError("Kết quả lớp học này đã được ghi", field="result")
    cadre, course = enrolment.cadre, enrolment.course
    with transaction.atomic():
        enrolment.result, enrolment.completed_on, enrolment.certificate = result, completed_on, nfc(certificate)
        enrolment.save(update_fields=["result", "completed_on", "certificate"])
        changed = []
        levels = LEVELS_BY_KIND.get(course.kind)
        if result == EnrolmentResult.PASSED and levels and course.level in levels:
            attr = "theory_level" if course.kind == CourseKind.THEORY else "state_management_level"
            name, rank = levels[course.level]
            if rank > _rank_of(levels, getattr(cadre, attr)):
                enrolment.level_before = getattr(cadre, attr)
                enrolment.save(update_fields=["level_before"])
                setattr(cadre, attr, name)
                cadre.save(update_fields=[attr])
                changed.append(f"{cadre._meta.get_field(attr).verbose_name}: {name}")
        audit_record(
            actor=actor,
            action="training.result",
            obj=enrolment,
            org_id=cadre.managing_org_id,
            summary=f"{cadre.full_name} — lớp «{course.name}»: {enrolment.get_result_display()} "
            f"ngày {completed_on:%d/%m/%Y}" + (f" ({'; '.join(changed)})" if changed else ""),
        )
    return enrolment


# --- training: reads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Levels:
    theory: str
    state_management: str


def levels_on(cadre: Cadre, at: date) -> Levels:
    """The cadre's political-theory and state-management levels as of `at`. The recorded level
    changes by two kinds of dated events: a passed course that raised it (the enrolment keeps the
    level before) and a change of the record (cadre_update, CadreProfileChange); its value on
    `at` is read from both (selectors.value_on). A course passed on or before `at` that confers a
    higher level than the recorded one counts too."""
    from dangbo.cadres.selectors import value_on

    passed = list(
        TrainingEnrolment.objects.filter(
            cadre=cadre, result=EnrolmentResult.PASSED, course__kind__in=list(LEVELS_BY_KIND)
        )
        .order_by("completed_on", "id")
        .values_list("course__kind", "course__level", "completed_on", "level_before")
    )
    edits = list(
        CadreProfileChange.objects.filter(cadre=cadre, field__in=["theory_level", "state_management_level"])
        .order_by("on", "id")
        .values_list("field", "on", "before", "after")
    )
    out = {}
    for kind, attr in ((CourseKind.THEORY, "theory_level"), (CourseKind.STATE_MANAGEMENT, "state_management_level")):
        levels = LEVELS_BY_KIND[kind]
        mine = [(levels[lv], on, before) for k, lv, on, before in passed if k == kind and lv in levels]
        changes = sorted(
            [(on, before, name) for (name, _), on, before in mine if before is not None]
            + [(on, before, after) for f, on, before, after in edits if f == attr],
            key=lambda c: c[0],
        )
        recorded = value_on(changes, at, getattr(cadre, attr))
        best = max(((name, rank) for (name, rank), on, _ in mine if on <= at), key=lambda nr: nr[1], default=None)
        out[attr] = best[0] if best is not None and best[1] >= _rank_of(levels, recorded) else recorded
    return Levels(theory=out["theory_level"], state_management=out["state_management_level"])


@dataclass
class TrainingFigures:
    senior_theory: int = 0
    senior_full_time: int = 0
    senior_part_time: int = 0
    other_courses: int = 0
    other_by_kind: Counter = field(default_factory=Counter)
    cadre_ids: list[int] = field(default_factory=list)

    def vn(self) -> str:
        """Seed 000 wording: "108 (50 tập trung, 58 không tập trung)"."""
        return f"{_n(self.senior_theory)} ({_n(self.senior_full_time)} tập trung, {_n(self.senior_part_time)} không tập trung)"


def training_figures(
    *, actor, org_id: int, start: date, end: date, org_ids: list[int] | None = None
) -> TrainingFigures:
    """Cadres of the subtree sent to courses in [start, end]: to senior political theory (cao
    cấp, cử nhân) by mode, and to every other course by kind. `org_ids`: the subtree already
    read through the access policy (selectors._subtree_ids)."""
    from dangbo.cadres.selectors import _subtree_ids

    if org_ids is None:
        org_ids = _subtree_ids(actor, org_id, end)
    rows = (
        TrainingEnrolment.objects.filter(cadre__managing_org_id__in=org_ids, sent_on__gte=start, sent_on__lte=end)
        .order_by()
        .values_list("cadre_id", "course__kind", "course__level", "course__mode")
    )
    f = TrainingFigures()
    for cadre_id, kind, level, mode in rows:
        f.cadre_ids.append(cadre_id)
        if kind == CourseKind.THEORY and level in ("cao_cap", "cu_nhan"):
            f.senior_theory += 1
            if mode == CourseMode.FULL_TIME:
                f.senior_full_time += 1
            else:
                f.senior_part_time += 1
        else:
            f.other_courses += 1
            f.other_by_kind[kind] += 1
    return f


# --- ranks and salary steps ---------------------------------------------------------------------


@dataclass
class SalaryInput:
    cadre_id: int
    type: str
    on: date
    rank_code: str = ""
    rank_name: str = ""
    step: int | None = None
    coefficient: str | None = None
    allowance: str = ""
    decision: str = ""
    note: str = ""


@dataclass(frozen=True)
class RankStep:
    rank_code: str
    rank_name: str
    step: int | None
    step_since: date | None


def rank_step_on(cadre_id: int, at: date) -> RankStep:
    """Rank and step as of `at` (latest effective events on or before it)."""
    events = list(SalaryEvent.objects.effective().filter(cadre_id=cadre_id, on__lte=at).order_by("on", "id"))
    code = name = ""
    step = since = None
    for e in events:
        if e.type in RANK_EVENTS and (e.rank_code or e.rank_name):
            code, name = e.rank_code or code, e.rank_name or name
        if e.step is not None and (e.type in STEP_RAISES or e.type in RANK_EVENTS):
            step, since = e.step, e.on
    return RankStep(code, name, step, since)


def step_interval_months(rank_code: str, on: date) -> int:
    table = param("salary_regular_step_months", on)
    return table.get(rank_code, table["*"])


def salary_record(*, actor, data: SalaryInput) -> SalaryEvent:
    """Record a rank or salary event. A step raise goes up exactly one step, after the interval
    since the last step (regular) or at most `salary_early_step_max_months` earlier (early)."""
    cadre = policy.for_user(Cadre, actor, "record").filter(pk=data.cadre_id).first()
    if cadre is None:
        raise DomainError(policy.not_found("cán bộ"), field="cadre_id")
    if data.type not in SalaryEventType.values or data.type == SalaryEventType.CORRECTION:
        raise DomainError("Loại không hợp lệ", field="type")
    if data.type in RANK_EVENTS and not (data.rank_code or data.rank_name):
        raise DomainError("Phải ghi ngạch, hạng", field="rank_name")
    if data.type == SalaryEventType.ALLOWANCE and not nfc(data.allowance).strip():
        raise DomainError("Phải ghi loại phụ cấp", field="allowance")
    if data.step is not None and not 1 <= data.step <= 20:
        raise DomainError("Bậc lương phải từ 1 đến 20", field="step")
    if data.type in STEP_RAISES:
        now = rank_step_on(cadre.pk, data.on)
        if now.step is None:
            raise DomainError("Chưa có ngạch, bậc lương trước đó để nâng bậc", field="step")
        if data.step != now.step + 1:
            raise DomainError(f"Nâng bậc thường xuyên hoặc trước thời hạn phải lên bậc {now.step + 1}", field="step")
        interval = step_interval_months(now.rank_code, data.on)
        months = months_between(now.step_since, data.on)
        if data.type == SalaryEventType.STEP_REGULAR and months < interval:
            raise DomainError(
                f"Chưa đủ {interval} tháng giữ bậc {now.step} (mới {months} tháng, từ "
                f"{now.step_since:%d/%m/%Y}) để nâng bậc thường xuyên",
                field="on",
            )
        early = param("salary_early_step_max_months", data.on)
        if data.type == SalaryEventType.STEP_EARLY:
            if months >= interval:
                raise DomainError("Đã đủ thời gian: đây là nâng bậc thường xuyên", field="type")
            if months < interval - early:
                raise DomainError(
                    f"Nâng bậc trước thời hạn tối đa {early} tháng: cần ít nhất {interval - early} "
                    f"tháng giữ bậc {now.step} (mới {months} tháng)",
                    field="on",
                )
    with transaction.atomic():
        e = SalaryEvent.objects.create(
            cadre=cadre,
            type=data.type,
            on=data.on,
            rank_code=nfc(data.rank_code).strip(),
            rank_name=nfc(data.rank_name).strip(),
            step=data.step,
            coefficient=data.coefficient,
            allowance=nfc(data.allowance).strip(),
            decision=nfc(data.decision).strip(),
            note=nfc(data.note),
            recorded_by=_user(actor),
        )
        audit_record(
            actor=actor,
            action=f"salary.{data.type}",
            obj=e,
            org_id=cadre.managing_org_id,
            summary=f"{e.get_type_display()} — {cadre.full_name} từ {data.on:%d/%m/%Y}"
            + (f", bậc {data.step}" if data.step else "")
            + (f", {e.rank_name}" if e.rank_name else ""),
        )
    return e


VOID_REASON_MAX = 500


def salary_void(*, actor, event: SalaryEvent, reason: str) -> SalaryEvent:
    """Void a wrongly recorded rank or salary event: a correction event is appended (the voided
    one stays, struck through, in the history; nothing is edited), with the reason, audited.
    Returns the correction."""
    reason = nfc(reason or "").strip()
    if not reason:
        raise DomainError("Phải ghi lý do hủy", field="reason")
    if len(reason) > VOID_REASON_MAX:
        raise DomainError(f"Lý do hủy dài quá {VOID_REASON_MAX} ký tự", field="reason")
    event = policy.get_in_scope_or_404(SalaryEvent.objects.select_related("cadre"), actor, event.pk, "record")
    with transaction.atomic():
        if event.type == SalaryEventType.CORRECTION or SalaryEvent.objects.filter(corrects=event).exists():
            raise DomainError("Nội dung này đã bị hủy hoặc là một đính chính", field="event")
        c = SalaryEvent.objects.create(
            cadre=event.cadre,
            type=SalaryEventType.CORRECTION,
            on=event.on,
            note=reason,
            corrects=event,
            recorded_by=_user(actor),
        )
        audit_record(
            actor=actor,
            action="salary.void",
            obj=c,
            org_id=event.cadre.managing_org_id,
            summary=f"Hủy «{event.get_type_display()} {event.on:%d/%m/%Y}» của {event.cadre.full_name}: {reason}",
        )
    return c


@dataclass
class SalaryFigures:
    step_raises: int = 0
    early: int = 0
    regular: int = 0
    allowances: int = 0
    rank_transfers: int = 0
    rank_appointments: Counter = field(default_factory=Counter)
    recruitments: int = 0
    transfers_in: int = 0

    def vn(self) -> str:
        """Seed 000 wording: "35 trường hợp (Trước thời hạn (12); thường xuyên (23))"."""
        return (
            f"{_n(self.step_raises)} trường hợp (Trước thời hạn ({_n(self.early)}); thường xuyên ({_n(self.regular)}))"
        )

    def rank_appointments_vn(self) -> str:
        """ "78 trường hợp (Kiểm tra Đảng (08); Chuyên viên chính (50); Chuyên viên (20))"."""
        parts = "; ".join(f"{name} ({_n(n)})" for name, n in self.rank_appointments.most_common())
        return f"{_n(sum(self.rank_appointments.values()))} trường hợp ({parts})"


def salary_figures(*, actor, org_id: int, start: date, end: date, org_ids: list[int] | None = None) -> SalaryFigures:
    from dangbo.cadres.selectors import _subtree_ids

    if org_ids is None:
        org_ids = _subtree_ids(actor, org_id, end)
    rows = (
        SalaryEvent.objects.effective()
        .filter(cadre__managing_org_id__in=org_ids, on__gte=start, on__lte=end)
        .order_by()
        .values_list("type", "rank_name")
    )
    f = SalaryFigures()
    for t, rank in rows:
        if t in STEP_RAISES:
            f.step_raises += 1
            if t == SalaryEventType.STEP_EARLY:
                f.early += 1
            else:
                f.regular += 1
        elif t == SalaryEventType.ALLOWANCE:
            f.allowances += 1
        elif t == SalaryEventType.RANK_TRANSFER:
            f.rank_transfers += 1
        elif t == SalaryEventType.RANK_APPOINTMENT:
            f.rank_appointments[rank] += 1
        elif t == SalaryEventType.RECRUITMENT:
            f.recruitments += 1
        elif t == SalaryEventType.TRANSFER_IN:
            f.transfers_in += 1
    return f


# --- step raises due (nâng bậc lương đến hạn) ----------------------------------------------------


@dataclass(frozen=True)
class RaiseDue:
    """A cadre whose next step raise falls due: `due_on` is the regular raise (the full interval
    since the current step), `early_from` the earliest early raise (at most
    `salary_early_step_max_months` before). `kind` is "regular" when `due_on` is on or before the
    horizon, else "early" (an early raise is possible on the horizon)."""

    cadre_id: int
    full_name: str
    managing_org_id: int
    rank_name: str
    step: int
    step_since: date
    due_on: date
    early_from: date
    kind: str


def raises_due(*, actor, at: date, months: int = 0, org_id: int | None = None) -> list[RaiseDue]:
    """Cadres in scope (of `org_id`'s subtree when given) whose regular step raise is due by
    `at` + `months` months ("regular"), or who may already be raised early by then ("early").
    One read of the scope's effective rank/step events up to the horizon, in order."""
    from dangbo.core.dates import add_months

    horizon = add_months(at, months)
    cadres = policy.for_user(Cadre, actor)
    if org_id is not None:
        from dangbo.cadres.selectors import _subtree_ids

        cadres = cadres.filter(managing_org_id__in=_subtree_ids(actor, org_id, at))
    rows = (
        SalaryEvent.objects.effective()
        .filter(cadre_id__in=cadres.values("pk"), on__lte=horizon)
        .order_by("cadre_id", "on", "id")
        .values_list(
            "cadre_id", "type", "on", "rank_code", "rank_name", "step", "cadre__full_name", "cadre__managing_org_id"
        )
    )
    state: dict[int, list] = {}
    for cadre_id, t, on, code, name, step, full_name, org in rows:
        s = state.setdefault(cadre_id, ["", "", None, None, full_name, org])
        if t in RANK_EVENTS and (code or name):
            s[0], s[1] = code or s[0], name or s[1]
        if step is not None and (t in STEP_RAISES or t in RANK_EVENTS):
            s[2], s[3] = step, on
    table = param("salary_regular_step_months", horizon)
    early = param("salary_early_step_max_months", horizon)
    out = []
    for cadre_id, (code, name, step, since, full_name, org) in state.items():
        if step is None:
            continue
        interval = table.get(code, table["*"])
        due_on = add_months(since, interval)
        early_from = add_months(since, interval - early)
        if due_on <= horizon:
            kind = "regular"
        elif early_from <= horizon:
            kind = "early"
        else:
            continue
        out.append(RaiseDue(cadre_id, full_name, org, name, step, since, due_on, early_from, kind))
    out.sort(key=lambda r: (r.due_on, r.full_name, r.cadre_id))
    return out


def courses(*, actor) -> QuerySet:
    """Courses of committees in the user's scope, newest first, with their enrolment counts."""
    from django.db.models import Count

    return policy.for_user(TrainingCourse, actor).annotate(enrolled=Count("enrolments")).order_by("-starts_on", "-id")


# --- yearly training-needs registration (đăng ký nhu cầu đào tạo, bồi dưỡng) ----------------------

NEED_YEARS = (2000, 2100)
NEED_MAX_COUNT = 10000


def need_register(
    *,
    actor,
    org_id: int,
    year: int,
    kind: str,
    count: int,
    mode: str = CourseMode.FULL_TIME,
    level: str = "",
    note: str = "",
) -> TrainingNeed:
    """Register (or re-register: the number is replaced) how many cadres the unit `org_id` asks to
    send to a kind of course in `year`. A count of 0 withdraws the registration (the row stays at
    0). Needs "record" on the unit; audited with the previous number."""
    policy.require(actor, "record", org_id, message=policy.not_found("đơn vị"), field="org_id")
    if year is None or not NEED_YEARS[0] <= year <= NEED_YEARS[1]:
        raise DomainError(f"Năm phải từ {NEED_YEARS[0]} đến {NEED_YEARS[1]}", field="year")
    if kind not in CourseKind.values:
        raise DomainError("Loại lớp không hợp lệ", field="kind")
    if mode not in CourseMode.values:
        raise DomainError("Hình thức học phải là tập trung hoặc không tập trung", field="mode")
    level = nfc(level or "").strip()
    levels = LEVELS_BY_KIND.get(kind)
    if levels is not None and level not in levels:
        raise DomainError(f"Trình độ phải là một trong: {', '.join(n for n, _ in levels.values())}", field="level")
    if len(level) > TrainingNeed._meta.get_field("level").max_length:
        raise DomainError("Trình độ dài quá 50 ký tự", field="level")
    if count is None or not 0 <= count <= NEED_MAX_COUNT:
        raise DomainError(f"Số người phải từ 0 đến {NEED_MAX_COUNT:,}".replace(",", "."), field="count")
    note = nfc(note or "").strip()
    if len(note) > TrainingNeed._meta.get_field("note").max_length:
        raise DomainError("Ghi chú dài quá 255 ký tự", field="note")
    with transaction.atomic():
        need = (
            TrainingNeed.objects.select_for_update()
            .filter(org_id=org_id, year=year, kind=kind, level=level, mode=mode)
            .first()
        )
        before = None if need is None else need.count
        if need is None:
            need = TrainingNeed(org_id=org_id, year=year, kind=kind, level=level, mode=mode)
        need.count, need.note, need.registered_by = count, note, _user(actor)
        need.save()
        what = f"{need.get_kind_display()}" + (f" {levels[level][0]}" if levels else (f" {level}" if level else ""))
        audit_record(
            actor=actor,
            action="training_need.register",
            obj=need,
            org_id=org_id,
            summary=f"Đăng ký nhu cầu đào tạo năm {year}: {what} ({need.get_mode_display().lower()}) "
            + (f"{_n(count)} người" if before is None else f"{_n(before)} → {_n(count)} người"),
        )
    return need


def need_label(kind: str, level: str) -> str:
    levels = LEVELS_BY_KIND.get(kind)
    name = CourseKind(kind).label
    if levels and level in levels:
        return f"{name} — {levels[level][0]}"
    return f"{name} — {level}" if level else name


@dataclass
class NeedRow:
    kind: str
    level: str
    mode: str
    label: str
    mode_label: str
    registered: int = 0
    sent: int = 0

    @property
    def met_percent(self) -> float | None:
        return None if not self.registered else 100.0 * min(self.sent, self.registered) / self.registered


@dataclass
class NeedFigures:
    year: int
    rows: list[NeedRow] = field(default_factory=list)

    @property
    def registered(self) -> int:
        return sum(r.registered for r in self.rows)

    @property
    def registered_full_time(self) -> int:
        return sum(r.registered for r in self.rows if r.mode == CourseMode.FULL_TIME)

    @property
    def registered_part_time(self) -> int:
        return sum(r.registered for r in self.rows if r.mode == CourseMode.PART_TIME)

    @property
    def met(self) -> int:
        """Sent to a course matching a registered need, up to the number registered."""
        return sum(min(r.sent, r.registered) for r in self.rows)

    @property
    def met_percent(self) -> float | None:
        return None if not self.registered else 100.0 * self.met / self.registered

    def vn(self) -> str:
        """ "Đăng ký 120 (50 tập trung, 70 không tập trung); đã cử 80 (66,7%)"."""
        from dangbo.core.numbers import vn_decimal

        pct = "" if self.met_percent is None else f" ({vn_decimal(self.met_percent, 1)}%)"
        return (
            f"Đăng ký {_n(self.registered)} ({_n(self.registered_full_time)} tập trung, "
            f"{_n(self.registered_part_time)} không tập trung); đã cử {_n(self.met)}{pct}"
        )


def needs_figures(*, actor, org_id: int, year: int, org_ids: list[int] | None = None) -> NeedFigures:
    """The training needs registered for `year` by the units of `org_id`'s subtree (404 outside
    scope), per kind × level × mode, next to the cadres of the subtree sent that year to a course
    of that kind, level and mode (registered vs met)."""
    from dangbo.cadres.selectors import _subtree_ids

    if org_ids is None:
        org_ids = _subtree_ids(actor, org_id, date(year, 12, 31))
    f = NeedFigures(year=year)
    by_key: dict[tuple[str, str, str], NeedRow] = {}
    needs = (
        TrainingNeed.objects.filter(org_id__in=org_ids, year=year, count__gt=0)
        .order_by()
        .values_list("kind", "level", "mode", "count")
    )
    for kind, level, mode, count in needs:
        key = (kind, level, mode)
        row = by_key.get(key)
        if row is None:
            row = by_key[key] = NeedRow(kind, level, mode, need_label(kind, level), CourseMode(mode).label)
        row.registered += count
    if by_key:
        sent = (
            TrainingEnrolment.objects.filter(
                cadre__managing_org_id__in=org_ids, sent_on__gte=date(year, 1, 1), sent_on__lte=date(year, 12, 31)
            )
            .order_by()
            .values_list("course__kind", "course__level", "course__mode")
        )
        for kind, level, mode in sent:
            row = by_key.get((kind, level, mode)) or by_key.get((kind, "", mode))
            if row is not None:
                row.sent += 1
    kinds = list(CourseKind.values)
    f.rows = sorted(by_key.values(), key=lambda r: (kinds.index(r.kind), r.level, r.mode))
    return f


def needs_list(*, actor, year: int, org_id: int | None = None, org_ids: list[int] | None = None) -> list[TrainingNeed]:
    """The registrations in scope for `year` (of `org_id`'s subtree when given; `org_ids`: that
    subtree already read), by unit, at most 500; each with `org_name` (its name at the end of the
    year, else its latest) and `label` (kind and level)."""
    from dangbo.orgs.selectors import org_names_on_or_latest

    qs = policy.for_user(TrainingNeed, actor).filter(year=year)
    if org_id is not None:
        if org_ids is None:
            from dangbo.cadres.selectors import _subtree_ids

            org_ids = _subtree_ids(actor, org_id, date(year, 12, 31))
        qs = qs.filter(org_id__in=org_ids)
    rows = list(qs.select_related("org").order_by("org__code", "kind", "level", "mode", "id")[:500])
    names = org_names_on_or_latest(org_ids={r.org_id for r in rows}, at=date(year, 12, 31)) if rows else {}
    for r in rows:
        r.org_name = names.get(r.org_id, r.org.code)
        r.label = need_label(r.kind, r.level)
    return rows
