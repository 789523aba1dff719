"""Ten years of member history, simulated in memory against the organization plan.

Year by year from 2015: the initial members (loaded as an `official_transfer_in` from outside the
system, with their admission dates in the past), admissions (~3% of members a year: decision,
ceremony within 30 working days, recognition 12 months after the ceremony plus a few weeks),
deaths, name removals, voluntary exits, official and temporary transfers, exemptions of elderly
members, badges at seniority milestones and party cards. Every person's events are generated in
date order and later validated by members.lifecycle.replay before anything is written.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dangbo.core.dates import add_months, add_working_days, is_working_day
from dangbo.core.rules import param
from dangbo.demo import names
from dangbo.demo.plan import MERGE_DAY, START, UMBRELLA_DAY, VILLAGE_MERGE_DAY, Plan, PlanOrg, committee
from dangbo.members.models import EventType as E
from dangbo.members.models import Status as S

ACTIVE = (S.PROBATIONARY, S.FULL)
INITIAL_NOTE = "Số liệu đầu kỳ: đảng viên đang sinh hoạt tại chi bộ khi đưa hệ thống vào sử dụng."
BADGE_DAYS = [(2, 3), (5, 19), (9, 2), (11, 7)]

# Initial members per cell (relative) and how readily each kind of cell admits (relative).
SIZE = {
    "village": 34,
    "office": 10,
    "military": 7,
    "health": 9,
    "school": 11,
    "coop": 9,
    "enterprise": 13,
    "agency": 13,
    "police": 16,
}
ADMIT = {
    "village": 0.8,
    "office": 1.2,
    "military": 1.5,
    "health": 1.3,
    "school": 1.4,
    "coop": 0.8,
    "enterprise": 1.6,
    "agency": 1.0,
    "police": 1.4,
}
MALE_SHARE = {
    "village": 0.55,
    "office": 0.6,
    "military": 0.9,
    "health": 0.35,
    "school": 0.3,
    "coop": 0.6,
    "enterprise": 0.6,
    "agency": 0.55,
    "police": 0.85,
}
PROFESSIONAL = {
    "village": [("cm_none", 45), ("cm_so_cap", 15), ("cm_trung_cap", 22), ("cm_cao_dang", 6), ("cm_dai_hoc", 12)],
    "office": [("cm_trung_cap", 15), ("cm_cao_dang", 10), ("cm_dai_hoc", 70), ("cm_thac_si", 5)],
    "military": [("cm_so_cap", 30), ("cm_trung_cap", 50), ("cm_dai_hoc", 20)],
    "health": [("cm_trung_cap", 25), ("cm_cao_dang", 20), ("cm_dai_hoc", 40), ("cm_thac_si", 15)],
    "school": [("cm_cao_dang", 15), ("cm_dai_hoc", 75), ("cm_thac_si", 10)],
    "coop": [("cm_none", 40), ("cm_so_cap", 30), ("cm_trung_cap", 30)],
    "enterprise": [("cm_so_cap", 5), ("cm_trung_cap", 30), ("cm_cao_dang", 20), ("cm_dai_hoc", 45)],
    "agency": [("cm_trung_cap", 3), ("cm_dai_hoc", 70), ("cm_thac_si", 25), ("cm_tien_si", 2)],
    "police": [("cm_trung_cap", 10), ("cm_dai_hoc", 80), ("cm_thac_si", 10)],
}
THEORY = {
    "village": [("none", 55), ("so_cap", 40), ("trung_cap", 5)],
    "office": [("so_cap", 45), ("trung_cap", 45), ("cao_cap", 10)],
    "agency": [("so_cap", 25), ("trung_cap", 50), ("cao_cap", 20), ("cu_nhan", 5)],
    "police": [("so_cap", 40), ("trung_cap", 50), ("cao_cap", 10)],
}
OCCUPATIONS = {
    "village": ["Nông dân", "Kinh doanh", "Công nhân", "Lao động tự do"],
    "office": ["Cán bộ, công chức cấp xã"],
    "military": ["Quân nhân", "Dân quân tự vệ"],
    "health": ["Bác sĩ", "Y sĩ", "Điều dưỡng", "Dược sĩ"],
    "school": ["Giáo viên"],
    "coop": ["Xã viên hợp tác xã"],
    "enterprise": ["Công nhân", "Kỹ sư", "Nhân viên văn phòng"],
    "agency": ["Công chức", "Viên chức"],
    "police": ["Sĩ quan Công an nhân dân"],
}
ETHNIC = {
    ("SH", "plain"): [("01", 97), ("06", 3)],
    ("SH", "upland"): [("01", 62), ("06", 15), ("02", 9), ("03", 8), ("09", 6)],
    ("KG", "plain"): [("01", 94), ("04", 3), ("05", 3)],
    ("KG", "delta"): [("01", 74), ("05", 21), ("04", 5)],
}


@dataclass
class Ev:
    type: str
    on: date
    org: str | None = None
    counterpart: str | None = None
    decision_number: str = ""
    decision_date: date | None = None
    decision_body: str = ""
    note: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    virtual: bool = False  # written later by orgs.services (org_merge → member_reassign)


@dataclass
class Person:
    full_name: str
    sex: str
    birth_year: int
    birth_date: date | None
    ethnicity: str
    religion: str
    hometown: str
    citizen_id: str | None
    general_education: str
    professional_education: str
    theory_level: str
    occupation: str
    party_card_number: str | None = None
    events: list[Ev] = field(default_factory=list)
    status: str | None = None
    cell: str | None = None
    temp: str | None = None
    temp_until: date | None = None
    exempt: bool = False
    admitted_on: date | None = None
    card_due: date | None = None
    last: date = date(1900, 1, 1)
    badges: set[int] = field(default_factory=set)
    frozen: bool = False  # recognition left overdue on purpose (check-data shows it)
    badge_days: list[tuple[date, int]] | None = None

    def add(self, ev: Ev) -> None:
        if ev.on <= self.last:
            raise ValueError(f"{self.full_name}: {ev.type} {ev.on} not after {self.last}")
        self.events.append(ev)
        self.last = ev.on


class Simulator:
    def __init__(self, rng: random.Random, plan: Plan, *, today: date, members: int):
        self.rng = rng
        self.plan = plan
        self.today = today
        self.target = members
        self.people: list[Person] = []
        self.home: dict[str, set[int]] = defaultdict(set)
        self.used_ids: set[str] = set()
        self.used_cards: set[str] = set()
        self.numbers: dict[tuple[str, int], int] = {}
        self.cells = plan.cells()
        self.lasting = [c for c in self.cells if c.end is None]
        self.deciders: dict[tuple[str, int, bool], tuple[str, str]] = {}
        self.overdue_left = max(2, round(members / 1200))
        self.hometowns = self._hometowns()
        self.milestones = param("badge_milestones", today)

    # -- helpers ---------------------------------------------------------------------------------
    def workday(self, a: date, b: date) -> date | None:
        if a > b:
            return None
        span = (b - a).days
        for _ in range(12):
            d = a + timedelta(days=self.rng.randint(0, span))
            if is_working_day(d):
                return d
        d = a
        while d <= b:
            if is_working_day(d):
                return d
            d += timedelta(days=1)
        return None

    @staticmethod
    def next_workday(d: date) -> date:
        while not is_working_day(d):
            d += timedelta(days=1)
        return d

    def number(self, body: str, suffix: str, on: date, kind: str = "QĐ") -> str:
        key = (body, on.year)
        n = self.numbers.get(key) or self.rng.randint(30, 160)
        self.numbers[key] = n + self.rng.randint(1, 4)
        return f"{n}-{kind}/{suffix}"

    def committee_for(self, cell: str, on: date, *, province: bool = False) -> tuple[str, str]:
        """(body, suffix) of the committee deciding for `cell` on `on`; the tree changes only on
        01/01/2020, 01/02/2025 and 01/07/2025, so the answer is cached per period."""
        era = sum(on >= d for d in (VILLAGE_MERGE_DAY, UMBRELLA_DAY, MERGE_DAY))
        key = (cell, era, province)
        if key not in self.deciders:
            org = self.plan.province_on(cell, on) if province else self.plan.deciding_org(cell, on)
            self.deciders[key] = committee(org.name_on(on))
        return self.deciders[key]

    def decided(self, cell: str, on: date, kind: str = "QĐ") -> dict[str, Any]:
        body, suffix = self.committee_for(cell, on)
        return {"decision_number": self.number(body, suffix, on, kind), "decision_date": on, "decision_body": body}

    def province_decided(self, cell: str, on: date) -> dict[str, Any]:
        body, suffix = self.committee_for(cell, on, province=True)
        return {"decision_number": self.number(body, suffix, on), "decision_date": on, "decision_body": body}

    def org(self, code: str) -> PlanOrg:
        return self.plan.orgs[code]

    def lasting_cells(self, on: date, *, exclude: str | None = None) -> list[PlanOrg]:
        """Cells that exist on `on` and never end (destinations of transfers), outside the unit
        of `exclude` (its first parent: another commune or agency)."""
        unit = self.org(exclude).parent if exclude else None
        return [c for c in self.lasting if c.on <= on and (unit is None or c.parent != unit)]

    def active_count(self) -> int:
        return sum(1 for p in self.people if p.status in ACTIVE)

    def _hometowns(self) -> dict[str, list[str]]:
        towns: dict[str, list[str]] = defaultdict(list)
        for o in self.plan.orgs.values():
            if o.org_type == "commune_party_org":
                district = self.org(o.parent).name.removeprefix("Đảng bộ ")
                province = self.org(o.province).name.removeprefix("Đảng bộ ")
                towns[o.province].append(f"{o.name.removeprefix('Đảng bộ ')}, {district}, {province}")
        return towns

    # -- people ----------------------------------------------------------------------------------
    def new_person(self, cell: PlanOrg, *, birth: date, year_only: bool = False, admitted: bool = False) -> Person:
        rng = self.rng
        kind = cell.kind
        sex = "M" if rng.random() < MALE_SHARE[kind] else "F"
        ethnicity = names.weighted(rng, ETHNIC.get((cell.province, cell.area), ETHNIC[(cell.province, "plain")]))
        if ethnicity == "05" and rng.random() < 0.6:
            religion = "01"
        else:
            religion = names.weighted(
                rng,
                [
                    ("00", 960),
                    ("01", 25),
                    ("02", 8),
                    ("03", 4 if cell.area == "delta" else 0),
                    ("05", 3 if cell.province == "KG" else 0),
                ],
            )
        if rng.random() < 0.82:
            code = names.HOME_CODE[cell.province]
            hometown = rng.choice(self.hometowns[cell.province])
        else:
            code, place = rng.choice(names.OTHER_PLACES)
            hometown = f"xã {rng.choice(names.PLACE_NAMES)}, {place}"
        year = birth.year
        if year < 1950:
            general = names.weighted(rng, [("gdpt_tieu_hoc", 25), ("gdpt_thcs", 45), ("gdpt_thpt", 30)])
        elif year < 1970:
            general = names.weighted(rng, [("gdpt_tieu_hoc", 6), ("gdpt_thcs", 40), ("gdpt_thpt", 54)])
        else:
            general = names.weighted(rng, [("gdpt_thcs", 10), ("gdpt_thpt", 90)])
        if kind not in ("village", "coop", "military"):
            general = "gdpt_thpt"
        if admitted:
            theory = names.weighted(rng, [("none", 70), ("so_cap", 30)])
        else:
            theory = names.weighted(rng, THEORY.get(kind, [("none", 30), ("so_cap", 60), ("trung_cap", 10)]))
        occupation = rng.choice(OCCUPATIONS[kind])
        if kind == "village" and self.today.year - year > 62:
            occupation = "Hưu trí"
        cid = None
        if year >= 1945 or rng.random() < 0.5:
            cid = names.citizen_id(rng, province_code=code, sex=sex, birth_year=year, used=self.used_ids)
        return Person(
            full_name=names.full_name(rng, sex, ethnicity),
            sex=sex,
            birth_year=year,
            birth_date=None if year_only else birth,
            ethnicity=ethnicity,
            religion=religion,
            hometown=hometown,
            citizen_id=cid,
            general_education=general,
            professional_education=names.weighted(rng, PROFESSIONAL[kind]),
            theory_level=theory,
            occupation=occupation,
        )

    def card_number(self, cell: str) -> str:
        code = names.HOME_CODE[self.org(cell).province][1:]
        while True:
            value = f"{code}.{self.rng.randrange(10**6):06d}"
            if value not in self.used_cards:
                self.used_cards.add(value)
                return value

    def enlist(self, person: Person, cell: str) -> int:
        self.people.append(person)
        pid = len(self.people) - 1
        person.cell = cell
        self.home[cell].add(pid)
        return pid

    def leave(self, pid: int) -> None:
        self.home[self.people[pid].cell].discard(pid)

    # -- the years -------------------------------------------------------------------------------
    def run(self) -> list[Person]:
        self.seed_initial()
        for year in range(START.year, self.today.year + 1):
            self.restructure(year)
            self.found_cells(year)
            for pid in range(len(self.people)):
                self.live_year(pid, year)
            self.arrivals(year)
            self.admissions(year)
        self.pending_transfers()
        return self.people

    def seed_initial(self) -> None:
        rng = self.rng
        cells = [c for c in self.cells if c.on == START]
        count = round(self.target * 0.84)
        # Every cell starts with at least 3 members, the rest by the size of its kind.
        chosen = [c for c in cells for _ in range(3)]
        chosen += rng.choices(cells, weights=[SIZE[c.kind] for c in cells], k=max(0, count - len(chosen)))
        for cell in chosen:
            if cell.kind == "village" and rng.random() < 0.6:
                year = round(rng.triangular(1926, 1962, 1948))
            elif cell.kind in ("police", "military"):
                year = round(rng.triangular(1962, 1994, 1983))
            else:
                year = round(rng.triangular(1956, 1993, 1976))
            birth = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            person = self.new_person(cell, birth=birth, year_only=year < 1960 and rng.random() < 0.3)
            age = rng.triangular(19, 42, 25)
            admitted = min(
                birth + timedelta(days=round(age * 365.25)), date(2014, 11, 28) - timedelta(days=rng.randrange(90))
            )
            admitted = self.next_workday(max(admitted, birth + timedelta(days=round(18.5 * 365.25))))
            ceremony = add_working_days(admitted, rng.randint(5, 25))
            end = add_months(ceremony, 12)
            payload = {
                "status": S.FULL if end <= START else S.PROBATIONARY,
                "admitted_on": admitted.isoformat(),
                "ceremony_on": ceremony.isoformat(),
                "initial_load": True,
            }
            if end <= START:
                payload["full_on"] = end.isoformat()
                person.party_card_number = self.card_number(cell.code)
            person.admitted_on = admitted
            person.status = payload["status"]
            pid = self.enlist(person, cell.code)
            person.add(Ev(E.OFFICIAL_TRANSFER_IN, START, org=cell.code, payload=payload, note=INITIAL_NOTE))
            if end > START:
                self.recognize(pid, end)

    def recognize(self, pid: int, end: date) -> None:
        p = self.people[pid]
        on = self.next_workday(end + timedelta(days=self.rng.randint(5, 35)))
        if on > self.today:
            return
        p.add(
            Ev(
                E.FULL_RECOGNITION,
                on,
                org=p.cell,
                **self.decided(p.cell, on),
                note=f"Công nhận đảng viên chính thức từ ngày {end:%d/%m/%Y} (hết 12 tháng dự bị).",
            )
        )
        p.status = S.FULL
        p.card_due = on + timedelta(days=self.rng.randint(60, 200))

    def restructure(self, year: int) -> None:
        """Members of cells merged on 1 January move with them (written by org_merge later)."""
        for op in self.plan.ops:
            if op.kind != "merge" or op.on != date(year, 1, 1) or not self.org(op.target).is_cell:
                continue
            for source in op.sources:
                for pid in sorted(self.home[source]):
                    p = self.people[pid]
                    if p.last >= op.on:
                        raise ValueError(f"{p.full_name} has events after the merge of {source}")
                    p.events.append(Ev(E.ORG_REASSIGNED, op.on, org=op.target, virtual=True))
                    p.last = op.on
                    self.home[source].discard(pid)
                    self.home[op.target].add(pid)
                    p.cell = op.target

    def found_cells(self, year: int) -> None:
        """A new grassroots organization starts with 3-5 full members transferred in (R-007)."""
        for cell in self.cells:
            if cell.on.year != year or cell.on == START:
                continue
            parent = cell.parent_on(cell.on)
            donors = [
                pid
                for c in self.cells
                if c.code != cell.code and c.parent_on(cell.on) == parent
                for pid in sorted(self.home[c.code])
            ]
            donors = [
                pid
                for pid in donors
                if self.people[pid].status == S.FULL
                and not self.people[pid].temp
                and not self.people[pid].frozen
                and self.people[pid].last < cell.on - timedelta(days=1)
            ]
            for pid in self.rng.sample(donors, min(len(donors), self.rng.randint(3, 5))):
                self.move(pid, cell.on, cell.code)

    def move(self, pid: int, on: date, dest: str) -> bool:
        p = self.people[pid]
        receipt = add_working_days(on, self.rng.randint(2, 25))
        if receipt > self.today:
            return False
        letter = self.decided(p.cell, on, kind="GGT")
        dest_name = self.org(dest).name_on(receipt)
        p.add(
            Ev(
                E.OFFICIAL_TRANSFER_OUT,
                on,
                org=p.cell,
                counterpart=dest,
                **letter,
                note=f"Chuyển sinh hoạt đảng chính thức đến {dest_name}.",
            )
        )
        p.add(
            Ev(
                E.OFFICIAL_TRANSFER_IN,
                receipt,
                org=dest,
                counterpart=p.cell,
                note=f"Tiếp nhận theo giấy giới thiệu số {letter['decision_number']}.",
            )
        )
        self.leave(pid)
        p.cell = dest
        self.home[dest].add(pid)
        return True

    def live_year(self, pid: int, year: int) -> None:
        p = self.people[pid]
        if p.frozen or p.status not in ACTIVE:
            return
        rng = self.rng
        y0 = max(date(year, 1, 1), p.last + timedelta(days=1))
        y1 = min(date(year, 12, 31), self.today)
        if y0 > y1:
            return
        age = year - p.birth_year
        plans: list[tuple[date, str, Any]] = []
        if p.temp and p.temp_until and p.temp_until <= y1:
            plans.append((max(p.temp_until, y0), "temp_return", None))
        if p.card_due and not p.party_card_number and p.card_due <= y1:
            plans.append((max(p.card_due, y0), "card", None))
        for award, years in self.badge_plan(p):
            if y0 <= award <= y1:
                plans.append((award, "badge", years))
        if not p.exempt and age >= 70 and p.status == S.FULL and rng.random() < 0.07:
            plans.append((self.workday(y0, y1) or y1, "exempt", None))
        major = self.major(p, age)
        if major:
            latest = min(y1, date(year, 11, 15), self.today - timedelta(days=45)) if major in ("move", "temp") else y1
            d = self.workday(y0, latest)
            if d:
                plans.append((d, major, None))
        for on, action, data in sorted(plans, key=lambda t: t[0]):
            if p.status not in ACTIVE:
                return
            if on <= p.last:
                on = p.last + timedelta(days=1)
            if on > y1:
                continue
            getattr(self, f"do_{action}")(pid, on, data)

    def badge_plan(self, p: Person) -> list[tuple[date, int]]:
        """The award days (3/2, 19/5, 2/9, 7/11) on which each seniority milestone is first reached (R-029)."""
        if p.badge_days is None:
            p.badge_days = []
            if p.admitted_on:
                for years in self.milestones:
                    reach = add_months(p.admitted_on, 12 * years)
                    if reach.year < START.year - 1 or reach > self.today:
                        continue
                    award = next(
                        date(y, m, d)
                        for y in (reach.year, reach.year + 1)
                        for m, d in BADGE_DAYS
                        if date(y, m, d) >= reach
                    )
                    p.badge_days.append((award, years))
        return p.badge_days

    def major(self, p: Person, age: int) -> str | None:
        death = (
            0.0008
            if age < 40
            else 0.002
            if age < 50
            else 0.005
            if age < 60
            else 0.012
            if age < 70
            else 0.03
            if age < 80
            else 0.08
            if age < 90
            else 0.18
        )
        r = self.rng.random()
        if r < death:
            return "death"
        if p.temp:
            return None
        r -= death
        young = age < 68
        odds = [
            ("removal", 0.0012 if p.status == S.FULL and young else 0),
            ("exit", 0.0003 if young else 0),
            ("away", 0.004 if young else 0),
            ("move", (0.01 if self.org(p.cell).kind == "village" else 0.025) if young else 0),
            ("temp", 0.007 if age < 55 else 0),
        ]
        for action, q in odds:
            if r < q:
                return action
            r -= q
        return None

    # -- the events ----------------------------------------------------------------------------
    def do_death(self, pid: int, on: date, _data: Any) -> None:
        p = self.people[pid]
        p.add(Ev(E.DEATH, on, org=p.cell, note="Từ trần."))
        p.status, p.temp = S.DECEASED, None
        self.leave(pid)

    def do_removal(self, pid: int, on: date, _data: Any) -> None:
        p = self.people[pid]
        p.add(
            Ev(
                E.NAME_REMOVAL,
                on,
                org=p.cell,
                **self.decided(p.cell, on),
                note="Bỏ sinh hoạt đảng và không đóng đảng phí 3 tháng trong năm không có lý do chính đáng (R-039).",
            )
        )
        p.status = S.NAME_REMOVED
        self.leave(pid)

    def do_exit(self, pid: int, on: date, _data: Any) -> None:
        p = self.people[pid]
        p.add(Ev(E.VOLUNTARY_EXIT, on, org=p.cell, **self.decided(p.cell, on), note="Có đơn xin ra khỏi Đảng."))
        p.status = S.LEFT
        self.leave(pid)

    def do_away(self, pid: int, on: date, _data: Any) -> None:
        p = self.people[pid]
        _code, place = self.rng.choice(names.OTHER_PLACES)
        p.add(
            Ev(
                E.OFFICIAL_TRANSFER_OUT,
                on,
                org=p.cell,
                **self.decided(p.cell, on, kind="GGT"),
                note=f"Chuyển sinh hoạt đảng chính thức đến Đảng bộ {place} (ngoài hệ thống).",
            )
        )
        p.status = S.TRANSFERRED_AWAY
        self.leave(pid)

    def do_move(self, pid: int, on: date, _data: Any) -> None:
        p = self.people[pid]
        here = self.org(p.cell)
        choices = self.lasting_cells(on, exclude=p.cell)
        near = [c for c in choices if c.province == here.province]
        pool = near if near and self.rng.random() < 0.8 else choices
        if pool:
            self.move(pid, on, self.rng.choice(pool).code)

    def do_temp(self, pid: int, on: date, _data: Any) -> None:
        p = self.people[pid]
        choices = self.lasting_cells(on, exclude=p.cell)
        if not choices:
            return
        dest = self.rng.choice(choices)
        until = self.next_workday(add_months(on, self.rng.randint(3, 11)))
        p.add(
            Ev(
                E.TEMPORARY_TRANSFER_OUT,
                on,
                org=p.cell,
                counterpart=dest.code,
                **self.decided(p.cell, on, kind="GGT"),
                note=f"Sinh hoạt tạm thời tại {dest.name_on(on)} (thay đổi nơi làm việc dưới 1 năm, R-035).",
                payload={"until": until.isoformat()},
            )
        )
        p.temp = dest.code
        p.temp_until = until

    def do_temp_return(self, pid: int, on: date, _data: Any) -> None:
        p = self.people[pid]
        p.add(
            Ev(
                E.TEMPORARY_TRANSFER_RETURN,
                on,
                org=p.cell,
                counterpart=p.temp,
                note="Hết thời gian sinh hoạt tạm thời, trở về sinh hoạt tại chi bộ.",
            )
        )
        p.temp = p.temp_until = None

    def do_exempt(self, pid: int, on: date, _data: Any) -> None:
        p = self.people[pid]
        cell = self.org(p.cell).name_on(on)
        p.add(
            Ev(
                E.ACTIVITY_EXEMPTION,
                on,
                org=p.cell,
                decision_number=f"{self.rng.randint(1, 30):02d}-NQ/CB",
                decision_date=on,
                decision_body=cell,
                note="Tuổi cao, sức khỏe yếu, có đơn đề nghị; chi bộ xem xét, báo cáo cấp ủy cấp trên (R-037).",
            )
        )
        p.exempt = True

    def do_badge(self, pid: int, on: date, years: int) -> None:
        p = self.people[pid]
        p.add(
            Ev(
                E.BADGE_AWARDED,
                on,
                org=p.cell,
                payload={"years": years},
                **self.province_decided(p.cell, on),
                note=f"Tặng Huy hiệu {years} năm tuổi Đảng.",
            )
        )
        p.badges.add(years)

    def do_card(self, pid: int, on: date, _data: Any) -> None:
        p = self.people[pid]
        number = self.card_number(p.cell)
        body = "Ban Tổ chức " + self.committee_for(p.cell, on, province=True)[0].removeprefix("Ban Thường vụ ")
        p.add(
            Ev(
                E.PARTY_CARD_ISSUED,
                on,
                org=p.cell,
                payload={"card_number": number},
                decision_body=body,
                note=f"Phát thẻ đảng viên số {number}.",
            )
        )
        p.party_card_number = number

    # -- arrivals and admissions ----------------------------------------------------------------
    def arrivals(self, year: int) -> None:
        rng = self.rng
        count = round(self.active_count() * 0.004 * rng.uniform(0.6, 1.4))
        for _ in range(count):
            on = self.workday(date(year, 1, 5), min(date(year, 12, 20), self.today))
            if on is None or on <= START:
                continue
            cells = self.lasting_cells(on)
            cell = rng.choices(cells, weights=[SIZE[c.kind] for c in cells], k=1)[0]
            age = rng.triangular(26, 55, 35)
            birth = on - timedelta(days=round(age * 365.25))
            person = self.new_person(cell, birth=birth)
            admitted = self.next_workday(on - timedelta(days=round(rng.uniform(2, max(2.5, age - 21)) * 365.25)))
            ceremony = add_working_days(admitted, rng.randint(5, 25))
            end = add_months(ceremony, 12)
            if end >= on:
                continue
            _code, place = rng.choice(names.OTHER_PLACES)
            person.party_card_number = self.card_number(cell.code)
            person.admitted_on, person.status = admitted, S.FULL
            self.enlist(person, cell.code)
            person.add(
                Ev(
                    E.OFFICIAL_TRANSFER_IN,
                    on,
                    org=cell.code,
                    payload={
                        "status": S.FULL,
                        "admitted_on": admitted.isoformat(),
                        "ceremony_on": ceremony.isoformat(),
                        "full_on": end.isoformat(),
                    },
                    note=f"Tiếp nhận từ Đảng bộ {place} theo giấy giới thiệu sinh hoạt đảng.",
                )
            )

    def admissions(self, year: int) -> None:
        rng = self.rng
        count = round(self.active_count() * rng.uniform(0.027, 0.035))
        first, last = date(year, 1, 5), min(date(year, 12, 20), self.today)
        cells = [
            c
            for c in self.cells
            if c.on + timedelta(days=180) <= last and (c.end is None or first <= c.end - timedelta(days=450))
        ]
        weights = [ADMIT[c.kind] * (len(self.home[c.code]) + 2) for c in cells]
        for _ in range(count):
            on = self.workday(first, last)
            if on is None or not cells:
                continue
            cell = rng.choices(cells, weights=weights, k=1)[0]
            if cell.on + timedelta(days=180) > on or (cell.end is not None and on > cell.end - timedelta(days=450)):
                continue
            self.admit(cell, on)

    def admit(self, cell: PlanOrg, on: date) -> None:
        rng = self.rng
        age = rng.triangular(19, 45, 25)
        birth = on - timedelta(days=round(age * 365.25))
        person = self.new_person(cell, birth=birth, admitted=True)
        resolution = on - timedelta(days=rng.randint(15, 60))
        person.admitted_on, person.status = on, S.PENDING
        pid = self.enlist(person, cell.code)
        person.add(
            Ev(
                E.ADMISSION_DECISION,
                on,
                org=cell.code,
                **self.decided(cell.code, on),
                payload={"cell_resolution_date": resolution.isoformat()},
                note=f"Chi bộ họp xét, đề nghị kết nạp ngày {resolution:%d/%m/%Y}.",
            )
        )
        ceremony = add_working_days(on, rng.randint(4, 28))
        if ceremony > self.today:
            return
        person.add(Ev(E.ADMISSION_CEREMONY, ceremony, org=cell.code, note="Lễ kết nạp đảng viên tổ chức tại chi bộ."))
        person.status = S.PROBATIONARY
        end = add_months(ceremony, 12)
        deadline = add_working_days(end, param("recognition_proposal_working_days", end))
        if rng.random() < 0.008 and end + timedelta(days=45) <= self.today:
            removed = self.next_workday(end + timedelta(days=rng.randint(10, 40)))
            person.add(
                Ev(
                    E.PROBATION_NAME_REMOVAL,
                    removed,
                    org=cell.code,
                    **self.decided(cell.code, removed),
                    note="Không đủ tư cách đảng viên chính thức; xóa tên trong danh sách đảng viên dự bị (R-022).",
                )
            )
            person.status = S.NAME_REMOVED
            self.leave(pid)
            return
        recent = end >= self.today - timedelta(days=540)
        if deadline < self.today and recent and self.overdue_left and rng.random() < 0.12:
            person.frozen = True  # the cell has not proposed recognition yet (R-022 overdue)
            self.overdue_left -= 1
            return
        self.recognize(pid, end)

    def pending_transfers(self) -> None:
        """A few official transfers still waiting for the receiving cell (R-033 overdue)."""
        start, stop = self.today - timedelta(days=80), self.today - timedelta(days=50)
        candidates = [
            pid
            for pid, p in enumerate(self.people)
            if p.status == S.FULL and not p.temp and not p.frozen and p.last < start
        ]
        chosen = self.rng.sample(candidates, min(len(candidates), 1 if self.target < 1000 else 3))
        for pid in chosen:
            p = self.people[pid]
            on = self.workday(start, stop)
            dest = self.rng.choice(self.lasting_cells(on, exclude=p.cell))
            p.add(
                Ev(
                    E.OFFICIAL_TRANSFER_OUT,
                    on,
                    org=p.cell,
                    counterpart=dest.code,
                    **self.decided(p.cell, on, kind="GGT"),
                    note=f"Chuyển sinh hoạt đảng chính thức đến {dest.name_on(on)}; nơi đến chưa xác nhận tiếp nhận.",
                )
            )
        self.recent_transfers(exclude=set(chosen))

    # The commune of the demo commune officer (builder.DEMO_ACCOUNTS "canbo_xa").
    INBOX_COMMUNE = "SH-DS-X01"

    def recent_transfers(self, *, exclude: set[int]) -> None:
        """Two letters of the last days (within the R-033 deadline) addressed to the demo commune
        officer's commune — one to the commune committee (the officer picks the cell when
        receiving), one to a cell of it — so its inbox «Tiếp nhận sinh hoạt đảng» and worklist
        show members waiting for reception."""
        home = self.INBOX_COMMUNE
        if home not in self.plan.orgs:
            return
        start, stop = self.today - timedelta(days=12), self.today - timedelta(days=2)
        cells = [c for c in self.lasting_cells(start) if c.parent == home]
        candidates = [
            pid
            for pid, p in enumerate(self.people)
            if pid not in exclude
            and p.status == S.FULL
            and not p.temp
            and not p.frozen
            and p.last < start
            and self.org(p.cell).parent != home
        ]
        picked = self.rng.sample(candidates, min(len(candidates), 2))
        for i, pid in enumerate(picked):
            p = self.people[pid]
            on = self.workday(start, stop)
            if on is None:
                return
            dest = self.org(home) if i == 0 or not cells else self.rng.choice(cells)
            p.add(
                Ev(
                    E.OFFICIAL_TRANSFER_OUT,
                    on,
                    org=p.cell,
                    counterpart=dest.code,
                    **self.decided(p.cell, on, kind="GGT"),
                    note=f"Chuyển sinh hoạt đảng chính thức đến {dest.name_on(on)} (thay đổi nơi cư trú).",
                )
            )


def simulate(rng: random.Random, plan: Plan, *, today: date, members: int) -> list[Person]:
    if today < MERGE_DAY:
        raise ValueError("The demo history runs to at least 01/07/2025.")
    return Simulator(rng, plan, today=today, members=members).run()
