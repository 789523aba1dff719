"""Reading notifications: the ones addressed to the user and those of the organizations in the
user's scope (through access/scope.py), and which of them the user has not read."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from dangbo.access import policy
from dangbo.access.policy import scope_orgs
from dangbo.notifications.models import Notification, NotificationRead

# Where a notification about a record links to (url name taking the record's pk).
LINKS = {
    "plans.task": "plans:task_detail",
    "plans.document": "plans:document_detail",
    "grading.gradingcampaign": "grading:campaign_detail",
    "members.transfer": "members:transfer_detail",
}


@policy.scoped(Notification)
def _notifications_for(qs: QuerySet, user, action: str) -> QuerySet:
    """Addressed to the user, or to an organization in the user's scope (read by its officers)."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    to_orgs = scope_orgs(Notification.objects.filter(user__isnull=True), user, field="org_id", action=action)
    return qs.filter(Q(user=user) | Q(pk__in=to_orgs.values("pk")))


def notification_list(*, actor, kind_prefix: str = "") -> QuerySet:
    if not getattr(actor, "is_authenticated", False):
        return Notification.objects.none()
    qs = policy.for_user(Notification, actor)
    if kind_prefix:
        qs = qs.filter(kind__startswith=kind_prefix)
    return qs.annotate(is_read=Exists(NotificationRead.objects.filter(notification=OuterRef("pk"), user=actor)))


def unread(*, actor) -> QuerySet:
    return notification_list(actor=actor).filter(is_read=False)


def unread_count(*, actor) -> int:
    return unread(actor=actor).count()


def link(note: Notification) -> str:
    if note.target_type == "reports.reportsubmission" and note.target_id is not None:
        from dangbo.notifications.reports import submission_link  # the page takes the period, not a pk

        return submission_link(note)
    name = LINKS.get(note.target_type)
    if not name or note.target_id is None:
        return ""
    try:
        return reverse(name, args=[note.target_id])
    except NoReverseMatch:
        return ""
