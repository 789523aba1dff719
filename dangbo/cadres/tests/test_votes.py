"""Confidence votes (R-090…R-092): quorum, the bands and their consequences, coverage "42/46 đơn vị"."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.cadres.votes import (
    DISMISS,
    INVALID,
    NORMAL,
    REVIEW,
    BallotInput,
    band_of,
    campaign_open,
    result_record,
    unit_set,
)
from dangbo.core.errors import DomainError

pytestmark = pytest.mark.django_db
ON = date(2024, 6, 1)


def test_rule_r090_the_session_is_valid_only_if_two_thirds_of_those_summoned_attend():
    assert band_of(summoned=30, attended=20, valid=20, low=0, on=ON).key == NORMAL  # exactly 2/3
    invalid = band_of(summoned=30, attended=19, valid=19, low=19, on=ON)
    assert invalid.key == INVALID and not invalid.quorum_ok


def test_rule_r091_more_than_half_and_under_two_thirds_low_is_review_with_its_consequence():
    assert band_of(summoned=30, attended=30, valid=30, low=15, on=ON).key == NORMAL  # exactly 1/2: not more
    review = band_of(summoned=30, attended=30, valid=30, low=16, on=ON)
    assert review.key == REVIEW and review.low_percent == 53.3
    assert "khỏi quy hoạch" in review.consequence
    assert band_of(summoned=30, attended=30, valid=30, low=19, on=ON).key == REVIEW


def test_rule_r091_two_thirds_or_more_low_is_dismissal_on_valid_ballots():
    dismiss = band_of(summoned=30, attended=30, valid=30, low=20, on=ON)  # exactly 2/3
    assert dismiss.key == DISMISS and "miễn nhiệm" in dismiss.consequence
    # counted on the valid ballots, not on those attending: 20 of 28 valid
    assert band_of(summoned=30, attended=30, valid=28, low=19, on=ON).key == DISMISS


def test_rule_r091_thresholds_are_versioned_parameters(db):
    from dangbo.core import rules
    from dangbo.core.models import RuleParameter

    RuleParameter.objects.create(
        name="confidence_low_dismiss_from", valid_from=date(2030, 1, 1), value=[3, 4], source="thử"
    )
    rules.clear_cache()
    assert band_of(summoned=30, attended=30, valid=30, low=20, on=date(2029, 12, 31)).key == DISMISS
    assert band_of(summoned=30, attended=30, valid=30, low=20, on=date(2030, 1, 1)).key == REVIEW


def test_rule_r090_ballot_counts_must_add_up(system_user, tree, cadre, titles):
    campaign = campaign_open(actor=system_user, org_id=tree["commune_a"].pk, year=2024, name="Lấy phiếu 2024")
    unit = unit_set(actor=system_user, campaign=campaign, name="Đảng ủy xã An Bình", status="done", held_on=ON)
    with pytest.raises(DomainError) as error:
        result_record(
            actor=system_user,
            unit=unit,
            data=BallotInput(
                cadre_id=cadre.pk,
                title_id=titles["commune_secretary"].pk,
                voter_group="committee",
                summoned=15,
                attended=14,
                valid=14,
                high=10,
                medium=3,
                low=2,
                held_on=ON,
            ),
        )
    assert error.value.field == "valid"
    with pytest.raises(DomainError):
        result_record(
            actor=system_user,
            unit=unit,
            data=BallotInput(
                cadre_id=cadre.pk,
                title_id=titles["commune_secretary"].pk,
                voter_group="committee",
                summoned=15,
                attended=16,
                valid=15,
                high=10,
                medium=3,
                low=2,
                held_on=ON,
            ),
        )


def test_rule_r092_coverage_42_of_46_units_with_the_reasons_for_the_rest(
    client, system_user, commune_officer, outsider, tree, cadre, titles
):
    campaign = campaign_open(
        actor=system_user, org_id=tree["commune_a"].pk, year=2023, name="Lấy phiếu tín nhiệm giữa nhiệm kỳ 2020–2025"
    )
    for i in range(42):
        unit_set(
            actor=system_user, campaign=campaign, name=f"Đơn vị {i + 1:02d}", status="done", held_on=date(2023, 9, 1)
        )
    unit_set(
        actor=system_user,
        campaign=campaign,
        name="Sở Nội vụ",
        status="postponed",
        decision="12-QĐ/TU",
        reason="Đang sắp xếp tổ chức bộ máy",
    )
    unit_set(actor=system_user, campaign=campaign, name="Sở Y tế", status="not_subject", reason="Mới bổ nhiệm")
    unit_set(
        actor=system_user, campaign=campaign, name="Sở Xây dựng", status="not_subject", reason="Chưa có người đứng đầu"
    )
    unit_set(actor=system_user, campaign=campaign, name="Sở Tư pháp", status="pending")
    with pytest.raises(DomainError):
        unit_set(actor=system_user, campaign=campaign, name="Sở Khác", status="not_subject")
    unit = campaign.units.get(name="Đơn vị 01")
    for group, low in (("committee", 9), ("standing", 2)):
        result_record(
            actor=system_user,
            unit=unit,
            data=BallotInput(
                cadre_id=cadre.pk,
                title_id=titles["commune_secretary"].pk,
                voter_group=group,
                summoned=15,
                attended=15,
                valid=15,
                high=15 - low - 1,
                medium=1,
                low=low,
                held_on=date(2023, 9, 1),
            ),
        )
    client.force_login(commune_officer)
    api = client.get(f"/api/v1/cadres/confidence-votes/{campaign.pk}").json()
    assert api["coverage_text"] == "42/46 đơn vị"
    rest = {u["name"]: (u["status"], u["reason"], u["decision"]) for u in api["units"] if u["status"] != "done"}
    assert rest == {
        "Sở Nội vụ": ("postponed", "Đang sắp xếp tổ chức bộ máy", "12-QĐ/TU"),
        "Sở Y tế": ("not_subject", "Mới bổ nhiệm", ""),
        "Sở Xây dựng": ("not_subject", "Chưa có người đứng đầu", ""),
        "Sở Tư pháp": ("pending", "", ""),
    }
    (row,) = api["cadres"]
    assert row["band"] == REVIEW and [r["band"] for r in row["results"]] == [REVIEW, NORMAL]
    page = client.get(reverse("cadres:vote_campaign_detail", kwargs={"pk": campaign.pk})).content.decode()
    assert '<strong id="vote-coverage">42/46 đơn vị</strong>' in page
    assert "Sở Y tế: Không thuộc diện lấy phiếu — Mới bổ nhiệm" in page
    assert AuditEntry.objects.filter(actor=commune_officer, action="read.vote_campaign").count() == 2
    client.force_login(outsider)
    assert client.get(reverse("cadres:vote_campaign_detail", kwargs={"pk": campaign.pk})).status_code == 404
    assert client.get(f"/api/v1/cadres/confidence-votes/{campaign.pk}").status_code == 404
    assert client.get("/api/v1/cadres/confidence-votes").json() == []
