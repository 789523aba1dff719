"""Dry run and apply on real messy files: legacy encodings, NFD, serial dates, duplicates, a bad
row in the middle (nothing written), idempotent re-import, scope."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.imports.legacy import encode_tcvn3, encode_vni
from dangbo.imports.services import ImportRefused, import_apply, import_dry_run
from dangbo.imports.tests.files import members, row, write_csv, write_xlsx
from dangbo.members.lifecycle import replay
from dangbo.members.models import EventType, Member, MemberEvent, MembershipSpan, Status
from dangbo.members.services import _effective_events, _profile
from dangbo.orgs.services import org_establish

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


def test_a_clean_file_creates_members_with_a_transfer_in_event_and_spans(tree, system_user, tmp_path):
    path = write_xlsx(
        tmp_path / "ds.xlsx",
        [
            row(),
            row(
                name="Trần Thị Bình",
                cid="001180000002",
                sex="Nữ",
                ceremony="20/03/2020",
                admitted="01/03/2020",
                full="",
            ),
        ],
    )
    report = import_apply(path, actor=system_user, today=TODAY)
    assert (report.created, report.unchanged, report.refused_rows) == (2, 0, 0)
    an = Member.objects.get(citizen_id="001080000001")
    assert an.full_name == "Nguyễn Văn An"
    assert an.current_status == Status.FULL
    assert an.current_org_id == tree["cell_a1"].pk
    assert an.admitted_on == date(2010, 3, 15)
    assert an.general_education == "gdpt_thpt" and an.theory_level == "so_cap"
    event = MemberEvent.objects.get(member=an)
    assert event.type == EventType.OFFICIAL_TRANSFER_IN
    assert event.payload["status"] == "chinh_thuc" and event.payload["admitted_on"] == "2010-03-15"
    assert event.on == date(2015, 1, 1)  # the cell's history in the system starts in 2015
    binh = Member.objects.get(citizen_id="001180000002")
    assert binh.current_status == Status.PROBATIONARY and binh.ceremony_on == date(2020, 3, 20)
    assert MemberEvent.objects.get(member=binh).on == date(2020, 3, 1)
    # The bulk path writes exactly what a replay of the events gives.
    for m in (an, binh):
        spans = replay(_effective_events(m), _profile(m)).spans
        stored = list(MembershipSpan.objects.filter(member=m).values_list("org_id", "status", "valid_from", "valid_to"))
        assert stored == [(s.facts.org_id, s.facts.status, s.valid_from, s.valid_to) for s in spans]
    assert AuditEntry.objects.filter(action="member.imported").count() == 1


def test_the_dry_run_writes_nothing(tree, system_user, tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", members(5))
    report = import_dry_run(path, actor=system_user, today=TODAY)
    assert report.created == 5
    assert Member.objects.count() == 0


def test_tcvn3_vni_nfd_and_serial_dates_are_cleaned(tree, system_user, tmp_path):
    rows = [
        row(
            name=encode_tcvn3("NGUYỄN văn AN"),
            cid="001080000001",
            hometown=encode_tcvn3("Xã Hồng Phước"),
            birth=29466,
            admitted=40252,
            full=40617,
        ),  # Excel serials: 02/09/1980, 15/03/2010, 15/03/2011
        row(name=encode_tcvn3("Trần Thị Lợi"), cid="001180000003", sex=encode_tcvn3("Nữ"), hometown="Thôn Đông"),
    ]
    write_xlsx(tmp_path / "tcvn3.xlsx", rows)
    vni_rows = [
        row(
            name=encode_vni("Đặng Hữu Phước"),
            cid="001080000004",
            hometown=encode_vni("Xã Tân Tiến"),
            sex=encode_vni("Nữ"),
            ethnicity=encode_vni("Tày"),
            birth="1975",
        )
    ]
    write_xlsx(tmp_path / "vni.xlsx", vni_rows)
    nfd_rows = [
        row(
            name=unicodedata.normalize("NFD", "Bùi Thị Thuỷ"),
            cid="001180000005",
            sex="nu",
            hometown=unicodedata.normalize("NFD", "Phường Bến Thành"),
            org_name="chi bo thon 2",
            code="",
        )
    ]
    write_csv(tmp_path / "nfd.csv", nfd_rows, encoding="utf-8-sig", delimiter=";")

    for name in ("tcvn3.xlsx", "vni.xlsx", "nfd.csv"):
        report = import_apply(tmp_path / name, actor=system_user, today=TODAY)
        assert report.refused_rows == 0, report.refusals

    an = Member.objects.get(citizen_id="001080000001")
    assert (an.full_name, an.hometown, an.birth_date, an.admitted_on, an.full_on) == (
        "Nguyễn Văn An",
        "Xã Hồng Phước",
        date(1980, 9, 2),
        date(2010, 3, 15),
        date(2011, 3, 15),
    )
    loi = Member.objects.get(citizen_id="001180000003")
    assert (loi.full_name, loi.sex) == ("Trần Thị Lợi", "F")
    phuoc = Member.objects.get(citizen_id="001080000004")
    assert (phuoc.full_name, phuoc.hometown, phuoc.ethnicity) == ("Đặng Hữu Phước", "Xã Tân Tiến", "02")
    assert (phuoc.birth_date, phuoc.birth_year) == (None, 1975)
    thuy = Member.objects.get(citizen_id="001180000005")
    assert thuy.full_name == unicodedata.normalize("NFC", "Bùi Thị Thuỷ")
    assert thuy.hometown == "Phường Bến Thành" and thuy.current_org_id == tree["cell_a2"].pk


def test_a_cp1258_csv_is_read(tree, system_user, tmp_path):
    def cp1258(text):  # Vietnamese Windows: precomposed base letter (â ê ô ơ ư ă) + combining tone
        out: list[str] = []
        base = -1
        for ch in unicodedata.normalize("NFD", text):
            if not unicodedata.combining(ch):
                base = len(out)
                out.append(ch)
            elif ch in "\u0300\u0301\u0303\u0309\u0323":
                out.append(ch)
            else:
                out[base] = unicodedata.normalize("NFC", out[base] + ch)
        return "".join(out)

    data = row(name="Lê Thị Hằng", sex="Nữ")
    headers = list(data)
    rows = [{cp1258(k): cp1258(v) if isinstance(v, str) else v for k, v in data.items()}]
    write_csv(tmp_path / "cp1258.csv", rows, encoding="cp1258", headers=[cp1258(h) for h in headers])
    report = import_apply(tmp_path / "cp1258.csv", actor=system_user, today=TODAY)
    assert report.refused_rows == 0, report.refusals
    assert Member.objects.get().full_name == "Lê Thị Hằng"


def test_a_bad_row_in_the_middle_writes_nothing(tree, system_user, tmp_path):
    rows = members(30)
    rows[15]["Ngày sinh"] = "31/02/1980"
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ImportRefused) as exc:
        import_apply(path, actor=system_user, today=TODAY)
    assert exc.value.report.refusals == [
        {"row": 17, "column": "Ngày sinh", "reason": "Ngày 31/02/1980 không có trên lịch."}
    ]
    assert Member.objects.count() == 0
    assert MemberEvent.objects.count() == 0
    assert not AuditEntry.objects.filter(action="member.imported").exists()


def test_reimporting_the_same_file_changes_nothing(tree, system_user, tmp_path):
    rows = members(10)
    rows.append(row(name="Phạm Văn Không Số", cid="", birth="1970", hometown="Xóm Chùa"))
    path = write_xlsx(tmp_path / "ds.xlsx", rows)
    first = import_apply(path, actor=system_user, today=TODAY)
    assert first.created == 11
    counts = (Member.objects.count(), MemberEvent.objects.count(), MembershipSpan.objects.count())
    again = import_apply(path, actor=system_user, today=TODAY)
    assert (again.created, again.unchanged, again.refused_rows) == (0, 11, 0)
    assert (Member.objects.count(), MemberEvent.objects.count(), MembershipSpan.objects.count()) == counts


def test_duplicates_exact_ones_skipped_likely_ones_flagged_never_merged(tree, system_user, tmp_path):
    import_apply(write_xlsx(tmp_path / "a.xlsx", [row()]), actor=system_user, today=TODAY)
    rows = [
        row(name="Nguyễn Văn An", cid="001080000001", occupation="Giáo viên"),  # same ID, other data
        row(name="Lê Văn Hai", cid="001080000009"),
        row(name="Lê Văn Hai", cid="001080000009"),  # the same row twice in the file
        row(name="Nguyễn Văn An", cid="", birth="02/09/1980", hometown="Xã An Bình", full=""),  # same person?
    ]
    report = import_dry_run(write_xlsx(tmp_path / "b.xlsx", rows), actor=system_user, today=TODAY)
    assert (report.created, report.refused_rows, report.skipped) == (2, 1, 1)
    reasons = {(r["row"], r["column"]): r["reason"] for r in report.refusals}
    assert "đã có trong hệ thống" in reasons[(2, "Số CCCD")] and "Nghề nghiệp" in reasons[(2, "Số CCCD")]
    assert report.notes == [
        {"row": 4, "reason": "Trùng hoàn toàn với dòng 3 (cùng số CCCD, cùng thông tin): bỏ qua, chỉ nhập dòng 3."}
    ]
    assert [d["row"] for d in report.duplicates] == [5]
    assert "hồ sơ số" in report.duplicates[0]["reason"]
    assert Member.objects.count() == 1


def test_refusals_name_the_row_the_column_and_a_vietnamese_reason(tree, system_user, tmp_path):
    rows = [
        row(cid=10800000011),  # an 11-digit number cell: Excel dropped the leading zero
        row(cid="001080000012", sex="?"),
        row(cid="001080000013", code="KHONG-CO"),
        row(cid="001080000014", birth="01/01/2000", admitted="01/01/2010"),  # admitted at 10
        row(cid="001080000015", admitted=""),
    ]
    report = import_dry_run(write_xlsx(tmp_path / "x.xlsx", rows, title_rows=2), actor=system_user, today=TODAY)
    got = {(r["row"], r["column"]) for r in report.refusals}
    assert got == {(4, "Số CCCD"), (5, "Giới tính"), (6, "Mã chi bộ"), (7, "Ngày vào Đảng"), (8, "Ngày vào Đảng")}
    assert report.refusals[2]["reason"] == "Không tìm thấy chi bộ «KHONG-CO»."
    assert report.created == 0


def test_an_ambiguous_cell_name_is_refused_with_the_candidates(tree, system_user, tmp_path):
    org_establish(
        actor=system_user,
        code="T01-X02-C09",
        name="Chi bộ thôn 1",
        org_type="subordinate_cell",
        parent=tree["commune_b"],
        on=date(2015, 1, 1),
    )
    path = write_xlsx(tmp_path / "x.xlsx", [row(code="", org_name="CHI BO THON 1")])
    report = import_dry_run(path, actor=system_user, today=TODAY)
    reason = report.refusals[0]["reason"]
    assert "Có 2 chi bộ cùng tên" in reason and "T01-X01-C01" in reason and "T01-X02-C09" in reason


def test_rows_for_cells_outside_the_officers_scope_are_not_found(tree, commune_officer, tmp_path):
    rows = [
        row(cid="001080000021", code="T01-X01-C01"),
        row(cid="001080000022", code="T01-X02-C01"),
        row(cid="001080000023", code="", org_name="Chi bộ thôn Đông"),
    ]
    report = import_dry_run(write_xlsx(tmp_path / "x.xlsx", rows), actor=commune_officer, today=TODAY)
    assert report.created == 1
    assert [r["reason"] for r in report.refusals] == [
        "Không tìm thấy chi bộ «T01-X02-C01».",
        "Không tìm thấy chi bộ «Chi bộ thôn Đông».",
    ]


def test_missing_columns_are_reported_before_reading_rows(tree, system_user, tmp_path):
    from dangbo.imports.parse import FileFormatError

    path = write_xlsx(tmp_path / "x.xlsx", [{"Họ tên": "Nguyễn Văn An"}], headers=["Họ tên", "Quê quán"])
    with pytest.raises(FileFormatError, match="Thiếu cột: «Ngày sinh», «Giới tính», «Ngày vào Đảng»"):
        import_dry_run(path, actor=system_user, today=TODAY)


def test_aliases_and_a_female_marker_column_are_understood(tree, system_user, tmp_path):
    headers = ["STT", "Họ tên", "Năm sinh", "Nữ", "Ngày kết nạp", "Chi bộ", "Số căn cước công dân"]
    rows = [
        {
            "STT": 1,
            "Họ tên": "Vũ Thị Yến",
            "Năm sinh": 1985,
            "Nữ": "x",
            "Ngày kết nạp": "3/2/2015",
            "Chi bộ": "Chi bộ thôn Đông",
            "Số căn cước công dân": "001185000031",
        },
        {
            "STT": 2,
            "Họ tên": "Vũ Văn Nam",
            "Năm sinh": 1984,
            "Nữ": None,
            "Ngày kết nạp": "2015-02-03",
            "Chi bộ": "Chi bộ thôn Đông",
            "Số căn cước công dân": "001084000032",
        },
    ]
    report = import_apply(write_xlsx(tmp_path / "x.xlsx", rows, headers=headers), actor=system_user, today=TODAY)
    assert report.created == 2, report.refusals
    assert dict(Member.objects.values_list("full_name", "sex")) == {"Vũ Thị Yến": "F", "Vũ Văn Nam": "M"}
    assert "STT" in report.ignored_headers


def test_formula_injection_refused_on_import(tree, system_user, tmp_path):
    """Issue 13: a name, a place, an occupation or a card number that a spreadsheet would run as a
    formula is refused, naming the row and the column; XLSX and CSV alike."""
    rows = [
        row(cid="001080000021", name='=HYPERLINK("http://x.example","Bấm")'),
        row(cid="001080000022", hometown="@SUM(1+1)"),
        row(cid="001080000023", occupation="-2+3+cmd|' /C calc'!A0"),
        row(cid="001080000024", card="=1+1"),
        row(cid="001080000025", hometown="\t=1+1"),  # a tab before the formula is cleaned away, not the formula
        row(cid="001080000026", name="Nguyễn Thị Hà", hometown="Xã An Bình", card="-"),  # "-": none
    ]
    for path in (write_xlsx(tmp_path / "x.xlsx", rows), write_csv(tmp_path / "x.csv", rows)):
        report = import_dry_run(path, actor=system_user, today=TODAY)
        got = {(r["row"], r["column"]) for r in report.refusals}
        assert got == {
            (2, "Họ và tên"),
            (3, "Quê quán"),
            (4, "Nghề nghiệp"),
            (5, "Số thẻ đảng viên"),
            (6, "Quê quán"),
        }, path.name
        assert report.refusals[0]["reason"] == (
            'Nội dung «=HYPERLINK("http://x.example","Bấm")» bắt đầu bằng «=» nên Excel sẽ coi là công thức; '
            "hệ thống không nhận công thức trong cột chữ. Hãy bỏ ký tự đó ở đầu ô."
        )
        assert report.created == 1
    with pytest.raises(ImportRefused):
        import_apply(path, actor=system_user, today=TODAY)
    assert not Member.objects.filter(full_name__startswith="=").exists()


def test_the_bulk_write_leaves_derived_tables_as_a_rebuild_would_and_the_audit_chain_whole(tree, system_user, tmp_path):
    """The fast path (keys reserved, spans and events before the members on PostgreSQL, report facts
    written as new rows with COPY, JIT off for the import only) stores what the member services and
    the rebuild commands would: `check-data` finds nothing about the imported members (projections,
    report facts, search terms), and the audit chain verifies."""
    from django.db import connection

    from dangbo.audit.services import audit_verify
    from dangbo.members.selectors import data_issues
    from dangbo.reports.models import ReportFlow, ReportSpan

    jit_before = None
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SHOW jit")
            jit_before = c.fetchone()[0]
    rows = members(25) + [
        row(name="Lê Văn Cường", cid="001080000999", full="", ceremony="01/06/2025", admitted="01/06/2025")
    ]
    report = import_apply(write_xlsx(tmp_path / "ds.xlsx", rows), actor=system_user, today=TODAY)
    assert report.created == 26
    ids = set(report.created_member_ids)
    assert ReportSpan.objects.filter(member_id__in=ids).values("member_id").distinct().count() == 26
    assert ReportFlow.objects.filter(member_id__in=ids, type=EventType.OFFICIAL_TRANSFER_IN).count() == 26
    assert [i for i in data_issues(today=TODAY) if i.member_id in ids] == []
    # the per-organization summaries (due ranges, member counts) filled as a rebuild would
    from dangbo.reports.models import OrgCountSpan
    from dangbo.reports.orgfacts import stale_orgs

    assert OrgCountSpan.objects.exists()
    assert stale_orgs() == []
    assert audit_verify().ok
    if jit_before is not None:
        with connection.cursor() as c:
            c.execute("SHOW jit")
            assert c.fetchone()[0] == jit_before  # JIT is off only while the import runs
