"""The pages of delivery channels (an officer sets the organization's channels) and of the
user's own choice (e-mail on or off)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.notifications import delivery as dl
from dangbo.notifications.models import Delivery, NotificationPreference, OrgChannel

pytestmark = pytest.mark.django_db
SYNO = (
    "http://nas.anbinh.local:5000/webapi/entry.cgi?api=SYNO.Chat.External&method=incoming&version=2&token=%22Bi1Mat2%22"
)


@pytest.fixture
def channel(tree, commune_officer):
    return dl.channel_create(
        actor=commune_officer, org_id=tree["commune_a"].pk, kind="synology", target=SYNO, label="Nhóm Văn phòng"
    )


def test_the_officer_adds_a_synology_channel_and_sees_it_masked(client, tree, commune_officer):
    client.force_login(commune_officer)
    url = reverse("notifications:channel_list")
    response = client.post(
        f"{url}?org={tree['commune_a'].pk}",
        {"org": tree["commune_a"].pk, "kind": "synology", "label": "Nhóm Văn phòng", "target": SYNO},
    )
    assert response.status_code == 302
    channel = OrgChannel.objects.get()
    assert (channel.org, channel.kind, channel.target) == (tree["commune_a"], "synology", SYNO)
    page = client.get(f"{url}?org={tree['commune_a'].pk}").content.decode()
    assert (
        "Nhóm Văn phòng" in page
        and f"http://nas.anbinh.local:5000/… #{dl.fingerprint(SYNO)[:6]}" in page
        and "Bi1Mat2" not in page
    )
    detail = client.get(reverse("notifications:channel_detail", args=[channel.pk])).content.decode()
    assert "Bi1Mat2" not in detail and "Gửi tin thử" in detail


def test_a_bad_webhook_url_is_refused_on_the_page_in_vietnamese(client, tree, commune_officer):
    client.force_login(commune_officer)
    response = client.post(
        reverse("notifications:channel_list"),
        {"org": tree["commune_a"].pk, "kind": "synology", "target": "http://nas.local/khong-dung"},
    )
    assert response.status_code == 200
    assert "URL webhook của Synology Chat phải có dạng" in response.content.decode()
    assert not OrgChannel.objects.exists()


def test_the_list_page_costs_a_bounded_number_of_queries(
    client, tree, commune_officer, channel, django_assert_max_num_queries
):
    for n in range(5):
        dl.channel_create(
            actor=commune_officer, org_id=tree["commune_a"].pk, kind="webhook", target=f"http://chat.local/h/{n}"
        )
    client.force_login(commune_officer)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("notifications:channel_list"), {"org": tree["commune_a"].pk})
    assert response.status_code == 200 and response.content.decode().count("data-channel=") == 6


def test_the_detail_page_with_its_log_costs_a_bounded_number_of_queries(
    client, commune_officer, channel, django_assert_max_num_queries
):
    for _ in range(10):
        dl.channel_test(actor=commune_officer, channel=channel)
    client.force_login(commune_officer)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("notifications:channel_detail", args=[channel.pk]))
    assert response.status_code == 200 and response.content.decode().count("data-delivery=") == 10


def test_changing_the_url_is_audited_masked_and_an_empty_field_keeps_it(client, commune_officer, channel):
    client.force_login(commune_officer)
    url = reverse("notifications:channel_detail", args=[channel.pk])
    assert client.post(url, {"label": "Nhóm mới", "target": "", "enabled": "on"}).status_code == 302
    channel.refresh_from_db()
    assert channel.target == SYNO and channel.label == "Nhóm mới"
    client.post(url, {"label": "Nhóm mới", "target": SYNO.replace("Bi1Mat2", "Moi3"), "enabled": ""})
    channel.refresh_from_db()
    assert "Moi3" in channel.target and channel.enabled is False
    entries = AuditEntry.objects.filter(action="notification_channel.update")
    assert entries.count() == 2 and not any("Moi3" in str(e.after) or "Bi1Mat2" in str(e.before) for e in entries)


def test_the_test_button_queues_a_message_and_redirects_to_the_log(client, commune_officer, channel):
    client.force_login(commune_officer)
    response = client.post(reverse("notifications:channel_test", args=[channel.pk]))
    assert response.status_code == 302
    assert Delivery.objects.filter(channel=channel, notification=None).count() == 1


def test_deleting_a_channel_keeps_its_log(client, commune_officer, channel):
    dl.channel_test(actor=commune_officer, channel=channel)
    client.force_login(commune_officer)
    assert client.post(reverse("notifications:channel_delete", args=[channel.pk])).status_code == 302
    assert not OrgChannel.objects.exists()
    assert Delivery.objects.get().channel is None
    assert AuditEntry.objects.filter(action="notification_channel.delete").exists()


def test_the_outsider_and_a_member_get_not_found(client, tree, outsider, member_user, channel):
    for user in (outsider, member_user):
        client.force_login(user)
        assert client.get(reverse("notifications:channel_list"), {"org": tree["commune_a"].pk}).status_code == 404
        assert client.get(reverse("notifications:channel_detail", args=[channel.pk])).status_code == 404
        assert client.post(reverse("notifications:channel_test", args=[channel.pk])).status_code == 404
    assert not Delivery.objects.exists()


def test_a_user_turns_their_email_off_and_on(client, member_user):
    client.force_login(member_user)
    url = reverse("notifications:preferences")
    page = client.get(url)
    assert page.status_code == 200 and "checked" in page.content.decode()
    assert client.post(url, {}).status_code == 302
    assert NotificationPreference.objects.get(user=member_user).email is False
    assert dl.preference_get(member_user) is False
    client.post(url, {"email": "on"})
    assert dl.preference_get(member_user) is True
    assert AuditEntry.objects.filter(action="notification_preference.update", actor=member_user).count() == 2
