"""Grading fixtures: the conftest tree, full members in cells of commune A and B, a 2025
campaign of the province (opened by the province officer) and a 2024 one (grade only)."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.grading.services import campaign_open

NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Phương",
    "Đặng Văn Giang",
    "Bùi Thị Hạnh",
    "Đỗ Văn Khánh",
    "Hồ Thị Lan",
    "Ngô Văn Minh",
    "Dương Thị Nga",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def members_a1(tree, admit):
    return [admit(tree["cell_a1"], n) for n in NAMES[:6]]


def open_campaign(actor, org, year=2025):
    return campaign_open(
        actor=actor,
        year=year,
        root_org=org,
        opens_on=date(year, 11, 15),
        self_assessment_due=date(year, 11, 30),
        cell_meeting_due=date(year, 12, 10),
        decision_due=date(year, 12, 20),
        deadline=date(year, 12, 25),
    )


@pytest.fixture
def campaign(officer, tree):
    return open_campaign(officer, tree["province"])
