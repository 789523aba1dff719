"""Yearly training-needs registration per unit (đăng ký nhu cầu đào tạo, bồi dưỡng): the service
(bad input named by field, nothing written; re-registering replaces the number; audited), the
figure "registered vs sent", the page and the API, and the scope (404 / nothing shown outside)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.cadres.models import TrainingNeed
from dangbo.cadres.training import course_create, enrol, need_register, needs_figures
from dangbo.core.errors import DomainError
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(system_user, tree):
    a, b = tree["commune_a"].pk, tree["commune_b"].pk
    need_register(actor=system_user, org_id=a, year=2025, kind="theory", level="cao_cap", mode="full_time", count=2)
    need_register(actor=system_user, org_id=a, year=2025, kind="theory", level="cao_cap", mode="part_time", count=3)
    need_register(
        actor=system_user,
        org_id=tree["cell_a1"].pk,
        year=2025,
        kind="refresher",
        mode="part_time",
        count=1,
        note="Bồi dưỡng bí thư chi bộ",
    )
    need_register(actor=system_user, org_id=b, year=2025, kind="theory", level="cao_cap", mode="full_time", count=7)
    return tree


def test_register_replaces_the_number_and_is_audited(system_user, tree):
    a = tree["commune_a"].pk
    n = need_register(actor=system_user, org_id=a, year=2025, kind="theory", level="trung_cap", count=4)
    again = need_register(actor=system_user, org_id=a, year=2025, kind="theory", level="trung_cap", count=6)
    assert again.pk == n.pk and TrainingNeed.objects.get(pk=n.pk).count == 6
    summaries = list(
        AuditEntry.objects.filter(action="training_need.register", object_id=str(n.pk))
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries[0].endswith("04 người") and summaries[1].endswith("04 → 06 người")
    assert "Lý luận chính trị Trung cấp (tập trung)" in summaries[0]


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"year": 1999}, "year"),
        ({"year": 2101}, "year"),
        ({"kind": "dancing"}, "kind"),
        ({"mode": "evening"}, "mode"),
        ({"level": "tien_si"}, "level"),
        ({"kind": "professional", "level": "x" * 51}, "level"),
        ({"count": -1}, "count"),
        ({"count": 10001}, "count"),
        ({"note": "x" * 256}, "note"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(system_user, tree, kw, field):
    data = {"org_id": tree["commune_a"].pk, "year": 2025, "kind": "theory", "level": "cao_cap", "count": 2, **kw}
    with pytest.raises(DomainError) as e:
        need_register(actor=system_user, **data)
    assert e.value.field == field
    assert not TrainingNeed.objects.exists() and not AuditEntry.objects.filter(action="training_need.register").exists()


def test_outsider_may_not_register_for_another_commune(outsider, tree):
    with pytest.raises(DomainError) as e:
        need_register(actor=outsider, org_id=tree["commune_a"].pk, year=2025, kind="theory", level="cao_cap", count=1)
    assert e.value.field == "org_id" and not TrainingNeed.objects.exists()


def test_figures_registered_vs_sent_for_a_subtree(system_user, needs):
    tree = needs
    a = tree["commune_a"].pk
    c1 = CadreFactory(actor=system_user, managing_org=tree["commune_a"], full_name="Nguyễn Văn Một")
    c2 = CadreFactory(actor=system_user, managing_org=tree["commune_a"], full_name="Trần Thị Hai")
    c3 = CadreFactory(actor=system_user, managing_org=tree["commune_a"], full_name="Lê Văn Ba")
    full = course_create(
        actor=system_user,
        org_id=a,
        name="Cao cấp LLCT tập trung",
        kind="theory",
        level="cao_cap",
        mode="full_time",
        starts_on=date(2025, 3, 1),
    )
    for c in (c1, c2, c3):  # three sent against two registered: met 2
        enrol(actor=system_user, course=full, cadre_id=c.pk, sent_on=date(2025, 3, 1))
    f = needs_figures(actor=system_user, org_id=a, year=2025)
    rows = {(r.kind, r.level, r.mode): (r.registered, r.sent) for r in f.rows}
    assert rows == {
        ("theory", "cao_cap", "full_time"): (2, 3),
        ("theory", "cao_cap", "part_time"): (3, 0),
        ("refresher", "", "part_time"): (1, 0),
    }
    assert (f.registered, f.registered_full_time, f.registered_part_time, f.met) == (6, 2, 4, 2)
    assert f.vn() == "Đăng ký 06 (02 tập trung, 04 không tập trung); đã cử 02 (33,3%)"
    # The province sums both communes.
    assert needs_figures(actor=system_user, org_id=tree["province"].pk, year=2025).registered == 13
    assert needs_figures(actor=system_user, org_id=a, year=2026).rows == []


def test_page_lists_registers_and_shows_the_figure(client, commune_officer, needs, django_assert_max_num_queries):
    tree = needs
    client.force_login(commune_officer)
    url = reverse("cadres:training_needs")
    with django_assert_max_num_queries(24):
        r = client.get(url, {"nam": 2025, "org": tree["commune_a"].pk})
    assert r.status_code == 200
    page = r.content.decode()
    assert 'id="needs-summary">Đăng ký 06 (02 tập trung, 04 không tập trung); đã cử 00 (0,0%)' in page
    assert "Bồi dưỡng bí thư chi bộ" in page and "Lý luận chính trị — Cao cấp" in page
    assert "Đảng bộ xã Bình Minh" not in page  # commune B's registration
    assert 'value="2025"' in page
    r = client.post(
        url + "?nam=2025",
        {
            "org": tree["commune_a"].pk,
            "year": 2025,
            "kind": "state_management",
            "level": "chuyen_vien_chinh",
            "mode": "full_time",
            "count": 1,
        },
    )
    assert r.status_code == 302 and r.url == url + "?nam=2025"
    need = TrainingNeed.objects.get(kind="state_management")
    assert AuditEntry.objects.filter(
        action="training_need.register", object_id=str(need.pk), actor=commune_officer
    ).exists()
    r = client.post(
        url,
        {
            "org": tree["commune_a"].pk,
            "year": 2025,
            "kind": "theory",
            "level": "tien_si",
            "mode": "full_time",
            "count": 1,
        },
    )
    assert r.status_code == 200 and "Trình độ phải là một trong" in r.context["form"].errors["level"][0]
    assert TrainingNeed.objects.count() == 5


def test_page_and_api_of_another_commune(client, outsider, needs):
    tree = needs
    client.force_login(outsider)
    assert client.get(reverse("cadres:training_needs"), {"nam": 2025, "org": tree["commune_a"].pk}).status_code == 404
    page = client.get(reverse("cadres:training_needs"), {"nam": 2025}).content.decode()
    assert "Bồi dưỡng bí thư chi bộ" not in page and "Đảng bộ xã Bình Minh" in page
    assert (
        client.get("/api/v1/cadres/training/needs", {"year": 2025, "org_id": tree["commune_a"].pk}).status_code == 404
    )
    r = client.post(
        "/api/v1/cadres/training/needs",
        {"org_id": tree["commune_a"].pk, "year": 2025, "kind": "theory", "level": "cao_cap", "count": 1},
        content_type="application/json",
    )
    assert r.status_code == 404 and TrainingNeed.objects.count() == 4


def test_api_lists_registers_and_refuses_bad_input(client, commune_officer, needs):
    tree = needs
    client.force_login(commune_officer)
    r = client.get("/api/v1/cadres/training/needs", {"year": 2025, "org_id": tree["commune_a"].pk})
    assert r.status_code == 200
    body = r.json()
    assert len(body["registrations"]) == 3 and body["figures"]["registered"] == 6
    assert body["figures"]["text"].startswith("Đăng ký 06")
    assert client.get("/api/v1/cadres/training/needs", {"year": 2025}).json()["figures"] is None
    assert client.get("/api/v1/cadres/training/needs", {"year": 3000}).status_code == 422
    ok = client.post(
        "/api/v1/cadres/training/needs",
        {"org_id": tree["commune_a"].pk, "year": 2026, "kind": "abroad", "count": 1, "note": "Tập huấn ngắn hạn"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["label"] == "Đào tạo, bồi dưỡng ở nước ngoài"
    for bad, field in (({"level": "tien_si"}, "level"), ({"level": "cao_cap", "note": "x" * 256}, "note")):
        r = client.post(
            "/api/v1/cadres/training/needs",
            {"org_id": tree["commune_a"].pk, "year": 2026, "kind": "theory", "count": 1, **bad},
            content_type="application/json",
        )
        assert r.status_code == 422 and r.json()["field"] == field
    assert (
        client.post(
            "/api/v1/cadres/training/needs",
            {"org_id": tree["commune_a"].pk, "year": 2026, "kind": "theory", "count": 10001},
            content_type="application/json",
        ).status_code
        == 422
    )
    assert TrainingNeed.objects.count() == 5
