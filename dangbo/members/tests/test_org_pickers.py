"""#15 «one searchable, scoped organization picker everywhere an organization is chosen»: the
admission, event, reception and move forms render core.forms.OrgPicker (no select of every
organization in scope), accept an organization of the actor's scope and refuse one outside it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.access import policy
from dangbo.access.models import Role, RoleAssignment
from dangbo.members.models import MemberEvent, Transfer
from dangbo.members.services import ProfileInput, member_admit
from dangbo.members.transfers import LetterInput, transfer_issue
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import org_version_on

pytestmark = pytest.mark.django_db
SYSTEM = policy.SYSTEM.named("kiểm thử")
OUT_OF_SCOPE = "không có tổ chức này trong phạm vi của bạn"


def picker_of(html: str, name: str) -> str:
    assert f'id="id_{name}_picker"' in html, f"{name}: no organization picker"
    assert f'<select name="{name}"' not in html
    return re.search(rf'hx-get="(/tim-kiem/to-chuc/\?[^"]*name={name}&[^"]*)"', html).group(1).replace("&amp;", "&")


@pytest.fixture
def member(tree):
    return member_admit(
        actor=SYSTEM,
        cell=tree["cell_a1"],
        decided_on=date(2019, 3, 4),
        ceremony_on=date(2019, 3, 18),
        profile=ProfileInput(full_name="Trần Văn Ba", birth_year=1985, sex="M"),
    )


def test_the_event_form_picks_the_cell_with_the_picker(client, commune_officer, member, tree):
    client.force_login(commune_officer)
    url = reverse("members:event_create", args=[member.pk])
    html = client.get(url).content.decode()
    assert "action=record" in picker_of(html, "org") and "action=view" in picker_of(html, "counterpart_org")
    data = {
        "type": "temporary_transfer_out",
        "on": "01/03/2025",
        "until": "01/09/2025",
        "decision_number": "5-GGT",
        "decision_date": "01/03/2025",
        "decision_body": "Đảng ủy xã An Bình",
    }
    refused = client.post(url, {**data, "counterpart_org": str(tree["cell_b1"].pk)}).content.decode()
    assert "«Tổ chức bên kia (nơi đến / nơi sinh hoạt tạm thời)»: " + OUT_OF_SCOPE in refused
    assert not MemberEvent.objects.filter(member=member, type="temporary_transfer_out").exists()
    refused = client.post(url, {**data, "org": str(tree["cell_b1"].pk)}).content.decode()
    assert "«Tổ chức (chi bộ)»: " + OUT_OF_SCOPE in refused
    accepted = client.post(url, {**data, "counterpart_org": str(tree["cell_a2"].pk)})
    assert accepted.status_code == 302
    assert (
        MemberEvent.objects.get(member=member, type="temporary_transfer_out").counterpart_org_id == tree["cell_a2"].pk
    )


def test_the_reception_picks_a_cell_under_the_destination(client, tree, member, commune_officer, outsider):
    letter = transfer_issue(
        actor=commune_officer,
        member=member,
        data=LetterInput(on=timezone.localdate(), letter_number="7-GGT/ĐU", to_org=tree["commune_b"]),
    )
    client.force_login(outsider)
    url = reverse("members:transfer_receive", args=[letter.pk])
    html = client.get(url).content.decode()
    picker_of(html, "cell")
    assert "Chi bộ thôn Đông" in html  # the only cell under the destination, chosen already
    on = timezone.localdate().strftime("%d/%m/%Y")
    refused = client.post(url, {"cell": str(tree["cell_a1"].pk), "on": on}).content.decode()
    assert OUT_OF_SCOPE in refused
    assert client.post(url, {"cell": str(tree["cell_b1"].pk), "on": on}).status_code == 302
    member.refresh_from_db()
    assert member.current_org_id == tree["cell_b1"].pk
    assert Transfer.objects.count() == 1


def test_the_move_form_picks_the_new_parent_in_scope_and_not_under_itself(client, commune_officer, officer, tree):
    url = reverse("orgs:org_move", args=[tree["cell_a1"].pk])
    client.force_login(commune_officer)
    html = client.get(url, {"ngay": "30/06/2025"}).content.decode()
    assert "action=restructure" in picker_of(html, "new_parent")
    data = {
        "on": "01/07/2025",
        "decision_number": "25-QĐ/ĐU",
        "decision_date": "20/06/2025",
        "decision_body": "Đảng ủy xã An Bình",
    }
    refused = client.post(url + "?ngay=30/06/2025", {**data, "new_parent": str(tree["commune_b"].pk)}).content.decode()
    assert "«Trực thuộc tổ chức cấp trên mới»: " + OUT_OF_SCOPE in refused
    client.force_login(officer)
    itself = client.post(url + "?ngay=30/06/2025", {**data, "new_parent": str(tree["cell_a1"].pk)}).content.decode()
    assert OUT_OF_SCOPE in itself
    shown = client.post(url + "?ngay=30/06/2025", {**data, "new_parent": str(tree["commune_b"].pk)}).content.decode()
    digest = re.search(r'name="xac_nhan" value="([0-9a-f]+)"', shown).group(1)
    assert (
        client.post(
            url + "?ngay=30/06/2025", {**data, "new_parent": str(tree["commune_b"].pk), "xac_nhan": digest}
        ).status_code
        == 302
    )
    assert org_version_on(org_id=tree["cell_a1"].pk, at=date(2025, 7, 1)).parent_id == tree["commune_b"].pk
    assert OrgVersion.objects.filter(org=tree["cell_a1"]).count() == 2


def test_the_transfer_letter_destination_is_searched_in_the_whole_system(
    client, commune_officer, member, tree, django_user_model
):
    """#15: the letter's destination uses the picker in its system-wide mode: any organization of
    the system (here commune B, outside the commune-A officer's scope), with only its name and
    parent; the in-scope picker and a user who may not record do not get it."""
    reader = django_user_model.objects.create_user("lanh_dao_xa", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=reader, role=Role.LEADER, org=tree["commune_a"], valid_from=date(2020, 1, 1))
    client.force_login(commune_officer)
    html = client.get(reverse("members:transfer_issue", args=[member.pk])).content.decode()
    url = picker_of(html, "to_org")
    assert "scope=system" in url
    found = client.get(url + "&org_q=Bình Minh").content.decode()
    assert f'data-org-pick="{tree["commune_b"].pk}"' in found and "— Đảng bộ huyện Sông Xanh" in found
    assert "Trần Văn Ba" not in found and "đảng viên" not in found.lower()  # names and parents only
    scoped = client.get(url.replace("&scope=system", "") + "&org_q=Bình Minh").content.decode()
    assert "data-org-pick" not in scoped and "trong phạm vi của bạn" in scoped
    client.force_login(reader)  # may view, not record: no system-wide search
    refused = client.get("/tim-kiem/to-chuc/", {"org_q": "Bình Minh", "scope": "system"}).content.decode()
    assert "data-org-pick" not in refused and "trong phạm vi của bạn" in refused


def test_the_transfer_letter_accepts_a_destination_outside_the_scope_or_outside_the_system(
    client, commune_officer, member, tree
):
    client.force_login(commune_officer)
    url = reverse("members:transfer_issue", args=[member.pk])
    on = timezone.localdate().strftime("%d/%m/%Y")
    data = {"kind": "official", "letter_number": "9-GGT/ĐU", "on": on}
    refused = client.post(url, {**data, "to_org": "999999"}).content.decode()
    assert "«Nơi đến (tổ chức đảng trong hệ thống)»: không có tổ chức này trong hệ thống." in refused
    assert not Transfer.objects.exists()
    assert client.post(url, {**data, "to_org": str(tree["commune_b"].pk)}).status_code == 302
    letter = Transfer.objects.get()
    assert letter.counterpart_org_id == tree["commune_b"].pk
    # typed outside the system: the letter ends there
    other = member_admit(
        actor=SYSTEM,
        cell=tree["cell_a1"],
        decided_on=date(2019, 3, 4),
        ceremony_on=date(2019, 3, 18),
        profile=ProfileInput(full_name="Lê Thị Tư", birth_year=1990, sex="F"),
    )
    url = reverse("members:transfer_issue", args=[other.pk])
    sent = client.post(url, {**data, "letter_number": "10-GGT/ĐU", "to_text": "Đảng ủy Công ty X, tỉnh Khác"})
    assert sent.status_code == 302
    assert Transfer.objects.get(member=other).destination_text == "Đảng ủy Công ty X, tỉnh Khác"
