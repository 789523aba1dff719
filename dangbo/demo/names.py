"""Synthetic Vietnamese names, places and identifiers for the demo (R-167: never a real person).

Family names follow their approximate frequency in Viet Nam (Nguyễn ≈ 38%, Trần ≈ 11%, Lê ≈ 9,5% ...);
members of ethnic minorities get family names usual in their group. Full names are random
combinations; a short list of well-known public figures is refused outright so that the demo never
shows one of them. Citizen ids are 12 digits: 3-digit province code, sex/century digit, 2-digit
birth year, 6 random digits (the structure of the CCCD number); they are random, so they match no
real card only by chance, and the demo's province codes are fixed below.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from dangbo.core.text import nfc

# (family name, weight ‰) — Kinh majority.
FAMILY_NAMES: list[tuple[str, int]] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 30),
    ("Huỳnh", 21),
    ("Phan", 45),
    ("Vũ", 22),
    ("Võ", 17),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 8),
    ("Trịnh", 6),
    ("Lương", 5),
    ("Mai", 5),
    ("Cao", 5),
    ("Tạ", 3),
    ("Hà", 5),
    ("Lâm", 4),
    ("Đoàn", 6),
    ("Trương", 6),
    ("Tô", 2),
    ("Chu", 2),
    ("Kiều", 2),
    ("Quách", 1),
    ("Thái", 2),
    ("La", 1),
    ("Triệu", 2),
    ("Vương", 2),
    ("Đào", 5),
    ("Tăng", 1),
    ("Lưu", 3),
    ("Tống", 1),
    ("Khúc", 1),
    ("Lại", 2),
    ("Nghiêm", 1),
]

# Family names usual in some minority groups (ethnic_groups.csv codes).
MINORITY_FAMILY_NAMES: dict[str, list[str]] = {
    "02": ["Nông", "Hoàng", "Hà", "Lương", "Ma", "Lục", "Bế"],  # Tày
    "03": ["Lò", "Lường", "Cầm", "Quàng", "Vi", "Lộc"],  # Thái
    "05": ["Thạch", "Sơn", "Kim", "Danh", "Lâm", "Chau"],  # Khơ-me
    "06": ["Bùi", "Đinh", "Quách", "Hà", "Xa"],  # Mường
    "07": ["Nông", "Hoàng", "Lương", "Mã", "Chu"],  # Nùng
    "08": ["Giàng", "Sùng", "Vàng", "Thào", "Lý", "Hờ"],  # Mông
    "09": ["Triệu", "Bàn", "Đặng", "Lý", "Chảo"],  # Dao
}

MIDDLE_MALE: list[tuple[str, int]] = [
    ("Văn", 40),
    ("Đức", 10),
    ("Minh", 9),
    ("Hữu", 7),
    ("Quang", 6),
    ("Công", 5),
    ("Xuân", 4),
    ("Thanh", 4),
    ("Ngọc", 3),
    ("Tiến", 3),
    ("Mạnh", 2),
    ("Duy", 3),
    ("Trọng", 3),
    ("Quốc", 3),
    ("Đình", 4),
    ("Bá", 2),
    ("Tuấn", 2),
    ("Hoài", 1),
    ("Anh", 2),
    ("Thành", 2),
]
MIDDLE_FEMALE: list[tuple[str, int]] = [
    ("Thị", 45),
    ("Thị Thu", 8),
    ("Thị Minh", 4),
    ("Thị Thanh", 5),
    ("Thị Hồng", 4),
    ("Thị Kim", 3),
    ("Thị Ngọc", 4),
    ("Ngọc", 5),
    ("Thu", 4),
    ("Thanh", 4),
    ("Phương", 2),
    ("Bích", 2),
    ("Thùy", 3),
    ("Kim", 2),
    ("Mỹ", 2),
    ("Hoài", 1),
    ("Diệu", 1),
    ("Thị Bích", 2),
    ("Thị Mai", 2),
]
GIVEN_MALE = [
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hùng",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Huy",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Thành",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Tâm",
    "Toàn",
    "Tùng",
    "Lâm",
    "Nghĩa",
    "Phúc",
    "Hòa",
    "Quang",
    "Lộc",
    "Tài",
    "Đông",
    "Kiên",
    "Giang",
    "Hưng",
    "Khoa",
    "Lực",
    "Mạnh",
    "Nhân",
    "Phú",
    "Quyết",
    "Thịnh",
    "Thuận",
    "Tiến",
    "Trường",
    "Tú",
    "Vũ",
    "Bảo",
    "Chiến",
    "Công",
    "Định",
    "Hậu",
    "Hiệp",
    "Khải",
    "Lợi",
    "Ninh",
    "Sang",
    "Thái",
]
GIVEN_FEMALE = [
    "Anh",
    "Hà",
    "Hằng",
    "Hạnh",
    "Hoa",
    "Hương",
    "Huyền",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuyết",
    "Uyên",
    "Vân",
    "Yến",
    "Hiền",
    "Dung",
    "Giang",
    "Hồng",
    "Liên",
    "Thơ",
    "Chi",
    "Diệp",
    "Duyên",
    "Hòa",
    "Lụa",
    "Lý",
    "My",
    "Nguyệt",
    "Nhàn",
    "Nhi",
    "Quỳnh",
    "Sen",
    "Tâm",
    "Thắm",
    "Thoa",
    "Trinh",
    "Vy",
    "Xuân",
]

# Well-known public figures (current and past national leaders and heroes): never generated.
REFUSED_NAMES = frozenset(
    nfc(n)
    for n in [
        "Hồ Chí Minh",
        "Võ Nguyên Giáp",
        "Phạm Văn Đồng",
        "Lê Duẩn",
        "Trường Chinh",
        "Nguyễn Văn Linh",
        "Đỗ Mười",
        "Lê Khả Phiêu",
        "Nông Đức Mạnh",
        "Nguyễn Phú Trọng",
        "Tô Lâm",
        "Lê Đức Anh",
        "Trần Đức Lương",
        "Nguyễn Minh Triết",
        "Trương Tấn Sang",
        "Trần Đại Quang",
        "Nguyễn Xuân Phúc",
        "Võ Văn Thưởng",
        "Lương Cường",
        "Võ Văn Kiệt",
        "Phan Văn Khải",
        "Nguyễn Tấn Dũng",
        "Phạm Minh Chính",
        "Vương Đình Huệ",
        "Trần Thanh Mẫn",
        "Nguyễn Thị Kim Ngân",
        "Nguyễn Sinh Hùng",
        "Trần Quốc Vượng",
        "Đặng Thị Ngọc Thịnh",
        "Võ Thị Ánh Xuân",
        "Nguyễn Thị Bình",
        "Nguyễn Văn Trỗi",
        "Võ Thị Sáu",
        "Lê Văn Tám",
        "Trần Văn Ơn",
        "Nguyễn Thị Minh Khai",
        "Lê Hồng Phong",
        "Trần Phú",
        "Hà Huy Tập",
    ]
)

# Citizen-id province codes (3 digits, as on the CCCD): the demo's two former provinces use 051 and
# 052; people born elsewhere get another code from this list.
HOME_CODE = {"SH": "051", "KG": "052"}
OTHER_PLACES = [
    ("001", "thành phố Hà Nội"),
    ("031", "thành phố Hải Phòng"),
    ("036", "tỉnh Nam Định"),
    ("037", "tỉnh Ninh Bình"),
    ("038", "tỉnh Thanh Hóa"),
    ("040", "tỉnh Nghệ An"),
    ("042", "tỉnh Hà Tĩnh"),
    ("044", "tỉnh Quảng Bình"),
    ("046", "tỉnh Thừa Thiên Huế"),
    ("049", "tỉnh Quảng Nam"),
    ("054", "tỉnh Phú Yên"),
    ("079", "Thành phố Hồ Chí Minh"),
    ("092", "thành phố Cần Thơ"),
]

# Commune names for hometowns outside the demo provinces.
PLACE_NAMES = [
    "Phú Lộc",
    "An Hòa",
    "Tân Thành",
    "Hòa Bình",
    "Phước Lợi",
    "Yên Thái",
    "Mỹ Xuyên",
    "Thạch Bàn",
    "Đồng Tâm",
    "Kim Sơn",
    "Bình Minh",
    "Cổ Am",
    "Vĩnh Phúc",
    "Lạc Long",
    "Hưng Thịnh",
    "Thanh Vân",
    "Xuân Lâm",
    "Quỳnh Lưu",
]


_CUMULATIVE: dict[tuple[tuple[str, int], ...], tuple[list[str], list[int]]] = {}


def weighted(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    """A value drawn with the table's weights (cumulative weights cached per table)."""
    key = tuple(table)
    cached = _CUMULATIVE.get(key)
    if cached is None:
        values, cum, total = [], [], 0
        for value, weight in key:
            total += weight
            values.append(value)
            cum.append(total)
        cached = _CUMULATIVE[key] = (values, cum)
    return rng.choices(cached[0], cum_weights=cached[1], k=1)[0]


def full_name(rng: random.Random, sex: str, ethnicity: str = "01") -> str:
    """A synthetic full name (NFC), never one of the refused public figures."""
    while True:
        if ethnicity in MINORITY_FAMILY_NAMES and rng.random() < 0.85:
            family = rng.choice(MINORITY_FAMILY_NAMES[ethnicity])
        else:
            family = weighted(rng, FAMILY_NAMES)
        if sex == "M":
            middle, given = weighted(rng, MIDDLE_MALE), rng.choice(GIVEN_MALE)
        else:
            middle, given = weighted(rng, MIDDLE_FEMALE), rng.choice(GIVEN_FEMALE)
        if middle.split()[-1] == given:
            continue
        name = nfc(f"{family} {middle} {given}")
        if name not in REFUSED_NAMES:
            return name


def citizen_id(rng: random.Random, *, province_code: str, sex: str, birth_year: int, used: set[str]) -> str:
    """12 digits: province (3), sex/century (1: 0/1 for men/women born 1900-1999, 2/3 from 2000), year (2), random (6)."""
    century = 0 if birth_year < 2000 else 2
    digit = century + (0 if sex == "M" else 1)
    while True:
        value = f"{province_code}{digit}{birth_year % 100:02d}{rng.randrange(10**6):06d}"
        if value not in used:
            used.add(value)
            return value
