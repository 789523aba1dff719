"""The report fact projections (`ReportSpan`, `ReportFlow`): built from the members' spans,
effective events, profiles and e-handbook accounts, so that the indicators of a subtree as of any
date read one table per kind of figure instead of joining four (PERFORMANCE.md lesson 1).

Kept current by the writers:
- `members.services` sends `members.signals.projections_changed` whenever it projects a member's
  events (every event, correction, merger reassignment, profile change, import); the reports app
  refreshes that member's rows (`refresh_members`) in the same transaction;
- saving or deleting a `HandbookAccount` refreshes the member's rows (post_save / post_delete);
- bulk loaders that write spans directly (demo, synth, benchmarks) call `rebuild_all()`, which is
  also `dangbo rebuild-report-facts` (`dangbo rebuild-projections` refreshes each member it rebuilds).
- the per-organization summaries (`reports.orgfacts`: OrgDueSpan, OrgCountSpan) are refreshed
  with them: `refresh_members` refreshes the organizations the member's rows named before and
  after, `rebuild_all` rebuilds them (alone: `dangbo rebuild-org-facts`).

`reports/tests/test_fast_path.py` proves that the indicators computed from these tables equal the ones
computed straight from the spans and events, as of many dates across a merger and corrections.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction

from dangbo.members.models import ACTIVE_STATUSES, Member, MemberEvent, MembershipSpan
from dangbo.members.models import EventType as E
from dangbo.members.selectors import issues_of
from dangbo.reports import orgfacts
from dangbo.reports.models import HandbookAccount, ReportFlow, ReportSpan

FLOW_EVENT_TYPES = (
    E.ADMISSION_DECISION,
    E.READMISSION,
    E.FULL_RECOGNITION,
    E.OFFICIAL_TRANSFER_IN,
    E.OFFICIAL_TRANSFER_OUT,
    E.TEMPORARY_TRANSFER_OUT,
    E.DEATH,
    E.NAME_REMOVAL,
    E.PROBATION_NAME_REMOVAL,
    E.DISCIPLINE_EXPULSION,
    E.VOLUNTARY_EXIT,
    E.BADGE_AWARDED,
)

SPAN_FIELDS = [
    "member_id",
    "org_id",
    "valid_from",
    "valid_to",
    "status",
    "exempt",
    "temp_org_id",
    "sex",
    "birth_year",
    "ethnicity",
    "religion",
    "theory",
    "general",
    "professional",
    "badge",
    "handbook",
]
FLOW_FIELDS = ["event_id", "member_id", "type", "on", "home_org_id", "counterpart_org_id", "years"]
DAY = timedelta(days=1)


def badge_years(payload: Any) -> int | None:
    """The milestone of a badge event, as the live badge query reads it (None when unreadable)."""
    try:
        return int((payload or {}).get("years"))
    except (TypeError, ValueError, AttributeError):
        return None


def member_rows(
    *,
    profile: tuple[str, str, str],
    spans: list[tuple],
    events: list[tuple],
    handbook: tuple[date, date | None] | None,
) -> tuple[list[tuple], list[tuple]]:
    """The ReportSpan and ReportFlow rows of one member.

    profile: (theory_level, general_education, professional_education) of the member;
    spans: (member_id, org_id, valid_from, valid_to, status, exempt, temp_org_id, sex, birth_year,
            ethnicity, religion) of every MembershipSpan of the member;
    events: (id, member_id, type, on, counterpart_org_id, payload) of the member's effective events
            of FLOW_EVENT_TYPES;
    handbook: (registered_on, closed_on) of the member's e-handbook account, if any.
    """
    badges = sorted(
        (on, y)
        for _, _, t, on, _, payload in events
        if t == E.BADGE_AWARDED and (y := badge_years(payload)) is not None
    )

    def badge_on(day: date) -> int:
        held = 0
        for on, y in badges:
            if on > day:
                break
            held = max(held, y)
        return held

    def handbook_on(day: date) -> bool:
        return bool(handbook and handbook[0] <= day and (handbook[1] is None or handbook[1] > day))

    changes = {on for on, _ in badges}
    if handbook:
        changes.add(handbook[0])
        if handbook[1] is not None:
            changes.add(handbook[1])
    span_rows = []
    for member_id, org_id, vf, vt, status, exempt, temp_org_id, sex, birth_year, ethnicity, religion in spans:
        if status not in ACTIVE_STATUSES:
            continue
        cuts = sorted(d for d in changes if d > vf and (vt is None or d <= vt))
        starts = [vf, *cuts]
        for i, start in enumerate(starts):
            end = starts[i + 1] - DAY if i + 1 < len(starts) else vt
            span_rows.append(
                (
                    member_id,
                    org_id,
                    start,
                    end,
                    status,
                    exempt,
                    temp_org_id,
                    sex,
                    birth_year,
                    ethnicity,
                    religion,
                    *profile,
                    badge_on(start),
                    handbook_on(start),
                )
            )
    ordered = sorted(spans, key=lambda s: s[2])
    flow_rows = []
    for event_id, member_id, type_, on, counterpart, payload in events:
        home = None
        for s in ordered:  # the span valid that day with the latest start, as the live query takes it
            if s[2] <= on and (s[3] is None or s[3] >= on):
                home = s[1]
        years = str((payload or {}).get("years", "")) if type_ == E.BADGE_AWARDED and isinstance(payload, dict) else ""
        flow_rows.append((event_id, member_id, type_, on, home, counterpart, years))
    return span_rows, flow_rows


def _load(member_ids: Iterable[int] | None, lo: int | None = None, hi: int | None = None):
    """Profiles, spans, events and accounts of the members (by ids, or ids in [lo, hi))."""

    def scope(qs, field="member_id"):
        if member_ids is not None:
            return qs.filter(**{f"{field}__in": list(member_ids)})
        return qs.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})

    profiles = {
        pk: (t, g, p)
        for pk, t, g, p in scope(Member.objects.all(), "pk").values_list(
            "pk", "theory_level", "general_education", "professional_education"
        )
    }
    spans: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        scope(MembershipSpan.objects.all())
        .order_by()
        .values_list(
            "member_id",
            "org_id",
            "valid_from",
            "valid_to",
            "status",
            "exempt",
            "temp_org_id",
            "sex",
            "birth_year",
            "ethnicity",
            "religion",
        )
    ):
        spans[row[0]].append(row)
    effective = scope(MemberEvent.objects.effective()).order_by()
    payloads = dict(effective.filter(type=E.BADGE_AWARDED).values_list("id", "payload"))  # only badges need it
    events: dict[int, list[tuple]] = defaultdict(list)
    for row in effective.filter(type__in=FLOW_EVENT_TYPES).values_list(
        "id", "member_id", "type", "on", "counterpart_org_id"
    ):
        events[row[1]].append((*row, payloads.get(row[0])))
    handbook = {
        m: (r, c)
        for m, r, c in scope(HandbookAccount.objects.all()).values_list("member_id", "registered_on", "closed_on")
    }
    return profiles, spans, events, handbook


def _rows_of(profiles, spans, events, handbook) -> tuple[list[tuple], list[tuple]]:
    all_spans, all_flows = [], []
    for member_id, profile in profiles.items():
        s, f = member_rows(
            profile=profile,
            spans=spans.get(member_id, []),
            events=events.get(member_id, []),
            handbook=handbook.get(member_id),
        )
        all_spans.extend(s)
        all_flows.extend(f)
    return all_spans, all_flows


def refresh_members(member_ids: Iterable[int], *, created: bool = False) -> None:
    """Rebuild the fact rows of these members (call inside the writer's transaction), written with
    COPY on PostgreSQL (`_write`). `created`: the members were all inserted in this transaction (an
    import), so they have no fact rows yet and there is nothing to delete."""
    ids = sorted(set(member_ids))
    if not ids:
        return
    orgs: set[int] = set()
    with transaction.atomic():
        for i in range(0, len(ids), 1000):
            chunk = ids[i : i + 1000]
            # An import's members have consecutive ids: a range is one index range per table,
            # where a list is a thousand parameters to send and plan.
            loaded = _load(None, chunk[0], chunk[-1] + 1) if chunk[-1] - chunk[0] + 1 == len(chunk) else _load(chunk)
            span_rows, flow_rows = _rows_of(*loaded)
            if not created:
                old = ReportSpan.objects.filter(member_id__in=chunk)
                for org_id, temp_org_id in old.values_list("org_id", "temp_org_id").distinct():
                    orgs.update((org_id, temp_org_id))
                old.delete()
                ReportFlow.objects.filter(member_id__in=chunk).delete()
            _write(span_rows, flow_rows)
            orgs.update(o for r in span_rows for o in (r[1], r[6]))
        orgfacts.refresh_orgs(orgs)  # the organizations named before and after the write, once


def _write(span_rows: list[tuple], flow_rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            raw = c.cursor
            for table, fields, rows in (
                ("reports_reportspan", SPAN_FIELDS, span_rows),
                ("reports_reportflow", FLOW_FIELDS, flow_rows),
            ):
                cols = ", ".join(f'"{f}"' for f in fields)
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                    for row in rows:
                        cp.write_row(row)
        return
    ReportSpan.objects.bulk_create(
        [ReportSpan(**dict(zip(SPAN_FIELDS, r, strict=True))) for r in span_rows], batch_size=500
    )
    ReportFlow.objects.bulk_create(
        [ReportFlow(**dict(zip(FLOW_FIELDS, r, strict=True))) for r in flow_rows], batch_size=500
    )


def rebuild_all(*, chunk: int = 20_000, log: Callable[[str], None] | None = None) -> tuple[int, int]:
    """Rebuild both tables for every member, in one transaction (readers see the old rows until
    it commits). Returns (ReportSpan rows, ReportFlow rows)."""
    from django.db.models import Max

    t0 = time.perf_counter()
    top = (Member.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    n_spans = n_flows = 0
    indexes: list[str] = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("TRUNCATE reports_reportspan, reports_reportflow")
                # Secondary indexes are built once after the load (PERFORMANCE.md: bulk loads).
                c.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND tablename IN ('reports_reportspan', 'reports_reportflow') "
                    "AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
                )
                for name, ddl in c.fetchall():
                    c.execute(f'DROP INDEX "{name}"')
                    indexes.append(ddl)
        else:
            ReportSpan.objects.all().delete()
            ReportFlow.objects.all().delete()
        for lo in range(0, top, chunk):
            span_rows, flow_rows = _rows_of(*_load(None, lo, lo + chunk))
            _write(span_rows, flow_rows)
            n_spans += len(span_rows)
            n_flows += len(flow_rows)
            if log and (lo // chunk) % 25 == 0:
                log(
                    f"report facts: members < {lo + chunk}: {n_spans} spans, {n_flows} flows "
                    f"({time.perf_counter() - t0:.0f} s)"
                )
        if indexes:
            with connection.cursor() as c:
                for ddl in indexes:
                    c.execute(ddl)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE reports_reportspan")
            c.execute("ANALYZE reports_reportflow")
    orgfacts.rebuild(log=log)  # the per-organization summaries read the fact rows
    return n_spans, n_flows


def facts_issues(today=None, *, chunk: int = 20_000) -> list:
    """check-data: members whose stored fact rows differ from the rows their spans, events,
    profile and e-handbook account give now (a write that bypassed the member services, or a
    bulk load without `dangbo rebuild-report-facts`). Registered with
    members.selectors.register_derived_check."""
    from collections import Counter

    from django.db.models import Max

    top = (Member.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    stale: list[int] = []
    for lo in range(0, top, chunk):
        profiles, spans, events, handbook = _load(None, lo, lo + chunk)
        stored: dict[int, Counter] = defaultdict(Counter)
        for model, fields in ((ReportSpan, SPAN_FIELDS), (ReportFlow, FLOW_FIELDS)):
            for row in model.objects.filter(member_id__gte=lo, member_id__lt=lo + chunk).values_list(*fields):
                stored[row[fields.index("member_id")]][(model.__name__, *row)] += 1
        for member_id in sorted(set(profiles) | set(stored)):
            span_rows, flow_rows = member_rows(
                profile=profiles.get(member_id, ("", "", "")),
                spans=spans.get(member_id, []),
                events=events.get(member_id, []),
                handbook=handbook.get(member_id),
            )
            expected = Counter([("ReportSpan", *r) for r in span_rows] + [("ReportFlow", *r) for r in flow_rows])
            if expected != stored.get(member_id, Counter()):
                stale.append(member_id)
    return issues_of(
        "report_facts_stale",
        stale,
        "Số liệu phục vụ báo cáo của đảng viên này không khớp với dữ liệu gốc, nên báo cáo có thể "
        "sai; hãy chạy «dangbo rebuild-report-facts».",
    )


def on_projections_changed(sender, member_ids, created: bool = False, **kwargs) -> None:
    refresh_members(member_ids, created=created)


def on_handbook_changed(sender, instance, **kwargs) -> None:
    refresh_members([instance.member_id])
