"""The dashboard's headcount trend: one point per year up to the year asked for, each the
headcount on 31/12 of that year (on the date asked for in its own year) on the tree of that date,
including the years after a merger, and never a stale figure after a back-dated change."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
from dangbo.reports.figures import figures_of
from dangbo.reports.indicators import IndicatorContext, yearly_trend
from dangbo.reports.tests.conftest import START, _admit


@pytest.fixture
def leader_p(django_user_model, merger_registry):
    user = django_user_model.objects.create_user("lanh_dao_hl", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=user, role=Role.LEADER, org=merger_registry["orgs"]["P"], valid_from=START)
    return user


def _slow_total(org_id: int, day: date) -> int:
    return figures_of(IndicatorContext(org_id=org_id, at=day, fast=False))["dv_tong"]["value"] or 0


def test_the_trend_runs_to_the_year_asked_for_across_the_merger(client, merger_registry, leader_p):
    p = merger_registry["orgs"]["P"].pk
    client.force_login(leader_p)
    r = client.get(reverse("reports:dashboard"), {"org": p, "ngay": "31/12/2026"})
    assert r.status_code == 200
    trend = r.context["trend"]
    assert [t["year"] for t in trend] == [2021, 2022, 2023, 2024, 2025, 2026]
    assert [t["total"] for t in trend] == [_slow_total(p, date(y, 12, 31)) for y in range(2021, 2027)]
    # known history: 5 counted on 31/12/2023 (m1, m3, m5, m6, m7 of the old provinces), 8 on 31/12/2024
    # (+ m2, m4 received, m8); 2025: m7 died, m8 removed, m9 admitted -> 7; 2026 unchanged
    assert [t["total"] for t in trend][2:] == [5, 8, 7, 7]
    assert [t["admitted"] for t in trend][3:] == [2, 1, 0]
    chart = r.context["chart_data"]["trend"]
    assert [t["total"] for t in chart] == [t["total"] for t in trend]


def test_the_trend_of_a_past_year_follows_a_back_dated_admission(merger_registry, system_user):
    o = merger_registry["orgs"]
    p = o["P"].pk
    before = yearly_trend(p, date(2025, 12, 31), 3)
    _admit(system_user, o["a2"], "Mai Văn Mười", decided=date(2024, 4, 1), ceremony=date(2024, 4, 12))
    after = yearly_trend(p, date(2025, 12, 31), 3)
    assert [t["year"] for t in after] == [2023, 2024, 2025]
    assert [a["total"] - b["total"] for a, b in zip(after, before, strict=True)] == [0, 1, 1]
    assert [a["admitted"] - b["admitted"] for a, b in zip(after, before, strict=True)] == [0, 1, 0]
