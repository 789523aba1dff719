"""Cadre pages and API: scope, audited reads, recording a decision (idempotent)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.cadres.models import CadreAction, Decision
from dangbo.cadres.services import ActionInput, DecisionInput, decision_record

pytestmark = pytest.mark.django_db


def test_cadre_list_shows_scope_only_and_filters_by_age(client, commune_officer, outsider, cadre):
    client.force_login(commune_officer)
    page = client.get(reverse("cadres:cadre_list"), {"tuoi_tu": 40, "tuoi_den": 60, "ngay": "01/01/2025"})
    assert page.status_code == 200 and "Lê Văn Thử" in page.content.decode()
    page = client.get(reverse("cadres:cadre_list"), {"tuoi_tu": 55, "ngay": "01/01/2025"})
    assert "Lê Văn Thử" not in page.content.decode()
    client.force_login(outsider)
    assert "Lê Văn Thử" not in client.get(reverse("cadres:cadre_list")).content.decode()


def test_reading_a_cadre_record_is_audited_and_outside_scope_is_not_found(
    client, commune_officer, outsider, cadre, titles, system_user
):
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number="15-QĐ/TU",
            signed_on=date(2024, 3, 1),
            body="Ban Thường vụ Tỉnh ủy",
            org_id=cadre.managing_org_id,
            actions=[
                ActionInput(
                    cadre_id=cadre.pk, type="appointment", on=date(2024, 3, 1), title_id=titles["commune_secretary"].pk
                )
            ],
        ),
    )
    client.force_login(commune_officer)
    page = client.get(reverse("cadres:cadre_detail", kwargs={"pk": cadre.pk})).content.decode()
    assert "Bổ nhiệm" in page and "15-QĐ/TU" in page and "01/03/2024" in page
    assert AuditEntry.objects.filter(
        action="read.cadre_record", actor=commune_officer, object_id=str(cadre.pk)
    ).exists()
    api = client.get(f"/api/v1/cadres/{cadre.pk}").json()
    assert api["actions"][0]["type"] == "appointment" and api["holdings"][0]["valid_to"] is None
    client.force_login(outsider)
    assert client.get(reverse("cadres:cadre_detail", kwargs={"pk": cadre.pk})).status_code == 404
    assert client.get(f"/api/v1/cadres/{cadre.pk}").status_code == 404


def test_recording_a_decision_on_the_page_twice_creates_it_once(client, commune_officer, cadre, titles):
    client.force_login(commune_officer)
    form = {
        "token": "abc123",
        "number": "22-QĐ/ĐU",
        "signed_on": "05/04/2024",
        "body": "Đảng ủy xã An Bình",
        "cadre": cadre.pk,
        "type": "appointment",
        "title": titles["commune_deputy"].pk,
        "on": "05/04/2024",
    }
    for _ in range(2):
        response = client.post(reverse("cadres:decision_create"), form)
        assert response.status_code == 302
    assert Decision.objects.count() == 1 and CadreAction.objects.count() == 1


def test_the_page_shows_the_refusal_on_the_field(client, commune_officer, cadre, titles):
    client.force_login(commune_officer)
    form = {
        "token": "t2",
        "number": "23-QĐ/ĐU",
        "signed_on": "05/04/2024",
        "body": "Đảng ủy xã An Bình",
        "cadre": cadre.pk,
        "type": "rotation",
        "title": titles["commune_deputy"].pk,
        "on": "05/04/2024",
    }
    response = client.post(reverse("cadres:decision_create"), form)
    assert response.status_code == 200 and "thời gian dự kiến" in response.content.decode()
    assert not Decision.objects.exists()


def test_api_records_a_decision_and_refuses_bad_input_with_422(client, commune_officer, cadre, titles):
    client.force_login(commune_officer)
    body = {
        "number": "24-QĐ/ĐU",
        "signed_on": "2024-04-05",
        "body": "Đảng ủy xã",
        "org_id": cadre.managing_org_id,
        "actions": [
            {"cadre_id": cadre.pk, "type": "appointment", "on": "2024-04-05", "title_id": titles["commune_deputy"].pk}
        ],
        "idempotency_key": "k1",
    }
    first = client.post("/api/v1/cadres/decisions", body, content_type="application/json")
    again = client.post("/api/v1/cadres/decisions", body, content_type="application/json")
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    body["actions"][0]["type"] = "rotation"
    body["idempotency_key"] = "k2"
    bad = client.post("/api/v1/cadres/decisions", body, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "planned_months"
    assert Decision.objects.count() == 1


def test_planning_board_and_figures_pages(client, commune_officer, system_user, cadre, titles, tree):
    from dangbo.cadres.models import PlanningTerm
    from dangbo.cadres.services import planning_add

    term = PlanningTerm.objects.create(org=tree["commune_a"], name="2025–2030", start_year=2025, end_year=2030)
    planning_add(actor=system_user, term=term, cadre=cadre, title=titles["commune_secretary"], on=date(2024, 6, 1))
    client.force_login(commune_officer)
    board = client.get(
        reverse("cadres:planning_board", kwargs={"pk": term.pk}), {"ngay": "01/07/2024"}
    ).content.decode()
    assert "Bí thư Đảng ủy xã" in board and "Lê Văn Thử" in board
    figs = client.get(reverse("cadres:figures"), {"org": tree["commune_a"].pk, "tu": "01/01/2024", "den": "31/12/2024"})
    assert "01 cấp trưởng, 00 cấp phó" in figs.content.decode()
