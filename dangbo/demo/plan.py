"""The demo's organization tree over time, planned in memory before anything is written.

Two former provinces (Sơn Hà, Kim Giang) with district committees, communes/wards and their
cells, a provincial bloc of agencies and a provincial police party organization, from 01/01/2015;
village cells merged on 01/01/2020; the early-2025 model (R-006) with the two umbrella
organizations from 01/02/2025; and on 01/07/2025 the merged province Sơn Giang (R-001, R-002,
R-004): communes directly under the province, some communes merged, districts ended on
30/06/2025. The builder executes this plan through orgs.services; the member simulation reads it
to know which cells exist on a date and which committee decides for them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dangbo.orgs.services import Decision

START = date(2015, 1, 1)
VILLAGE_MERGE_DAY = date(2020, 1, 1)
UMBRELLA_DAY = date(2025, 2, 1)
MERGE_DAY = date(2025, 7, 1)

POLITBURO = "Bộ Chính trị"
MEMBER_TYPES = {"grassroots_cell", "subordinate_cell", "party_group", "temporary_cell"}
INITIAL_NOTE = "Số liệu đầu kỳ: tổ chức đang hoạt động khi đưa hệ thống vào sử dụng."


@dataclass
class PlanOrg:
    code: str
    name: str
    org_type: str
    parent: str | None
    on: date
    decision: Decision
    kind: str = ""  # what the members do: village, office, military, school, health, coop, enterprise, agency, police
    province: str = ""  # SH / KG: the former province (citizen-id code, ethnic mix)
    area: str = ""  # ethnic/religious mix of the place: plain, upland, delta
    side: str = ""  # for the provincial bloc: "party" or "government" (where it goes in 2025)
    end: date | None = None
    successor: str | None = None
    parents: list[tuple[date, str | None]] = field(default_factory=list)
    names: list[tuple[date, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.parents = [(self.on, self.parent)]
        self.names = [(self.on, self.name)]

    @property
    def is_cell(self) -> bool:
        return self.org_type in MEMBER_TYPES

    def valid_on(self, at: date) -> bool:
        return self.on <= at and (self.end is None or at <= self.end)

    def parent_on(self, at: date) -> str | None:
        current = None
        for since, parent in self.parents:
            if since <= at:
                current = parent
        return current

    def name_on(self, at: date) -> str:
        current = self.names[0][1]
        for since, name in self.names:
            if since <= at:
                current = name
        return current


@dataclass
class PlanOp:
    on: date
    kind: str  # move, merge, rename, dissolve
    org: str = ""
    sources: list[str] = field(default_factory=list)
    target: str = ""
    name: str = ""
    decision: Decision = field(default_factory=Decision)


class Plan:
    def __init__(self) -> None:
        self.orgs: dict[str, PlanOrg] = {}
        self.ops: list[PlanOp] = []

    # -- building ------------------------------------------------------------------------------
    def add(
        self,
        code: str,
        name: str,
        org_type: str,
        parent: str | None,
        *,
        on: date = START,
        decision: Decision | None = None,
        **facts,
    ) -> PlanOrg:
        if parent is not None:
            base = self.orgs[parent]
            facts.setdefault("province", base.province)
            facts.setdefault("area", base.area)
        org = PlanOrg(code, name, org_type, parent, on, decision or Decision(note=INITIAL_NOTE), **facts)
        self.orgs[code] = org
        return org

    def children_on(self, code: str, at: date) -> list[PlanOrg]:
        return [o for o in self.orgs.values() if o.valid_on(at) and o.parent_on(at) == code]

    def move(self, code: str, new_parent: str, on: date, decision: Decision) -> None:
        self.orgs[code].parents.append((on, new_parent))
        self.ops.append(PlanOp(on, "move", org=code, target=new_parent, decision=decision))

    def merge(self, sources: list[str], target: str, on: date, decision: Decision) -> None:
        for source in sources:
            for child in self.children_on(source, on):
                child.parents.append((on, target))
            self.orgs[source].end = on - timedelta(days=1)
            self.orgs[source].successor = target
        self.ops.append(PlanOp(on, "merge", sources=list(sources), target=target, decision=decision))

    def rename(self, code: str, name: str, on: date, decision: Decision) -> None:
        self.orgs[code].names.append((on, name))
        self.ops.append(PlanOp(on, "rename", org=code, name=name, decision=decision))

    def dissolve(self, code: str, on: date, decision: Decision) -> None:
        self.orgs[code].end = on - timedelta(days=1)
        self.ops.append(PlanOp(on, "dissolve", org=code, decision=decision))

    # -- reading -------------------------------------------------------------------------------
    def cells(self) -> list[PlanOrg]:
        return [o for o in self.orgs.values() if o.is_cell]

    def ancestors_on(self, code: str, at: date) -> list[PlanOrg]:
        chain = []
        parent = self.orgs[code].parent_on(at)
        while parent is not None:
            chain.append(self.orgs[parent])
            parent = self.orgs[parent].parent_on(at)
        return chain

    def deciding_org(self, cell: str, at: date) -> PlanOrg:
        """The committee that decides admissions, recognitions and transfers for `cell` on `at`
        (R-057): the district before 01/07/2025, the commune from then on; the bloc, umbrella or
        police committee for provincial agencies."""
        for org in self.ancestors_on(cell, at):
            if org.org_type == "commune_party_org" and at < MERGE_DAY:
                continue
            if org.org_type in UPPER_TYPES:
                return org
        return self.province_on(cell, at)

    def province_on(self, code: str, at: date) -> PlanOrg:
        chain = [self.orgs[code], *self.ancestors_on(code, at)]
        return next(o for o in chain if o.org_type == "provincial_party_org")


UPPER_TYPES = {
    "district_party_org",
    "commune_party_org",
    "sector_bloc_party_org",
    "provincial_party_agencies_org",
    "provincial_government_party_org",
    "provincial_police_party_org",
}


def committee(name: str) -> tuple[str, str]:
    """The standing committee that signs for an organization, and its document suffix:
    "Đảng bộ huyện Đông Sơn" → ("Ban Thường vụ Huyện ủy Đông Sơn", "HU")."""
    rest = name.removeprefix("Đảng bộ ")
    for prefix, body, suffix in (
        ("huyện ", "Huyện ủy ", "HU"),
        ("thành phố ", "Thành ủy ", "TU"),
        ("thị xã ", "Thị ủy ", "TU"),
        ("tỉnh ", "Tỉnh ủy ", "TU"),
    ):
        if rest.startswith(prefix):
            return f"Ban Thường vụ {body}{rest.removeprefix(prefix)}", suffix
    if rest.startswith("Khối"):
        return f"Ban Thường vụ Đảng ủy {rest}", "ĐUK"
    return f"Ban Thường vụ Đảng ủy {rest}", "ĐU"


# -- the demo's geography ------------------------------------------------------------------------

PROVINCES = {
    "SH": (
        "Sơn Hà",
        [
            (
                "TP",
                "thành phố Sơn Hà",
                "plain",
                ["phường Đông Thành", "phường Tây Sơn", "phường Bắc Hà", "phường Nam Sơn"],
            ),
            ("DS", "huyện Đông Sơn", "plain", ["thị trấn Đông Sơn", "xã Đông Phong", "xã Đông Hưng", "xã Đông Yên"]),
            ("YH", "huyện Yên Hà", "upland", ["xã Yên Lạc", "xã Yên Bình", "xã Hà Phú", "xã Hà Thanh"]),
        ],
    ),
    "KG": (
        "Kim Giang",
        [
            ("KT", "thị xã Kim Thành", "plain", ["phường Kim Tân", "phường Kim Long", "xã Kim Bình", "xã Kim Phú"]),
            ("GB", "huyện Giang Bắc", "plain", ["thị trấn Giang Bắc", "xã Bắc Sơn", "xã Bắc Lý", "xã Giang Hòa"]),
            ("TK", "huyện Tân Kim", "delta", ["xã Tân Mỹ", "xã Tân Lập", "xã Tân An", "xã Tân Hòa"]),
        ],
    ),
}
NEW_PROVINCE = ("SG", "Sơn Giang")
# Districts whose communes are merged in pairs on 01/07/2025 (index in the province's list).
MERGED_DISTRICTS = {("SH", 1), ("SH", 2), ("KG", 0), ("KG", 2)}

PARTY_AGENCIES = [
    "Văn phòng Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ban Tuyên giáo Tỉnh ủy",
    "Ủy ban Mặt trận Tổ quốc tỉnh",
    "Tỉnh đoàn",
    "Tòa án nhân dân tỉnh",
    "Viện Kiểm sát nhân dân tỉnh",
]
GOVERNMENT_AGENCIES = [
    (
        "Sở Giáo dục và Đào tạo",
        ["Chi bộ Văn phòng Sở", "Chi bộ Phòng Giáo dục Trung học", "Chi bộ Phòng Giáo dục Mầm non – Tiểu học"],
    ),
    (
        "Bệnh viện Đa khoa tỉnh",
        ["Chi bộ Khoa Nội", "Chi bộ Khoa Ngoại", "Chi bộ Khoa Nhi", "Chi bộ Hành chính – Quản trị"],
    ),
    ("Sở Tư pháp", None),
    ("Sở Tài chính", None),
    (
        "Sở Nông nghiệp và Phát triển nông thôn",
        ["Chi bộ Văn phòng Sở", "Chi bộ Chi cục Thủy lợi", "Chi bộ Chi cục Kiểm lâm"],
    ),
    ("Sở Kế hoạch và Đầu tư", None),
    ("Trường Cao đẳng Sư phạm", ["Chi bộ Khoa Tự nhiên", "Chi bộ Khoa Xã hội", "Chi bộ Phòng Đào tạo"]),
]
POLICE_UNITS = [
    ("Phòng Cảnh sát giao thông", ["Chi bộ Đội tuần tra 1", "Chi bộ Đội tuần tra 2", "Chi bộ Đội Tham mưu"]),
    ("Phòng Tham mưu", None),
    ("Phòng An ninh chính trị nội bộ", None),
    ("Phòng Cảnh sát hình sự", ["Chi bộ Đội 1", "Chi bộ Đội 2"]),
    ("Trại tạm giam", None),
]
VILLAGES = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Đoài", "Tiền", "Hậu"]
ENTERPRISES = [
    "Công ty Cổ phần Xây dựng",
    "Công ty Cổ phần Cấp nước",
    "Công ty Cổ phần Vật liệu",
    "Công ty Cổ phần Chế biến Nông sản",
]


def _decision(
    rng: random.Random, body: str, suffix: str, on: date, days_before: int = 20, kind: str = "QĐ"
) -> Decision:
    signed = on - timedelta(days=rng.randint(days_before // 2, days_before))
    return Decision(number=f"{rng.randint(120, 980)}-{kind}/{suffix}", date=signed, body=body)


def build_plan(rng: random.Random, *, small: bool) -> Plan:
    """The plan at full size (≈150 grassroots organizations) or small (tests)."""
    p = Plan()
    communes_per_district = 2 if small else 4
    villages_per_commune = 2 if small else 5
    party_agencies = PARTY_AGENCIES[:2] if small else PARTY_AGENCIES
    government_agencies = GOVERNMENT_AGENCIES[:2] if small else GOVERNMENT_AGENCIES
    police_units = POLICE_UNITS[:1] if small else POLICE_UNITS

    late_orgs: list[tuple[str, str]] = []  # (commune code, name) of grassroots orgs founded after 2015
    for pk, (pname, districts) in PROVINCES.items():
        p.add(pk, f"Đảng bộ tỉnh {pname}", "provincial_party_org", None, province=pk, area="plain")
        bloc = p.add(f"{pk}-KCQ", f"Đảng bộ Khối các cơ quan tỉnh {pname}", "sector_bloc_party_org", pk)
        for i, agency in enumerate(party_agencies, 1):
            p.add(
                f"{bloc.code}-D{i:02d}", f"Chi bộ {agency}", "grassroots_cell", bloc.code, kind="agency", side="party"
            )
        for i, (agency, cells) in enumerate(government_agencies, 1):
            code = f"{bloc.code}-C{i:02d}"
            if cells:
                p.add(code, f"Đảng bộ {agency}", "grassroots_party_committee_org", bloc.code, side="government")
                for j, cell in enumerate(cells, 1):
                    p.add(f"{code}-{j:02d}", cell, "subordinate_cell", code, kind="agency")
            else:
                p.add(code, f"Chi bộ {agency}", "grassroots_cell", bloc.code, kind="agency", side="government")
        police = p.add(f"{pk}-CA", f"Đảng bộ Công an tỉnh {pname}", "provincial_police_party_org", pk)
        for i, (unit, cells) in enumerate(police_units, 1):
            code = f"{police.code}-{i:02d}"
            if cells:
                p.add(code, f"Đảng bộ {unit}", "grassroots_party_committee_org", police.code)
                for j, cell in enumerate(cells, 1):
                    p.add(f"{code}-{j:02d}", cell, "subordinate_cell", code, kind="police")
            else:
                p.add(code, f"Chi bộ {unit}", "grassroots_cell", police.code, kind="police")

        for di, (dk, dname, area, communes) in enumerate(districts):
            district = p.add(f"{pk}-{dk}", f"Đảng bộ {dname}", "district_party_org", pk, area=area)
            for ci, cname in enumerate(communes[:communes_per_district], 1):
                ccode = f"{district.code}-X{ci:02d}"
                p.add(ccode, f"Đảng bộ {cname}", "commune_party_org", district.code)
                place = cname.split(" ", 1)[1] if not cname.startswith("thị trấn") else cname.split(" ", 2)[2]
                urban = cname.startswith(("phường", "thị trấn"))
                for vi in range(villages_per_commune):
                    village = f"Chi bộ khu phố {vi + 1}" if urban else f"Chi bộ thôn {VILLAGES[vi]}"
                    p.add(f"{ccode}-T{vi + 1:02d}", village, "subordinate_cell", ccode, kind="village")
                unit = "thị trấn" if cname.startswith("thị trấn") else cname.split(" ", 1)[0]
                p.add(f"{ccode}-CQ", f"Chi bộ Cơ quan {unit} {place}", "subordinate_cell", ccode, kind="office")
                if not small:
                    p.add(f"{ccode}-QS", f"Chi bộ Quân sự {unit} {place}", "subordinate_cell", ccode, kind="military")
                    p.add(f"{ccode}-YT", f"Chi bộ Trạm Y tế {unit} {place}", "grassroots_cell", ccode, kind="health")
                p.add(f"{ccode}-TH", f"Chi bộ Trường Tiểu học {place}", "grassroots_cell", ccode, kind="school")
                p.add(f"{ccode}-CS", f"Chi bộ Trường THCS {place}", "grassroots_cell", ccode, kind="school")
                if not small and ci % 2 == 1:
                    code = f"{ccode}-PT"
                    p.add(code, f"Đảng bộ Trường THPT {place}", "grassroots_party_committee_org", ccode)
                    for j, cell in enumerate(
                        ["Chi bộ Tổ Toán – Tin", "Chi bộ Tổ Ngữ văn – Sử – Địa", "Chi bộ Tổ Khoa học tự nhiên"], 1
                    ):
                        p.add(f"{code}-{j:02d}", cell, "subordinate_cell", code, kind="school")
                if not small and area != "plain":
                    p.add(
                        f"{ccode}-HTX", f"Chi bộ Hợp tác xã Nông nghiệp {place}", "grassroots_cell", ccode, kind="coop"
                    )
                if not small and ci % 2 == 0:
                    code = f"{ccode}-DN"
                    p.add(
                        code,
                        f"Đảng bộ {ENTERPRISES[(di + ci) % len(ENTERPRISES)]} {place}",
                        "grassroots_party_committee_org",
                        ccode,
                    )
                    for j, cell in enumerate(["Chi bộ Văn phòng", "Chi bộ Phân xưởng 1", "Chi bộ Phân xưởng 2"], 1):
                        p.add(f"{code}-{j:02d}", cell, "subordinate_cell", code, kind="enterprise")
                if ci == 2:
                    late_orgs.append((ccode, place))

    # Grassroots organizations founded later (non-state enterprises, R-014; a kindergarten).
    late = [
        (date(2019, 3, 1), "Chi bộ Công ty TNHH May {place}", "enterprise"),
        (date(2021, 6, 1), "Chi bộ Công ty Cổ phần Thủy sản {place}", "enterprise"),
        (date(2022, 9, 5), "Chi bộ Trường Mầm non {place}", "school"),
    ]
    for (ccode, place), (on, pattern, kind) in zip(late_orgs[:: max(1, len(late_orgs) // 3)], late, strict=False):
        body, suffix = committee(p.orgs[p.orgs[ccode].parent].name)
        p.add(
            f"{ccode}-M{on.year % 100}",
            pattern.format(place=place),
            "grassroots_cell",
            ccode,
            on=on,
            kind=kind,
            decision=_decision(rng, body, suffix, on),
        )

    # 01/01/2020: villages merged (thôn sáp nhập), their cells too — a few in two districts.
    for ccode in [c for c in p.orgs if c.endswith("-X02") and c.startswith(("SH-DS", "KG-GB"))]:
        district = p.orgs[p.orgs[ccode].parent]
        body, suffix = committee(district.name)
        a, b = f"{ccode}-T01", f"{ccode}-T02"
        decision = _decision(rng, body, suffix, VILLAGE_MERGE_DAY, 30)
        if a in p.orgs and b in p.orgs:
            merged_name = p.orgs[a].name + " " + p.orgs[b].name.rsplit(" ", 1)[1]
            p.merge([b], a, VILLAGE_MERGE_DAY, decision)
            p.rename(a, merged_name, VILLAGE_MERGE_DAY, decision)

    # 01/02/2025: the provincial bloc ends; the two umbrella organizations take its units.
    for pk, (pname, _districts) in PROVINCES.items():
        body = f"Ban Thường vụ Tỉnh ủy {pname}"
        decision = _decision(rng, body, "TU", UMBRELLA_DAY, 10)
        party = p.add(
            f"{pk}-CQD",
            f"Đảng bộ các cơ quan Đảng tỉnh {pname}",
            "provincial_party_agencies_org",
            pk,
            on=UMBRELLA_DAY,
            decision=decision,
        )
        gov = p.add(
            f"{pk}-UBND",
            f"Đảng bộ Ủy ban nhân dân tỉnh {pname}",
            "provincial_government_party_org",
            pk,
            on=UMBRELLA_DAY,
            decision=decision,
        )
        for child in p.children_on(f"{pk}-KCQ", UMBRELLA_DAY):
            p.move(child.code, party.code if child.side == "party" else gov.code, UMBRELLA_DAY, decision)
        p.dissolve(f"{pk}-KCQ", UMBRELLA_DAY, decision)

    # 01/07/2025: the merged province, communes under it, districts ended.
    nk, nname = NEW_PROVINCE
    politburo = Decision(
        number="347-QĐ/TW",
        date=date(2025, 6, 24),
        body=POLITBURO,
        note=f"Thành lập Đảng bộ tỉnh {nname} trên cơ sở hợp nhất Đảng bộ tỉnh Sơn Hà và Đảng bộ tỉnh Kim Giang.",
    )
    p.add(
        nk,
        f"Đảng bộ tỉnh {nname}",
        "provincial_party_org",
        None,
        on=MERGE_DAY,
        decision=politburo,
        province="SH",
        area="plain",
    )
    new_body = f"Ban Thường vụ Tỉnh ủy {nname}"
    umbrellas = [
        ("CQD", f"Đảng bộ các cơ quan Đảng tỉnh {nname}", "provincial_party_agencies_org", 5),
        ("UBND", f"Đảng bộ Ủy ban nhân dân tỉnh {nname}", "provincial_government_party_org", 6),
        ("CA", f"Đảng bộ Công an tỉnh {nname}", "provincial_police_party_org", 7),
    ]
    for key, name, org_type, number in umbrellas:
        decision = Decision(number=f"{number:02d}-QĐ/TU", date=MERGE_DAY, body=new_body)
        p.add(f"{nk}-{key}", name, org_type, nk, on=MERGE_DAY, decision=decision)
        p.merge([f"SH-{key}", f"KG-{key}"], f"{nk}-{key}", MERGE_DAY, decision)
    number = 10
    for pk, (_pname, districts) in PROVINCES.items():
        for di, (dk, _dname, _area, _communes) in enumerate(districts):
            dcode = f"{pk}-{dk}"
            communes = [o.code for o in p.children_on(dcode, MERGE_DAY)]
            number += 1
            decision = Decision(number=f"{number:02d}-QĐ/TU", date=MERGE_DAY, body=new_body)
            pairs = (pk, di) in MERGED_DISTRICTS
            for i, ccode in enumerate(communes):
                if pairs and i % 2 == 1:
                    continue  # merged into the previous commune below
                p.move(ccode, nk, MERGE_DAY, decision)
                if pairs and i + 1 < len(communes):
                    p.merge([communes[i + 1]], ccode, MERGE_DAY, decision)
                name = p.orgs[ccode].name_on(MERGE_DAY)
                if name.startswith("Đảng bộ thị trấn "):  # towns became communes in 2025
                    p.rename(ccode, name.replace("thị trấn", "xã"), MERGE_DAY, decision)
            p.dissolve(
                dcode,
                MERGE_DAY,
                Decision(
                    number=f"{number:02d}-QĐ/TU",
                    date=MERGE_DAY,
                    body=new_body,
                    note="Kết thúc hoạt động của đảng bộ cấp huyện (Quy định 294-QĐ/TW).",
                ),
            )
    p.merge(list(PROVINCES), nk, MERGE_DAY, politburo)
    return p
