"""Cell life (sinh hoạt chi bộ): meetings of a cell and the attendance of its members.

A meeting belongs to the organization that holds it (a cell, a party group's cell, a committee).
Its roster is pre-listed from the member registry as of the meeting date (services.py): members
whose *attendance organization* on that day is the meeting's organization — the host for a
temporarily attached member (R-035), else the home organization. Each attendance row keeps the
member's home organization on that date, so the R-039 absence count follows the member wherever
they attend.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangbo.core.jobs import CheckApplyState, ProgressJob


class Kind(models.TextChoices):
    MONTHLY = "monthly", "Sinh hoạt thường kỳ"
    THEMATIC = "thematic", "Sinh hoạt chuyên đề"
    EXTRAORDINARY = "extraordinary", "Sinh hoạt bất thường"
    ONLINE = "online", "Sinh hoạt trực tuyến"
    GROUP = "group", "Sinh hoạt tổ đảng"


# Meetings that fulfil the monthly meeting of R-012 (the thematic meeting is held within the
# regular monthly one; an online regular meeting counts under 03-HD/TW).
REGULAR_KINDS = (Kind.MONTHLY, Kind.THEMATIC, Kind.ONLINE)


class Presence(models.TextChoices):
    PRESENT = "present", "Có mặt"
    EXCUSED = "excused", "Vắng có lý do"
    UNEXCUSED = "unexcused", "Vắng không lý do"


class Reply(models.TextChoices):
    NONE = "", "Chưa trả lời"
    WILL_ATTEND = "will_attend", "Sẽ tham dự"
    CANNOT_ATTEND = "cannot_attend", "Xin vắng"


class Meeting(models.Model):
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Tổ chức đảng"
    )
    kind = models.CharField("Loại sinh hoạt", max_length=20, choices=Kind.choices, default=Kind.MONTHLY)
    planned_on = models.DateField("Ngày dự kiến")
    held_on = models.DateField("Ngày họp", null=True, blank=True)
    not_held_reason = models.CharField("Lý do không họp", max_length=255, blank=True)
    chair = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="Chủ trì"
    )
    recorder = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="Thư ký"
    )
    agenda = models.TextField("Nội dung", blank=True)
    resolution = models.TextField("Nghị quyết, biên bản", blank=True)
    guests = models.CharField("Khách mời (cấp ủy cấp trên dự)", max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Stored counts of the roster (attendance rows) by presence, kept by the services in the
    # transaction that writes the rows (services.recount) and rebuilt by `rebuild_meeting_counts`:
    # the figures of a province read one row per meeting, not one per attendance (issue 20).
    listed = models.PositiveIntegerField("Số đảng viên trong danh sách", default=0, editable=False)
    present = models.PositiveIntegerField("Có mặt", default=0, editable=False)
    excused = models.PositiveIntegerField("Vắng có lý do", default=0, editable=False)
    unexcused = models.PositiveIntegerField("Vắng không lý do", default=0, editable=False)

    class Meta:
        verbose_name = "Buổi sinh hoạt"
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["org", "planned_on"]), models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.planned_on:%d/%m/%Y}"

    @property
    def on(self):
        return self.held_on or self.planned_on

    @property
    def status_label(self) -> str:
        if self.held_on:
            return "Đã họp"
        if self.not_held_reason:
            return "Không họp"
        return "Dự kiến"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    home_org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tổ chức đảng chính thức của đảng viên vào ngày họp.",
    )
    temporary = models.BooleanField("Sinh hoạt tạm thời", default=False)
    presence = models.CharField("Điểm danh", max_length=20, choices=Presence.choices, blank=True, default="")
    reason = models.CharField("Lý do vắng", max_length=255, blank=True)
    reply = models.CharField("Trả lời của đảng viên", max_length=20, choices=Reply.choices, blank=True, default="")
    reply_reason = models.CharField("Lý do xin vắng", max_length=255, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Điểm danh"
        ordering = ["meeting_id", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meetings_attendance_unique")]
        indexes = [
            # a member's list of meetings; with the presence, R-039 reads it index-only
            models.Index(fields=["member", "meeting", "presence"], name="meetings_att_member_pres_idx"),
            # the members absent without reason are a small share of the rows
            models.Index(
                fields=["member", "meeting"],
                condition=models.Q(presence="unexcused"),
                name="meetings_att_unexcused_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.meeting_id}: {self.presence or '-'}"


class CommitteeSeat(models.Model):
    """A member of an upper-level party committee (e.g. a provincial committee member, Tỉnh ủy
    viên) from/to, who is assigned to attend grassroots cell meetings: the seeds ask for twice a
    year each (`GUEST_VISITS_PER_YEAR`)."""

    committee = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy"
    )
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp ủy viên")
    valid_from = models.DateField("Từ ngày")
    valid_to = models.DateField("Đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "Cấp ủy viên dự sinh hoạt cơ sở"
        ordering = ["committee_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "member", "valid_from"], name="meetings_committee_seat_unique")
        ]


class MeetingGuest(models.Model):
    """An upper-level committee member assigned to attend a meeting, and whether they attended."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guest_rows")
    seat = models.ForeignKey(CommitteeSeat, on_delete=models.PROTECT, related_name="visits")
    attended = models.BooleanField("Có dự", default=True)

    class Meta:
        verbose_name = "Khách mời dự sinh hoạt"
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="meetings_guest_once")]


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "Chờ xử lý"
    ACCEPTED = "accepted", "Đã chấp nhận"
    REFUSED = "refused", "Từ chối"


class CorrectionRequest(models.Model):
    """A member's request to correct their own record (R-161, right to correct). The officer of
    the member's organization accepts it (the record is changed by a `profile_update` event of the
    registry, linked here) or refuses it with a reason; nothing is overwritten without an event."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    field = models.CharField("Thông tin cần đính chính", max_length=40)
    current_value = models.CharField("Đang ghi", max_length=255, blank=True)
    requested_value = models.CharField("Đề nghị sửa thành", max_length=255)
    reason = models.CharField("Lý do, căn cứ", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.CharField("Lý do từ chối", max_length=500, blank=True)
    event = models.ForeignKey(
        "members.MemberEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Sự kiện bổ sung hồ sơ ghi nhận việc đính chính.",
    )

    class Meta:
        verbose_name = "Yêu cầu đính chính hồ sơ"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["member", "status"])]


class HandbookUsage(models.Model):
    """A member's use of the national e-handbook app (Sổ tay đảng viên điện tử, Quy định 339-QĐ/TW)
    as its account/usage export says: the account itself is `reports.HandbookAccount` (registered,
    closed); here the first and last access dates and where they came from. R-043 counts a member
    "registered and accessed" on a date when the account is open and the first access is on or
    before it."""

    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, related_name="+")
    first_access_on = models.DateField("Truy cập lần đầu", null=True, blank=True)
    last_access_on = models.DateField("Truy cập gần nhất", null=True, blank=True)
    source = models.CharField("Nguồn", max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Sử dụng Sổ tay đảng viên điện tử"
        indexes = [models.Index(fields=["first_access_on"])]


class HandbookImportJob(ProgressJob):
    """An upload of the national e-handbook export (meetings.handbook): checked, then applied, by
    the background task worker (meetings.tasks), with its progress on the row for the page to poll
    (the way imports.ImportJob does). Visible to the user who uploaded it only."""

    State = CheckApplyState

    STARTS = {State.CHECK_QUEUED: State.CHECKING, State.APPLY_QUEUED: State.APPLYING}

    file_path = models.CharField(max_length=500)
    original_name = models.CharField("Tệp", max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("Trạng thái", max_length=20, choices=State.choices, default=State.CHECK_QUEUED)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "Lượt nhập Sổ tay đảng viên điện tử"
        ordering = ["-created_at", "-id"]
