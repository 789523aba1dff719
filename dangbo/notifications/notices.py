"""Notices and documents a committee sends to members, with read receipts (issue 20).

Writes (`notice_send`, `notice_open`) check the access policy and are audited in their
transaction; reads go through `policy.for_user(Notice, user)`: an officer sees the notices of the
organizations in their scope ("meet" right to send), a member the notices sent to them.

The recipients are fixed when the notice is sent: the active members whose home organization (or
host organization, for a temporarily attached member) lies in the audience subtree that day, or a
list of members in the sender's scope. Each recipient who has an account (member role) gets an
in-app notification linking to the notice (and an e-mail through the task worker when e-mail is
configured: notifications.services.notify); opening the notice records the read receipt.

A resolution-study campaign (kind "study") has a deadline; the officer or the member records who
completed it (`study_record`, `study_confirm`), and the daily job "notifications.study_remind"
(`study_reminders_send`) reminds those who have not, once, in the days before the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from dangbo.access import policy
from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.services import audit_record
from dangbo.core.actors import SYSTEM, require_actor
from dangbo.core.errors import DomainError
from dangbo.core.rules import param
from dangbo.core.text import nfc
from dangbo.members.models import ACTIVE_STATUSES, Member, MembershipSpan
from dangbo.notifications.delivery import deliveries_plan
from dangbo.notifications.models import Notice, NoticeKind, NoticeRecipient, Notification, NotificationRead
from dangbo.orgs.models import OrgVersion

KIND = "notices.new"
REMIND_KIND = "notices.study_reminder"


@policy.scoped(Notice)
def _notices_for(qs: QuerySet, user, action: str) -> QuerySet:
    """Notices of an organization in scope; for a member, also the notices sent to them."""
    scoped = policy.scope_orgs(qs, user, field="org_id", action=action)
    own = policy.own_member_ids(user) if action == "view" and not policy.is_system(user) else frozenset()
    if own:
        mine = NoticeRecipient.objects.filter(member_id__in=own).values("notice_id")
        return qs.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=mine))
    return scoped


@dataclass
class NoticeInput:
    org_id: int
    title: str
    body: str = ""
    kind: str = NoticeKind.NOTICE
    audience_org_id: int | None = None
    member_ids: list[int] = field(default_factory=list)
    document_number: str = ""
    study_due: date | None = None  # a resolution-study campaign: the day the study is to be completed by


def _subtree(org_id: int, on: date) -> Subquery:
    root = OrgVersion.objects.valid_on(on).filter(org_id=org_id).values_list("path", flat=True).first()
    return Subquery(OrgVersion.objects.filter(path__startswith=root or "\x00none").values("org_id"))


def audience_on(*, org_id: int, on: date) -> dict[int, int]:
    """member id → home organization id of the active members of `org_id`'s subtree on `on`
    (home organization there, or temporarily attached to an organization there)."""
    sub = _subtree(org_id, on)
    spans = (
        MembershipSpan.objects.valid_on(on)
        .filter(status__in=ACTIVE_STATUSES)
        .filter(Q(org_id__in=sub) | Q(temp_org_id__in=sub))
    )
    return dict(spans.values_list("member_id", "org_id"))


def notice_send(*, actor, data: NoticeInput) -> Notice:
    """Send a notice of organization `data.org_id` to the members of a subtree or to a list."""
    policy.require(actor, "meet", data.org_id, message=policy.NOT_FOUND, field="org_id")
    title = nfc(data.title or "").strip()
    if not title:
        raise DomainError("Phải nhập tiêu đề thông báo.", field="title")
    if data.kind not in NoticeKind.values:
        raise DomainError("Loại thông báo không hợp lệ.", field="kind")
    today = policy.today()
    if data.audience_org_id is not None:
        policy.require(
            actor,
            "meet",
            data.audience_org_id,
            message=policy.not_found("tổ chức đảng nhận thông báo."),
            field="audience_org_id",
        )
        audience = audience_on(org_id=data.audience_org_id, on=today)
    elif data.member_ids:
        wanted = set(data.member_ids)
        visible = dict(policy.for_user(Member, actor).filter(pk__in=wanted).values_list("pk", "current_org_id"))
        missing = sorted(wanted - set(visible))
        if missing:
            raise DomainError(policy.not_found(f"đảng viên mã {missing[0]}."), field="member_ids")
        audience = visible
    else:
        raise DomainError("Chọn tổ chức đảng hoặc danh sách đảng viên nhận thông báo.", field="audience_org_id")
    if not audience:
        raise DomainError("Không có đảng viên nào nhận thông báo này.", field="audience_org_id")
    if data.kind == NoticeKind.DOCUMENT and not nfc(data.document_number or "").strip():
        raise DomainError("Văn bản gửi đảng viên phải có số, ký hiệu.", field="document_number")
    study_due = data.study_due if data.kind == NoticeKind.STUDY else None
    if data.kind == NoticeKind.STUDY:
        if study_due is None:
            raise DomainError("Đợt học tập nghị quyết phải có hạn hoàn thành.", field="study_due")
        if study_due < today:
            raise DomainError(f"Hạn hoàn thành học tập phải từ ngày gửi ({today:%d/%m/%Y}) trở đi.", field="study_due")
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        notice = Notice.objects.create(
            org_id=data.org_id,
            kind=data.kind,
            title=title,
            body=nfc(data.body or "").strip(),
            document_number=nfc(data.document_number or "").strip()[:60],
            audience_org_id=data.audience_org_id,
            sent_on=today,
            study_due=study_due,
            sent_by=user,
            recipients_count=len(audience),
        )
        NoticeRecipient.objects.bulk_create(
            [NoticeRecipient(notice=notice, member_id=m, home_org_id=o) for m, o in sorted(audience.items())]
        )
        _notify(notice, member_ids=list(audience), actor=user)
        audit_record(
            actor=actor,
            action="notice.send",
            obj=notice,
            org_id=notice.org_id,
            summary=f"Gửi {notice.get_kind_display().lower()} «{title[:120]}» đến {len(audience)} đảng viên",
            after={
                "title": title,
                "audience_org_id": data.audience_org_id,
                "recipients": len(audience),
                "study_due": study_due,
            },
        )
    return notice


def _accounts(member_ids, *, on: date) -> list[tuple[int, int]]:
    """(member id, user id) of the members' active accounts with the member role on `on`."""
    return list(
        RoleAssignment.objects.filter(
            RoleAssignment.active_q(on), role=Role.MEMBER, member_id__in=member_ids, user__is_active=True
        )
        .values_list("member_id", "user_id")
        .distinct()
    )


def _notify(notice: Notice, *, member_ids: list[int], actor) -> None:
    """An in-app notification to each recipient's account (member role), written in bulk; an
    e-mail for those with an address when e-mail is on. Only the notice's title is in it: the
    recipient may see the notice."""
    users = {u for _, u in _accounts(member_ids, on=policy.today())}
    _notify_users(
        notice,
        user_ids=users,
        kind=KIND,
        key=f"notice:{notice.pk}",
        message=f"{notice.get_kind_display()}: {notice.title}",
        subject=f"[Đảng bộ số] {notice.title[:150]}",
        actor=actor,
    )


def _notify_users(
    notice: Notice, *, user_ids, kind: str, key: str, message: str, subject: str, actor, linked: bool = True
) -> None:
    """The path a notice reaches members by: one in-app notification per account linking to the
    notice (idempotent per user and key), and its deliveries (the e-mail of those who take it),
    sent by the task worker after commit. `linked=False`: no link (the user is not a recipient and
    may not see the notice, e.g. a cell secretary reminded for members without an account)."""
    user_ids = sorted(user_ids)
    rows = [
        Notification(
            user_id=u,
            org_id=notice.org_id,
            kind=kind,
            key=key,
            message=message,
            target_type="notifications.notice" if linked else "",
            target_id=notice.pk if linked else None,
            created_by=actor,
        )
        for u in user_ids
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    deliveries_plan(Notification.objects.filter(key=key, user_id__in=user_ids, deliveries=None), subject=subject)


def notice_open(*, actor, notice_id: int) -> NoticeRecipient:
    """A member opens a notice sent to them: the first opening is the read receipt (audited); the
    in-app notifications linking to it (the notice itself, a study-deadline reminder that came
    later) are marked read at any opening. Not a recipient: "not found"."""
    own = policy.own_member_ids(actor) if getattr(actor, "is_authenticated", False) else frozenset()
    row = (
        NoticeRecipient.objects.select_related("notice")
        .filter(notice_id=notice_id, member_id__in=own)
        .order_by("id")
        .first()
    )
    if row is None:
        raise DomainError(policy.NOT_FOUND, field="notice_id")
    unread = list(
        Notification.objects.filter(user=actor, target_type="notifications.notice", target_id=notice_id)
        .exclude(reads__user=actor)
        .values_list("pk", flat=True)
    )
    if row.read_at is not None and not unread:
        return row
    with transaction.atomic():
        NotificationRead.objects.bulk_create(
            [NotificationRead(notification_id=pk, user=actor) for pk in unread], ignore_conflicts=True
        )
        updated = NoticeRecipient.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=timezone.now())
        row.refresh_from_db(fields=["read_at"])
        if updated:
            audit_record(
                actor=actor,
                action="notice.read",
                obj=row.notice,
                org_id=row.notice.org_id,
                subject_member_id=row.member_id,
                summary=f"Đảng viên đã đọc «{row.notice.title[:150]}»",
            )
    return row


# --- resolution-study campaigns (kind "study") ---------------------------------------------


def study_record(*, actor, notice: Notice, member_ids: list[int], on: date) -> int:
    """The officer records that members sent the study completed it on `on` (between the day it was
    sent and today). Each member must be a recipient the officer may see ("not found" otherwise,
    nothing written); members already recorded keep their first date. Returns how many were
    recorded now; audited."""
    if not policy.can(actor, "meet"):
        raise DomainError(policy.NOT_FOUND, field="member_ids")
    if notice.kind != NoticeKind.STUDY:
        raise DomainError("Thông báo này không phải đợt học tập nghị quyết.", field="kind")
    today = policy.today()
    if on is None or on < notice.sent_on or on > today:
        raise DomainError(
            f"Ngày hoàn thành phải từ {notice.sent_on:%d/%m/%Y} đến hôm nay ({today:%d/%m/%Y}).", field="on"
        )
    wanted = set(member_ids)
    if not wanted:
        raise DomainError("Chọn ít nhất một đảng viên đã hoàn thành học tập.", field="member_ids")
    visible = policy.for_user(Member, actor).values("pk")
    rows = dict(
        notice.recipients.filter(member_id__in=wanted)
        .filter(member_id__in=visible)
        .values_list("member_id", "studied_on")
    )
    missing = sorted(wanted - set(rows))
    if missing:
        raise DomainError(policy.not_found(f"đảng viên mã {missing[0]} trong danh sách học tập."), field="member_ids")
    new = sorted(m for m, done in rows.items() if done is None)
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        n = notice.recipients.filter(member_id__in=new, studied_on__isnull=True).update(
            studied_on=on, studied_recorded_by=user
        )
        if n:
            audit_record(
                actor=actor,
                action="notice.study_record",
                obj=notice,
                org_id=notice.org_id,
                summary=f"Ghi nhận {n} đảng viên hoàn thành học tập «{notice.title[:120]}» ngày {on:%d/%m/%Y}",
                after={"member_ids": new, "on": on},
            )
    return n


def study_confirm(*, actor, notice_id: int) -> NoticeRecipient:
    """The member confirms in the portal that they completed the study today (once; audited). Not a
    recipient of a study campaign: "not found"."""
    own = policy.own_member_ids(actor) if getattr(actor, "is_authenticated", False) else frozenset()
    row = (
        NoticeRecipient.objects.select_related("notice")
        .filter(notice_id=notice_id, member_id__in=own, notice__kind=NoticeKind.STUDY)
        .order_by("id")
        .first()
    )
    if row is None:
        raise DomainError(policy.NOT_FOUND, field="notice_id")
    if row.studied_on is not None:
        return row
    today = policy.today()
    with transaction.atomic():
        if NoticeRecipient.objects.filter(pk=row.pk, studied_on__isnull=True).update(
            studied_on=today, studied_recorded_by=actor
        ):
            audit_record(
                actor=actor,
                action="notice.study_confirm",
                obj=row.notice,
                org_id=row.notice.org_id,
                subject_member_id=row.member_id,
                summary=f"Đảng viên xác nhận đã hoàn thành học tập «{row.notice.title[:120]}»",
            )
        row.refresh_from_db(fields=["studied_on", "studied_recorded_by"])
    return row


def study_remind_days() -> int:
    """Days before a study deadline from which members who have not studied are reminded (rule
    parameter `study_remind_days_before`, default 3, in force today)."""
    return max(0, int(param("study_remind_days_before", policy.today())))


def study_reminders_send(*, today: date | None = None, actor=SYSTEM) -> int:
    """Remind of its deadline every recipient of a study campaign who has not studied yet, once per
    campaign, when `today` is in the reminder window: from `study_remind_days_before` days before
    the deadline up to the deadline day itself. Not on the day the campaign is sent (the notice has
    just reached them), not after the deadline (the members late are counted on the notice page
    instead). A member is reached through their member-role account, as the notice itself was: an
    in-app notification linking to the notice and its e-mail delivery; the day is recorded on the
    recipient (`reminded_on`), so running again that day or on the next days of the window sends
    nothing more. A member without an account is reminded through their cell secretary's account
    (one notification per secretary and cell naming them); one whose cell has no secretary account,
    or who left the party since, is not reminded. One
    audit entry per campaign with reminders. Returns how many members were reminded."""
    require_actor(actor)
    today = today or policy.today()
    days = max(0, int(param("study_remind_days_before", today)))
    campaigns = Notice.objects.filter(
        kind=NoticeKind.STUDY, study_due__gte=today, study_due__lte=today + timedelta(days=days), sent_on__lt=today
    )
    return sum(_study_remind(notice, today=today, actor=actor) for notice in campaigns.order_by("study_due", "id"))


@transaction.atomic
def _study_remind(notice: Notice, *, today: date, actor) -> int:
    # rows locked (PostgreSQL): a concurrent run waits, then finds them reminded and skips them
    waiting = dict(
        notice.recipients.select_for_update(of=("self",))
        .filter(studied_on__isnull=True, reminded_on__isnull=True, member__current_status__in=ACTIVE_STATUSES)
        .values_list("member_id", "pk")
    )
    if not waiting:
        return 0
    accounts = _accounts(list(waiting), on=today)
    direct = sorted({m for m, _ in accounts})
    # Members without an account are reminded through their cell secretary: one notification per
    # secretary and cell naming them, so the secretary reminds them in person.
    through_secretary = _cell_secretaries(sorted(set(waiting) - set(direct)), on=today)
    by_secretary = sorted({m for members in through_secretary.values() for m in members})
    reached = sorted({*direct, *by_secretary})
    if not reached:
        return 0
    n = NoticeRecipient.objects.filter(pk__in=[waiting[m] for m in reached], reminded_on__isnull=True).update(
        reminded_on=today
    )
    left = (notice.study_due - today).days
    when = "hôm nay là hạn" if left == 0 else f"còn {left} ngày"
    deadline = f"{notice.study_due:%d/%m/%Y} ({when})"
    _notify_users(
        notice,
        user_ids={u for _, u in accounts},
        kind=REMIND_KIND,
        key=f"notice:{notice.pk}:study_reminder",
        message=f"Nhắc: hạn hoàn thành học tập, quán triệt “{notice.title}” là {deadline}.",
        subject=f"[Đảng bộ số] Nhắc hạn học tập: {notice.title[:130]}",
        actor=None,
    )
    names = dict(Member.objects.filter(pk__in=by_secretary).values_list("pk", "full_name"))
    for (user_id, org_id), members in sorted(through_secretary.items()):
        listed = ", ".join(names[m] for m in sorted(members, key=lambda m: (names[m], m)))
        _notify_users(
            notice,
            user_ids={user_id},
            kind=REMIND_KIND,
            key=f"notice:{notice.pk}:study_reminder:org:{org_id}",
            message=(
                f"Nhắc: {len(members)} đảng viên của chi bộ chưa có tài khoản và chưa hoàn thành học tập, "
                f"quán triệt “{notice.title}” (hạn {deadline}): {listed}."
            ),
            subject=f"[Đảng bộ số] Nhắc hạn học tập: {notice.title[:130]}",
            actor=None,
            linked=False,
        )
    audit_record(
        actor=actor,
        action="notice.study_remind",
        obj=notice,
        org_id=notice.org_id,
        summary=f"Nhắc hạn học tập «{notice.title[:120]}» ({notice.study_due:%d/%m/%Y}) đến {n} đảng viên chưa hoàn thành"
        + (f" ({len(by_secretary)} qua bí thư chi bộ)" if by_secretary else ""),
        after={"member_ids": reached, "through_secretary": by_secretary, "on": today, "study_due": notice.study_due},
    )
    return n


def _cell_secretaries(member_ids: list[int], *, on: date) -> dict[tuple[int, int], list[int]]:
    """{(secretary's user id, organization id): member ids}: the active cell-secretary accounts of
    the organization each member belongs to on `on`. A member whose organization has no secretary
    account is not in it."""
    if not member_ids:
        return {}
    home = dict(MembershipSpan.objects.valid_on(on).filter(member_id__in=member_ids).values_list("member_id", "org_id"))
    secretaries = (
        RoleAssignment.objects.filter(
            RoleAssignment.active_q(on), role=Role.CELL_SECRETARY, org_id__in=set(home.values()), user__is_active=True
        )
        .values_list("org_id", "user_id")
        .distinct()
    )
    users_of: dict[int, set[int]] = {}
    for org_id, user_id in secretaries:
        users_of.setdefault(org_id, set()).add(user_id)
    found: dict[tuple[int, int], list[int]] = {}
    for member_id, org_id in home.items():
        for user_id in users_of.get(org_id, ()):
            found.setdefault((user_id, org_id), []).append(member_id)
    return found


@dataclass
class StudyRow:
    org_id: int | None
    name: str
    done: int
    total: int

    @property
    def pct(self) -> float | None:
        return self.done / self.total * 100 if self.total else None


@dataclass
class StudyProgress:
    rows: list[StudyRow]
    done: int
    total: int
    overdue: int  # members not done after the due date
    reminded: int = 0  # members reminded of the deadline (study_reminders_send)
    without_account: int = 0  # not done and no member account: reminded through the cell secretary
    reminded_first: date | None = None
    reminded_last: date | None = None
    remind_from: date | None = None  # the first day of the reminder window

    @property
    def pct(self) -> float | None:
        return self.done / self.total * 100 if self.total else None


def study_progress(*, actor, notice: Notice) -> StudyProgress:
    """Completion of a study campaign per organization the members belonged to when it was sent, and
    in all: only the members the officer may see. One grouped query."""
    from dangbo.orgs.selectors import org_names_on

    visible = policy.for_user(Member, actor).values("pk")
    account = RoleAssignment.objects.filter(
        RoleAssignment.active_q(policy.today()), role=Role.MEMBER, member_id=OuterRef("member_id"), user__is_active=True
    )
    grouped = list(
        notice.recipients.filter(member_id__in=visible)
        .annotate(has_account=Exists(account))
        .values("home_org_id")
        .order_by("home_org_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(studied_on__isnull=False)),
            reminded=Count("pk", filter=Q(reminded_on__isnull=False)),
            without_account=Count("pk", filter=Q(studied_on__isnull=True, has_account=False)),
            first=Min("reminded_on"),
            last=Max("reminded_on"),
        )
    )
    names = org_names_on(keys=[(g["home_org_id"], notice.sent_on) for g in grouped])
    rows = sorted(
        (
            StudyRow(g["home_org_id"], names.get((g["home_org_id"], notice.sent_on), "—"), g["done"], g["total"])
            for g in grouped
        ),
        key=lambda r: r.name,
    )
    done, total = sum(r.done for r in rows), sum(r.total for r in rows)
    late = notice.study_due is not None and policy.today() > notice.study_due
    firsts = [g["first"] for g in grouped if g["first"] is not None]
    lasts = [g["last"] for g in grouped if g["last"] is not None]
    return StudyProgress(
        rows=rows,
        done=done,
        total=total,
        overdue=total - done if late else 0,
        reminded=sum(g["reminded"] for g in grouped),
        without_account=sum(g["without_account"] for g in grouped),
        reminded_first=min(firsts, default=None),
        reminded_last=max(lasts, default=None),
        remind_from=notice.study_due - timedelta(days=study_remind_days()) if notice.study_due else None,
    )


def study_completion(*, org_ids, start: date, end: date) -> tuple[int, int]:
    """The study campaigns whose deadline falls in [start, end], over the recipients whose
    organization when the campaign was sent is in `org_ids` (a subquery: the report's area): how
    many recipient·campaigns were completed by the deadline, and how many there were. One query
    (the cell-life figures of the reports catalog; scope is the report's, as for every figure)."""
    row = NoticeRecipient.objects.filter(
        notice__kind=NoticeKind.STUDY, notice__study_due__gte=start, notice__study_due__lte=end, home_org_id__in=org_ids
    ).aggregate(total=Count("pk"), done=Count("pk", filter=Q(studied_on__lte=F("notice__study_due"))))
    return row["done"], row["total"]


# --- reads ---------------------------------------------------------------------------------


def notice_list(*, actor) -> QuerySet:
    """Notices the officer may see (sent by organizations in scope), with the read count."""
    scoped = policy.scope_orgs(Notice.objects.all(), actor, field="org_id", action="view")
    return scoped.annotate(read=Count("recipients", filter=Q(recipients__read_at__isnull=False))).order_by(
        "-sent_at", "-id"
    )


def receipts_label(read: int, total: int) -> str:
    """«x/y đã đọc», numbers with the Vietnamese thousands dot."""
    return f"{read:,}/{total:,} đã đọc".replace(",", ".")


def notice_recipients(*, actor, notice: Notice) -> list[NoticeRecipient]:
    """Who a notice was sent to and when each read it: only the members in the officer's scope."""
    visible = policy.for_user(Member, actor).values("pk")
    return list(
        notice.recipients.filter(member_id__in=visible)
        .select_related("member")
        .order_by("read_at", "member__name_folded", "member_id")
    )


def my_notices(*, actor) -> list[NoticeRecipient]:
    """The notices sent to the member themself, newest first (member portal)."""
    own = policy.own_member_ids(actor) if getattr(actor, "is_authenticated", False) else frozenset()
    return list(
        NoticeRecipient.objects.filter(member_id__in=own)
        .select_related("notice")
        .order_by("-notice__sent_at", "-notice_id")[:100]
    )
