"""Apparatus and staffing of the demo province (small, synthetic): the party bloc of Sơn Hà with
three provincial bodies and one district bloc (Đông Sơn) whose two bodies merge into the
provincial ones on 01/07/2025, the day the province merges into Sơn Giang (the bloc and the
provincial bodies take the new province's name that day); 2021 baselines, yearly quota decisions 2022–today with a
mid-year decision for the merge, headcount at the start of each year, three restructuring
projects reported as «7/8 … 8/13 … 12/13», and job-position catalogues (two provincial bodies
approved, the office's appraised, the district commission's submitted before the merge: «2/4»
agencies in force with an approved catalogue)."""

from __future__ import annotations

from datetime import date

from dangbo.staffing.services import (
    AllocationInput,
    PositionInput,
    UnitInput,
    agency_create,
    agency_dissolve,
    agency_merge,
    agency_rename,
    baseline_set,
    catalogue_advance,
    catalogue_create,
    ensure_categories,
    headcount_record,
    project_create,
    quota_allocate,
)

FOUNDED = date(2015, 1, 1)
MERGE = date(2025, 7, 1)
OLD_PROVINCE, NEW_PROVINCE = "Sơn Hà", "Sơn Giang"  # demo/plan.py: Sơn Hà and Kim Giang merge into Sơn Giang
ROOT_NAME = "Khối cơ quan Đảng tỉnh Sơn Hà"
# Provincial bodies and the district bodies merged into them: code, name, 2021 baseline, quota by year.
PROVINCIAL = [
    ("SH-BTC", "Ban Tổ chức Tỉnh ủy Sơn Hà", 30, {2022: 30, 2023: 29, 2024: 29, 2025: 29}),
    ("SH-UBKT", "Ủy ban Kiểm tra Tỉnh ủy Sơn Hà", 25, {2022: 25, 2023: 24, 2024: 24, 2025: 24}),
    ("SH-VP", "Văn phòng Tỉnh ủy Sơn Hà", 60, {2022: 59, 2023: 58, 2024: 57, 2025: 57}),
]
DISTRICT = [
    ("DS-BTC", "Ban Tổ chức Huyện ủy Đông Sơn", 8, {2022: 8, 2023: 8, 2024: 7, 2025: 7}, "SH-BTC"),
    ("DS-UBKT", "Ủy ban Kiểm tra Huyện ủy Đông Sơn", 7, {2022: 7, 2023: 7, 2024: 7, 2025: 6}, "SH-UBKT"),
]
# After the merge (01/07/2025) and for 2026: the successors' quotas.
AFTER_MERGE = {"SH-BTC": 36, "SH-UBKT": 30, "SH-VP": 57}
QUOTA_2026 = {"SH-BTC": 35, "SH-UBKT": 29, "SH-VP": 56}
PROJECTS = [
    ("Cơ quan Thanh tra - Kiểm tra", 8, 7),
    ("Cơ quan Tổ chức - Nội vụ", 13, 8),
    ("Văn phòng cấp huyện", 13, 12),
]
# Job-position catalogues: agency code, positions (name, number), steps (status, date, decision).
CATALOGUES = [
    (
        "SH-BTC",
        [
            ("Trưởng ban", 1),
            ("Phó Trưởng ban", 3),
            ("Chuyên viên theo dõi tổ chức cơ sở đảng", 8),
            ("Chuyên viên quản lý cán bộ", 10),
            ("Chuyên viên bảo vệ chính trị nội bộ", 6),
            ("Văn thư", 1),
        ],
        [
            ("submitted", date(2023, 3, 1), ""),
            ("appraised", date(2023, 4, 14), ""),
            ("approved", date(2023, 6, 1), "215-QĐ/TU"),
        ],
    ),
    (
        "SH-UBKT",
        [("Chủ nhiệm", 1), ("Phó Chủ nhiệm", 3), ("Kiểm tra viên", 18), ("Văn thư", 2)],
        [
            ("submitted", date(2023, 3, 1), ""),
            ("appraised", date(2023, 4, 14), ""),
            ("approved", date(2023, 6, 1), "216-QĐ/TU"),
        ],
    ),
    (
        "SH-VP",
        [
            ("Chánh Văn phòng", 1),
            ("Phó Chánh Văn phòng", 3),
            ("Chuyên viên tổng hợp", 20),
            ("Chuyên viên quản trị tài chính", 12),
            ("Văn thư - lưu trữ", 8),
            ("Công nghệ thông tin", 6),
        ],
        [("submitted", date(2024, 2, 1), ""), ("appraised", date(2024, 3, 15), "")],
    ),
    ("DS-BTC", [("Trưởng ban", 1), ("Phó Trưởng ban", 2), ("Chuyên viên", 4)], [("submitted", date(2024, 5, 6), "")]),
]
DISTRICT_NAMES = [
    "Đông Sơn",
    "Yên Hà",
    "Sơn Hà",
    "Kim Thành",
    "Giang Bắc",
    "Tân Kim",
    "Hòa Bình",
    "An Lạc",
    "Phú Mỹ",
    "Thạch Bàn",
    "Sơn Tây",
    "Hà Đông",
    "Thanh Lâm",
]


def build_staffing(*, actor, ids: dict[str, int], today: date) -> dict[str, int]:
    cb = ensure_categories()["cb_cc"]
    province, district = ids["SH"], ids["SH-DS"]
    root = agency_create(
        actor=actor, code="SH-KD", name=ROOT_NAME, managing_org_id=province, on=FOUNDED, party_org_id=ids.get("SH-KCQ")
    )
    prov = {
        code: agency_create(actor=actor, code=code, name=name, managing_org_id=province, on=FOUNDED, parent=root)
        for code, name, *_ in PROVINCIAL
    }
    bloc = agency_create(
        actor=actor,
        code="DS-KD",
        name="Khối cơ quan Huyện ủy Đông Sơn",
        managing_org_id=district,
        on=FOUNDED,
        parent=root,
    )
    dist = {
        code: agency_create(actor=actor, code=code, name=name, managing_org_id=district, on=FOUNDED, parent=bloc)
        for code, name, *_ in DISTRICT
    }
    for code, _, base, _q in PROVINCIAL:
        baseline_set(
            actor=actor, agency=prov[code], category=cb, year=2021, number=base, source="Biên chế giao năm 2021"
        )
    for code, _, base, _q, _into in DISTRICT:
        baseline_set(
            actor=actor, agency=dist[code], category=cb, year=2021, number=base, source="Biên chế giao năm 2021"
        )

    def give(agency, year, number, on=None, label=""):
        on = on or date(year, 1, 5)
        quota_allocate(
            actor=actor,
            data=AllocationInput(
                year=year,
                receiving_id=agency.pk,
                category_id=cb.pk,
                number=number,
                decision_number=f"{year - 2000:02d}-QĐ/TU" if not label else f"{year - 2000:02d}-QĐ/BTCTW",
                decision_date=on,
                effective_from=on,
                allocating_label=label,
            ),
        )

    count = 0
    for year in range(2022, min(today.year, 2025) + 1):
        prov_total = sum(q[year] for *_, q in PROVINCIAL)
        dist_total = sum(q[year] for _c, _n, _b, q, _i in DISTRICT)
        give(root, year, prov_total + dist_total, label="Ban Tổ chức Trung ương")
        give(bloc, year, dist_total)
        for code, _, _b, q in PROVINCIAL:
            give(prov[code], year, q[year])
        for code, _, _b, q, _i in DISTRICT:
            give(dist[code], year, q[year])
        count += 2 + len(PROVINCIAL) + len(DISTRICT)
        jan = date(year, 1, 10)
        if jan <= today:
            for code, _, _b, q in PROVINCIAL:
                headcount_record(
                    actor=actor,
                    agency=prov[code],
                    category=cb,
                    on=jan,
                    count=q[year] - 1,
                    source=f"Báo cáo số lượng người làm việc tháng 01/{year}",
                )
            for code, _, _b, q, _i in DISTRICT:
                headcount_record(
                    actor=actor,
                    agency=dist[code],
                    category=cb,
                    on=jan,
                    count=q[year],
                    source=f"Báo cáo số lượng người làm việc tháng 01/{year}",
                )
    if today >= MERGE:
        for code, _, _b, _q, into in DISTRICT:
            agency_merge(actor=actor, predecessors=[dist[code]], into=prov[into], on=MERGE)
        agency_dissolve(actor=actor, agency=bloc, on=MERGE)
        # The provinces merged into Sơn Giang on the same day: the bloc and its bodies take its name.
        renamed = [(root, ROOT_NAME)] + [(prov[code], name) for code, name, *_ in PROVINCIAL]
        for agency, name in renamed:
            agency_rename(actor=actor, agency=agency, name=name.replace(OLD_PROVINCE, NEW_PROVINCE), on=MERGE)
        for code, number in AFTER_MERGE.items():
            if code != "SH-VP":
                give(prov[code], 2025, number, on=MERGE)
                count += 1
    if today.year >= 2026:
        give(root, 2026, sum(QUOTA_2026.values()), label="Ban Tổ chức Trung ương")
        for code, number in QUOTA_2026.items():
            give(prov[code], 2026, number)
        count += 1 + len(QUOTA_2026)
        jan = date(2026, 1, 10)
        if jan <= today:
            for code, number in QUOTA_2026.items():
                headcount_record(
                    actor=actor,
                    agency=prov[code],
                    category=cb,
                    on=jan,
                    count=number - 1,
                    source="Báo cáo số lượng người làm việc tháng 01/2026",
                )
    for model, total, done in PROJECTS:
        project_create(
            actor=actor,
            org_id=province,
            name=f"Đề án sắp xếp, tổ chức lại {model}",
            model=model,
            number="12-ĐA/TU",
            approved_on=date(2023, 3, 1),
            units=[
                UnitInput(label=f"{model} {DISTRICT_NAMES[i]}", done_on=date(2023, 10, 1) if i < done else None)
                for i in range(total)
            ],
        )
    agencies = {**prov, **dist}
    names = {code: name for code, name, *_ in [*PROVINCIAL, *DISTRICT]}
    catalogues = 0
    for code, positions, steps in CATALOGUES:
        if steps[0][1] > today:
            continue
        cat = catalogue_create(
            actor=actor,
            agency=agencies[code],
            name=f"Danh mục vị trí việc làm {names[code]}",
            positions=[PositionInput(name, cb.pk, n) for name, n in positions],
        )
        for status, on, decision in steps:
            if on <= today:
                cat = catalogue_advance(actor=actor, catalogue=cat, to=status, on=on, decision_number=decision)
        catalogues += 1
    return {
        "agencies": 2 + len(PROVINCIAL) + len(DISTRICT),
        "allocations": count,
        "projects": len(PROJECTS),
        "catalogues": catalogues,
    }
