"""The resolution-study campaigns in the cell-life figures of the reports catalog (issue 20):
recipient·campaigns completed by the deadline over those due in the period, counted by the
organization each member belonged to when the campaign was sent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dangbo.access import policy
from dangbo.members.services import ProfileInput, member_admit
from dangbo.notifications.models import NoticeKind, NoticeRecipient
from dangbo.notifications.notices import NoticeInput, notice_send, study_record
from dangbo.reports.indicators import IndicatorContext, compute

pytestmark = pytest.mark.django_db


def _admit(actor, cell, name):
    return member_admit(
        actor=actor,
        cell=cell,
        decided_on=date(2020, 3, 2),
        ceremony_on=date(2020, 3, 2),
        profile=ProfileInput(full_name=name, birth_year=1985, sex="M"),
    )


def test_study_completion_counts_members_who_finished_by_the_deadline(system_user, commune_officer, tree):
    a1 = _admit(system_user, tree["cell_a1"], "Nguyễn Văn An")
    a2 = _admit(system_user, tree["cell_a2"], "Trần Thị Bình")
    a3 = _admit(system_user, tree["cell_a2"], "Phạm Văn Chung")
    _admit(system_user, tree["cell_b1"], "Lê Văn Cường")
    today = policy.today()
    due = today + timedelta(days=3)
    notice = notice_send(
        actor=commune_officer,
        data=NoticeInput(
            org_id=tree["commune_a"].pk,
            audience_org_id=tree["commune_a"].pk,
            kind=NoticeKind.STUDY,
            title="Học tập Nghị quyết Đại hội Đảng bộ xã",
            study_due=due,
        ),
    )
    study_record(actor=commune_officer, notice=notice, member_ids=[a1.pk], on=today)
    # a3 finished after the deadline (shaped directly: the service refuses a date after today)
    NoticeRecipient.objects.filter(notice=notice, member=a3).update(studied_on=due + timedelta(days=1))
    at = date(due.year, 12, 31)

    result = compute("hoc_tap_nghi_quyet", IndicatorContext(org_id=tree["commune_a"].pk, at=at))
    assert (result.value, result.denominator) == (1, 3)
    assert result.text == "1/3 lượt đúng hạn (33,3%)"
    cell_a2 = compute("hoc_tap_nghi_quyet", IndicatorContext(org_id=tree["cell_a2"].pk, at=at))
    assert (cell_a2.value, cell_a2.denominator) == (0, 2)
    # commune B got no campaign; a period that ends before the deadline counts none of it
    assert compute("hoc_tap_nghi_quyet", IndicatorContext(org_id=tree["commune_b"].pk, at=at)).denominator == 0
    before = compute(
        "hoc_tap_nghi_quyet",
        IndicatorContext(org_id=tree["commune_a"].pk, at=due - timedelta(days=1), start=due - timedelta(days=30)),
    )
    assert before.denominator == 0
    assert a2.pk in set(NoticeRecipient.objects.filter(notice=notice).values_list("member_id", flat=True))
