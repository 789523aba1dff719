"""The delivery channels through the API (/api/v1/notification-channels): the same services and
checks as the pages — the officer of the organization manages them, addresses stay masked, bad
input is a Vietnamese 422 on its field with nothing written, outside the scope is 404."""

from __future__ import annotations

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.notifications.models import Delivery, OrgChannel

pytestmark = pytest.mark.django_db
BASE = "/api/v1/notification-channels/"
HOOK = "http://chat.xa-thu.local/hooks/bimat-123"


def _create(client, org_id, **extra):
    body = {"org_id": org_id, "kind": "webhook", "target": HOOK, "label": "Nhóm Văn phòng", **extra}
    return client.post(BASE, body, content_type="application/json")


def test_an_officer_adds_lists_changes_tests_and_removes_a_channel(client, tree, commune_officer):
    client.force_login(commune_officer)
    org = tree["commune_a"].pk
    created = _create(client, org)
    assert created.status_code == 201, created.content
    got = created.json()
    assert (got["kind"], got["label"], got["enabled"]) == ("webhook", "Nhóm Văn phòng", True)
    assert "bimat" not in created.content.decode()
    assert got["target"].startswith("http://chat.xa-thu.local/… #") and got["fingerprint"]
    listed = client.get(BASE, {"org_id": org}).json()
    assert [c["id"] for c in listed] == [got["id"]]
    changed = client.patch(f"{BASE}{got['id']}", {"enabled": False}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    assert OrgChannel.objects.get(pk=got["id"]).target == HOOK  # the address is kept when left out
    queued = client.post(f"{BASE}{got['id']}/test")
    assert queued.status_code == 202 and queued.json()["medium"] == "webhook"
    log = client.get(f"{BASE}{got['id']}/deliveries").json()
    assert [d["id"] for d in log] == [queued.json()["id"]]
    assert client.delete(f"{BASE}{got['id']}").status_code == 204
    assert not OrgChannel.objects.filter(pk=got["id"]).exists()
    assert Delivery.objects.filter(pk=queued.json()["id"]).exists()  # the log stays
    actions = set(
        AuditEntry.objects.filter(action__startswith="notification_channel.").values_list("action", flat=True)
    )
    assert actions == {
        "notification_channel.create",
        "notification_channel.update",
        "notification_channel.test",
        "notification_channel.delete",
    }


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"kind": "fax"}, "kind", "Loại kênh không hợp lệ"),
        ({"target": "ftp://chat.local/x"}, "target", "URL webhook không hợp lệ"),
        ({"kind": "email", "target": "khong-phai-thu"}, "target", "Địa chỉ thư điện tử không hợp lệ"),
        ({"label": "x" * 121}, "label", "Tên kênh dài quá 120 ký tự"),
        ({"target": "http://chat.local/" + "a" * 500}, "target", "dài quá 500 ký tự"),
    ],
)
def test_bad_input_is_a_422_on_its_field_and_nothing_is_written(client, tree, commune_officer, extra, field, message):
    client.force_login(commune_officer)
    response = _create(client, tree["commune_a"].pk, **extra)
    assert response.status_code == 422
    assert response.json()["field"] == field and message in response.json()["detail"]
    assert not OrgChannel.objects.exists()


def test_another_communes_officer_finds_nothing(client, tree, commune_officer, outsider):
    client.force_login(commune_officer)
    channel_id = _create(client, tree["commune_a"].pk).json()["id"]
    client.force_login(outsider)
    assert client.get(BASE, {"org_id": tree["commune_a"].pk}).status_code == 404
    assert _create(client, tree["commune_a"].pk).status_code == 404
    assert client.patch(f"{BASE}{channel_id}", {"enabled": False}, content_type="application/json").status_code == 404
    assert client.delete(f"{BASE}{channel_id}").status_code == 404
    assert client.post(f"{BASE}{channel_id}/test").status_code == 404
    assert client.get(f"{BASE}{channel_id}/deliveries").status_code == 404
    assert OrgChannel.objects.get(pk=channel_id).enabled
