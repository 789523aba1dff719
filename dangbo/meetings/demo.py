"""Demo data of cell life (called by dangbo.demo): a year of meetings of the demo cells — the
cells of the demo accounts and their sibling cells — with attendance, plus next month's planned
meeting (the member portal's invitation). Bulk-written: a few thousand rows, well under a second."""

from __future__ import annotations

import random
from datetime import date

from dangbo.audit.services import audit_record
from dangbo.meetings.models import Attendance, Kind, Meeting, Presence
from dangbo.meetings.services import recount, roster_on
from dangbo.orgs.models import OrgVersion

AGENDA = {
    Kind.MONTHLY: "Đánh giá kết quả tháng, triển khai nhiệm vụ tháng tới; sinh hoạt tư tưởng.",
    Kind.THEMATIC: "Sinh hoạt chuyên đề: học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
}


def _months_back(today: date, n: int) -> list[tuple[int, int]]:
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append((y, m))
    return sorted(out)


def build_demo_meetings(*, actor, cell_ids: list[int], today: date, rng: random.Random) -> int:
    """Meetings of the 12 months before `today` for the demo cells and their siblings; returns
    the number of meetings written."""
    parents = OrgVersion.objects.valid_on(today).filter(org_id__in=cell_ids).values("parent_id")
    cells = sorted(
        set(OrgVersion.objects.valid_on(today).filter(parent_id__in=parents).values_list("org_id", flat=True))
        | set(cell_ids)
    )
    meetings, marks = [], []
    for org_id in cells:
        slacker = None  # one member per cell skipping meetings: the R-039 worklist has something to show
        for year, month in _months_back(today, 12):
            if org_id not in cell_ids and rng.random() < 0.05:
                continue  # a few cell-months without a meeting (R-012 figure)
            on = date(year, month, rng.randint(3, 12))
            roster = roster_on(org_id, on)
            if not roster:
                continue
            if slacker is None:
                slacker = roster[-1][0]
            kind = Kind.THEMATIC if month % 3 == 2 else Kind.MONTHLY
            meetings.append(
                (
                    Meeting(
                        org_id=org_id,
                        kind=kind,
                        planned_on=on,
                        held_on=on,
                        agenda=AGENDA[kind],
                        resolution="Chi bộ thống nhất các nội dung đã thảo luận.",
                    ),
                    roster,
                    slacker,
                )
            )
    Meeting.objects.bulk_create([m for m, _, _ in meetings])
    for m, roster, slacker in meetings:
        for member_id, home, temporary in roster:
            r = rng.random()
            if member_id == slacker and m.held_on.month % 4 != 0:
                p, reason = Presence.UNEXCUSED, ""
            elif r < 0.92:
                p, reason = Presence.PRESENT, ""
            elif r < 0.98:
                p, reason = Presence.EXCUSED, rng.choice(["Ốm", "Đi công tác", "Việc gia đình"])
            else:
                p, reason = Presence.UNEXCUSED, ""
            marks.append(
                Attendance(
                    meeting=m, member_id=member_id, home_org_id=home, temporary=temporary, presence=p, reason=reason
                )
            )
    # next month's planned meetings of the demo accounts' cells: the member portal's invitations
    nxt = date(today.year + (today.month == 12), today.month % 12 + 1, 5)
    for org_id in cell_ids:
        roster = roster_on(org_id, today)
        m = Meeting.objects.create(org_id=org_id, kind=Kind.MONTHLY, planned_on=nxt, agenda=AGENDA[Kind.MONTHLY])
        marks.extend(Attendance(meeting=m, member_id=a, home_org_id=h, temporary=t) for a, h, t in roster)
    Attendance.objects.bulk_create(marks, batch_size=5000)
    recount(Meeting.objects.filter(org_id__in=cells))  # the stored roster counts of the rows written above
    audit_record(
        actor=actor,
        action="demo.meetings",
        summary=f"Dữ liệu trình diễn: {len(meetings)} buổi sinh hoạt "
        f"của {len(cells)} chi bộ, {len(marks)} lượt điểm danh.",
    )
    return len(meetings)
