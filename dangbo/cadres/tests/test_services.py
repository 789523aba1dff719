"""Decisions, append-only cadre actions and the position-holding projection."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DatabaseError, transaction

from dangbo.audit.models import AuditEntry
from dangbo.cadres.models import CadreAction, Decision, PositionHolding
from dangbo.cadres.services import ActionInput, CadreInput, DecisionInput, action_void, cadre_create, decision_record
from dangbo.core.errors import DomainError

pytestmark = pytest.mark.django_db


def _appoint(actor, cadre, title, on=date(2024, 3, 1), number="15-QĐ/TU", key=""):
    return decision_record(
        actor=actor,
        data=DecisionInput(
            number=number,
            signed_on=on,
            body="Ban Thường vụ Tỉnh ủy",
            org_id=cadre.managing_org_id,
            idempotency_key=key,
            actions=[ActionInput(cadre_id=cadre.pk, type="appointment", on=on, title_id=title.pk)],
        ),
    )


def test_a_decision_with_an_appointment_opens_a_holding_and_is_audited(system_user, cadre, titles):
    decision = _appoint(system_user, cadre, titles["commune_secretary"])
    holding = PositionHolding.objects.get(cadre=cadre)
    assert (holding.title, holding.valid_from, holding.valid_to, holding.obtained_by) == (
        titles["commune_secretary"],
        date(2024, 3, 1),
        None,
        "appointment",
    )
    assert AuditEntry.objects.filter(
        action="cadre_action.appointment", object_id=str(decision.actions.get().pk)
    ).exists()


def test_one_decision_carries_several_actions(system_user, cadre, titles, tree):
    other = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name="Trần Thị Mẫu", birth_date=date(1980, 1, 2), sex="F", managing_org_id=tree["commune_a"].pk
        ),
    )
    decision = decision_record(
        actor=system_user,
        data=DecisionInput(
            number="20-QĐ/TU",
            signed_on=date(2024, 5, 2),
            body="Ban Thường vụ Tỉnh ủy",
            org_id=tree["commune_a"].pk,
            actions=[
                ActionInput(
                    cadre_id=cadre.pk, type="appointment", on=date(2024, 5, 2), title_id=titles["dept_director"].pk
                ),
                ActionInput(
                    cadre_id=other.pk,
                    type="rotation",
                    on=date(2024, 5, 2),
                    title_id=titles["commune_secretary"].pk,
                    planned_months=36,
                ),
            ],
        ),
    )
    assert decision.actions.count() == 2
    assert PositionHolding.objects.filter(cadre=other, title=titles["commune_secretary"]).exists()


def test_a_correction_voids_an_action_and_the_holding_disappears(system_user, cadre, titles):
    decision = _appoint(system_user, cadre, titles["commune_secretary"])
    action = decision.actions.get()
    correction = action_void(actor=system_user, action=action, reason="ghi nhầm người")
    assert correction.corrects == action
    assert not PositionHolding.objects.filter(cadre=cadre).exists()
    assert CadreAction.objects.filter(cadre=cadre).count() == 2  # nothing deleted
    with pytest.raises(DomainError):
        action_void(actor=system_user, action=action, reason="lần hai")


def test_dismissal_ends_the_holding_the_day_before(system_user, cadre, titles):
    _appoint(system_user, cadre, titles["dept_deputy"])
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number="30-QĐ/TU",
            signed_on=date(2025, 2, 1),
            body="Ban Thường vụ Tỉnh ủy",
            org_id=cadre.managing_org_id,
            actions=[
                ActionInput(cadre_id=cadre.pk, type="dismissal", on=date(2025, 2, 1), title_id=titles["dept_deputy"].pk)
            ],
        ),
    )
    assert PositionHolding.objects.get(cadre=cadre).valid_to == date(2025, 1, 31)


def test_cadre_actions_are_append_only_in_the_database(system_user, cadre, titles):
    action = _appoint(system_user, cadre, titles["commune_secretary"]).actions.get()
    with pytest.raises(RuntimeError):
        action.save()
    with pytest.raises(RuntimeError):
        action.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        CadreAction.objects.filter(pk=action.pk).update(note="sửa")


def test_a_double_submit_with_the_same_key_records_once(system_user, cadre, titles):
    first = _appoint(system_user, cadre, titles["commune_secretary"], key="form-123")
    second = _appoint(system_user, cadre, titles["commune_secretary"], key="form-123")
    assert first.pk == second.pk
    assert Decision.objects.count() == 1 and CadreAction.objects.count() == 1


def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_written(system_user, cadre, titles):
    with pytest.raises(DomainError) as err:
        decision_record(
            actor=system_user,
            data=DecisionInput(
                number="1-QĐ",
                signed_on=date(2024, 1, 1),
                body="BTV",
                org_id=cadre.managing_org_id,
                actions=[
                    ActionInput(
                        cadre_id=cadre.pk, type="rotation", on=date(2024, 1, 1), title_id=titles["commune_secretary"].pk
                    )
                ],
            ),
        )
    assert err.value.field == "planned_months" and "thời gian dự kiến" in err.value.message
    with pytest.raises(DomainError) as err:
        _appoint(system_user, cadre, titles["district_secretary"], on=date(2025, 8, 1))
    assert err.value.field == "title_id" and "không còn hiệu lực" in err.value.message
    assert not Decision.objects.exists()


def test_the_outsider_cannot_record_for_a_cadre_of_commune_a(outsider, cadre, titles):
    with pytest.raises(DomainError):
        _appoint(outsider, cadre, titles["commune_secretary"])
    assert not Decision.objects.exists()
