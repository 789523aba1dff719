"""Job-position catalogues (vị trí việc làm) with the appraisal workflow, and the headcount import
from XLSX: a dry run with row-numbered Vietnamese messages, nothing written on a bad row."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.staffing import selectors as sel
from dangbo.staffing.importer import headcount_import_apply, headcount_import_dry_run, template_xlsx
from dangbo.staffing.models import CatalogueStatus, Headcount
from dangbo.staffing.services import PositionInput, catalogue_advance, catalogue_create

pytestmark = pytest.mark.django_db


def _catalogue(actor, app):
    return catalogue_create(
        actor=actor,
        agency=app["d1"],
        name="Danh mục vị trí việc làm Ban Tổ chức Huyện ủy",
        positions=[
            PositionInput("Trưởng ban", app["cb"].pk, 1),
            PositionInput("Chuyên viên tổ chức cán bộ", app["cb"].pk, 6),
        ],
    )


def test_catalogue_workflow_submitted_appraised_approved_with_dates(system_user, app):
    cat = _catalogue(system_user, app)
    assert cat.positions.count() == 2 and sum(p.number for p in cat.positions.all()) == 7
    with pytest.raises(DomainError, match="không chuyển được"):
        catalogue_advance(
            actor=system_user, catalogue=cat, to=CatalogueStatus.APPROVED, on=date(2024, 3, 1), decision_number="1-QĐ"
        )
    catalogue_advance(actor=system_user, catalogue=cat, to=CatalogueStatus.SUBMITTED, on=date(2024, 3, 1))
    with pytest.raises(DomainError, match="không được trước bước trước"):
        catalogue_advance(actor=system_user, catalogue=cat, to=CatalogueStatus.APPRAISED, on=date(2024, 2, 1))
    catalogue_advance(actor=system_user, catalogue=cat, to=CatalogueStatus.APPRAISED, on=date(2024, 4, 1))
    with pytest.raises(DomainError, match="số quyết định"):
        catalogue_advance(actor=system_user, catalogue=cat, to=CatalogueStatus.APPROVED, on=date(2024, 5, 1))
    cat = catalogue_advance(
        actor=system_user, catalogue=cat, to=CatalogueStatus.APPROVED, on=date(2024, 5, 1), decision_number="120-QĐ/TU"
    )
    assert (cat.submitted_on, cat.appraised_on, cat.approved_on) == (
        date(2024, 3, 1),
        date(2024, 4, 1),
        date(2024, 5, 1),
    )
    ids = [app["d1"].pk, app["d2"].pk]
    f = sel.catalogue_figures(agency_ids=ids, at=date(2024, 4, 15))
    assert f.text == "0/2" and f.by_status["Đã thẩm định"] == 1
    assert sel.catalogue_figures(agency_ids=ids, at=date(2024, 5, 1)).text == "1/2"


def test_catalogue_is_scoped(outsider, app):
    with pytest.raises(DomainError):
        _catalogue(outsider, app)


def _xlsx(tmp_path, rows, name="so-nguoi.xlsx"):
    wb = template_xlsx()
    for r in rows:
        wb.active.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def test_headcount_import_dry_run_then_apply(system_user, app, tmp_path):
    path = _xlsx(
        tmp_path,
        [
            ["H01-BTC", "cb_cc", 9, "01/04/2025", "Báo cáo quý I"],
            ["h01-ubkt", "Biên chế cán bộ, công chức", "6", None, None],
        ],
    )
    before = Headcount.objects.count()
    report = headcount_import_dry_run(path, actor=system_user, on=date(2025, 4, 2), source="Tổng hợp quý I")
    assert report.ok and [p[0] for p in report.planned] == [2, 3]
    assert Headcount.objects.count() == before
    report = headcount_import_apply(path, actor=system_user, on=date(2025, 4, 2), source="Tổng hợp quý I")
    assert report.applied and Headcount.objects.count() == before + 2
    assert sel.headcount_on(app["d1"].pk, app["cb"].pk, date(2025, 4, 1)) == 9
    h = Headcount.objects.get(agency=app["d2"], on=date(2025, 4, 2))
    assert (h.count, h.source) == (6, "Tổng hợp quý I")


def test_headcount_import_bad_row_named_and_nothing_written(system_user, app, tmp_path):
    path = _xlsx(
        tmp_path,
        [
            ["H01-BTC", "cb_cc", 9, "01/04/2025", "Báo cáo"],
            ["KHONG-CO", "cb_cc", 3, "01/04/2025", "Báo cáo"],
            ["H01-UBKT", "cb_cc", "bảy", "01/04/2025", "Báo cáo"],
            ["H01-UBKT", "xyz", 2, "01/04/2025", "Báo cáo"],
            ["H01-UBKT", "cb_cc", 2, "31/02/2025", "Báo cáo"],
        ],
    )
    before, audits = Headcount.objects.count(), AuditEntry.objects.count()
    report = headcount_import_apply(path, actor=system_user, on=date(2025, 4, 2))
    assert not report.applied and not report.planned
    errors = {row: (col, msg) for row, col, msg in report.errors}
    assert errors[3] == ("Mã cơ quan", "Không tìm thấy cơ quan có mã «KHONG-CO».")
    assert errors[4][0] == "Số người" and "phải là số nguyên không âm" in errors[4][1]
    assert errors[5][0] == "Loại biên chế" and "Không hiểu loại biên chế «xyz»" in errors[5][1]
    assert errors[6][0] == "Tính đến ngày"
    assert Headcount.objects.count() == before and AuditEntry.objects.count() == audits


def test_headcount_import_service_refusal_is_row_numbered(system_user, app, tmp_path, outsider):
    """A row the service refuses (outside the scope, the agency not yet in being) names its row;
    nothing is written."""
    path = _xlsx(
        tmp_path, [["H01-BTC", "cb_cc", 9, "01/04/2025", "Báo cáo"], ["H01-UBKT", "cb_cc", 2, "01/04/2014", "Báo cáo"]]
    )
    before = Headcount.objects.count()
    report = headcount_import_apply(path, actor=system_user)
    assert report.errors == [(3, "Tính đến ngày", "Cơ quan không có hiệu lực ngày 01/04/2014")]
    assert Headcount.objects.count() == before
    report = headcount_import_dry_run(path, actor=outsider)
    assert report.errors[0][:2] == (2, "Mã cơ quan") and "Không tìm thấy" in report.errors[0][2]


def test_headcount_import_missing_columns_and_not_an_xlsx(system_user, app, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Mã cơ quan", "Số người"])
    wb.active.append(["H01-BTC", 3])
    path = tmp_path / "thieu.xlsx"
    wb.save(path)
    report = headcount_import_dry_run(path, actor=system_user, on=date(2025, 4, 2))
    assert report.errors == [(1, "Loại biên chế", "Thiếu cột bắt buộc.")]
    bad = tmp_path / "khong-phai.xlsx"
    bad.write_bytes(b"not a zip")
    report = headcount_import_dry_run(bad, actor=system_user, on=date(2025, 4, 2))
    assert report.errors[0][0] == 1 and "Không đọc được tệp Excel" in report.errors[0][2]


def test_headcount_headers_typed_without_accents_in_legacy_fonts_or_as_aliases_import(system_user, app, tmp_path):
    """The pipeline's header matching (imports/pipeline.py) for headcounts: headers without
    diacritics, in capitals, in the TCVN3 font, and aliases («Mã đơn vị», «Thực có»); the header
    under a title line; the unknown column is listed."""
    from openpyxl import Workbook

    from dangbo.imports.legacy import encode_tcvn3

    wb = Workbook()
    wb.active.append(["BÁO CÁO SỐ NGƯỜI THỰC CÓ"])
    wb.active.append(["STT", "MA DON VI", encode_tcvn3("Loại biên chế"), "thuc co", "tinh den ngay", "NGUON"])
    wb.active.append([1, "H01-BTC", "cb_cc", 9, "01/04/2025", "Báo cáo quý I"])
    path = tmp_path / "go-tay.xlsx"
    wb.save(path)
    report = headcount_import_dry_run(path, actor=system_user, on=date(2025, 4, 2))
    assert report.ok and report.ignored == ["STT"] and [p[0] for p in report.planned] == [3]
