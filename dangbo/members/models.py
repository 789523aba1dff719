"""Party members: the profile, the append-only lifecycle events, and the dated projections.

`MemberEvent` is the history; it is never updated or deleted (a wrong event is voided by a new
`correction` event). `MembershipSpan` and the `current_*` columns of `Member` are projections
rebuilt from the events by `members.services` in the same transaction as the event, and by
`dangbo rebuild-projections` from scratch; reports "as of" a date read the spans.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from dangbo.access import policy
from dangbo.core.reference import choices, label
from dangbo.core.text import mask_citizen_id


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class Status(models.TextChoices):
    """Membership status on a date (reference/member_statuses.csv plus two product-local codes)."""

    PENDING = "cho_ket_nap", "Đã có quyết định kết nạp, chưa tổ chức lễ kết nạp"
    PROBATIONARY = "du_bi", "Đảng viên dự bị"
    FULL = "chinh_thuc", "Đảng viên chính thức"
    NAME_REMOVED = "xoa_ten", "Đã xóa tên khỏi danh sách đảng viên"
    EXPELLED = "khai_tru", "Đã bị khai trừ"
    LEFT = "xin_ra_khoi_dang", "Đã xin ra khỏi Đảng"
    DECEASED = "tu_tran", "Đã từ trần"
    TRANSFERRED_AWAY = "da_chuyen_di", "Đã chuyển sinh hoạt đảng ra ngoài hệ thống"


ACTIVE_STATUSES = (Status.PROBATIONARY, Status.FULL)
EXIT_STATUSES = (
    Status.NAME_REMOVED,
    Status.EXPELLED,
    Status.LEFT,
    Status.DECEASED,
    Status.TRANSFERRED_AWAY,
)


class EventType(models.TextChoices):
    """Lifecycle event codes (reference/member_event_types.csv plus product-local ones)."""

    ADMISSION_DECISION = "admission_decision", "Quyết định kết nạp đảng viên"
    ADMISSION_CEREMONY = "admission_ceremony", "Lễ kết nạp đảng viên"
    FULL_RECOGNITION = "full_recognition", "Công nhận đảng viên chính thức"
    PROBATION_NAME_REMOVAL = "probation_name_removal", "Xóa tên đảng viên dự bị"
    READMISSION = "readmission", "Kết nạp lại"
    RIGHTS_RESTORATION = "rights_restoration", "Khôi phục quyền đảng viên"
    OFFICIAL_TRANSFER_OUT = "official_transfer_out", "Chuyển sinh hoạt đảng chính thức đi"
    OFFICIAL_TRANSFER_IN = "official_transfer_in", "Tiếp nhận sinh hoạt đảng chính thức"
    TEMPORARY_TRANSFER_OUT = "temporary_transfer_out", "Chuyển sinh hoạt đảng tạm thời đi"
    TEMPORARY_TRANSFER_RETURN = "temporary_transfer_return", "Trở về sinh hoạt tại nơi chính thức"
    ACTIVITY_EXEMPTION = "activity_exemption", "Miễn công tác và sinh hoạt đảng"
    ACTIVITY_EXEMPTION_END = "activity_exemption_end", "Thôi miễn công tác và sinh hoạt đảng"
    NAME_REMOVAL = "name_removal", "Xóa tên trong danh sách đảng viên"
    VOLUNTARY_EXIT = "voluntary_exit", "Xin ra khỏi Đảng"
    DISCIPLINE_REPRIMAND = "discipline_reprimand", "Kỷ luật khiển trách"
    DISCIPLINE_WARNING = "discipline_warning", "Kỷ luật cảnh cáo"
    DISCIPLINE_DISMISSAL = "discipline_dismissal", "Kỷ luật cách chức"
    DISCIPLINE_EXPULSION = "discipline_expulsion", "Kỷ luật khai trừ"
    DEATH = "death", "Từ trần"
    PARTY_CARD_ISSUED = "party_card_issued", "Phát thẻ đảng viên"
    BADGE_AWARDED = "badge_awarded", "Tặng / truy tặng Huy hiệu Đảng"
    YEARLY_GRADING = "yearly_grading", "Xếp loại chất lượng hằng năm"
    PROFILE_UPDATE = "profile_update", "Bổ sung hồ sơ đảng viên"
    LOST_CONTACT = "lost_contact", "Mất liên lạc với tổ chức đảng"
    CONTACT_RESTORED = "contact_restored", "Liên lạc lại với tổ chức đảng"
    ORG_REASSIGNED = "org_reassigned", "Chuyển theo sắp xếp tổ chức đảng"
    CORRECTION = "correction", "Hủy sự kiện ghi sai"


def ethnic_group_choices():
    return choices("ethnic_groups")


def religion_choices():
    return choices("religions")


class MemberQuerySet(models.QuerySet):
    """Members; what a user may see is access.policy.for_user(Member, user, action)."""


class Member(models.Model):
    # Profile (changes to it are recorded as profile_update events with before/after).
    full_name = models.CharField("Họ và tên", max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    birth_date = models.DateField("Ngày sinh", null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField("Năm sinh")
    sex = models.CharField("Giới tính", max_length=1, choices=Sex.choices)
    ethnicity = models.CharField("Dân tộc", max_length=4, choices=ethnic_group_choices, default="01")
    religion = models.CharField("Tôn giáo", max_length=4, choices=religion_choices, default="00")
    hometown = models.CharField("Quê quán", max_length=255, blank=True)
    citizen_id = models.CharField("Số CCCD", max_length=12, null=True, blank=True, unique=True)
    party_card_number = models.CharField("Số thẻ đảng viên", max_length=20, null=True, blank=True, unique=True)
    general_education = models.CharField("Giáo dục phổ thông", max_length=30, blank=True)
    professional_education = models.CharField("Chuyên môn nghiệp vụ", max_length=30, blank=True)
    theory_level = models.CharField("Lý luận chính trị", max_length=30, blank=True, default="none")
    occupation = models.CharField("Nghề nghiệp", max_length=120, blank=True)
    phone = models.CharField("Điện thoại", max_length=20, blank=True)

    # Projections of the events (as of today), kept by members.services.
    current_status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    current_org = models.ForeignKey("orgs.Organization", null=True, on_delete=models.PROTECT, related_name="+")
    admitted_on = models.DateField("Ngày quyết định kết nạp", null=True, blank=True)
    ceremony_on = models.DateField("Ngày lễ kết nạp", null=True, blank=True)
    full_on = models.DateField("Ngày chính thức", null=True, blank=True)
    exempt = models.BooleanField(default=False)
    temp_org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    created_at = models.DateTimeField(auto_now_add=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "Đảng viên"
        indexes = [
            models.Index(fields=["current_org", "current_status"]),
            models.Index(fields=["admitted_on"], name="members_member_admitted_on"),  # badges due
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def birth_display(self) -> str:
        return self.birth_date.strftime("%d/%m/%Y") if self.birth_date else str(self.birth_year)

    @property
    def ethnicity_label(self) -> str:
        return label("ethnic_groups", self.ethnicity)

    @property
    def religion_label(self) -> str:
        return label("religions", self.religion)

    @property
    def theory_label(self) -> str:
        return label("theory_levels", self.theory_level)

    @property
    def education_label(self) -> str:
        return ", ".join(
            x
            for x in (
                label("education_levels", self.general_education),
                label("education_levels", self.professional_education),
            )
            if x
        )

    @property
    def masked_citizen_id(self) -> str:
        return mask_citizen_id(self.citizen_id)


class MemberEventQuerySet(models.QuerySet):
    def effective(self) -> MemberEventQuerySet:
        """Events not voided by a correction."""
        return self.exclude(voided_by__isnull=False)


class MemberEvent(models.Model):
    """One dated lifecycle fact. Append-only: corrections are new events (`corrects`)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")
    type = models.CharField("Loại sự kiện", max_length=40, choices=EventType.choices)
    on = models.DateField("Ngày", db_index=True)
    org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tổ chức nơi sự kiện diễn ra (chi bộ kết nạp, nơi đi, ...).",
    )
    counterpart_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Bên kia của việc chuyển sinh hoạt (nơi đến / nơi đi).",
    )
    decision_number = models.CharField("Số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)
    decision_body = models.CharField("Cơ quan quyết định", max_length=255, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    payload = models.JSONField(default=dict, blank=True)
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="voided_by")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = MemberEventQuerySet.as_manager()

    class Meta:
        ordering = ["on", "id"]
        indexes = [
            models.Index(fields=["member", "on"]),
            models.Index(fields=["org", "on"]),
            models.Index(fields=["type", "on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("MemberEvent is append-only; record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("MemberEvent is append-only; record a correction instead")


class MembershipSpanQuerySet(models.QuerySet):
    def valid_on(self, at: date) -> MembershipSpanQuerySet:
        return self.filter(valid_from__lte=at).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))

    def active(self) -> MembershipSpanQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)


class MembershipSpan(models.Model):
    """The member's state over an inclusive date range, derived from the events.

    Report facts (sex, birth year, ethnicity, religion) are copied in so that headcounts as of a
    date read one table.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="spans")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    exempt = models.BooleanField(default=False)
    temp_org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    in_transfer = models.BooleanField(default=False)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1)
    birth_year = models.PositiveSmallIntegerField()
    ethnicity = models.CharField(max_length=4)
    religion = models.CharField(max_length=4)

    objects = MembershipSpanQuerySet.as_manager()

    class Meta:
        ordering = ["member_id", "valid_from"]
        indexes = [
            models.Index(fields=["org", "valid_from"]),
            models.Index(fields=["member", "valid_from"]),
            # the few spans in transit / temporarily attached (transfer inbox, worklist)
            models.Index(fields=["valid_from"], condition=Q(in_transfer=True), name="members_span_in_transfer"),
            models.Index(fields=["valid_from"], condition=Q(temp_org__isnull=False), name="members_span_temp_org"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.status} @{self.org_id} {self.valid_from}–{self.valid_to}"


# --- the access policy's rule for members (access sits below members: members registers it) ---


@policy.scoped(Member)
def _members_in_scope(qs, user, action: str):
    """Members who belong (now or in the past) to an organization in scope; plus the user's own
    profile for the member role."""
    allowed = policy.allowed_org_ids(user, action=action)
    if allowed is None:
        return qs
    cond = Q(Exists(MembershipSpan.objects.filter(member_id=OuterRef("pk"), org_id__in=Subquery(allowed))))
    own = policy.own_member_ids(user)
    if action == "view" and own:
        cond |= Q(pk__in=own)
    return qs.filter(cond)


policy.member_type(Member)


# --- transfers (chuyển sinh hoạt đảng): a process read from the event log ---------------------


class TransferQuerySet(MemberEventQuerySet):
    """Transfer letters: effective `official_transfer_out` / `temporary_transfer_out` events.

    A letter is *open* (in transit, waiting for reception) while the member's span today is in
    transfer and no reception was recorded after it; it is *received* by a later
    `official_transfer_in`, *returned* or *cancelled* when a correction voids it (with the reason),
    and a letter to an organization outside the system ends at the letter (the member leaves the
    counts: status `da_chuyen_di`)."""

    def official(self) -> TransferQuerySet:
        return self.filter(type=EventType.OFFICIAL_TRANSFER_OUT, voided_by__isnull=True)

    def open(self, today: date, *, member_ids=None) -> TransferQuerySet:
        """Open letters; `member_ids`: only those members' (a profile, one letter): the spans are
        then read by member, not every span in transfer today."""
        # driven by the few members whose span today is in transfer, then their letters (index
        # member, on): not a pass over every letter ever issued
        spans = MembershipSpan.objects.valid_on(today).filter(in_transfer=True)
        if member_ids is not None:
            spans = spans.filter(member_id__in=list(member_ids))
        in_transit = list(spans.values_list("member_id", flat=True))
        received_after = MemberEvent.objects.filter(
            member_id=OuterRef("member_id"),
            type=EventType.OFFICIAL_TRANSFER_IN,
            voided_by__isnull=True,
        ).filter(Q(on__gt=OuterRef("on")) | Q(on=OuterRef("on"), pk__gt=OuterRef("pk")))
        return (
            self.official()
            .filter(counterpart_org__isnull=False, member_id__in=in_transit)
            .filter(~Exists(received_after))
        )

    def overdue(self, today: date) -> TransferQuerySet:
        """Open letters not presented within the R-033 working days (members.deadlines)."""
        from dangbo.members.deadlines import transfer_overdue_cutoff

        return self.open(today).filter(on__lte=transfer_overdue_cutoff(today))

    def temporary_open(self, today: date, *, member_ids=None) -> TransferQuerySet:
        """Temporary attachments in force today (R-035): the latest temporary letter of members
        whose span today has a temporary organization (`member_ids`: only those members')."""
        spans = MembershipSpan.objects.valid_on(today).filter(temp_org_id__isnull=False)
        if member_ids is not None:
            spans = spans.filter(member_id__in=list(member_ids))
        attached = list(spans.values_list("member_id", flat=True))
        later = MemberEvent.objects.filter(
            member_id=OuterRef("member_id"),
            voided_by__isnull=True,
            type__in=(EventType.TEMPORARY_TRANSFER_OUT, EventType.TEMPORARY_TRANSFER_RETURN),
        ).filter(Q(on__gt=OuterRef("on")) | Q(on=OuterRef("on"), pk__gt=OuterRef("pk")))
        return self.filter(
            type=EventType.TEMPORARY_TRANSFER_OUT, voided_by__isnull=True, member_id__in=attached
        ).filter(~Exists(later))

    def temporary_overdue(self, today: date) -> TransferQuerySet:
        """Temporary attachments whose end date (payload "until") has passed without a return."""
        return (
            self.temporary_open(today)
            .alias(until_text=Cast(KT("payload__until"), models.CharField()))
            .filter(until_text__isnull=False, until_text__lt=today.isoformat())
        )


class TransferManager(models.Manager.from_queryset(TransferQuerySet)):
    def get_queryset(self) -> TransferQuerySet:
        return (
            super().get_queryset().filter(type__in=(EventType.OFFICIAL_TRANSFER_OUT, EventType.TEMPORARY_TRANSFER_OUT))
        )


class Transfer(MemberEvent):
    """A transfer letter seen as a process (proxy of its `*_transfer_out` event): the same record
    for the sending and the receiving side, even in two provinces."""

    objects = TransferManager()

    class Meta:
        proxy = True
        verbose_name = "Chuyển sinh hoạt đảng"
        verbose_name_plural = "Chuyển sinh hoạt đảng"

    @property
    def kind(self) -> str:
        return "temporary" if self.type == EventType.TEMPORARY_TRANSFER_OUT else "official"

    @property
    def letter_number(self) -> str:
        return self.decision_number

    @property
    def destination_text(self) -> str:
        return (self.payload or {}).get("destination", "")

    @property
    def until(self) -> date | None:
        raw = (self.payload or {}).get("until")
        return date.fromisoformat(raw) if raw else None

    @property
    def deadline(self) -> date:
        from dangbo.members.deadlines import transfer_deadline

        return transfer_deadline(self.on)


@policy.scoped(Transfer)
def _transfers_in_scope(qs, user, action: str):
    """Who sees a transfer letter (and may act on it with `action`):

    - the sending side: every letter of a member in scope (`_members_in_scope`);
    - the receiving side: a letter still *open* (in transit) whose destination is an organization
      in scope — and nothing else of that member: the member's dossier, lists and counts stay
      with the sender until the reception is recorded (member_statuses.csv `chuyen_di`); once
      received the member is in the destination's scope through the new span."""
    allowed = policy.allowed_org_ids(user, action=action)
    if allowed is None:
        return qs
    sending = Q(member_id__in=Subquery(_members_in_scope(Member.objects.all(), user, action).values("pk")))
    receiving = Q(
        pk__in=Transfer.objects.open(policy.today()).filter(counterpart_org_id__in=Subquery(allowed)).values("pk")
    )
    return qs.filter(sending | receiving)
