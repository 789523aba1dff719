"""The data migration moves the rows of the two former notification models (plans: to a user;
grading: to an organization) into the one model, and back."""

from __future__ import annotations

from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("notifications", "0001_initial"),
    ("plans", "0001_documents_tasks_reports"),
    ("grading", "0001_grading_campaign_frameworks_records"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_are_moved_and_read_marks_kept(tree, commune_officer, officer):
    latest = _latest()
    old = _migrate(BEFORE)
    Document = old.get_model("plans", "Document")
    Task = old.get_model("plans", "Task")
    PlansNote = old.get_model("plans", "Notification")
    Campaign = old.get_model("grading", "GradingCampaign")
    GradingNote = old.get_model("grading", "Notification")
    plan = Document.objects.create(
        number="1-KH",
        issued_on=date(2024, 1, 1),
        issuer="Xã",
        doc_type="ke_hoach",
        title="KH",
        owner_org_id=tree["commune_a"].pk,
    )
    task = Task.objects.create(plan=plan, content="Việc")
    when = datetime(2024, 6, 1, 1, 0, tzinfo=dt_timezone.utc)
    read = PlansNote.objects.create(
        user_id=commune_officer.pk,
        task_id=task.pk,
        org_id=tree["cell_a1"].pk,
        key="late:2024-06-30:0",
        message="Trễ hạn",
        read_at=when,
    )
    PlansNote.objects.filter(pk=read.pk).update(created_at=when)
    PlansNote.objects.create(user_id=commune_officer.pk, task_id=task.pk, key="due:2024-06-30:7", message="Sắp hạn")
    campaign_fields = {f.name for f in Campaign._meta.concrete_fields}
    campaign = Campaign.objects.create(**_campaign_values(Campaign, campaign_fields, tree))
    GradingNote.objects.create(
        campaign_id=campaign.pk,
        org_id=tree["cell_a1"].pk,
        message="Chậm đánh giá",
        created_on=date(2024, 12, 26),
        created_by_id=officer.pk,
    )

    new = _migrate(latest)
    Note = new.get_model("notifications", "Notification")
    Read = new.get_model("notifications", "NotificationRead")
    assert Note.objects.count() == 3
    late = Note.objects.get(message="Trễ hạn")
    assert (late.user_id, late.org_id, late.kind, late.target_type, late.target_id) == (
        commune_officer.pk,
        tree["cell_a1"].pk,
        "plans.late",
        "plans.task",
        task.pk,
    )
    assert late.created_at == when
    assert Read.objects.get(notification=late).user_id == commune_officer.pk
    assert Note.objects.get(message="Sắp hạn").kind == "plans.due"
    grading = Note.objects.get(message="Chậm đánh giá")
    assert grading.user_id is None and grading.org_id == tree["cell_a1"].pk and grading.kind == "grading.late"
    assert (grading.target_type, grading.target_id, grading.created_by_id) == (
        "grading.gradingcampaign",
        campaign.pk,
        officer.pk,
    )

    back = _migrate(BEFORE)
    assert back.get_model("plans", "Notification").objects.get(key="late:2024-06-30:0").read_at == when
    assert back.get_model("grading", "Notification").objects.get().campaign_id == campaign.pk
    _migrate(latest)


def _campaign_values(model, names, tree) -> dict:
    """Whatever the historical GradingCampaign requires, filled with harmless values."""
    values = {"year": 2024, "root_org_id": tree["commune_a"].pk}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.null or f.has_default() or f.attname in values or getattr(f, "auto_now_add", False):
            continue
        if f.get_internal_type() == "DateField":
            values[f.attname] = date(2024, 12, 25)
        elif f.get_internal_type() in ("CharField", "TextField"):
            values[f.attname] = f.choices[0][0] if f.choices else "x"
        elif "Integer" in f.get_internal_type():
            values[f.attname] = 0
    return values
