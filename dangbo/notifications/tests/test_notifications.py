"""One notification model for every module: addressed to a user or to an organization (read by
everyone whose scope holds it), idempotent on its key, read or unread per user; one page
«Thông báo» with the unread count in the navbar."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.grading.services import campaign_open
from dangbo.notifications import selectors as sel
from dangbo.notifications.models import Notification, NotificationRead
from dangbo.notifications.services import mark_all_read, mark_read, notify
from dangbo.plans.services import DocumentInput, TaskInput, document_register, notification_create, task_create

LIST = "notifications:notification_list"


@pytest.fixture
def task(system_user, tree):
    plan = document_register(
        actor=system_user,
        data=DocumentInput(
            number="03-KH/ĐU",
            issued_on=date(2024, 1, 5),
            issuer="Đảng ủy xã An Bình",
            doc_type="ke_hoach",
            title="Kế hoạch của xã An Bình",
            owner_org_id=tree["commune_a"].pk,
        ),
    )
    task = task_create(
        actor=system_user,
        plan=plan,
        data=TaskInput(
            content="Việc của Chi bộ thôn 1", deadline_text="Quý II/2024", implementing_org_ids=[tree["cell_a1"].pk]
        ),
    )
    # the cell was told of its new task (plans/tests/test_task_page.py); these tests count the others
    Notification.objects.filter(kind="plans.assigned").delete()
    return task


@pytest.fixture
def campaign(system_user, tree):
    return campaign_open(
        actor=system_user,
        year=2024,
        root_org=tree["commune_a"],
        opens_on=date(2024, 11, 15),
        self_assessment_due=date(2024, 11, 30),
        cell_meeting_due=date(2024, 12, 10),
        decision_due=date(2024, 12, 20),
        deadline=date(2024, 12, 25),
    )


def test_a_users_notification_is_stored_once_and_seen_by_that_user_only(commune_officer, outsider, task):
    first = notification_create(user=commune_officer, key="due:2024-06-30:7", message="Sắp đến hạn", task=task)
    again = notification_create(user=commune_officer, key="due:2024-06-30:7", message="Sắp đến hạn", task=task)
    assert first is not None and again is None
    assert Notification.objects.count() == 1
    assert first.kind == "plans.due" and first.target_type == "plans.task" and first.target_id == task.pk
    assert list(sel.notification_list(actor=commune_officer)) == [first]
    assert list(sel.notification_list(actor=outsider)) == []


def test_an_organizations_notification_is_read_by_each_officer_in_scope_separately(
    commune_officer, officer, outsider, tree, campaign
):
    note = notify(
        kind="grading.late",
        key="grading.late:1:2024-12-26",
        message="Xã An Bình chậm đánh giá",
        org_id=tree["commune_a"].pk,
        target=campaign,
    )
    assert (
        notify(kind="grading.late", key="grading.late:1:2024-12-26", message="lần hai", org_id=tree["commune_a"].pk)
        is None
    )
    assert sel.unread_count(actor=commune_officer) == 1 and sel.unread_count(actor=officer) == 1
    assert sel.unread_count(actor=outsider) == 0
    mark_read(actor=commune_officer, note=note)
    assert sel.unread_count(actor=commune_officer) == 0
    assert sel.unread_count(actor=officer) == 1  # the province officer has not read it
    mark_read(actor=commune_officer, note=note)  # twice: still one read
    assert NotificationRead.objects.count() == 1


def test_nobody_marks_read_a_notification_they_cannot_see(outsider, commune_officer, task):
    from dangbo.core.errors import DomainError

    note = notification_create(user=commune_officer, key="k", message="Riêng", task=task)
    with pytest.raises(DomainError):
        mark_read(actor=outsider, note=note)
    assert not NotificationRead.objects.exists()


def test_mark_all_read(commune_officer, tree, task):
    notification_create(user=commune_officer, key="a", message="Một", task=task)
    notify(kind="grading.late", key="g", message="Hai", org_id=tree["cell_a1"].pk)
    assert sel.unread_count(actor=commune_officer) == 2
    assert mark_all_read(actor=commune_officer) == 2
    assert sel.unread_count(actor=commune_officer) == 0 and mark_all_read(actor=commune_officer) == 0


def test_a_notification_needs_an_addressee(db):
    from dangbo.core.errors import DomainError

    with pytest.raises(DomainError):
        notify(kind="plans.due", key="x", message="Cho ai?")


# --- the page ------------------------------------------------------------------------------------


def test_one_page_lists_plans_and_grading_notifications_with_links_and_the_navbar_counts_them(
    client, commune_officer, tree, task, campaign
):
    notification_create(user=commune_officer, key="late:2024-06-30:0", message="Chi bộ thôn 1 trễ hạn", task=task)
    notify(
        kind="grading.late", key="g1", message="Chi bộ thôn 1 chậm đánh giá", org_id=tree["cell_a1"].pk, target=campaign
    )
    client.force_login(commune_officer)
    page = client.get(reverse(LIST))
    assert page.status_code == 200
    assert "Chi bộ thôn 1 trễ hạn" in page.text and "Chi bộ thôn 1 chậm đánh giá" in page.text
    assert reverse("plans:task_detail", args=[task.pk]) in page.text
    assert reverse("grading:campaign_detail", args=[campaign.pk]) in page.text
    assert 'id="so-chua-doc">2<' in client.get(reverse("plans:document_list")).text
    only_grading = client.get(reverse(LIST), {"loai": "grading"}).text
    assert "chậm đánh giá" in only_grading and "trễ hạn" not in only_grading


def test_reading_from_the_page_lowers_the_count(client, commune_officer, tree, task):
    note = notification_create(user=commune_officer, key="a", message="Một", task=task)
    notification_create(user=commune_officer, key="b", message="Hai", task=task)
    client.force_login(commune_officer)
    response = client.post(reverse("notifications:notification_read", args=[note.pk]))
    assert response.status_code == 302
    assert 'id="so-chua-doc">1<' in client.get(reverse(LIST)).text
    client.post(reverse("notifications:notification_read_all"))
    assert 'id="so-chua-doc"' not in client.get(reverse(LIST)).text
    assert "Hai" not in client.get(reverse(LIST), {"chua_doc": 1}).text


def test_the_outsider_neither_sees_nor_reads_another_communes_notifications(
    client, outsider, commune_officer, tree, task
):
    note = notification_create(user=commune_officer, key="a", message="Nhắc việc xã An Bình", task=task)
    org_note = notify(kind="grading.late", key="g", message="Chi bộ thôn 1 chậm", org_id=tree["cell_a1"].pk)
    client.force_login(outsider)
    page = client.get(reverse(LIST)).text
    assert "Nhắc việc xã An Bình" not in page and "Chi bộ thôn 1 chậm" not in page
    for n in (note, org_note):
        assert client.post(reverse("notifications:notification_read", args=[n.pk])).status_code == 404
    assert not NotificationRead.objects.exists()


def test_deleting_a_task_forgets_its_notifications(officer, commune_officer, task):
    from dangbo.plans.services import task_delete

    notification_create(user=commune_officer, key="a", message="Một", task=task)
    task_delete(actor=officer, task=task)
    assert not Notification.objects.exists()


def test_the_database_refuses_a_twin_of_an_organizations_notification(tree):
    """The partial unique constraints hold even if the service's check is bypassed."""
    from django.db import IntegrityError, transaction

    notify(kind="grading.late", key="g", message="Một", org_id=tree["cell_a1"].pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(kind="grading.late", key="g", message="Hai", org_id=tree["cell_a1"].pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(kind="grading.late", key="x", message="Không ai nhận")
