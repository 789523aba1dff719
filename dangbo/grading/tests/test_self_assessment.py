"""A party member enters their own self-assessment (step 1, R-073) on their own page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
from dangbo.grading.models import GradingRecord, Step
from dangbo.grading.services import step_record

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dangbo.grading.tests.urls")]
URL = "/danh-gia/tu-danh-gia/"


@pytest.fixture
def me(django_user_model, members_a1):
    user = django_user_model.objects.create_user("dang_vien_an", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=members_a1[0], valid_from=date(2020, 1, 1))
    return user


def _post(client, campaign, member, **fields):
    key = f"{campaign.pk}-{member.pk}"
    return client.post(URL, {"dot": key, **{f"d{key}-{k}": v for k, v in fields.items()}})


def test_url_name():
    assert reverse("grading:self_assessment") == URL


def test_R_073_member_records_own_self_assessment(client, me, campaign, members_a1):
    client.force_login(me)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Đánh giá, xếp loại năm 2025" in page.content.decode()
    response = _post(client, campaign, members_a1[0], grade="good", total="86", comment="Hoàn thành tốt công việc")
    assert response.status_code == 302
    record = GradingRecord.objects.get(campaign=campaign, member=members_a1[0])
    assert (record.step, record.grade, record.recorded_by_id) == (Step.SELF, "good", me.pk)
    assert "Hoàn thành tốt công việc" in client.get(URL).content.decode()


def test_member_cannot_self_assess_for_someone_else(client, me, campaign, members_a1):
    client.force_login(me)
    response = _post(client, campaign, members_a1[1], grade="excellent")
    assert response.status_code == 404
    assert not GradingRecord.objects.filter(member=members_a1[1]).exists()


def test_bad_input_names_the_field_and_writes_nothing(client, me, campaign, members_a1):
    client.force_login(me)
    response = _post(client, campaign, members_a1[0], grade="", total="120")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Xếp loại" in body or "Tự xếp loại" in body
    assert "100" in body  # the total's bound is named
    assert not GradingRecord.objects.filter(member=members_a1[0]).exists()


def test_R_073_after_the_decision_self_assessment_is_closed(client, me, officer, campaign, members_a1):
    member = members_a1[0]
    step_record(
        actor=officer,
        campaign=campaign,
        step=Step.PROPOSAL,
        member=member,
        grade="good",
        total=85,
        on=date(2025, 12, 5),
    )
    step_record(
        actor=officer,
        campaign=campaign,
        step=Step.DECISION,
        member=member,
        grade="good",
        total=85,
        on=date(2025, 12, 15),
        decision_number="12-QĐ/ĐU",
    )
    client.force_login(me)
    assert "Đã có quyết định xếp loại" in client.get(URL).content.decode()
    response = _post(client, campaign, member, grade="excellent", total="95")
    assert response.status_code == 200
    assert "đã có quyết định xếp loại" in response.content.decode()
    assert not GradingRecord.objects.filter(member=member, step=Step.SELF).exists()


def test_a_user_without_a_member_profile_gets_404(client, officer, campaign):
    client.force_login(officer)
    assert client.get(URL).status_code == 404


def test_member_outside_every_campaign_sees_none(client, django_user_model, tree, admit):
    other = admit(tree["cell_b1"], "Lý Thị Mai")
    user = django_user_model.objects.create_user("dang_vien_mai", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=other, valid_from=date(2020, 1, 1))
    client.force_login(user)
    assert "Hiện chưa có đợt đánh giá" in client.get(URL).content.decode()
