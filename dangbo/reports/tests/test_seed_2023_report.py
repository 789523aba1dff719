"""Seed 000 (report of 2023): the product's own indicators reproduce its figures.

"1.967 đảng viên, đạt 103% chỉ tiêu, bằng 3,5% tổng số đảng viên"; e-handbook accounts
"51.602/57.012, đạt 90,5%". The registry is bulk-created in the shape of that report (the
lifecycle that produces spans is tested in members); the figures come from reports.indicators.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from dangbo.members.models import Member, MemberEvent, MembershipSpan
from dangbo.orgs.services import org_establish
from dangbo.reports.facts import rebuild_all
from dangbo.reports.indicators import IndicatorContext, admission_summary, compute
from dangbo.reports.models import AdmissionQuota, HandbookAccount

START_OF_YEAR = 56_000  # members on 01/01/2023
ADMITTED = 1_967  # admission decisions in 2023 (ceremony a fortnight later)
DIED = 955  # deaths in 2023
WITH_ACCOUNT = 51_602
QUOTA = 1_910  # 1.967 / 1.910 = 102,98% -> "103%"
CELLS = 20
BULK_TABLES = ("members_member", "members_membershipspan", "members_memberevent")


def _insert(model, rows: list[dict]) -> None:
    """Plain multi-row INSERT (the ORM's bulk_create spends ~1 ms per object building SQL):
    missing columns take the field default, prepared once."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    now = timezone.now()
    defaults = {}
    for f in fields:
        default = now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False) else f.get_default()
        defaults[f.attname] = f.get_db_prep_save(default, connection)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = connection.ops.quote_name(model._meta.db_table)
    names = [f.attname for f in fields]
    params = [
        [r[n].isoformat() if isinstance(r.get(n), date) else r[n] if n in r else defaults[n] for n in names]
        for r in rows
    ]
    per_statement = 30000 // len(fields)  # under SQLite's and PostgreSQL's bound-parameter limits
    with connection.cursor() as cursor:
        for at in range(0, len(params), per_statement):
            chunk = params[at : at + per_statement]
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_marks] * len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])


@pytest.fixture
def province_2023(db, system_user):
    province = org_establish(
        actor=system_user,
        code="S0",
        name="Đảng bộ tỉnh Mẫu Hai Không",
        org_type="provincial_party_org",
        parent=None,
        on=date(2010, 1, 1),
    )
    cells = [
        org_establish(
            actor=system_user,
            code=f"S0-C{i:02d}",
            name=f"Chi bộ mẫu số {i}",
            org_type="grassroots_cell",
            parent=province,
            on=date(2010, 1, 1),
        )
        for i in range(CELLS)
    ]
    total = START_OF_YEAR + ADMITTED
    if connection.vendor == "postgresql":
        # A bulk load, as synth does one: the search-term triggers (name search is not under test)
        # are off while the rows go in, then the planner gets statistics for the rebuild below.
        # Recomputed per statement against tables the planner still believes empty, the span
        # triggers alone took 15 minutes of the test run on a loaded machine.
        with connection.cursor() as cursor:
            for table in BULK_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    first = (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    cell_of = [cells[i % CELLS].pk for i in range(total)]
    _insert(
        Member,
        [
            {
                "id": first + i,
                "full_name": f"Đảng viên mẫu {i}",
                "name_folded": f"dang vien mau {i}",
                "birth_year": 1960 + i % 40,
                "sex": "MF"[i % 2],
                "current_status": "chinh_thuc",
                "current_org_id": cell_of[i],
            }
            for i in range(total)
        ],
    )
    spans, events = [], []
    decided, ceremony, died = date(2023, 3, 1), date(2023, 3, 15), date(2023, 7, 1)
    for i in range(total):
        facts = {
            "member_id": first + i,
            "org_id": cell_of[i],
            "sex": "MF"[i % 2],
            "birth_year": 1960 + i % 40,
            "ethnicity": "01",
            "religion": "00",
        }
        if i < START_OF_YEAR:
            if i < DIED:
                spans.append(
                    {"status": "chinh_thuc", "valid_from": date(2010, 1, 1), "valid_to": date(2023, 6, 30), **facts}
                )
                spans.append({"status": "tu_tran", "valid_from": died, **facts})
                events.append({"member_id": first + i, "type": "death", "on": died})
            else:
                spans.append({"status": "chinh_thuc", "valid_from": date(2010, 1, 1), **facts})
        else:
            spans.append({"status": "cho_ket_nap", "valid_from": decided, "valid_to": date(2023, 3, 14), **facts})
            spans.append({"status": "du_bi", "valid_from": ceremony, **facts})
            events.append({"member_id": first + i, "type": "admission_decision", "on": decided, "org_id": cell_of[i]})
    _insert(MembershipSpan, spans)
    _insert(MemberEvent, events)
    _insert(
        HandbookAccount,
        [{"member_id": first + i, "registered_on": date(2023, 6, 1)} for i in range(DIED, DIED + WITH_ACCOUNT)],
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred foreign-key checks run now
            for table in BULK_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"ANALYZE {', '.join(BULK_TABLES)}")
    AdmissionQuota.objects.create(org=province, year=2023, quota=QUOTA)
    rebuild_all()  # bulk-written: the report fact projections, as `dangbo rebuild-report-facts` does
    return province


def test_seed_000_the_2023_report_figures_come_out_of_the_product(province_2023):
    ctx = IndicatorContext(org_id=province_2023.pk, at=date(2023, 12, 31))
    assert compute("dv_tong", ctx).value == 57_012
    assert compute("so_tay_dien_tu", ctx).text == "51.602/57.012 (90,5%)"
    assert compute("ket_nap", ctx).text == "1.967 đảng viên"
    assert "103%" in compute("ket_nap_chi_tieu", ctx).text
    assert "3,5%" in compute("ket_nap_ty_le", ctx).text
    assert admission_summary(ctx) == "1.967 đảng viên, đạt 103% chỉ tiêu, bằng 3,5% tổng số đảng viên"
    assert compute("tu_tran", ctx).value == DIED
