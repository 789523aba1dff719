"""Forms of confidence-vote campaigns: open a campaign, set the units' status, enter the results
per cadre (R-090…R-092 through the pages, with Vietnamese messages naming the field)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.cadres.models import VoteCampaign, VoteResult, VoteUnit

pytestmark = pytest.mark.django_db


def test_a_campaign_is_opened_its_units_set_and_results_entered_through_the_forms(client, officer, tree, titles, cadre):
    client.force_login(officer)
    page = client.get(reverse("cadres:vote_campaign_create"))
    assert page.status_code == 200 and "Mở đợt lấy phiếu tín nhiệm" in page.content.decode()
    r = client.post(
        reverse("cadres:vote_campaign_create"),
        {"org": tree["province"].pk, "name": "Lấy phiếu tín nhiệm giữa nhiệm kỳ 2023", "year": 2023, "regime": "party"},
    )
    campaign = VoteCampaign.objects.get()
    assert r.status_code == 302 and r.url == reverse("cadres:vote_campaign_detail", args=[campaign.pk])

    unit_url = reverse("cadres:vote_unit_set", args=[campaign.pk])
    assert client.post(unit_url, {"name": "Sở Tài chính", "status": "done", "held_on": "15/06/2023"}).status_code == 302
    assert (
        client.post(
            unit_url,
            {
                "name": "Sở Khoa học và Công nghệ",
                "status": "not_subject",
                "reason": "Mới kiện toàn, chưa có cấp trưởng",
            },
        ).status_code
        == 302
    )
    # Not subject without a reason: the message names the field; nothing written.
    bad = client.post(unit_url, {"name": "Sở Y tế", "status": "not_subject"})
    assert bad.status_code == 200
    assert "Phải ghi lý do không thuộc diện lấy phiếu" in bad.content.decode()
    assert not VoteUnit.objects.filter(name="Sở Y tế").exists()

    unit = VoteUnit.objects.get(name="Sở Tài chính")
    result_url = reverse("cadres:vote_result_record", args=[campaign.pk])
    data = {
        "unit": unit.pk,
        "cadre": cadre.pk,
        "title": titles["dept_director"].pk,
        "voter_group": "committee",
        "summoned": 30,
        "attended": 27,
        "valid": 27,
        "high": 5,
        "medium": 3,
        "low": 19,
        "held_on": "15/06/2023",
    }
    # Counts that do not add up: refused with the field named.
    bad = client.post(result_url, {**data, "low": 17})
    assert bad.status_code == 200
    assert "phải bằng số phiếu hợp lệ (27)" in bad.content.decode()
    assert VoteResult.objects.count() == 0
    ok = client.post(result_url, data, follow=True)
    assert ok.redirect_chain, ok.content.decode()[-3000:]
    body = ok.content.decode()
    assert "Từ 2/3 phiếu tín nhiệm thấp trở lên" in body  # 19/27 = 70,4% low
    assert "70,4%" in body
    assert "01/02 đơn vị" in body
    assert "Mới kiện toàn, chưa có cấp trưởng" in body
    assert VoteResult.objects.count() == 1
    assert AuditEntry.objects.filter(action="vote_result.record").exists()
    assert AuditEntry.objects.filter(action="vote_campaign.open").exists()


def test_the_outsider_cannot_open_the_forms_of_a_campaign_of_another_commune(client, system_user, outsider, tree):
    from dangbo.cadres.votes import campaign_open

    campaign = campaign_open(actor=system_user, org_id=tree["commune_a"].pk, year=2024, name="Đợt xã A")
    client.force_login(outsider)
    for name in ("cadres:vote_unit_set", "cadres:vote_result_record"):
        assert client.get(reverse(name, args=[campaign.pk])).status_code == 404
        assert (
            client.post(
                reverse(name, args=[campaign.pk]), {"name": "X", "status": "done", "held_on": "01/06/2024"}
            ).status_code
            == 404
        )
    assert VoteUnit.objects.count() == 0
    # The outsider's own campaign form offers only commune B.
    page = client.get(reverse("cadres:vote_campaign_create")).content.decode()
    assert f'value="{tree["commune_a"].pk}"' not in page and f'value="{tree["commune_b"].pk}"' in page
