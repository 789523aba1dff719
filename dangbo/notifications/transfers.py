"""Transfers of party activity tell the other side (members.signals): a letter issued notifies
the destination organization (read by its officers: the inbox «Tiếp nhận sinh hoạt đảng»), a
reception or a return notifies the sending organization."""

from __future__ import annotations

from django.utils import timezone

from dangbo.members.signals import transfer_issued, transfer_received, transfer_returned
from dangbo.notifications.services import notify


def _issued(sender, *, transfer, actor, **kwargs) -> None:
    if transfer.counterpart_org_id is None or transfer.type != "official_transfer_out":
        return
    notify(
        kind="members.transfer_incoming",
        key=f"members.transfer_incoming:{transfer.pk}",
        org_id=transfer.counterpart_org_id,
        target=transfer,
        actor=actor,
        message=(
            f"Đảng viên {transfer.member.full_name} chuyển sinh hoạt đảng đến (giấy giới thiệu số "
            f"{transfer.decision_number} ngày {transfer.on:%d/%m/%Y}), chờ tiếp nhận."
        ),
    )


def _received(sender, *, transfer, actor, **kwargs) -> None:
    if transfer.org_id is None:
        return
    notify(
        kind="members.transfer_received",
        key=f"members.transfer_received:{transfer.pk}",
        org_id=transfer.org_id,
        target=transfer,
        actor=actor,
        message=(
            f"Nơi đến đã tiếp nhận sinh hoạt đảng của {transfer.member.full_name} "
            f"(giấy giới thiệu số {transfer.decision_number}) ngày {timezone.localdate():%d/%m/%Y}."
        ),
    )


def _returned(sender, *, transfer, actor, outcome="returned", **kwargs) -> None:
    # the side that did not act is told: the sender when returned, the destination when cancelled
    org_id = transfer.org_id if outcome == "returned" else transfer.counterpart_org_id
    if org_id is None:
        return
    what = "trả lại" if outcome == "returned" else "hủy"
    notify(
        kind=f"members.transfer_{outcome}",
        key=f"members.transfer_{outcome}:{transfer.pk}",
        org_id=org_id,
        target=None,
        actor=actor,
        message=f"Giấy giới thiệu số {transfer.decision_number} của {transfer.member.full_name} đã bị {what}.",
    )


def connect() -> None:
    transfer_issued.connect(_issued, dispatch_uid="notifications.transfer_issued")
    transfer_received.connect(_received, dispatch_uid="notifications.transfer_received")
    transfer_returned.connect(_returned, dispatch_uid="notifications.transfer_returned")
