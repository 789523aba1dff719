"""Benchmark: cadre work at province scale (issue 18): 10.000 cadres, 200.000 actions.

Builds (once: reused while it exists) its own PostgreSQL database `dangbo_bench_cadres`
(BENCH_CADRES_DATABASE_URL; created if missing, migrations run into it): a province with 20
districts of 10 communes each (orgs services), a title catalogue, BENCH_CADRES cadres managed
across it, BENCH_CADRES_ACTIONS (20) actions per cadre over ten years, their position holdings (the services'
projection), planning entries, training enrolments and salary steps — written in bulk.

Timed warm, median of N runs, as the province officer (through the access policy):
- the cadre list (first page of 50 + the count), next to hand SQL over the same subtree;
- the eligibility check of a cadre for an appointment (selectors.eligibility_read: scope, audit
  entry, retirement, planning across the title's lineage, time in post), next to hand SQL for
  its two data reads (planning entry of the title's lineage, current holding);
- the worklist count of appointment terms ending within 6 months (terms_ending over the stored
  title lineage);
- the report figures of a year for the province (cadre_figures: actions split head/deputy,
  planning added/removed/planned; training_figures; salary_figures), next to hand SQL computing
  the same action counts split head/deputy.
Targets (issue 18): list p95 < 100 ms, eligibility < 50 ms, figures < 300 ms. Load average printed (shared machine).

Run: `.venv/bin/python bench/cadres.py` (also run by `bench/run.py`, which runs every bench/*.py).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from _pg import ensure_postgres_database  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_CADRES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_cadres")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
CADRES = int(os.environ.get("BENCH_CADRES", 10_000))
ACTIONS = int(os.environ.get("BENCH_CADRES_ACTIONS", 20))  # per cadre
RUNS, WARMUP = 9, 2
YEAR = date(2023, 1, 1), date(2023, 12, 31)

HAND_LIST = """
WITH sub AS (SELECT v.org_id FROM orgs_orgversion v
             WHERE v.path LIKE %(path)s AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s))
SELECT (SELECT count(*) FROM cadres_cadre c WHERE c.managing_org_id IN (SELECT org_id FROM sub)),
       (SELECT array_agg(id) FROM (SELECT c.id FROM cadres_cadre c WHERE c.managing_org_id IN (SELECT org_id FROM sub)
                                   ORDER BY c.full_name, c.id LIMIT 50) p)
"""
HAND_ELIGIBILITY = """
SELECT EXISTS (SELECT 1 FROM cadres_planningentry e JOIN cadres_title t ON t.id = e.title_id
               WHERE e.cadre_id = %(cadre)s AND e.added_on <= %(at)s AND (e.removed_on IS NULL OR e.removed_on > %(at)s)
                 AND t.province_id = %(province)s
                 AND (t.code = %(code)s OR t.code IN (SELECT ancestor FROM cadres_titleancestor
                                                      WHERE province_id = %(province)s AND code = %(code)s))),
       (SELECT h.valid_from FROM cadres_positionholding h
        WHERE h.cadre_id = %(cadre)s AND h.valid_from <= %(at)s AND (h.valid_to IS NULL OR h.valid_to >= %(at)s)
        ORDER BY h.valid_from LIMIT 1)
"""
HAND_FIGURES = """
WITH sub AS (SELECT v.org_id FROM orgs_orgversion v
             WHERE v.path LIKE %(path)s AND v.valid_from <= %(at)s AND (v.valid_to IS NULL OR v.valid_to >= %(at)s))
SELECT a.type, t.is_head, count(*)
FROM cadres_cadreaction a JOIN cadres_cadre c ON c.id = a.cadre_id LEFT JOIN cadres_title t ON t.id = a.title_id
WHERE c.managing_org_id IN (SELECT org_id FROM sub) AND a.on BETWEEN %(start)s AND %(end)s AND a.type <> 'correction'
  AND NOT EXISTS (SELECT 1 FROM cadres_cadreaction x WHERE x.corrects_id = a.id)
GROUP BY a.type, t.is_head
"""


def _build(actor) -> None:
    from django.db import transaction

    from dangbo.cadres.models import (
        Cadre,
        CadreAction,
        Decision,
        PlanningEntry,
        PlanningTerm,
        PositionHolding,
        SalaryEvent,
        Title,
        TrainingCourse,
        TrainingEnrolment,
    )
    from dangbo.orgs.services import org_establish

    rng = random.Random(18)
    t0 = time.perf_counter()
    start = date(2015, 1, 1)
    with transaction.atomic():
        province = org_establish(
            actor=actor,
            code="BC",
            name="Đảng bộ tỉnh Bench Cán bộ",
            org_type="provincial_party_org",
            parent=None,
            on=start,
        )
        orgs = [province]
        for d in range(20):
            district = org_establish(
                actor=actor,
                code=f"BC-{d:02d}",
                name=f"Đảng bộ huyện {d:02d}",
                org_type="district_party_org",
                parent=province,
                on=start,
            )
            orgs.append(district)
            for x in range(10):
                orgs.append(
                    org_establish(
                        actor=actor,
                        code=f"BC-{d:02d}-{x:02d}",
                        name=f"Đảng bộ xã {d:02d}-{x:02d}",
                        org_type="commune_party_org",
                        parent=district,
                        on=start,
                    )
                )
        titles = [
            Title.objects.create(
                province=province,
                code=f"T{i:02d}",
                name=f"Chức danh {i:02d}",
                is_head=i % 3 == 0,
                group=f"Nhóm {i % 4}",
                valid_from=start,
            )
            for i in range(40)
        ]
        Cadre.objects.bulk_create(
            [
                Cadre(
                    full_name=f"Cán Bộ {rng.choice('ABCDEGHKLMNPQSTV')}{i:05d}",
                    sex="F" if i % 3 == 0 else "M",
                    birth_date=date(rng.randint(1966, 1994), rng.randint(1, 12), rng.randint(1, 28)),
                    managing_org=orgs[i % len(orgs)],
                    ethnicity="Kinh",
                )
                for i in range(CADRES)
            ],
            batch_size=5000,
        )
        cadres = list(Cadre.objects.order_by("pk"))
        decisions = [
            Decision.objects.create(
                number=f"{y}-{k}-QĐ/TU", signed_on=date(y, 1 + k, 1), body="BTV Tỉnh ủy", org=province
            )
            for y in range(2015, 2025)
            for k in range(12)
        ]
        types = [
            "appointment",
            "reappointment",
            "nomination",
            "designation",
            "agreement",
            "concurrence",
            "transfer",
            "rotation",
            "relief",
            "resignation",
        ]
        actions = []
        for c in cadres:
            for k in range(ACTIONS):
                dec = decisions[rng.randrange(len(decisions))]
                actions.append(
                    CadreAction(
                        decision=dec,
                        cadre=c,
                        type=types[k % len(types)],
                        on=dec.signed_on,
                        title=titles[rng.randrange(40)],
                        planned_months=36 if k % len(types) == 7 else None,
                    )
                )
        CadreAction.objects.bulk_create(actions, batch_size=5000)
        holdings = [
            PositionHolding(
                cadre_id=a.cadre_id, title_id=a.title_id, valid_from=a.on, obtained_by=a.type, action_id=a.pk
            )
            for a in CadreAction.objects.filter(type="appointment")
        ]
        PositionHolding.objects.bulk_create(holdings, batch_size=5000)
        term = PlanningTerm.objects.create(org=province, name="2025–2030", start_year=2025, end_year=2030)
        PlanningEntry.objects.bulk_create(
            [
                PlanningEntry(
                    term=term,
                    cadre=c,
                    title=titles[i % 40],
                    added_on=date(2021 + i % 3, 5, 1),
                    removed_on=date(2024, 3, 1) if i % 7 == 0 else None,
                    removal_reason="moved" if i % 7 == 0 else "",
                )
                for i, c in enumerate(cadres[::2])
            ],
            batch_size=5000,
        )
        courses = [
            TrainingCourse.objects.create(
                org=province, name=f"Lớp {m}", kind="theory", level="cao_cap", mode=m, starts_on=date(2023, 9, 1)
            )
            for m in ("full_time", "part_time")
        ]
        TrainingEnrolment.objects.bulk_create(
            [
                TrainingEnrolment(course=courses[i % 2], cadre=c, sent_on=date(2023, 9, 1))
                for i, c in enumerate(cadres[::3])
            ],
            batch_size=5000,
        )
        salary = []
        for i, c in enumerate(cadres):
            salary.append(
                SalaryEvent(cadre=c, type="rank_appointment", on=date(2015, 1, 1), rank_name="Chuyên viên", step=1)
            )
            for s in range(2, 5):
                salary.append(
                    SalaryEvent(
                        cadre=c,
                        type="step_early" if i % 5 == 0 else "step_regular",
                        on=date(2015 + 3 * (s - 1), 1, 1),
                        step=s,
                    )
                )
        SalaryEvent.objects.bulk_create(salary, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"BENCH cadres_build_s={time.perf_counter() - t0:.1f} s")


def _median(fn) -> tuple[float, float, object]:
    times, out = [], None
    for i in range(WARMUP + RUNS):
        t = time.perf_counter()
        out = fn()
        if i >= WARMUP:
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95 + 0.5) - 1)], out


def main() -> None:
    ensure_postgres_database(BENCH_URL)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from dangbo.access import policy
    from dangbo.access.models import Role, RoleAssignment
    from dangbo.cadres.models import Cadre, CadreAction
    from dangbo.cadres.selectors import CadreFilters, cadre_list, report_figures
    from dangbo.orgs.models import Organization, OrgVersion

    if not Organization.objects.filter(code="BC").exists():
        _build(policy.SYSTEM.named("bench"))
    province = Organization.objects.get(code="BC")
    user, created = get_user_model().objects.get_or_create(username="bench_cadres_officer")
    if created:
        RoleAssignment.objects.create(user=user, role=Role.OFFICER, org=province, valid_from=date(2015, 1, 1))
    at = date(2024, 12, 31)
    path = OrgVersion.objects.filter(org=province).order_by("-valid_from").values_list("path", flat=True).first()
    print(f"# cadres={Cadre.objects.count()} actions={CadreAction.objects.count()}")

    def page():
        qs = cadre_list(actor=user, filters=CadreFilters(at=at))
        return qs.count(), [c.pk for c in qs[:50]]

    med, p95, (count, ids) = _median(page)
    print(f"# list: {count} cadres, first page {len(ids)}")
    print(f"BENCH cadres_list_page_ms={med:.0f} ms")
    print(f"BENCH cadres_list_page_p95_ms={p95:.0f} ms")

    def hand_list():
        with connection.cursor() as c:
            c.execute(HAND_LIST, {"path": path + "%", "at": at})
            return c.fetchone()

    med_h, _, (hcount, hids) = _median(hand_list)
    assert hcount == count and list(hids) == ids, (hcount, count)
    print(f"BENCH cadres_list_hand_sql_ms={med_h:.0f} ms")

    from dangbo.cadres.models import PlanningEntry
    from dangbo.cadres.selectors import eligibility_read

    entry = PlanningEntry.objects.filter(removed_on__isnull=True).select_related("title").order_by("pk").first()
    cadre_id, title = entry.cadre_id, entry.title

    def eligibility():
        return eligibility_read(actor=user, pk=cadre_id, title_id=title.pk, kind="appointment", received_on=at)[2]

    med, p95, result = _median(eligibility)
    print(f"# eligibility of cadre {cadre_id} for «{title.name}»: " + "; ".join(c.message for c in result.checks))
    print(f"BENCH cadres_eligibility_ms={med:.0f} ms")
    print(f"BENCH cadres_eligibility_p95_ms={p95:.0f} ms")

    def hand_eligibility():
        with connection.cursor() as c:
            c.execute(
                HAND_ELIGIBILITY, {"cadre": cadre_id, "at": at, "province": title.province_id, "code": title.code}
            )
            return c.fetchone()

    med_h, _, (planned, _held_from) = _median(hand_eligibility)
    assert planned == next(c.ok for c in result.checks if c.key == "planning")
    print(f"BENCH cadres_eligibility_hand_sql_ms={med_h:.0f} ms")

    def terms():
        return cadre_list(actor=user, filters=CadreFilters(at=at, term_ending_months=6)).count()

    med, p95, n = _median(terms)
    print(f"# appointment terms ending within 6 months of {at:%d/%m/%Y}: {n} cadres")
    print(f"BENCH cadres_terms_ending_ms={med:.0f} ms")

    start, end = YEAR

    def figures():
        # What the figures page reads: the subtree once, then actions and planning, training and
        # ranks/salary (selectors.report_figures).
        r = report_figures(actor=user, org_id=province.pk, start=start, end=end)
        return r.actions, r.training, r.salary

    med, p95, (f, tf, sf) = _median(figures)
    print(
        f"# appointed {f['appointed'].vn()}, agreed {f['agreed'].vn()}, planned {f['planned'].vn()}; "
        f"training {tf.vn()}; steps {sf.vn()}"
    )
    print(f"BENCH cadres_figures_province_ms={med:.0f} ms")

    def hand_figures():
        with connection.cursor() as c:
            c.execute(HAND_FIGURES, {"path": path + "%", "at": end, "start": start, "end": end})
            return c.fetchall()

    med_h, _, rows = _median(hand_figures)
    appointed = {bool(h): n for t, h, n in rows if t == "appointment"}
    assert (appointed.get(True, 0), appointed.get(False, 0)) == (f["appointed"].head, f["appointed"].deputy)
    print(f"BENCH cadres_figures_hand_sql_ms={med_h:.0f} ms")
    print(f"BENCH cadres_load_average={' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
