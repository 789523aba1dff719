"""Cadre work of the demo province (synthetic): a title catalogue of Sơn Giang (district titles
abolished on 01/07/2025), ~600 cadres with ten years of personnel decisions (appointments,
re-appointments, nominations, rotations, agreements), the planning term 2025–2030 with its rounds,
a mid-term confidence-vote campaign, training courses and salary steps.

The title catalogue goes through the title services (audited, as on the catalogue pages: a
dozen rows); the rest is written with bulk inserts (the demo is one transaction and must stay
fast), and the position holdings are then rebuilt from the actions by the same projection the
services use."""

from __future__ import annotations

import random
from datetime import date, timedelta

from dangbo.cadres.models import (
    Cadre,
    CadreAction,
    Decision,
    PlanningEntry,
    PlanningTerm,
    SalaryEvent,
    Title,
    TrainingCourse,
    TrainingEnrolment,
    UnitStatus,
    VoteCampaign,
    VoteResult,
    VoteUnit,
)
from dangbo.cadres.services import TitleInput, holdings_rebuild, title_abolish, title_create
from dangbo.demo.names import full_name

MERGE = date(2025, 7, 1)
CADRES = 600
# code, name, head?, group, sits in, filled by, term calendar, valid_to
TITLES = [
    ("BT-TU", "Bí thư Tỉnh ủy", True, "Tỉnh", "Tỉnh ủy", "elected", "party", None),
    ("PBT-TU", "Phó Bí thư Tỉnh ủy", False, "Tỉnh", "Tỉnh ủy", "elected", "party", None),
    ("CT-UBND", "Chủ tịch UBND tỉnh", True, "Tỉnh", "UBND tỉnh", "elected", "state", None),
    ("PCT-UBND", "Phó Chủ tịch UBND tỉnh", False, "Tỉnh", "UBND tỉnh", "elected", "state", None),
    ("TB-DANG", "Trưởng ban đảng Tỉnh ủy", True, "Sở, ban, ngành", "Ban đảng", "appointed", "appointment", None),
    ("PB-DANG", "Phó Trưởng ban đảng Tỉnh ủy", False, "Sở, ban, ngành", "Ban đảng", "appointed", "appointment", None),
    ("GD-SO", "Giám đốc sở", True, "Sở, ban, ngành", "Sở", "appointed", "appointment", None),
    ("PGD-SO", "Phó Giám đốc sở", False, "Sở, ban, ngành", "Sở", "appointed", "appointment", None),
    ("BT-HU", "Bí thư Huyện ủy", True, "Cấp huyện", "Huyện ủy", "elected", "party", MERGE - timedelta(days=1)),
    ("PBT-HU", "Phó Bí thư Huyện ủy", False, "Cấp huyện", "Huyện ủy", "elected", "party", MERGE - timedelta(days=1)),
    ("CT-UBH", "Chủ tịch UBND huyện", True, "Cấp huyện", "UBND huyện", "elected", "state", MERGE - timedelta(days=1)),
    ("BT-XA", "Bí thư Đảng ủy xã", True, "Cấp xã", "Đảng ủy xã", "elected", "party", None),
    ("PBT-XA", "Phó Bí thư Đảng ủy xã", False, "Cấp xã", "Đảng ủy xã", "elected", "party", None),
    ("CT-UBX", "Chủ tịch UBND xã", True, "Cấp xã", "UBND xã", "elected", "state", None),
    ("PCT-UBX", "Phó Chủ tịch UBND xã", False, "Cấp xã", "UBND xã", "elected", "state", None),
]
AGENCIES = [
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Tư pháp",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Văn phòng Tỉnh ủy",
]
ETHNIC = ["Kinh"] * 17 + ["Tày", "Nùng", "Mường"]


def _name(rng: random.Random, sex: str) -> str:
    return full_name(rng, sex)


def build_catalogue(*, actor, province: int) -> dict[str, Title]:
    """The province's title catalogue through the title services (title_create, then title_abolish
    for the district titles on 30/06/2025), audited like one typed on the catalogue pages."""
    source = "Danh mục chức danh (trình diễn)"
    titles = {
        code: title_create(
            actor=actor,
            province_id=province,
            data=TitleInput(
                code=code,
                name=name,
                is_head=head,
                group=group,
                sits_in=sits,
                filled_by=filled,
                term_calendar=term,
                source=source,
            ),
            valid_from=date(2015, 1, 1),
        )
        for code, name, head, group, sits, filled, term, _ in TITLES
    }
    for code, *_, valid_to in TITLES:
        if valid_to is not None:
            titles[code] = title_abolish(
                actor=actor, title=titles[code], valid_to=valid_to, source="sắp xếp đơn vị hành chính 01/07/2025"
            )
    return titles


def build_cadres(
    *, actor, ids: dict[str, int], today: date, rng: random.Random, cadres: int = CADRES
) -> dict[str, int]:
    province = ids["SG"]
    commune = ids.get("SH-DS-X01", province)
    titles = build_catalogue(actor=actor, province=province)

    people = []
    for i in range(cadres):
        sex = "F" if rng.random() < 0.3 else "M"
        people.append(
            Cadre(
                full_name=_name(rng, sex),
                birth_date=date(rng.randint(1966, 1992), rng.randint(1, 12), rng.randint(1, 28)),
                sex=sex,
                managing_org_id=commune if i % 25 == 0 else province,
                ethnicity=rng.choice(ETHNIC),
                education="12/12",
                qualification=rng.choice(["Cử nhân", "Thạc sĩ", "Tiến sĩ", "Kỹ sư"]),
                theory_level=rng.choice(["Trung cấp", "Cao cấp", "Cao cấp", "Cử nhân"]),
                state_management_level=rng.choice(["Chuyên viên", "Chuyên viên chính", "Chuyên viên cao cấp"]),
                management_class="Ban Thường vụ Tỉnh ủy" if i % 3 else "Ban Chấp hành Trung ương",
                management_class_from=date(2016, 1, 1),
            )
        )
    Cadre.objects.bulk_create(people, batch_size=1000)
    people = list(Cadre.objects.filter(managing_org_id__in=[province, commune]).order_by("pk"))

    # Ten years of decisions: one decision per year and kind, carrying that year's actions.
    decisions: dict[tuple[int, str], Decision] = {}

    def decision(year: int, kind: str) -> Decision:
        key = (year, kind)
        if key not in decisions:
            decisions[key] = Decision.objects.create(
                number=f"{100 + len(decisions)}-QĐ/TU",
                signed_on=date(year, 3, 1),
                body="Ban Thường vụ Tỉnh ủy",
                org_id=province,
            )
        return decisions[key]

    appointed_titles = ["GD-SO", "PGD-SO", "TB-DANG", "PB-DANG"]
    elected_titles = ["BT-HU", "PBT-HU", "CT-UBH", "BT-XA", "PBT-XA", "CT-UBX", "PCT-UBX"]
    actions: list[CadreAction] = []
    for i, c in enumerate(people):
        first = date(rng.randint(2016, 2024), rng.randint(1, 12), rng.randint(1, 28))
        if first > today:
            first = today - timedelta(days=30)
        code = rng.choice(appointed_titles if i % 2 else elected_titles)
        title = titles[code]
        if title.valid_to and first > title.valid_to:
            code, title = "PGD-SO", titles["PGD-SO"]
        kind = "appointment" if title.filled_by == "appointed" else "nomination"
        actions.append(
            CadreAction(
                decision=decision(first.year, kind),
                cadre=c,
                type=kind,
                on=first,
                title=title,
                note=AGENCIES[i % len(AGENCIES)] if title.filled_by == "appointed" else "",
            )
        )
        if kind == "nomination":  # elected: the committee designates them to the post
            actions.append(
                CadreAction(
                    decision=decision(first.year, "designation"), cadre=c, type="designation", on=first, title=title
                )
            )
        again = date(first.year + 5, first.month, first.day)
        if kind == "appointment" and again <= today:
            actions.append(
                CadreAction(
                    decision=decision(again.year, "reappointment"), cadre=c, type="reappointment", on=again, title=title
                )
            )
        if i % 9 == 0:  # rotation to a commune key post, planned for 36 months
            on = first + timedelta(days=rng.randint(400, 1200))
            if on < today:
                actions.append(
                    CadreAction(
                        decision=decision(on.year, "rotation"),
                        cadre=c,
                        type="rotation",
                        on=on,
                        title=titles["BT-XA" if i % 2 else "CT-UBX"],
                        planned_months=36,
                    )
                )
        if i % 11 == 0:  # agreement to a central vertical agency's appointment
            on = date(rng.randint(2017, today.year), 5, 10)
            if on < today:
                actions.append(
                    CadreAction(
                        decision=decision(on.year, "agreement"),
                        cadre=c,
                        type="agreement",
                        on=on,
                        title=titles["PGD-SO"],
                    )
                )
    CadreAction.objects.bulk_create(actions, batch_size=2000)
    for c in people:
        holdings_rebuild(c)

    # Planning 2025–2030: "Xây dựng mới" (2023) and the yearly review round, R-094-shaped (≤ 4 per
    # title and post); district entries closed as "title abolished" on 01/07/2025.
    term = PlanningTerm.objects.create(org_id=province, name="2025–2030", start_year=2025, end_year=2030)
    planning = []
    planned_codes = ["GD-SO", "PGD-SO", "TB-DANG", "PB-DANG", "BT-HU", "BT-XA", "CT-UBX"]
    young = [c for c in people if c.birth_date.year >= 1975]
    for k, c in enumerate(young[:240]):
        code = planned_codes[k % len(planned_codes)]
        first_round = k < 180
        added = date(2023, 6, 1) if first_round else date(2024, 12, 15)
        removed = reason = None
        if code == "BT-HU":
            removed, reason = MERGE, "title_abolished"
        elif k % 17 == 0:
            removed, reason = date(2024, 12, 15), "moved"
        planning.append(
            PlanningEntry(
                term=term,
                cadre=c,
                title=titles[code],
                org_id=province,
                round="Xây dựng mới" if first_round else "Rà soát, bổ sung năm 2024",
                added_on=added,
                added_decision="250-QĐ/TU" if first_round else "412-QĐ/TU",
                removed_on=removed,
                removal_reason=reason or "",
                removal_decision="" if removed is None else "430-QĐ/TU",
            )
        )
    PlanningEntry.objects.bulk_create(planning)

    # Mid-term confidence vote (96-QĐ/TW) of 2024: 20 units, 18 done, one postponed, one not subject.
    campaign = VoteCampaign.objects.create(
        org_id=province, name="Lấy phiếu tín nhiệm giữa nhiệm kỳ năm 2024", year=2024
    )
    units = []
    for u, name in enumerate(AGENCIES[:14] + [f"Đảng bộ xã {v}" for v in ("Đông", "Tây", "Nam", "Bắc", "Trung", "Hạ")]):
        status, held, reason, dec = UnitStatus.DONE, date(2024, 10, 1 + u), "", ""
        if name == "Sở Khoa học và Công nghệ":
            status, held, dec = UnitStatus.POSTPONED, None, "984-TB/TU"
        elif u == 19:
            status, held, reason = UnitStatus.NOT_SUBJECT, None, "Mới kiện toàn, chưa có cấp trưởng"
        units.append(VoteUnit(campaign=campaign, name=name, status=status, held_on=held, reason=reason, decision=dec))
    VoteUnit.objects.bulk_create(units)
    done = list(VoteUnit.objects.filter(campaign=campaign, status=UnitStatus.DONE).order_by("pk"))
    results = []
    for k, c in enumerate(people[:180]):
        unit = done[k % len(done)]
        summoned = rng.randint(25, 45)
        attended = summoned - rng.randint(0, 4)
        valid = attended
        low = rng.randint(0, valid // 5) if k % 40 else (valid * 3) // 5  # a few in the review band
        high = rng.randint(0, valid - low)
        results.append(
            VoteResult(
                unit=unit,
                cadre=c,
                title=titles["PGD-SO"],
                voter_group="committee",
                summoned=summoned,
                attended=attended,
                valid=valid,
                high=high,
                medium=valid - low - high,
                low=low,
                held_on=unit.held_on,
            )
        )
    VoteResult.objects.bulk_create(results)

    # Training: senior theory (full-time / part-time), state management, defence and security.
    courses = (
        [
            TrainingCourse(
                org_id=province,
                name=f"Cao cấp lý luận chính trị hệ tập trung K{70 + y}",
                kind="theory",
                level="cao_cap",
                mode="full_time",
                institution="Học viện Chính trị khu vực",
                starts_on=date(y, 9, 5),
                ends_on=date(y + 1, 6, 30),
            )
            for y in range(2021, today.year + 1)
        ]
        + [
            TrainingCourse(
                org_id=province,
                name=f"Cao cấp lý luận chính trị hệ không tập trung B{y - 2010}",
                kind="theory",
                level="cao_cap",
                mode="part_time",
                institution="Trường Chính trị tỉnh",
                starts_on=date(y, 10, 2),
                ends_on=date(y + 2, 3, 31),
            )
            for y in range(2021, today.year + 1)
        ]
        + [
            TrainingCourse(
                org_id=province,
                name="Bồi dưỡng ngạch chuyên viên chính",
                kind="state_management",
                level="chuyen_vien_chinh",
                starts_on=date(2024, 4, 1),
                ends_on=date(2024, 6, 30),
            ),
            TrainingCourse(
                org_id=province,
                name="Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 2",
                kind="defence",
                starts_on=date(2024, 8, 5),
                ends_on=date(2024, 8, 30),
            ),
        ]
    )
    TrainingCourse.objects.bulk_create(courses)
    courses = list(TrainingCourse.objects.filter(org_id=province).order_by("pk"))
    enrolments = []
    for k, c in enumerate(people[::2]):
        course = courses[k % len(courses)]
        passed = course.ends_on is not None and course.ends_on < today
        enrolments.append(
            TrainingEnrolment(
                course=course,
                cadre=c,
                sent_on=course.starts_on,
                decision=f"{300 + k % 40}-QĐ/TU",
                result="passed" if passed else "studying",
                completed_on=course.ends_on if passed else None,
            )
        )
    TrainingEnrolment.objects.bulk_create(enrolments, batch_size=2000)

    # Ranks and salary steps: a rank appointment, then regular raises every 3 years, a few early.
    salary = []
    for k, c in enumerate(people):
        on = date(2016, 1 + k % 12, 1)
        step = 2 + k % 3
        rank = "Chuyên viên chính" if k % 3 else "Chuyên viên"
        code = "01.002" if k % 3 else "01.003"
        salary.append(
            SalaryEvent(
                cadre=c, type="rank_appointment", on=on, rank_code=code, rank_name=rank, step=step, decision="15-QĐ/SNV"
            )
        )
        while step < 8:
            early = k % 10 == 0 and step % 2 == 0
            on = date(on.year + (2 if early else 3), on.month, 1)
            if on > today:
                break
            step += 1
            salary.append(
                SalaryEvent(
                    cadre=c, type="step_early" if early else "step_regular", on=on, step=step, decision=f"{on.year}-NBL"
                )
            )
    SalaryEvent.objects.bulk_create(salary, batch_size=2000)
    return {
        "cadres": len(people),
        "actions": len(actions),
        "planning": len(planning),
        "units": len(units),
        "enrolments": len(enrolments),
        "salary": len(salary),
    }
