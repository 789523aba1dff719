"""`dangbo check-data` reports members whose report fact rows no longer match their sources."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from dangbo.members.models import EventType as E
from dangbo.members.selectors import data_issues
from dangbo.members.services import EventInput, ProfileInput, member_admit, member_record_event
from dangbo.reports.models import ReportFlow, ReportSpan

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def stale() -> list[int]:
    return [i.member_id for i in data_issues(today=TODAY) if i.kind == "report_facts_stale"]


@pytest.fixture
def members(tree, system_user):
    out = []
    for name, cell in (("Phạm Thị Hoa", tree["cell_a1"]), ("Vũ Văn Nam", tree["cell_b1"])):
        m = member_admit(
            actor=system_user,
            profile=ProfileInput(full_name=name, birth_year=1980, sex="F"),
            cell=cell,
            decided_on=date(2020, 1, 6),
            ceremony_on=date(2020, 1, 20),
        )
        member_record_event(actor=system_user, member=m, data=EventInput(type=E.FULL_RECOGNITION, on=date(2021, 2, 1)))
        out.append(m)
    return out


def test_facts_kept_by_the_services_are_not_reported(members):
    assert ReportSpan.objects.filter(member_id=members[0].pk).exists()
    assert stale() == []


def test_a_changed_or_missing_fact_row_is_reported_with_the_command_that_repairs_it(members):
    hoa, nam = members
    ReportSpan.objects.filter(member_id=hoa.pk).update(sex="M")  # written behind the services' back
    ReportFlow.objects.filter(member_id=nam.pk, type=E.FULL_RECOGNITION).delete()
    assert stale() == [hoa.pk, nam.pk]
    out = StringIO()
    call_command("check_data", "--today", TODAY.isoformat(), stdout=out)
    assert "Số liệu báo cáo không khớp với dữ liệu gốc: 2" in out.getvalue()
    assert "dangbo rebuild-report-facts" in out.getvalue()
    call_command("rebuild_report_facts", stdout=StringIO())
    assert stale() == []
