"""GET /api/v1/members and /api/v1/members/{id}: the scoped list (masked citizen IDs) and the dossier.

Personas (conftest): `commune_officer` sees commune A, `outsider` is commune B's officer, `leader`
sees the province read-only (no "view_personal").
"""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.members.models import EventType as E
from dangbo.members.services import EventInput, member_record_event
from tests.factories import MemberFactory

LIST = "/api/v1/members"
NOT_FOUND = {"detail": "Không tìm thấy", "field": None, "rule": None}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas are created with a password; a cheap hasher keeps these tests fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admit(actor, cell, name, *, sex="M", year=1985, citizen_id=None, decided=date(2020, 1, 6)):
    return MemberFactory(
        actor=actor,
        cell=cell,
        full_name=name,
        sex=sex,
        birth_year=year,
        general_education="gdpt_thpt",
        citizen_id=citizen_id,
        phone="0912345678",
        decided_on=decided,
        ceremony_on=decided.replace(day=20),
    )


@pytest.fixture
def people(tree, system_user):
    lan = admit(system_user, tree["cell_a1"], "Nguyễn Thị Lan", sex="F", citizen_id="001185012345")
    member_record_event(actor=system_user, member=lan, data=EventInput(type=E.FULL_RECOGNITION, on=date(2021, 1, 20)))
    duc = admit(system_user, tree["cell_a2"], "Trần Văn Đức", year=1995, decided=date(2023, 3, 6))
    binh = admit(system_user, tree["cell_b1"], "Lê Văn Bình", citizen_id="001090054321")
    return {"lan": lan, "duc": duc, "binh": binh}


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def names(response) -> list[str]:
    return [item["full_name"] for item in response.json()["items"]]


# --- the list ------------------------------------------------------------------------------------


def test_a_commune_officer_lists_the_members_of_the_commune(client, people, commune_officer):
    response = get(client, commune_officer, LIST, at="2024-06-01")
    assert response.status_code == 200
    assert names(response) == ["Nguyễn Thị Lan", "Trần Văn Đức"]
    assert response.json()["count"] == 2


def test_an_outsider_neither_sees_nor_counts_members_of_another_commune(client, people, outsider):
    body = get(client, outsider, LIST, at="2024-06-01", status="all").json()
    assert [item["full_name"] for item in body["items"]] == ["Lê Văn Bình"]
    assert body["count"] == 1


def test_an_outsider_filtering_on_another_commune_gets_not_found(client, tree, people, outsider):
    response = get(client, outsider, LIST, org=tree["commune_a"].pk)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_citizen_ids_are_masked_in_the_list(client, people, officer):
    items = get(client, officer, LIST, at="2024-06-01").json()["items"]
    by_name = {item["full_name"]: item for item in items}
    assert by_name["Nguyễn Thị Lan"]["citizen_id"] == "001******345"
    assert "001185012345" not in str(items)


def test_each_row_carries_the_state_and_organization_on_the_date(client, tree, people, officer):
    items = get(client, officer, LIST, at="2020-06-01", org=tree["commune_a"].pk).json()["items"]
    assert [(i["full_name"], i["status"], i["status_label"], i["org"]) for i in items] == [
        ("Nguyễn Thị Lan", "du_bi", "Đảng viên dự bị", {"id": tree["cell_a1"].pk, "name": "Chi bộ thôn 1"}),
    ]


def test_the_list_filters_by_sex_and_by_a_name_without_accents(client, people, officer):
    assert names(get(client, officer, LIST, at="2024-06-01", sex="F")) == ["Nguyễn Thị Lan"]
    assert names(get(client, officer, LIST, at="2024-06-01", q="duc")) == ["Trần Văn Đức"]


def test_the_list_filters_by_status_and_age_band(client, people, officer):
    assert names(get(client, officer, LIST, at="2024-06-01", status="chinh_thuc")) == ["Nguyễn Thị Lan"]
    assert names(get(client, officer, LIST, at="2024-06-01", status="du_bi")) == ["Lê Văn Bình", "Trần Văn Đức"]
    assert names(get(client, officer, LIST, at="2024-06-01", age_band="le30")) == ["Trần Văn Đức"]


def test_an_unknown_filter_value_is_refused(client, people, officer):
    assert get(client, officer, LIST, status="bogus").status_code == 422
    response = get(client, officer, LIST, ethnicity="99x")
    assert response.status_code == 422
    assert response.json()["field"] == "ethnicity"


def test_the_list_is_paged_with_the_scoped_count(client, people, officer):
    body = get(client, officer, LIST, at="2024-06-01", page_size=2, page=2).json()
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (3, 2, 2, 2)
    assert len(body["items"]) == 1


def test_the_list_query_count_has_a_ceiling(client, people, officer, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(15):  # a first read: the data stamps, then the count
        response = client.get(LIST, {"at": "2024-06-01"})
    assert response.status_code == 200 and response.json()["count"] == 3
    with django_assert_max_num_queries(14):  # the count cached under the same stamps
        response = client.get(LIST, {"at": "2024-06-01", "page": 1})
    assert response.status_code == 200 and response.json()["count"] == 3


# --- the dossier ---------------------------------------------------------------------------------


def test_an_officer_with_personal_rights_sees_the_citizen_id_masked_until_asking(client, people, commune_officer):
    body = get(client, commune_officer, f"{LIST}/{people['lan'].pk}").json()
    assert body["citizen_id"] == "001******345"
    assert body["citizen_id_masked"] is True
    assert body["phone"] == "0912345678"


def test_an_officer_with_personal_rights_who_asks_sees_the_full_citizen_id(client, people, commune_officer):
    body = get(client, commune_officer, f"{LIST}/{people['lan'].pk}", show="citizen_id").json()
    assert body["citizen_id"] == "001185012345"
    assert body["citizen_id_masked"] is False


def test_a_view_only_leader_who_asks_still_sees_the_citizen_id_masked(client, people, leader):
    body = get(client, leader, f"{LIST}/{people['lan'].pk}", show="citizen_id").json()
    assert body["citizen_id"] == "001******345"
    assert body["citizen_id_masked"] is True


def test_a_view_only_leader_sees_the_citizen_id_masked(client, people, leader):
    body = get(client, leader, f"{LIST}/{people['lan'].pk}").json()
    assert body["citizen_id"] == "001******345"
    assert body["citizen_id_masked"] is True
    assert body["phone"] is None


def test_the_dossier_gives_state_and_seniority_on_the_date(client, tree, people, commune_officer):
    body = get(client, commune_officer, f"{LIST}/{people['lan'].pk}", at="2022-03-05").json()
    assert body["current_status"] == "chinh_thuc"
    assert body["current_org"] == {"id": tree["cell_a1"].pk, "name": "Chi bộ thôn 1"}
    assert body["state"]["status"] == "chinh_thuc"
    assert body["admitted_on"] == "2020-01-06"
    assert body["probation_end"] == "2021-01-20"
    assert body["seniority"] == {"on": "2022-03-05", "months": 25, "years": 2, "remainder_months": 1}


def test_the_dossier_before_admission_has_no_state(client, people, commune_officer):
    body = get(client, commune_officer, f"{LIST}/{people['lan'].pk}", at="2019-01-01").json()
    assert body["state"] is None
    assert body["seniority"]["months"] == 0


def test_the_dossier_of_a_member_outside_the_scope_is_not_found(client, people, outsider):
    hidden = get(client, outsider, f"{LIST}/{people['lan'].pk}")
    missing = get(client, outsider, f"{LIST}/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == NOT_FOUND


def test_an_anonymous_request_for_a_dossier_is_refused(client, people):
    assert client.get(f"{LIST}/{people['lan'].pk}").status_code == 401


# --- issue 13: dossier reads are audited, citizen IDs masked everywhere (R-165) ------------------


def test_rule_r165_api_dossier_read_is_audited(client, people, commune_officer):
    from dangbo.audit.models import AuditEntry

    lan = people["lan"]
    before = AuditEntry.objects.count()
    response = get(client, commune_officer, f"{LIST}/{lan.pk}")
    assert response.status_code == 200
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.object_id, e.actor_id, e.subject_member_id) for e in entries] == [
        ("read.member_profile", str(lan.pk), commune_officer.pk, lan.pk)
    ]
    assert "(API)" in entries[0].summary


def test_citizen_id_masked_in_api_list(client, people, officer):
    # A province officer has "view_personal" on every member listed: still masked in the list.
    items = get(client, officer, LIST, at="2024-06-01", status="all").json()["items"]
    shown = {item["full_name"]: item["citizen_id"] for item in items}
    assert shown["Nguyễn Thị Lan"] == "001******345"
    assert shown["Lê Văn Bình"] == "001******321"
    assert "001185012345" not in str(items) and "001090054321" not in str(items)


def test_rule_r165_citizen_id_show_is_audited(client, people, commune_officer, leader):
    from dangbo.audit.models import AuditEntry

    lan = people["lan"]
    get(client, commune_officer, f"{LIST}/{lan.pk}", show="citizen_id")
    shows = AuditEntry.objects.filter(action="read.member_citizen_id", object_id=str(lan.pk))
    assert [(e.actor_id, e.subject_member_id) for e in shows.all()] == [(commune_officer.pk, lan.pk)]
    # On the page too, through the same read path.
    client.force_login(commune_officer)
    assert "001185012345" in client.get(f"/dang-vien/{lan.pk}/", {"show": "citizen_id"}).content.decode()
    assert shows.count() == 2
    # Asked without the right: nothing shown, so no "shown" entry (the read itself is logged).
    get(client, leader, f"{LIST}/{lan.pk}", show="citizen_id")
    assert shows.count() == 2
    assert AuditEntry.objects.filter(action="read.member_profile", actor=leader).count() == 1
