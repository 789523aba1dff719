"""Party dues (đảng phí, issue #21, MODULES.md §4, R-120…R-123).

- `DuesDeclaration`: the member's dues category and declared monthly base, dated by the first
  month it applies to, with the date and source of the declaration. The base is always what the
  member declared (income is never inferred); fixed-amount categories carry no base.
- `DuesPayment`: a payment received for a run of months (`from_month`..`to_month`, first days
  of months), its amount, date, channel, receipt and collector, and the organization that
  collected it (the cell the member paid at).
- `DuesAllocation`: how a payment was spread over the months it covers (services.py fills each
  month up to what is still owed, in order; anything above goes to the last month). Months paid
  and unpaid are computed per month covered, never per payment date (MODULES §4.5.3).

The obligation of a member for a month is computed (selectors.py) from the declaration in force
that month and the rates of the month's regime (core.rules `dues_regime`, `dues_rates`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangbo.core.jobs import CheckApplyState, ProgressJob


class Category(models.TextChoices):
    SI_SALARY = "si_salary", "Tiền lương đóng bảo hiểm xã hội bắt buộc"
    SICKNESS = "sickness_benefit", "Trợ cấp ốm đau, thai sản"
    PENSION = "pension", "Lương hưu"
    STUDENT = "student", "Học sinh, sinh viên"
    NO_INCOME = "no_income", "Không có thu nhập"
    ABROAD = "abroad", "Ở nước ngoài"
    OTHER_FIXED = "other_fixed", "Mức cố định khác"


# Categories whose amount is a percentage of the declared base (the others are fixed amounts).
BASE_CATEGORIES = (Category.SI_SALARY, Category.SICKNESS, Category.PENSION)


class Channel(models.TextChoices):
    CASH = "cash", "Tiền mặt tại chi bộ"
    PORTAL = "portal", "Cổng Dịch vụ công Quốc gia"
    BANK = "bank", "Chuyển khoản ngân hàng"


class DuesDeclaration(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("Đối tượng đóng đảng phí", max_length=20, choices=Category.choices)
    base = models.BigIntegerField("Mức thu nhập làm căn cứ (đồng/tháng)", null=True, blank=True)
    valid_from = models.DateField("Áp dụng từ tháng", help_text="Ngày đầu tháng.")
    declared_on = models.DateField("Ngày kê khai")
    source = models.CharField("Nguồn (bản kê khai của đảng viên)", max_length=255)
    hardship = models.BooleanField("Giảm mức đóng do khó khăn", default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Kê khai đảng phí"
        ordering = ["member_id", "-valid_from", "-id"]
        indexes = [models.Index(fields=["member", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.get_category_display()} từ {self.valid_from:%m/%Y}"


class DuesPayment(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Tổ chức đảng thu"
    )
    from_month = models.DateField("Từ tháng")
    to_month = models.DateField("Đến tháng")
    amount = models.BigIntegerField("Số tiền (đồng)")
    paid_on = models.DateField("Ngày nộp", db_index=True)
    channel = models.CharField("Hình thức nộp", max_length=10, choices=Channel.choices, default=Channel.CASH)
    receipt_no = models.CharField("Số biên lai / mã giao dịch", max_length=60, blank=True)
    collector = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="Người thu"
    )
    note = models.CharField("Ghi chú", max_length=255, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Khoản nộp đảng phí"
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["org", "paid_on"]), models.Index(fields=["member", "from_month"])]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.amount} đ ({self.from_month:%m/%Y}–{self.to_month:%m/%Y})"


class DuesAllocation(models.Model):
    payment = models.ForeignKey(DuesPayment, on_delete=models.CASCADE, related_name="allocations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("Tháng", help_text="Ngày đầu tháng.")
    amount = models.BigIntegerField("Số tiền (đồng)")

    class Meta:
        verbose_name = "Phân bổ đảng phí theo tháng"
        ordering = ["member_id", "month", "id"]
        indexes = [models.Index(fields=["member", "month"]), models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%m/%Y}: {self.amount}"


class DuesMonthClose(models.Model):
    """An organization closed its books of `month` on `closed_on` (issue #21 item 1). Each level
    closes on its own: a cell closes its sheet (read-only from then on), then its grassroots /
    commune committee closes over its closed cells, then the levels above; a level cannot close
    while an organization below it is open (services.month_close). The amounts collected from its
    own members, received from below, kept (R-121 share of the organization's type) and remitted
    to the superior at closing. A payment recorded later for a closed month is an adjusting ledger
    entry (`DuesLedgerEntry.adjusting`), never an edit of this row."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Tổ chức đảng"
    )
    month = models.DateField("Tháng", help_text="Ngày đầu tháng.")
    closed_on = models.DateField("Ngày chốt sổ")
    due = models.BigIntegerField("Phải thu của đảng viên sinh hoạt tại tổ chức (đồng)", default=0)
    collected = models.BigIntegerField("Đã thu (đồng)")
    received = models.BigIntegerField("Nhận từ cấp dưới (đồng)", default=0)
    retained = models.BigIntegerField("Để lại (đồng)")
    remitted = models.BigIntegerField("Nộp cấp trên (đồng)")
    # Set (with its DuesMonthReopen event) when the month is reopened; the row itself is never edited
    # otherwise, and a new close of the same month is a new row.
    reopened = models.BooleanField("Đã mở lại sổ", default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Chốt sổ đảng phí tháng"
        ordering = ["-month", "org_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "month"], condition=models.Q(reopened=False), name="dues_close_one_open_per_org_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%m/%Y}"


class DuesMonthReopen(models.Model):
    """The event of reopening a closed month (issue #21 item 1): who, when, why. The close it
    reopens is marked `reopened`; what the close had posted is reversed by adjusting ledger entries
    (the ledger keeps both); the month is then open and can be closed again (a new close)."""

    close = models.OneToOneField(DuesMonthClose, on_delete=models.PROTECT, related_name="reopening")
    reopened_on = models.DateField("Ngày mở lại sổ")
    reason = models.CharField("Lý do mở lại sổ", max_length=255)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Mở lại sổ đảng phí tháng"
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.close_id}: {self.reopened_on}"


class EntryKind(models.TextChoices):
    COLLECTED = "collected", "Thu của đảng viên"
    RECEIVED = "received", "Nhận từ cấp dưới"
    REMITTED = "remitted", "Nộp lên cấp trên"


class DuesLedgerEntry(models.Model):
    """One line of an organization's dues ledger (sổ quỹ đảng phí). Signed amount: collected and
    received are in (+), remitted is out (−); the balance of an organization on a date is the sum
    of its entries up to that date, and its retained share is what stays. Append-only: a
    correction is a new entry (`adjusting`)."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="Tổ chức đảng"
    )
    entry_on = models.DateField("Ngày ghi sổ", db_index=True)
    month = models.DateField("Tháng đảng phí", help_text="Ngày đầu tháng.")
    kind = models.CharField("Loại", max_length=10, choices=EntryKind.choices)
    amount = models.BigIntegerField("Số tiền (đồng)")
    counterpart = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Tổ chức đối ứng",
    )
    close = models.ForeignKey(DuesMonthClose, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    payment = models.ForeignKey(DuesPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    adjusting = models.BooleanField("Bút toán điều chỉnh sau chốt sổ", default=False)
    note = models.CharField("Diễn giải", max_length=255, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Bút toán sổ quỹ đảng phí"
        ordering = ["org_id", "entry_on", "id"]
        indexes = [models.Index(fields=["org", "entry_on"]), models.Index(fields=["org", "month"])]

    def __str__(self) -> str:
        return f"{self.org_id} {self.entry_on} {self.kind} {self.amount}"


class ReliefKind(models.TextChoices):
    DEFERRAL = "deferral", "Tạm hoãn đóng đảng phí"
    EXEMPTION = "exemption", "Miễn đóng đảng phí"


class DuesRelief(models.Model):
    """A decided deferral or exemption of a member's dues for the months `from_month`..`to_month`
    (item 3): an exemption makes the month's obligation 0; a deferral keeps the amount owed (to be
    paid later) but the month is not counted unpaid for R-122 (it has a reason). Append-only."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("Loại", max_length=10, choices=ReliefKind.choices)
    from_month = models.DateField("Từ tháng")
    to_month = models.DateField("Đến tháng")
    reason = models.CharField("Lý do", max_length=255)
    decision_no = models.CharField("Số quyết định / biên bản", max_length=60)
    decided_on = models.DateField("Ngày quyết định")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Tạm hoãn, miễn đóng đảng phí"
        ordering = ["member_id", "from_month", "id"]
        indexes = [models.Index(fields=["member", "from_month"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.from_month:%m/%Y}–{self.to_month:%m/%Y}"


class DuesImportJob(ProgressJob):
    """An uploaded export of portal payments (item 2): checked (dry run), then applied, both by the
    task worker (dues/tasks.py), with its progress on the row for the page to poll (the steps are
    core.jobs.ProgressJob's); the report lists unmatched, duplicate and invalid rows by number."""

    State = CheckApplyState

    STARTS = {State.CHECK_QUEUED: State.CHECKING, State.APPLY_QUEUED: State.APPLYING}

    file_path = models.CharField(max_length=500)
    original_name = models.CharField("Tệp", max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("Trạng thái", max_length=20, choices=State.choices, default=State.CHECK_QUEUED)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "Nhập khoản nộp đảng phí từ Cổng Dịch vụ công"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class DuesTransferNote(models.Model):
    """What a transfer letter states about dues (R-033, MODULES §4.5.2), recorded when the letter is
    issued: the month paid up to, and the first month the receiving cell collects (the next one).
    Months in transit are collected by the receiving cell (selectors.attends_in), so none is lost
    and none is charged at both cells (payments count per member-month wherever made)."""

    transfer = models.OneToOneField("members.MemberEvent", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    paid_up_to = models.DateField("Đã nộp đảng phí đến tháng", null=True, blank=True)
    starts_month = models.DateField("Nơi đến thu từ tháng", null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Đảng phí ghi trên giấy giới thiệu"

    def __str__(self) -> str:
        return f"{self.member_id}: {self.paid_up_to}"


class DuesMonthFact(models.Model):
    """What one member owes and has paid for one month, stored (issue #21: a province's yearly
    summary reads these rows instead of recomputing every obligation). One row per member and month
    in which the member is a member on the month's last day and has a declaration in force:
    `org` is the organization the member pays at that day (`selectors.attends_in`: the host of a
    temporary attachment, the receiving cell while in transit), `due` the obligation of the month
    (`selectors.obligation`), `paid` the allocations to that month wherever paid, `deferred` a
    decided deferral covers it. Kept by `dues.facts` in the writer's transaction (dues services,
    the members' projections); `dangbo rebuild-dues-facts [--check]` rebuilds / compares them.
    Months after `DuesFactsState.until` (and all months before the first rebuild) are computed live."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    month = models.DateField("Tháng", help_text="Ngày đầu tháng.")
    org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        verbose_name="Tổ chức đảng nơi đóng",
    )
    due = models.BigIntegerField("Phải đóng (đồng)")
    paid = models.BigIntegerField("Đã đóng (đồng)", default=0)
    deferred = models.BooleanField("Được tạm hoãn", default=False)

    class Meta:
        verbose_name = "Số liệu đảng phí theo đảng viên và tháng"
        ordering = ["member_id", "month"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_fact_one_per_member_month")]
        indexes = [models.Index(fields=["month", "org"], name="dues_fact_month_org")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%m/%Y}: {self.paid}/{self.due}"


class DuesOrgMonthFact(models.Model):
    """One organization's month, stored (issue #21: a province's yearly summary reads ~12 rows per
    organization instead of a row per member-month and per allocation): `due` is the sum of the
    `DuesMonthFact` rows of the members paying at `org` for `month`, `collected` the allocations to
    `month` of the payments `org` received (wherever the member pays now). Recomputed from those rows
    for the organizations and months a write touches, in the writer's transaction (`dues.facts`);
    rebuilt with the member-month facts."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, verbose_name="Tổ chức"
    )
    month = models.DateField("Tháng", help_text="Ngày đầu tháng.")
    due = models.BigIntegerField("Phải thu (đồng)", default=0)
    collected = models.BigIntegerField("Đã thu (đồng)", default=0)

    class Meta:
        verbose_name = "Số liệu đảng phí theo tổ chức và tháng"
        ordering = ["org_id", "month"]
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="dues_orgfact_one_per_org_month")]
        indexes = [models.Index(fields=["month", "org"], name="dues_orgfact_month_org")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%m/%Y}: {self.collected}/{self.due}"


class DuesFactsState(models.Model):
    """The months the stored `DuesMonthFact` rows cover: up to `until` (first day of a month), set by
    the rebuild (`dangbo rebuild-dues-facts`); no row = no facts yet (everything computed live)."""

    until = models.DateField("Số liệu lưu sẵn đến tháng")
    rebuilt_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Phạm vi số liệu đảng phí lưu sẵn"

    def __str__(self) -> str:
        return f"{self.until:%m/%Y}"
