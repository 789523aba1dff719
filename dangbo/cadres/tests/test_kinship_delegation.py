"""Delegation of cadre management as dated versions, and the 114-QĐ/TW kinship check."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.cadres.kinship import delegation_on, delegation_set, kinship_conflicts, relation_add
from dangbo.cadres.services import ActionInput, DecisionInput, decision_record
from dangbo.core.errors import DomainError
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_delegation_versions_answer_who_decides_on_a_date(system_user, outsider, tree):
    p = tree["province"].pk
    delegation_set(
        actor=system_user,
        province_id=p,
        title_group="Sở, ngành",
        action="appointment",
        decides="Ban Thường vụ Tỉnh ủy",
        appraises="Ban Tổ chức Tỉnh ủy",
        valid_from=date(2021, 1, 1),
        source="Quy định 01-QĐ/TU",
    )
    delegation_set(
        actor=system_user,
        province_id=p,
        title_group="Sở, ngành",
        action="appointment",
        decides="Thường trực Tỉnh ủy",
        appraises="Ban Tổ chức Tỉnh ủy",
        agrees="Ban cán sự đảng UBND tỉnh",
        valid_from=date(2025, 10, 8),
        source="377-QĐ/TW",
    )
    before = delegation_on(
        actor=system_user, province_id=p, title_group="Sở, ngành", action="appointment", at=date(2025, 10, 7)
    )
    after = delegation_on(
        actor=system_user, province_id=p, title_group="Sở, ngành", action="appointment", at=date(2025, 10, 8)
    )
    assert before.decides == "Ban Thường vụ Tỉnh ủy" and before.valid_to == date(2025, 10, 7)
    assert after.decides == "Thường trực Tỉnh ủy" and after.agrees == "Ban cán sự đảng UBND tỉnh"
    assert (
        delegation_on(
            actor=outsider, province_id=p, title_group="Sở, ngành", action="appointment", at=date(2025, 10, 8)
        )
        is None
    )
    with pytest.raises(DomainError) as err:
        delegation_set(
            actor=system_user,
            province_id=p,
            title_group="Sở, ngành",
            action="appointment",
            decides="X",
            valid_from=date(2024, 1, 1),
        )
    assert err.value.field == "valid_from"
    with pytest.raises(DomainError):
        delegation_set(
            actor=outsider,
            province_id=p,
            title_group="Sở, ngành",
            action="dismissal",
            decides="X",
            valid_from=date(2024, 1, 1),
        )


def test_kinship_check_114_finds_relatives_holding_linked_posts_in_the_same_organization(system_user, tree, titles):
    def mk(name, sex):
        return CadreFactory(
            actor=system_user, managing_org=tree["province"], full_name=name, birth_date=date(1978, 1, 1), sex=sex
        )

    director, deputy, elsewhere = mk("Trần Văn Trưởng", "M"), mk("Trần Thị Phó", "F"), mk("Trần Văn Khác", "M")
    org, other = tree["district"].pk, tree["commune_b"].pk
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number="77-QĐ/TU",
            signed_on=date(2024, 3, 1),
            body="Ban Thường vụ Tỉnh ủy",
            org_id=tree["province"].pk,
            actions=[
                ActionInput(
                    cadre_id=director.pk,
                    type="appointment",
                    on=date(2024, 3, 1),
                    title_id=titles["dept_director"].pk,
                    org_id=org,
                ),
                ActionInput(
                    cadre_id=deputy.pk,
                    type="appointment",
                    on=date(2024, 9, 1),
                    title_id=titles["dept_deputy"].pk,
                    org_id=org,
                ),
                ActionInput(
                    cadre_id=elsewhere.pk,
                    type="appointment",
                    on=date(2024, 3, 1),
                    title_id=titles["dept_deputy"].pk,
                    org_id=other,
                ),
            ],
        ),
    )
    relation_add(
        actor=system_user,
        cadre_id=director.pk,
        relationship="spouse",
        relative_name="Trần Thị Phó",
        relative_cadre_id=deputy.pk,
    )
    relation_add(
        actor=system_user,
        cadre_id=director.pk,
        relationship="sibling",
        relative_name="Trần Văn Khác",
        relative_cadre_id=elsewhere.pk,
    )
    assert kinship_conflicts(actor=system_user, org_id=tree["province"].pk, at=date(2024, 8, 31)) == []
    cases = kinship_conflicts(actor=system_user, org_id=tree["province"].pk, at=date(2024, 9, 1))
    assert [(c.relation.get_relationship_display(), c.cadre_title, c.relative_title) for c in cases] == [
        ("Vợ, chồng", "Giám đốc sở", "Phó Giám đốc sở")
    ]
    assert AuditEntry.objects.filter(action="read.kinship_check").count() == 2
    with pytest.raises(DomainError) as err:
        relation_add(actor=system_user, cadre_id=director.pk, relationship="cousin", relative_name="X")
    assert err.value.field == "relationship"
