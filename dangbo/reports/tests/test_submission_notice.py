"""#15: a periodic/annual report submitted to the superior notifies the superior organization;
its officers see it in «Thông báo» with a link to their report page of the period; the
subordinate's own officers and other organizations do not."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
from dangbo.notifications.models import Notification
from dangbo.notifications.selectors import link, unread
from dangbo.reports import services
from dangbo.reports.models import PeriodKind

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dangbo.reports.tests.urls")]


@pytest.fixture
def district_officer(django_user_model, tree):
    user = django_user_model.objects.create_user("canbo_huyen", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=user, role=Role.OFFICER, org=tree["district"], valid_from=date(2015, 1, 1))
    return user


def test_the_superior_is_notified_when_a_report_is_submitted(client, tree, commune_officer, district_officer, outsider):
    period = services.report_period_get_or_create(kind=PeriodKind.YEAR, year=2024)
    sub = services.report_prepare(actor=commune_officer, org=tree["commune_a"], period=period)
    assert not Notification.objects.filter(kind="reports.submitted").exists()  # a draft says nothing
    services.report_submit(actor=commune_officer, submission=sub)

    notes = list(unread(actor=district_officer).filter(kind="reports.submitted"))
    assert len(notes) == 1
    note = notes[0]
    assert note.org_id == tree["district"].pk
    assert (
        note.message == "Đảng bộ xã An Bình đã gửi báo cáo năm 2024 lên cấp trên ngày "
        f"{sub.__class__.objects.get(pk=sub.pk).submitted_at:%d/%m/%Y}."
    )
    url = link(note)
    assert url.startswith(reverse("reports:periodic_report") + "?")
    assert f"org={tree['district'].pk}" in url and "nam=2024" in url
    # the sender and another commune are not told
    assert not unread(actor=commune_officer).filter(kind="reports.submitted").exists()
    assert not unread(actor=outsider).filter(kind="reports.submitted").exists()

    client.force_login(district_officer)
    page = client.get(reverse("notifications:notification_list"))
    assert page.status_code == 200
    assert "Đảng bộ xã An Bình đã gửi báo cáo năm 2024" in page.content.decode()


def test_saving_a_submitted_report_again_notifies_once(tree, commune_officer, district_officer):
    period = services.report_period_get_or_create(kind=PeriodKind.YEAR, year=2024)
    sub = services.report_prepare(actor=commune_officer, org=tree["commune_a"], period=period)
    sub = services.report_submit(actor=commune_officer, submission=sub)
    sub.save()
    assert Notification.objects.filter(kind="reports.submitted").count() == 1


def test_a_top_organization_notifies_no_one(tree, officer):
    period = services.report_period_get_or_create(kind=PeriodKind.YEAR, year=2024)
    sub = services.report_prepare(actor=officer, org=tree["province"], period=period)
    services.report_submit(actor=officer, submission=sub)
    assert not Notification.objects.filter(kind="reports.submitted").exists()
