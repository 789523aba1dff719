"""Reading notifications: the ones addressed to the user and those of the organizations in the
user's scope (through access/scope.py), and which of them the user has not read."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from dangbo.access import policy
from dangbo.access.policy import scope_orgs
from dangbo.core import stamps
from dangbo.notifications.models import Notification, NotificationRead

# Where a notification about a record links to (url name taking the record's pk).
LINKS = {
    "plans.task": "plans:task_detail",
    "plans.document": "plans:document_detail",
    "grading.gradingcampaign": "grading:campaign_detail",
    "members.transfer": "members:transfer_detail",
    "notifications.notice": "notifications:my_notice",
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


_count_cache = stamps.StampedCache(10_000)


def navbar_unread_count(*, actor) -> int:
    """`unread_count`, cached per process and user under the data stamps "notifications" (renewed
    by triggers on every write to the notifications and their read marks, migration 0003) and
    "scope" (role assignments, the tree: which organizations' notifications the user reads), so a
    new or newly read notification shows at the next page. The stamps come with the request's one
    stamp query (core.stamps.request_snapshot): the navbar costs no query of its own."""
    read = stamps.read_many("notifications", "scope")
    note, scope = read["notifications"], read["scope"]
    cacheable = stamps.cacheable(note) and stamps.cacheable(scope)
    key = (note.token, scope.token, actor.pk, actor.is_superuser)
    return _count_cache.get_or_compute(key, lambda: unread_count(actor=actor), cacheable=cacheable)


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
