"""Member lists as provinces keep them (issue 16): headers and data in TCVN3 or VNI (built with the
product's own encoders; capitals as the capital font stores them), hand-typed CSVs (semicolons, BOM,
cp1258, stray spaces, mixed case), catalog aliases, place names in any case, year-only births,
rows typed twice, cell names repeated across communes, unrecognized columns. Each test checks
field by field what is stored (SQLite, and PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date

import pytest
from django.core.management import call_command

from dangbo.audit.models import AuditEntry
from dangbo.imports.legacy import encode_tcvn3, encode_vni
from dangbo.imports.mappings import mapping_save, saved_map
from dangbo.imports.models import ColumnMapping
from dangbo.imports.parse import MEMBERS, FileFormatError, header_key
from dangbo.imports.services import ImportRefused, import_apply, import_dry_run
from dangbo.imports.tests.files import write_xlsx
from dangbo.members.models import Member, MemberEvent
from dangbo.orgs.models import OrgEvent, OrgVersion
from dangbo.orgs.services import org_establish

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)

# A header row as old files have it: a row number, short and long forms of the headers, a note.
REAL_HEADERS = [
    "STT",
    "Họ tên",
    "Năm sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Số CCCD",
    "Chi bộ",
    "Ngày kết nạp",
    "Ngày chính thức",
    "Ghi chú",
]


def person(name, birth, sex, ethnicity, religion, hometown, cid, cell, admitted, full="", note=""):
    return dict(
        zip(
            REAL_HEADERS,
            ["", name, birth, sex, ethnicity, religion, hometown, cid, cell, admitted, full, note],
            strict=True,
        )
    )


def encoded(rows, enc, headers=REAL_HEADERS):
    """Every header and text cell typed in the legacy font `enc`."""
    return [enc(h) for h in headers], [
        {enc(h): enc(v) if isinstance(v, str) else v for h, v in r.items()} for r in rows
    ]


def cp1258(text: str) -> bytes:
    """Vietnamese Windows (cp1258): a letter with its shape mark (â ê ô ơ ư ă đ) and a separate tone."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for i, mark in enumerate(marks):
            try:
                out += unicodedata.normalize("NFC", base + mark).encode("cp1258")
                out += "".join(marks[:i] + marks[i + 1 :]).encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            out += (base + "".join(marks)).encode("cp1258")
    return out


def messy_csv(path, rows, *, headers=REAL_HEADERS, encoding="utf-8-sig", delimiter=";"):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter)
    w.writerow([f" {h.upper() if i % 2 else h.lower()}  " for i, h in enumerate(headers)])  # case, spaces
    for r in rows:
        w.writerow([f"{r.get(h, '')}  " if r.get(h) else "" for h in headers])
    text = out.getvalue()
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def stored(cid):
    m = Member.objects.get(citizen_id=cid)
    return (
        m.full_name,
        m.birth_date,
        m.birth_year,
        m.sex,
        m.ethnicity,
        m.religion,
        m.hometown,
        m.current_org_id,
        m.admitted_on,
        m.full_on,
    )


ROWS = [
    person(
        "NGUYỄN VĂN ĐỨC",
        "1975",
        "Nam",
        "H'Mông",
        "Không",
        "Ô MÔN, CẦN THƠ",
        "001075000101",
        "Chi bộ thôn 1",
        "06/02/1994",
        "06/02/1995",
    ),
    person(
        "trần thị hường",
        "12/05/1980",
        "Nữ",
        "Ê Đê",
        "Thiên chúa",
        "ứng Hòa, Hà Nội",
        "001180000102",
        "chi bo thon 2",
        "15/03/2005",
    ),
    person(
        "Lê Hữu Phước",
        "03/10/1968",
        "nam",
        "Kinh",
        "Hòa Hảo",
        "xã an bình",
        "001068000103",
        "Chi bộ thôn 1",
        "01/09/1990",
        "01/09/1991",
    ),
]
EXPECTED = {
    "001075000101": (
        "Nguyễn Văn Đức",
        None,
        1975,
        "M",
        "08",
        "00",
        "Ô Môn, Cần Thơ",
        "cell_a1",
        date(1994, 2, 6),
        date(1995, 2, 6),
    ),
    "001180000102": (
        "Trần Thị Hường",
        date(1980, 5, 12),
        1980,
        "F",
        "12",
        "02",
        "Ứng Hòa, Hà Nội",
        "cell_a2",
        date(2005, 3, 15),
        None,
    ),
    "001068000103": (
        "Lê Hữu Phước",
        date(1968, 10, 3),
        1968,
        "M",
        "01",
        "03",
        "Xã An Bình",
        "cell_a1",
        date(1990, 9, 1),
        date(1991, 9, 1),
    ),
}


def check_stored(tree):
    for cid, expected in EXPECTED.items():
        *head, cell, admitted, full = expected
        assert stored(cid) == (*head, tree[cell].pk, admitted, full), cid


def test_a_tcvn3_file_with_tcvn3_headers_imports_every_field(tree, system_user, tmp_path):
    headers, rows = encoded(ROWS, encode_tcvn3)
    assert "Giíi tÝnh" in headers and "Sè CCCD" in headers and "Chi bé" in headers
    assert encode_tcvn3("NGUYỄN VĂN ĐỨC") != "NGUYỄN VĂN ĐỨC"  # capitals as the capital font stores them
    path = write_xlsx(tmp_path / "tcvn3.xlsx", rows, headers=headers)
    report = import_apply(path, actor=system_user, today=TODAY, confirm_duplicates=False)
    assert (report.created, report.refused_rows, report.encoding) == (3, 0, "tcvn3"), report.refusals
    mapped = {m["header"]: m["field"] for m in report.mapped}
    assert mapped["Giới tính"] == "sex" and mapped["Số CCCD"] == "citizen_id" and mapped["Chi bộ"] == "org_name"
    assert report.ignored_headers == ["STT", "Ghi chú"]
    check_stored(tree)


def test_a_vni_file_keeps_the_citizen_id_column(tree, system_user, tmp_path):
    headers, rows = encoded(ROWS, encode_vni)
    assert "Soá CCCD" in headers
    path = write_xlsx(tmp_path / "vni.xlsx", rows, headers=headers)
    report = import_apply(path, actor=system_user, today=TODAY)
    assert (report.created, report.refused_rows, report.encoding) == (3, 0, "vni"), report.refusals
    assert {
        "header": "Số CCCD",
        "key": "so cccd",
        "field": "citizen_id",
        "label": "Số CCCD",
        "how": "alias",
    } in report.mapped
    check_stored(tree)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1258"])
def test_a_hand_typed_csv_semicolons_bom_cp1258_spaces_and_case(tree, system_user, tmp_path, encoding):
    path = messy_csv(tmp_path / "ds.csv", ROWS, encoding=encoding)
    if encoding == "cp1258":
        assert b"\xec" in path.read_bytes() or b"\xf2" in path.read_bytes()  # separate tone bytes
    report = import_apply(path, actor=system_user, today=TODAY)
    assert (report.created, report.refused_rows) == (3, 0), report.refusals
    check_stored(tree)


def test_catalog_aliases_fold_hyphens_spaces_apostrophes_and_unknowns_get_suggestions(tree, system_user, tmp_path):
    spellings = [
        ("H'Mông", "08"),
        ("HMông", "08"),
        ("Hmông", "08"),
        ("Mông", "08"),
        ("Ê Đê", "12"),
        ("Ê-đê", "12"),
        ("Êđê", "12"),
        ("Khmer", "05"),
    ]
    religions = [
        ("Hòa Hảo", "03"),
        ("Phật giáo Hòa Hảo", "03"),
        ("Thiên chúa", "02"),
        ("Công giáo", "02"),
        ("Phật giáo", "01"),
        ("Tin lành", "08"),
        ("", "00"),
        ("Không", "00"),
    ]
    rows = [
        person(
            f"Người Thứ {chr(65 + i)}",
            "01/01/1970",
            "Nam",
            eth,
            rel,
            "",
            f"0010700002{i:02d}",
            "Chi bộ thôn 1",
            "01/01/2000",
        )
        for i, ((eth, _), (rel, _)) in enumerate(zip(spellings, religions, strict=True))
    ]
    rows.append(
        person(
            "Người Sai Dân Tộc", "01/01/1970", "Nam", "Mường Cổ", "", "", "001070000299", "Chi bộ thôn 1", "01/01/2000"
        )
    )
    report = import_dry_run(write_xlsx(tmp_path / "a.xlsx", rows, headers=REAL_HEADERS), actor=system_user, today=TODAY)
    assert report.refused_rows == 1
    (refusal,) = report.refusals
    assert refusal["row"] == len(rows) + 1 and refusal["column"] == "Dân tộc"
    assert refusal["reason"].startswith("Dân tộc «Mường Cổ» không có trong danh mục. Có phải: «Mường»")
    import_apply(write_xlsx(tmp_path / "b.xlsx", rows[:-1], headers=REAL_HEADERS), actor=system_user, today=TODAY)
    for i, ((_, eth), (_, rel)) in enumerate(zip(spellings, religions, strict=True)):
        m = Member.objects.get(citizen_id=f"0010700002{i:02d}")
        assert (m.ethnicity, m.religion) == (eth, rel), (spellings[i], religions[i])


def test_rule_r050_year_only_birth_checked_with_the_most_favourable_day_and_flagged(tree, system_user, tmp_path):
    rows = [
        person("Đinh Văn Một", "1976", "Nam", "Kinh", "", "", "001076000301", "Chi bộ thôn 1", "06/02/1994"),
        person("Đinh Văn Hai", "1977", "Nam", "Kinh", "", "", "001077000302", "Chi bộ thôn 1", "06/02/1994"),
        person("Đinh Văn Ba", "1960", "Nam", "Kinh", "", "", "001060000303", "Chi bộ thôn 1", "06/02/1994"),
    ]
    report = import_apply(
        write_xlsx(tmp_path / "a.xlsx", rows[:1] + rows[2:], headers=REAL_HEADERS), actor=system_user, today=TODAY
    )
    assert (report.created, report.refused_rows) == (2, 0)
    assert report.review_count == 1 and report.reviews[0]["row"] == 2
    assert "Chỉ có năm sinh 1976" in report.reviews[0]["reason"] and "06/02/1976" in report.reviews[0]["reason"]
    m = Member.objects.get(citizen_id="001076000301")
    assert (m.birth_date, m.birth_year, m.admitted_on) == (None, 1976, date(1994, 2, 6))
    # born in 1977: under 18 on 06/02/1994 even if born on 01/01/1977
    report = import_dry_run(
        write_xlsx(tmp_path / "b.xlsx", rows[1:2], headers=REAL_HEADERS), actor=system_user, today=TODAY
    )
    assert report.refused_rows == 1 and "R-050" in report.refusals[0]["reason"]


def test_rule_r050_still_refuses_a_full_birth_date_under_18(tree, system_user, tmp_path):
    rows = [person("Đinh Văn Bốn", "07/02/1976", "Nam", "Kinh", "", "", "001076000304", "Chi bộ thôn 1", "06/02/1994")]
    report = import_dry_run(write_xlsx(tmp_path / "a.xlsx", rows, headers=REAL_HEADERS), actor=system_user, today=TODAY)
    assert report.refused_rows == 1 and report.review_count == 0
    assert report.refusals[0]["reason"] == "Ngày vào Đảng 06/02/1994 khi chưa đủ 18 tuổi (R-050)."
    rows[0]["Năm sinh"] = "06/02/1976"  # 18 that very day
    assert import_dry_run(
        write_xlsx(tmp_path / "b.xlsx", rows, headers=REAL_HEADERS), actor=system_user, today=TODAY
    ).ok


def test_rows_typed_twice_are_skipped_and_likely_duplicates_need_the_officers_confirmation(tree, system_user, tmp_path):
    a = person(
        "Phan Văn Tâm", "02/02/1970", "Nam", "Kinh", "", "Xã An Bình", "001070000401", "Chi bộ thôn 1", "01/01/2000"
    )
    b = person("Phan Văn Tâm", "02/02/1970", "Nam", "Kinh", "", "Xã Khác", "", "Chi bộ thôn 2", "01/01/2001")
    no_id = person("Vũ Thị Lan", "03/03/1972", "Nữ", "Kinh", "", "", "", "Chi bộ thôn 2", "01/01/2002")
    rows = [a, dict(a), no_id, dict(no_id), b]
    path = write_xlsx(tmp_path / "a.xlsx", rows, headers=REAL_HEADERS)
    report = import_dry_run(path, actor=system_user, today=TODAY)
    assert (report.created, report.skipped, report.refused_rows, report.duplicate_count) == (3, 2, 0, 1)
    assert [n["row"] for n in report.notes] == [3, 5]
    assert "dòng 2" in report.notes[0]["reason"] and "dòng 4" in report.notes[1]["reason"]
    assert report.duplicates[0]["row"] == 6 and "dòng 2" in report.duplicates[0]["reason"]
    with pytest.raises(ImportRefused) as refused:
        import_apply(path, actor=system_user, today=TODAY)
    assert [r["row"] for r in refused.value.report.refusals] == [6]
    assert Member.objects.count() == 0
    report = import_apply(path, actor=system_user, today=TODAY, confirm_duplicates=True)
    assert (report.created, report.skipped) == (3, 2)
    assert Member.objects.filter(full_name="Phan Văn Tâm").count() == 2
    assert sorted(Member.objects.filter(full_name="Phan Văn Tâm").values_list("hometown", flat=True)) == [
        "Xã An Bình",
        "Xã Khác",
    ]
    assert AuditEntry.objects.get(action="member.imported").after["confirmed_duplicates"] == 1
    # The same file again: every row is already there, with a note pointing at the member.
    again = import_dry_run(path, actor=system_user, today=TODAY)
    assert (again.created, again.unchanged, again.skipped, again.refused_rows) == (0, 3, 2, 0)
    assert any("hồ sơ số" in n["reason"] for n in again.notes)


@pytest.fixture
def two_dong_cells(tree, system_user):
    """ "Chi bộ thôn Đông" in commune A too (commune B already has one)."""
    return org_establish(
        actor=system_user,
        code="T01-X01-C03",
        name="Chi bộ thôn Đông",
        org_type="subordinate_cell",
        parent=tree["commune_a"],
        on=date(2015, 1, 1),
    )


def test_a_cell_name_repeated_across_communes_is_matched_under_the_chosen_organization(
    tree, system_user, tmp_path, two_dong_cells
):
    rows = [person("Hồ Văn Nam", "01/01/1970", "Nam", "Kinh", "", "", "001070000501", "Chi bộ thôn Đông", "01/01/2000")]
    path = write_xlsx(tmp_path / "a.xlsx", rows, headers=REAL_HEADERS)
    report = import_dry_run(path, actor=system_user, today=TODAY)
    assert report.refused_rows == 1 and "Có 2 chi bộ cùng tên" in report.refusals[0]["reason"]
    report = import_apply(path, actor=system_user, today=TODAY, under=tree["commune_a"])
    assert report.created == 1 and report.under == "T01-X01 — Đảng bộ xã An Bình"
    assert Member.objects.get(citizen_id="001070000501").current_org_id == two_dong_cells.pk


def test_a_missing_cell_is_listed_by_the_dry_run_and_created_through_the_services(tree, system_user, tmp_path):
    rows = [
        person(f"Hồ Văn {n}", "01/01/1970", "Nam", "Kinh", "", "", f"00107000060{i}", "Chi bộ thôn Bắc", "01/01/2000")
        for i, n in enumerate(("Sáu", "Bảy"))
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows, headers=REAL_HEADERS)
    report = import_dry_run(path, actor=system_user, today=TODAY, under=tree["commune_a"])
    assert report.refused_rows == 2 and "Không tìm thấy chi bộ «Chi bộ thôn Bắc» trong" in report.refusals[0]["reason"]
    report = import_dry_run(path, actor=system_user, today=TODAY, under=tree["commune_a"], create_cells=True)
    assert report.ok and report.new_orgs == [
        {
            "name": "Chi bộ thôn Bắc",
            "code": "",
            "rows": 2,
            "first_row": 2,
            "org_type": "Chi bộ trực thuộc (đảng ủy cơ sở / đảng bộ bộ phận)",
            "parent": "T01-X01 — Đảng bộ xã An Bình",
            "on": "01/03/2026",
        }
    ]
    assert not OrgVersion.objects.filter(name="Chi bộ thôn Bắc").exists()
    report = import_apply(path, actor=system_user, today=TODAY, under=tree["commune_a"], create_cells=True)
    v = OrgVersion.objects.get(name="Chi bộ thôn Bắc")
    assert (v.org.code, v.parent_id, v.org_type, v.valid_from) == (
        "T01-X01-M01",
        tree["commune_a"].pk,
        "subordinate_cell",
        TODAY,
    )
    assert OrgEvent.objects.filter(org=v.org).count() == 1
    assert AuditEntry.objects.filter(action="org.established", object_id=str(v.org_id)).exists()
    assert set(Member.objects.values_list("current_org_id", flat=True)) == {v.org_id}
    assert set(MemberEvent.objects.values_list("on", flat=True)) == {TODAY}
    assert report.new_orgs[0]["code"] == "T01-X01-M01"


def test_the_command_takes_under_create_cells_and_confirm_duplicates(
    tree, system_user, tmp_path, capsys, two_dong_cells
):
    rows = [
        person("Hồ Văn Nam", "01/01/1970", "Nam", "Kinh", "", "", "001070000701", "Chi bộ thôn Đông", "01/01/2000"),
        person("Hồ Văn Nam", "01/01/1970", "Nam", "Kinh", "", "Khác", "", "Chi bộ thôn Tây", "01/01/2001"),
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows, headers=REAL_HEADERS)
    with pytest.raises(SystemExit):
        call_command("import", str(path), "--dry-run", "--under", "T01-X01")
    out = capsys.readouterr().out
    assert "Tổ chức cấp trên của tệp: T01-X01 — Đảng bộ xã An Bình" in out
    assert "Cột «STT» → BỎ QUA (không nhận ra cột này)" in out and "Cột «Chi bộ» → «Tên chi bộ»" in out
    assert "Không tìm thấy chi bộ «Chi bộ thôn Tây»" in out
    call_command("import", str(path), "--under", str(tree["commune_a"].pk), "--create-cells", "--confirm-duplicates")
    out = capsys.readouterr().out
    assert "Đã tạo mới: 2" in out and "Chi bộ mới (đã lập T01-X01-M01): «Chi bộ thôn Tây»" in out
    assert Member.objects.get(citizen_id="001070000701").current_org_id == two_dong_cells.pk


def test_an_unrecognized_column_is_listed_then_mapped_and_the_mapping_is_reused(
    tree, commune_officer, outsider, tmp_path
):
    headers = ["Họ tên", "Năm sinh", "Giới tính", "Số CCCD", "Sinh hoạt tại", "Ngày kết nạp"]
    rows = [
        dict(
            zip(
                headers, ["Mai Văn Tư", "01/01/1970", "Nam", "001070000801", "Chi bộ thôn 1", "01/01/2000"], strict=True
            )
        )
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows, headers=headers)
    with pytest.raises(FileFormatError) as missing:
        import_dry_run(path, actor=commune_officer, today=TODAY)
    assert "Mã chi bộ / Tên chi bộ" in str(missing.value)
    unknown = [h for h in missing.value.headers if h["field"] is None]
    assert [h["header"] for h in unknown] == ["Sinh hoạt tại"]
    mapping_save(
        actor=commune_officer,
        layout=MEMBERS,
        layout_key=missing.value.layout_key,
        headers=missing.value.headers,
        mapping={header_key("Sinh hoạt tại"): "org_name"},
    )
    saved = ColumnMapping.objects.get()
    assert (saved.org_id, saved.mapping) == (tree["commune_a"].pk, {"sinh hoat tai": "org_name"})
    entry = AuditEntry.objects.get(action="import.mapping_saved")
    assert entry.object_id == str(saved.pk) and "«Sinh hoạt tại» → Tên chi bộ" in entry.summary
    # A later file with the same header row: the mapping applies, and is reported as the officer's.
    report = import_apply(write_xlsx(tmp_path / "b.xlsx", rows, headers=headers), actor=commune_officer, today=TODAY)
    assert report.created == 1
    assert {
        "header": "Sinh hoạt tại",
        "key": "sinh hoat tai",
        "field": "org_name",
        "label": "Tên chi bộ",
        "how": "officer",
    } in report.mapped
    assert Member.objects.get(citizen_id="001070000801").current_org_id == tree["cell_a1"].pk
    # Another commune's officer does not see (or get) commune A's mapping.
    assert saved_map(outsider, "members", report.layout_key) == {}


def test_a_field_cannot_be_mapped_to_two_columns(tree, commune_officer):
    from dangbo.core.errors import DomainError

    headers = [
        {"header": "Họ tên", "key": "ho ten", "field": "full_name"},
        {"header": "Tên gọi khác", "key": "ten goi khac", "field": None},
    ]
    with pytest.raises(DomainError, match="được chọn cho hai cột"):
        mapping_save(
            actor=commune_officer,
            layout=MEMBERS,
            layout_key="k",
            headers=headers,
            mapping={"ten goi khac": "full_name"},
        )
    assert not ColumnMapping.objects.exists()


def test_a_realistic_legacy_file_imports_every_acceptable_row_exactly_and_lists_only_the_bad_ones(
    tree, system_user, tmp_path, two_dong_cells
):
    """A commune's list as kept for years in an old Excel file (TCVN3 font, title rows, a row
    number column): 200 rows with every kind of harmless mess, 5 truly bad rows. The dry run lists
    exactly the bad rows; the file without them imports every other row exactly right."""
    import random

    rng = random.Random(16)
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
    middles = ["Văn", "Thị", "Hữu", "Ngọc", "Đức", "Minh", "Thanh", "Quốc"]
    givens = ["An", "Bình", "Cường", "Dũng", "Hằng", "Khoa", "Lợi", "Tươi", "Yến", "Thủy", "Phước", "Đạt", "Hưng"]
    ethnic = [
        ("Kinh", "01"),
        ("kinh", "01"),
        ("Tày", "02"),
        ("H'Mông", "08"),
        ("Hmông", "08"),
        ("Mông", "08"),
        ("Ê-đê", "12"),
        ("Ê Đê", "12"),
        ("Khơ me", "05"),
        ("Mường", "06"),
        ("dân tộc Thái", "03"),
    ]
    religion = [
        ("", "00"),
        ("Không", "00"),
        ("Phật giáo", "01"),
        ("Thiên chúa", "02"),
        ("Công giáo", "02"),
        ("Hòa Hảo", "03"),
        ("Phật giáo Hòa Hảo", "03"),
        ("Tin Lành", "08"),
    ]
    places = [
        ("XÃ AN BÌNH, SÔNG XANH", "Xã An Bình, Sông Xanh"),
        ("ứng Hòa, Hà Nội", "Ứng Hòa, Hà Nội"),
        ("Ô MÔN , CẦN THƠ", "Ô Môn, Cần Thơ"),
        ("thôn  Đông,xã Bình Minh", "Thôn Đông, Xã Bình Minh"),
        ("", ""),
    ]
    cells = [
        ("Chi bộ thôn 1", "cell_a1"),
        ("CHI BỘ THÔN 2", "cell_a2"),
        ("chi bo thon 1", "cell_a1"),
        ("Chi bộ thôn Đông", "dong"),
    ]
    rows, expected = [], {}
    for i in range(200):
        # a synthetic name, unique by its last word
        name = (
            f"{rng.choice(families)} {rng.choice(middles)} {rng.choice(givens)} {chr(65 + i // 26)}{chr(97 + i % 26)}"
        )
        born = date(rng.randint(1945, 1990), rng.randint(1, 12), rng.randint(1, 28))
        year_only = i % 9 == 0
        admitted = date(born.year + rng.randint(19, 30), rng.randint(1, 12), rng.randint(1, 28))
        full = date(admitted.year + 1, admitted.month, admitted.day) if i % 5 else None
        birth_cell = [
            str(born.year),
            born.strftime("%d/%m/%Y"),
            born.strftime("%-d/%-m/%Y"),
            born.strftime("%Y-%m-%d"),
        ][0 if year_only else 1 + i % 3]
        admitted_cell = admitted.strftime("%d/%m/%Y") if i % 4 else (admitted - date(1899, 12, 30)).days  # a serial
        eth, eth_code = ethnic[i % len(ethnic)]
        rel, rel_code = religion[i % len(religion)]
        place, place_stored = places[i % len(places)]
        cell, cell_key = cells[i % len(cells)]
        sex = ["Nam", "Nữ", "nam", "NỮ", "1", "0"][i % 6]
        cid = f"0010{i:08d}" if i % 7 else ""
        display = " ".join(w.upper() if i % 3 == 0 else w.lower() for w in name.split())  # case typed any way
        rows.append(
            person(
                f" {display}  ",
                birth_cell,
                sex,
                eth,
                rel,
                place,
                cid,
                cell,
                admitted_cell,
                full.strftime("%d/%m/%Y") if full else "",
                note="ghi chú",
            )
        )
        rows[-1]["STT"] = i + 1
        expected[i + 5] = {
            "full_name": name,
            "birth_date": None if year_only else born,
            "birth_year": born.year,
            "sex": "F" if sex.lower() in ("nữ", "0") else "M",
            "ethnicity": eth_code,
            "religion": rel_code,
            "hometown": place_stored,
            "citizen_id": cid or None,
            "current_org_id": (two_dong_cells if cell_key == "dong" else tree[cell_key]).pk,
            "admitted_on": admitted,
            "full_on": full,
        }
    rows.append(dict(rows[10]))  # typed twice: skipped, not refused
    bad = [
        person("Sai Ngày Sinh", "31/02/1980", "Nam", "Kinh", "", "", "001099000001", "Chi bộ thôn 1", "01/01/2005"),
        person("Sai Dân Tộc", "01/01/1980", "Nam", "Xyz", "", "", "001099000002", "Chi bộ thôn 1", "01/01/2005"),
        person("Chưa Đủ Tuổi", "01/06/1990", "Nữ", "Kinh", "", "", "001099000003", "Chi bộ thôn 1", "01/01/2005"),
        person("Sai Chi Bộ", "01/01/1980", "Nam", "Kinh", "", "", "001099000004", "Chi bộ thôn 99", "01/01/2005"),
        person("Sai Căn Cước", "01/01/1980", "Nam", "Kinh", "", "", "00109900", "Chi bộ thôn 1", "01/01/2005"),
    ]
    headers, encoded_rows = encoded(rows + bad, encode_tcvn3)
    path = write_xlsx(
        tmp_path / "Danh sach dang vien Dang bo xa An Binh 2024 (ban cuoi).xlsx",
        encoded_rows,
        headers=headers,
        title_rows=2,
    )
    first = 4  # two title rows, the header row, then the data
    report = import_dry_run(path, actor=system_user, today=TODAY, under=tree["commune_a"])
    bad_rows = set(range(first + len(rows), first + len(rows) + len(bad)))
    assert report.encoding == "tcvn3"
    assert {r["row"] for r in report.refusals} == bad_rows, [r for r in report.refusals if r["row"] not in bad_rows]
    assert report.skipped == 1 and report.notes[0]["row"] == first + len(rows) - 1
    headers, encoded_rows = encoded(rows, encode_tcvn3)
    path = write_xlsx(tmp_path / "sua.xlsx", encoded_rows, headers=headers, title_rows=2)
    report = import_apply(path, actor=system_user, today=TODAY, under=tree["commune_a"], confirm_duplicates=True)
    assert report.created == 200
    fields = list(next(iter(expected.values())))
    right = 0
    for row_number, want in expected.items():
        m = Member.objects.get(full_name=want["full_name"])
        got = {f: getattr(m, f) for f in fields}
        right += got == want
        assert got == want, (row_number, got, want)
    assert right / len(expected) >= 0.99
