"""Periodic reports up the hierarchy (R-140, R-141): prepare, submit (frozen), frozen vs live,
the superior sees who is late and consolidates; exports (XLSX values, DOCX 36-HD/VPTW header);
quotas page; dashboard scope; fast path == slow path."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members.services import ProfileInput, member_admit
from dangbo.reports import services
from dangbo.reports.figures import figures_fast, figures_of
from dangbo.reports.indicators import IndicatorContext
from dangbo.reports.models import FigureSnapshot, PeriodKind

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dangbo.reports.tests.urls")]


def admit(actor, cell, name, decided, sex="F"):
    return member_admit(
        actor=actor,
        cell=cell,
        decided_on=decided,
        ceremony_on=decided.replace(day=20),
        profile=ProfileInput(full_name=name, birth_year=1995, sex=sex),
    )


@pytest.fixture
def registry(tree, system_user):
    admit(system_user, tree["cell_a1"], "Nguyễn Thị Lan", date(2024, 3, 4))
    admit(system_user, tree["cell_a2"], "Trần Văn Minh", date(2024, 5, 6), sex="M")
    admit(system_user, tree["cell_b1"], "Lê Thị Hoa", date(2023, 4, 3))
    return tree


def year_2024():
    return services.report_period_get_or_create(kind=PeriodKind.YEAR, year=2024)


def test_rule_r141_default_cutoffs_are_quarter_end_30_6_and_31_12():
    assert services.period_bounds("quy", 2025, 1) == (date(2025, 1, 1), date(2025, 3, 31))
    assert services.period_bounds("quy", 2024, 4)[1] == date(2024, 12, 31)
    assert services.period_bounds("6_thang", 2025)[1] == date(2025, 6, 30)
    assert services.period_bounds("nam", 2025)[1] == date(2025, 12, 31)


def test_rule_r141_cutoffs_are_configurable(settings):
    settings.DANGBO_REPORT_CUTOFFS = {"6_thang": (6, 15)}
    assert services.period_bounds("6_thang", 2025)[1] == date(2025, 6, 15)


def test_rule_r141_submitted_figures_are_frozen_and_differ_from_live(registry, commune_officer, system_user):
    period = year_2024()
    sub = services.report_prepare(
        actor=commune_officer,
        org=registry["commune_a"],
        period=period,
        sections={"tinh_hinh": "Tình hình ổn định."},
        number="Số 5-BC/ĐU",
    )
    assert sub.figures["dv_tong"]["value"] == 2
    sub = services.report_submit(actor=commune_officer, submission=sub)
    assert sub.is_submitted and sub.figures["dv_tong"]["value"] == 2
    # the registry keeps changing: a late-recorded admission dated in 2024
    admit(system_user, registry["cell_a1"], "Phạm Thị Mai", date(2024, 9, 2))
    sub.refresh_from_db()
    assert sub.figures["dv_tong"]["value"] == 2
    with pytest.raises(DomainError):
        services.report_prepare(actor=commune_officer, org=registry["commune_a"], period=period)
    assert AuditEntry.objects.filter(action="reports.report_submitted").count() == 1


def test_the_page_shows_the_difference_between_frozen_and_today(client, registry, commune_officer, system_user):
    period = year_2024()
    sub = services.report_prepare(actor=commune_officer, org=registry["commune_a"], period=period)
    services.report_submit(actor=commune_officer, submission=sub)
    admit(system_user, registry["cell_a1"], "Phạm Thị Mai", date(2024, 9, 2))
    client.force_login(commune_officer)
    r = client.get(reverse("reports:periodic_report"), {"org": registry["commune_a"].pk, "loai": "nam", "nam": 2024})
    assert r.status_code == 200
    diff = {d["code"]: d for d in r.context["diff"]}
    assert diff["dv_tong"]["frozen"] == 2 and diff["dv_tong"]["live"] == 3 and diff["dv_tong"]["delta"] == 1


def test_the_superior_sees_who_submitted_who_is_late_and_consolidates(client, registry, officer, commune_officer):
    period = year_2024()
    sub = services.report_prepare(actor=commune_officer, org=registry["commune_a"], period=period)
    services.report_submit(actor=commune_officer, submission=sub)
    client.force_login(officer)
    r = client.get(reverse("reports:periodic_report"), {"org": registry["district"].pk, "loai": "nam", "nam": 2024})
    assert r.status_code == 200
    rows = {row.org_id: row for row in r.context["subs"]}
    assert rows[registry["commune_a"].pk].status_label == "Đã gửi"
    assert rows[registry["commune_b"].pk].status_label == "Chưa lập"
    assert rows[registry["commune_b"].pk].late  # due 15/01/2025 has passed
    cons = {c["code"]: c for c in r.context["consolidation"]}
    assert cons["dv_tong"]["frozen"] == 2 and cons["dv_tong"]["live"] == 2


def test_an_outsider_cannot_open_or_prepare_the_report_of_another_commune(client, registry, outsider):
    client.force_login(outsider)
    url = reverse("reports:periodic_report")
    params = {"org": registry["commune_a"].pk, "loai": "nam", "nam": 2024}
    assert client.get(url, params).status_code == 404
    assert client.post(url, params).status_code == 404
    with pytest.raises(DomainError):
        services.report_prepare(actor=outsider, org=registry["commune_a"], period=year_2024())


def test_the_docx_opens_and_has_the_36_hd_vptw_header(client, registry, officer):
    from docx import Document

    period = year_2024()
    sub = services.report_prepare(
        actor=officer,
        org=registry["province"],
        period=period,
        number="Số 12-BC/BTCTU",
        place="Thử Nghiệm",
        recipients="Ban Tổ chức Trung ương\nLưu",
    )
    services.report_submit(actor=officer, submission=sub)
    client.force_login(officer)
    r = client.get(
        reverse("reports:report_export"),
        {"org": registry["province"].pk, "loai": "nam", "nam": 2024, "dinh_dang": "docx"},
    )
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    everything = text + "\n" + cells
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cells
    # The organization commission issues it: its committee above it (36-HD/VPTW, reports.letterhead).
    assert "TỈNH ỦY THỬ NGHIỆM\nBAN TỔ CHỨC\n*" in cells and "ĐẢNG BỘ TỈNH THỬ NGHIỆM" not in cells
    assert "Số 12-BC/BTCTU" in cells
    assert "Thử Nghiệm, ngày" in cells and "năm 20" in cells
    assert "BÁO CÁO" in text
    assert "Nơi nhận:" in cells and "Ban Tổ chức Trung ương" in cells
    assert "Tổng số đảng viên" in everything
    assert AuditEntry.objects.filter(action="export.report_docx").exists()


def test_the_xlsx_holds_the_values(client, registry, officer):
    from openpyxl import load_workbook

    client.force_login(officer)
    r = client.get(
        reverse("reports:report_export"), {"org": registry["province"].pk, "ngay": "31/12/2024", "dinh_dang": "xlsx"}
    )
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    values = {row[0]: row[2] for row in ws.iter_rows(min_row=6, values_only=True) if row[0]}
    assert values["Tổng số đảng viên"] == 3
    assert values["Kết nạp đảng viên"] == 2
    assert "31/12/2024" in ws["A3"].value
    entry = AuditEntry.objects.get(action="export.report_xlsx")
    assert entry.after["purpose"]


def test_an_uploaded_template_replaces_the_default(client, registry, officer):
    from docx import Document

    d = Document()
    d.add_paragraph("MẪU RIÊNG {{cap_tren}} {{so_ky_hieu}}")
    buf = io.BytesIO()
    d.save(buf)
    services.report_template_upload(actor=officer, org=registry["province"], content=buf.getvalue(), filename="m.docx")
    with pytest.raises(DomainError):
        services.report_template_upload(actor=officer, org=registry["province"], content=b"not a docx")
    client.force_login(officer)
    r = client.get(reverse("reports:report_export"), {"org": registry["province"].pk, "dinh_dang": "docx"})
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "MẪU RIÊNG TỈNH ỦY THỬ NGHIỆM" in text


def test_an_officer_sets_quotas_on_the_quota_page(client, registry, officer):
    client.force_login(officer)
    url = reverse("reports:quota_list")
    r = client.post(
        url,
        {
            "org": registry["district"].pk,
            "nam": 2024,
            f"quota_{registry['commune_a'].pk}": "5",
            f"quota_{registry['district'].pk}": "9",
        },
    )
    assert r.status_code == 302
    r = client.get(url, {"org": registry["district"].pk, "nam": 2024})
    quotas = {row["org_id"]: row["quota"] for row in r.context["rows"]}
    assert quotas[registry["commune_a"].pk] == 5 and quotas[registry["district"].pk] == 9
    bad = client.post(url, {"org": registry["district"].pk, "nam": 2024, f"quota_{registry['commune_b'].pk}": "abc"})
    assert bad.status_code == 200 and "Đảng bộ xã Bình Minh" in bad.content.decode()


def test_the_leader_sees_the_dashboard_and_an_outsider_gets_404(client, registry, leader, outsider):
    client.force_login(leader)
    r = client.get(reverse("reports:dashboard"), {"org": registry["province"].pk, "ngay": "31/12/2024"})
    assert r.status_code == 200
    assert r.context["total"] == 3
    assert "dashboard-data" in r.content.decode()
    assert [t["total"] for t in r.context["trend"]][-2:] == [1, 3]
    children = {c["org_id"]: c["total"] for c in r.context["children"]}
    assert children == {registry["district"].pk: 3}
    client.force_login(outsider)
    assert client.get(reverse("reports:dashboard"), {"org": registry["commune_a"].pk}).status_code == 404
    assert client.get(reverse("reports:report_export"), {"org": registry["commune_a"].pk}).status_code == 404


@pytest.mark.django_db(transaction=True)  # snapshots are kept under committed stamps only
def test_a_snapshot_is_recomputed_after_a_deletion_that_adds_no_event(registry):
    """Deleting an older e-handbook account leaves every id and date maximum as it was; the
    registry stamp is renewed by the write itself."""
    from dangbo.members.models import Member
    from dangbo.reports.models import HandbookAccount

    lan, minh = (Member.objects.get(full_name=n) for n in ("Nguyễn Thị Lan", "Trần Văn Minh"))
    older = HandbookAccount.objects.create(member=lan, registered_on=date(2024, 6, 1))
    HandbookAccount.objects.create(member=minh, registered_on=date(2024, 7, 1))
    ctx = IndicatorContext(org_id=registry["province"].pk, at=date(2024, 12, 31))
    assert figures_fast(ctx)["so_tay_dien_tu"]["value"] == 2
    older.delete()
    ctx = IndicatorContext(org_id=registry["province"].pk, at=date(2024, 12, 31))
    assert figures_fast(ctx)["so_tay_dien_tu"]["value"] == 1


@pytest.mark.django_db(transaction=True)  # snapshots are kept under committed stamps only
def test_the_fast_path_equals_the_slow_path_and_is_refreshed_by_events(registry, system_user):
    ctx = IndicatorContext(org_id=registry["province"].pk, at=date(2024, 12, 31))
    fast = figures_fast(ctx)
    assert fast == figures_of(ctx)
    assert FigureSnapshot.objects.count() == 1
    assert figures_fast(IndicatorContext(org_id=registry["province"].pk, at=date(2024, 12, 31))) == fast
    admit(system_user, registry["cell_b1"], "Đỗ Văn Nam", date(2024, 7, 1), sex="M")
    ctx = IndicatorContext(org_id=registry["province"].pk, at=date(2024, 12, 31))
    again = figures_fast(ctx)
    assert again == figures_of(ctx)
    assert again["dv_tong"]["value"] == fast["dv_tong"]["value"] + 1


def test_no_snapshot_is_kept_under_a_stamp_of_an_uncommitted_transaction(registry, system_user):
    """Inside one transaction, PostgreSQL draws the registry token once: a snapshot kept under it
    would miss the transaction's later writes. SQLite draws a token per write instead."""
    from django.db import connection

    admit(system_user, registry["cell_b1"], "Đỗ Văn Nam", date(2024, 7, 1), sex="M")  # this transaction writes
    ctx = IndicatorContext(org_id=registry["province"].pk, at=date(2024, 12, 31))
    first = figures_fast(ctx)
    admit(system_user, registry["cell_b1"], "Đỗ Văn Bắc", date(2024, 7, 1), sex="M")
    ctx = IndicatorContext(org_id=registry["province"].pk, at=date(2024, 12, 31))
    assert figures_fast(ctx)["dv_tong"]["value"] == first["dv_tong"]["value"] + 1
    if connection.vendor == "postgresql":
        assert FigureSnapshot.objects.count() == 0


# --- rough edges of issue 15 -------------------------------------------------------------------


def test_an_annual_report_is_not_frozen_before_its_cutoff_without_an_explicit_override(registry, commune_officer):
    from django.utils import timezone

    year = timezone.localdate().year
    period = services.report_period_get_or_create(kind=PeriodKind.YEAR, year=year)
    assert timezone.localdate() < period.cutoff  # 31/12 of this year
    sub = services.report_prepare(actor=commune_officer, org=registry["commune_a"], period=period)
    with pytest.raises(DomainError, match=f"Chưa đến ngày chốt số liệu 31/12/{year}") as error:
        services.report_submit(actor=commune_officer, submission=sub)
    assert error.value.field == "before_cutoff"
    sub.refresh_from_db()
    assert not sub.is_submitted
    services.report_submit(actor=commune_officer, submission=sub, before_cutoff=True)
    sub.refresh_from_db()
    assert sub.is_submitted
    entry = AuditEntry.objects.filter(action="reports.report_submitted").get()
    assert entry.after["before_cutoff"] is True and f"trước ngày chốt 31/12/{year}" in entry.summary


def test_the_superior_sees_how_many_subordinates_submitted(client, registry, officer, commune_officer):
    sub = services.report_prepare(actor=commune_officer, org=registry["commune_a"], period=year_2024())
    services.report_submit(actor=commune_officer, submission=sub)
    client.force_login(officer)
    html = client.get(
        reverse("reports:periodic_report"), {"org": registry["district"].pk, "loai": "nam", "nam": 2024}
    ).content.decode()
    assert '<span class="badge text-bg-light border" id="submitted-progress">1/2 đã gửi</span>' in html
