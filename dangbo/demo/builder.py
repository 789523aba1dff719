"""Build the demo: the organization plan through orgs.services, ten years of members through a
fast path that keeps every rule, the 2020 and 2025 restructuring through orgs.services, and the
demo accounts.

The fast path: each simulated person's events are validated by members.lifecycle.replay (the same
function member_record_event uses), then members, events and spans are written with bulk_create
in the shape members.services._project gives them. That is what member_record_event would have
written event by event, without rebuilding spans and appending an audit entry per event; one
audit entry ("demo.built") records the build. Restructuring after the members exist (cells merged
on 01/01/2020) goes through org_merge, which records `org_reassigned` events with member_reassign.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateField, DateTimeField, JSONField
from django.utils import timezone

from dangbo.access.models import Role, RoleAssignment
from dangbo.access.policy import SYSTEM
from dangbo.access.services import totp_current_code, totp_device_create, totp_secret_base32
from dangbo.audit.services import audit_record
from dangbo.core.errors import RuleViolation
from dangbo.core.numbers import vn_decimal, vn_int
from dangbo.core.text import fold, nfc
from dangbo.demo.cadres_demo import build_cadres
from dangbo.demo.people import Person, simulate
from dangbo.demo.plan import MEMBER_TYPES as MEMBER_ORG_TYPES
from dangbo.demo.plan import MERGE_DAY, START, Plan, build_plan
from dangbo.demo.staffing_demo import build_staffing
from dangbo.dues.demo import build_demo_dues
from dangbo.grading.services import campaign_open
from dangbo.meetings.demo import build_demo_meetings
from dangbo.members.lifecycle import Profile, Timeline, replay
from dangbo.members.models import Member, MemberEvent, MembershipSpan
from dangbo.members.models import Status as S
from dangbo.orgs.models import Organization, OrgVersion
from dangbo.orgs.services import org_dissolve, org_establish, org_merge, org_move, org_rename
from dangbo.reports.facts import rebuild_all as rebuild_report_facts
from dangbo.reports.models import HandbookAccount

ACTOR = SYSTEM.named("demo")
DEFAULT_MEMBERS = 6000
DEFAULT_SEED = 2025


class DemoError(Exception):
    """The generator produced a history that the rules refuse (a bug in the demo, not in the data)."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    scope: str  # plan code of the organization; "" = the whole system; "member:<cell code>" = a member's own record
    first_name: str = ""
    last_name: str = ""


# Synthetic accounts for the demo only (each password passes the validators of settings.py).
DEMO_ACCOUNTS = [
    DemoAccount("admin", "Sen-Hong#2025", Role.ADMIN, "", "Quản trị", "Hệ thống"),
    DemoAccount("canbo_tinh", "Truc-Xanh#2025", Role.OFFICER, "SG"),
    DemoAccount("canbo_xa", "Lua-Vang#2025", Role.OFFICER, "SH-DS-X01"),
    DemoAccount("bithu_chibo", "Cau-Tre#2025", Role.CELL_SECRETARY, "SH-DS-X01-T01"),
    DemoAccount("lanhdao_tinh", "Song-Lam#2025", Role.LEADER, "SG"),
    DemoAccount("dangvien", "Mai-Dao#2025", Role.MEMBER, "member:SH-DS-X01-T01"),
]


@dataclass
class DemoResult:
    organizations: int
    members: int
    active_members: int
    events: int
    spans: int
    seconds: float


class _Event:
    """The minimal event shape lifecycle.replay reads (EventLike)."""

    __slots__ = ("counterpart_org_id", "id", "on", "org_id", "payload", "type")

    def __init__(self, type: str, on: date, org_id: int | None, counterpart_org_id: int | None, payload: dict):
        self.id = None
        self.type, self.on, self.org_id, self.counterpart_org_id, self.payload = (
            type,
            on,
            org_id,
            counterpart_org_id,
            payload,
        )


def build_demo(
    *, members: int = DEFAULT_MEMBERS, seed: int = DEFAULT_SEED, today: date | None = None, log=None
) -> DemoResult:
    """Write the demo into an empty database (the command flushes it first). One transaction."""
    started = time.monotonic()
    today = today or timezone.localdate()
    say = log or (lambda _msg: None)
    rng = random.Random(seed)
    plan = build_plan(rng, small=members < 1500)
    with transaction.atomic():
        ids = _establish(plan)
        say(f"Tổ chức: {vn_int(len(ids))} tổ chức đảng, từ {START:%d/%m/%Y}.")
        people = simulate(rng, plan, today=today, members=members)
        counts = _write_people(people, ids, today)
        say(f"Đảng viên: {vn_int(len(people))} hồ sơ, {vn_int(counts['events'])} sự kiện.")
        _restructure(plan, ids)
        say(
            f"Sắp xếp tổ chức: {vn_int(len(plan.ops))} thay đổi (sáp nhập thôn 2020, mô hình 2025, hợp nhất tỉnh {MERGE_DAY:%d/%m/%Y})."
        )
        demo_accounts_create(plan_ids=ids)
        campaign = _grading_campaign(ids, today)
        say(f"Đánh giá, xếp loại: đã triển khai năm {campaign.year} cho toàn tỉnh (đảng viên tự đánh giá được).")
        staffing = build_staffing(actor=ACTOR, ids=ids, today=today)
        say(
            f"Biên chế: {staffing['allocations']} quyết định giao biên chế, {staffing['projects']} đề án sắp xếp, "
            f"{staffing['catalogues']} danh mục vị trí việc làm."
        )
        t_cadres = time.monotonic()
        cadres = build_cadres(actor=ACTOR, ids=ids, today=today, rng=random.Random(seed + 30))
        say(
            f"Công tác cán bộ: {vn_int(cadres['cadres'])} cán bộ, {vn_int(cadres['actions'])} sự kiện, "
            f"{vn_int(cadres['planning'])} quy hoạch, {vn_int(cadres['enrolments'])} lượt đào tạo "
            f"({vn_decimal(time.monotonic() - t_cadres)} giây)."
        )
        accounts = _handbook_accounts(rng, today)
        say(f"Sổ tay đảng viên điện tử: {vn_int(accounts)} tài khoản.")
        demo_cells = sorted(
            {
                ids[a.scope.removeprefix("member:")]
                for a in DEMO_ACCOUNTS
                if a.role in (Role.CELL_SECRETARY, Role.MEMBER)
            }
        )
        meetings = build_demo_meetings(actor=ACTOR, cell_ids=demo_cells, today=today, rng=random.Random(seed + 20))
        say(f"Sinh hoạt chi bộ: {vn_int(meetings)} buổi trong 12 tháng qua của các chi bộ trình diễn.")
        dues_paid, dues_closed = build_demo_dues(
            actor=ACTOR, cell_ids=demo_cells, today=today, rng=random.Random(seed + 21)
        )
        say(f"Đảng phí: {vn_int(dues_paid)} khoản nộp trong 12 tháng qua, {vn_int(dues_closed)} tháng đã chốt sổ.")
        rebuild_report_facts()  # members were bulk-written above: their report facts, once
        active = Member.objects.filter(current_status__in=(S.PROBATIONARY, S.FULL)).count()
        result = DemoResult(
            organizations=len(ids),
            members=len(people),
            active_members=active,
            events=MemberEvent.objects.count(),
            spans=MembershipSpan.objects.count(),
            seconds=0.0,
        )
        audit_record(
            actor=ACTOR,
            action="demo.built",
            summary=f"Tạo dữ liệu trình diễn: {result.organizations} tổ chức, {result.members} hồ sơ đảng viên "
            f"({active} đang sinh hoạt), {result.events} sự kiện.",
            after={
                "seed": seed,
                "members_option": members,
                "today": today,
                "organizations": result.organizations,
                "members": result.members,
                "active_members": active,
                "events": result.events,
            },
        )
    result.seconds = time.monotonic() - started
    return result


def _handbook_accounts(rng: random.Random, today: date) -> int:
    """E-handbook accounts (Sổ tay đảng viên điện tử) for ~90% of the active members, registered
    from 2021 (or after the admission, for members admitted later)."""
    from datetime import timedelta

    rows = []
    members = Member.objects.filter(current_status__in=(S.PROBATIONARY, S.FULL)).values_list("pk", "ceremony_on")
    first = date(2021, 3, 1)
    for pk, ceremony_on in members.order_by("pk"):
        if rng.random() >= 0.9:
            continue
        start = max(first, ceremony_on or first)
        if start >= today:
            continue
        registered = start + timedelta(days=rng.randrange(max(1, min(400, (today - start).days))))
        rows.append(HandbookAccount(member_id=pk, registered_on=registered))
    HandbookAccount.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _grading_campaign(ids: dict[str, int], today: date):
    """This year's grading campaign of the merged province (last year's before mid-November),
    opened by the province officer, so that members can self-assess in the demo."""
    year = today.year if today >= date(today.year, 11, 15) else today.year - 1
    return campaign_open(
        actor=get_user_model().objects.get(username="canbo_tinh"),
        year=year,
        root_org=Organization.objects.get(pk=ids["SG"]),
        opens_on=date(year, 11, 15),
        self_assessment_due=date(year, 11, 30),
        cell_meeting_due=date(year, 12, 10),
        decision_due=date(year, 12, 20),
        deadline=date(year, 12, 25),
        note="Đợt đánh giá, xếp loại chất lượng của dữ liệu trình diễn.",
    )


# -- organizations -------------------------------------------------------------------------------


SECTOR_OF_KIND = {
    "agency": "state_agency",
    "police": "armed_forces",
    "military": "armed_forces",
    "school": "public_service_unit",
    "health": "public_service_unit",
    "coop": "cooperative",
    "enterprise": "private_enterprise",
}


def _sector(o) -> str:
    """The sector of a demo organization's unit (R-014); "" where its parent's applies (cells of a
    commune, of a company's grassroots committee)."""
    if o.org_type == "commune_party_org":
        return "commune_ward"
    if o.org_type == "provincial_police_party_org":
        return "armed_forces"
    if o.side:
        return "state_agency"
    if o.code.endswith("-DN"):  # a company's grassroots committee: the water company is state-owned
        return "state_enterprise" if "Cấp nước" in o.name else "private_enterprise"
    if o.code.endswith("-PT"):
        return "public_service_unit"
    if o.org_type in ("grassroots_cell", "grassroots_party_committee_org"):
        return SECTOR_OF_KIND.get(o.kind, "")
    return ""


def _establish(plan: Plan) -> dict[str, int]:
    ids: dict[str, int] = {}
    orgs: dict[str, Organization] = {}
    for o in sorted(plan.orgs.values(), key=lambda o: o.on):
        org = org_establish(
            actor=ACTOR,
            code=o.code,
            name=o.name,
            org_type=o.org_type,
            parent=orgs[o.parent] if o.parent else None,
            on=o.on,
            decision=o.decision,
            sector=_sector(o),
        )
        orgs[o.code] = org
        ids[o.code] = org.pk
    return ids


def _restructure(plan: Plan, ids: dict[str, int]) -> None:
    by_pk = Organization.objects.in_bulk(list(ids.values()))
    org = {code: by_pk[pk] for code, pk in ids.items()}
    for op in plan.ops:  # already in date order
        if op.kind == "move":
            org_move(actor=ACTOR, org=org[op.org], new_parent=org[op.target], on=op.on, decision=op.decision)
        elif op.kind == "merge":
            org_merge(
                actor=ACTOR, sources=[org[s] for s in op.sources], target=org[op.target], on=op.on, decision=op.decision
            )
        elif op.kind == "rename":
            org_rename(actor=ACTOR, org=org[op.org], name=op.name, on=op.on, decision=op.decision)
        elif op.kind == "dissolve":
            org_dissolve(actor=ACTOR, org=org[op.org], on=op.on, decision=op.decision)


# -- members (fast path) -------------------------------------------------------------------------


def _timeline(p: Person, ids: dict[str, int]) -> Timeline:
    def like(events) -> list[_Event]:
        return [_Event(e.type, e.on, ids.get(e.org), ids.get(e.counterpart), e.payload) for e in events]

    profile = Profile(p.birth_date, p.birth_year, p.general_education)
    try:
        if any(e.virtual for e in p.events):
            replay(like(p.events), profile)  # the history as it stands after org_merge adds its events
        return replay(like([e for e in p.events if not e.virtual]), profile)
    except RuleViolation as exc:
        raise DemoError(f"Lịch sử mẫu của {p.full_name} vi phạm quy định [{exc.rule}]: {exc.message}") from exc


def _write_people(people: list[Person], ids: dict[str, int], today: date) -> dict[str, int]:
    """Members, events and spans in three batched INSERTs. Member ids are given explicitly (after
    the highest existing one) so that events and spans can name them; the sequence is reset after."""
    timelines = [_timeline(p, ids) for p in people]
    first = (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()

    def member_rows():
        for pk, (p, t) in enumerate(zip(people, timelines, strict=True), start=first):
            current = next(
                (s for s in t.spans if s.valid_from <= today and (s.valid_to is None or s.valid_to >= today)), None
            )
            state = current.facts if current else None
            name = nfc(p.full_name)
            yield (
                pk,
                name,
                fold(name),
                p.birth_date,
                p.birth_year,
                p.sex,
                p.ethnicity,
                p.religion,
                nfc(p.hometown),
                p.citizen_id,
                p.party_card_number,
                p.general_education,
                p.professional_education,
                p.theory_level,
                nfc(p.occupation),
                "",
                (state.status if state and state.status else ""),
                (state.org_id if state else None),
                t.admitted_on,
                t.ceremony_on,
                t.full_on,
                bool(state and state.exempt),
                (state.temp_org_id if state else None),
                now,
            )

    _raw_insert(
        Member,
        [
            "id",
            "full_name",
            "name_folded",
            "birth_date",
            "birth_year",
            "sex",
            "ethnicity",
            "religion",
            "hometown",
            "citizen_id",
            "party_card_number",
            "general_education",
            "professional_education",
            "theory_level",
            "occupation",
            "phone",
            "current_status",
            "current_org",
            "admitted_on",
            "ceremony_on",
            "full_on",
            "exempt",
            "temp_org",
            "created_at",
        ],
        member_rows(),
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Member]):
            cursor.execute(sql)

    event_rows = (
        (
            pk,
            e.type,
            e.on,
            ids.get(e.org),
            ids.get(e.counterpart),
            nfc(e.decision_number),
            e.decision_date,
            nfc(e.decision_body),
            nfc(e.note),
            e.payload,
            now,
        )
        for pk, p in enumerate(people, start=first)
        for e in p.events
        if not e.virtual
    )
    n_events = _raw_insert(
        MemberEvent,
        [
            "member",
            "type",
            "on",
            "org",
            "counterpart_org",
            "decision_number",
            "decision_date",
            "decision_body",
            "note",
            "payload",
            "recorded_at",
        ],
        event_rows,
    )
    span_rows = (
        (
            pk,
            s.facts.org_id,
            s.facts.status,
            s.facts.exempt,
            s.facts.temp_org_id,
            s.facts.in_transfer,
            s.valid_from,
            s.valid_to,
            p.sex,
            p.birth_year,
            p.ethnicity,
            p.religion,
        )
        for pk, (p, t) in enumerate(zip(people, timelines, strict=True), start=first)
        for s in t.spans
        if s.facts.org_id is not None
    )
    n_spans = _raw_insert(
        MembershipSpan,
        [
            "member",
            "org",
            "status",
            "exempt",
            "temp_org",
            "in_transfer",
            "valid_from",
            "valid_to",
            "sex",
            "birth_year",
            "ethnicity",
            "religion",
        ],
        span_rows,
    )
    return {"events": n_events, "spans": n_spans}


def _raw_insert(model, names: list[str], rows: Iterable[tuple]) -> int:
    """INSERT rows in batches without the ORM's per-value machinery (values adapted as the fields
    would adapt them). Append-only tables accept inserts; the model save() guards are not involved."""
    fields = [model._meta.get_field(name) for name in names]
    adapters: list[Callable[[Any], Any] | None] = []
    for f in fields:
        if isinstance(f, DateTimeField):
            adapters.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(f, DateField):
            adapters.append(connection.ops.adapt_datefield_value)
        elif isinstance(f, JSONField):
            adapters.append(lambda value, f=f: f.get_db_prep_save(value, connection))
        else:
            adapters.append(None)
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    count = 0
    batch: list[tuple] = []
    adapted = [(i, a) for i, a in enumerate(adapters) if a is not None]
    with connection.cursor() as cursor:
        for row in rows:
            if adapted:
                values = list(row)
                for i, adapt in adapted:
                    if values[i] is not None:
                        values[i] = adapt(values[i])
                row = tuple(values)
            batch.append(row)
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


# -- accounts ------------------------------------------------------------------------------------


def _split_name(full_name: str) -> tuple[str, str]:
    family, _, rest = full_name.partition(" ")
    return rest, family


def demo_accounts_create(*, plan_ids: dict[str, int]) -> list[Any]:
    """The demo accounts with their roles (RoleAssignment), linked to synthetic members where the
    role is about a person (the cell secretary's name, the member's own record)."""
    User = get_user_model()
    users = []
    for account in DEMO_ACCOUNTS:
        member = None
        org_id = None
        first, last = account.first_name, account.last_name
        if account.scope.startswith("member:") or account.role == Role.CELL_SECRETARY:
            cell_id = plan_ids[account.scope.removeprefix("member:")]
            people = list(
                Member.objects.filter(
                    current_org_id=cell_id, current_status=S.FULL, exempt=False, temp_org__isnull=True
                ).order_by("pk")[:2]
            )
            person = people[0] if account.role == Role.CELL_SECRETARY else people[-1]
            first, last = _split_name(person.full_name)
            if account.role == Role.MEMBER:
                member = person
            else:
                org_id = cell_id
        elif account.scope:
            org_id = plan_ids[account.scope]
        user = User(
            username=account.username,
            first_name=first,
            last_name=last,
            is_staff=account.role == Role.ADMIN,
            is_superuser=account.role == Role.ADMIN,
        )
        validate_password(account.password, user)
        users.append((user, account, org_id, member))
    # PBKDF2 releases the GIL: hash the passwords side by side (≈1 s each).
    with ThreadPoolExecutor(max_workers=3) as pool:
        hashes = list(pool.map(make_password, [account.password for _u, account, _o, _m in users]))
    for (user, account, org_id, member), hashed in zip(users, hashes, strict=True):
        user.password = hashed
        user.save()
        valid_from = MERGE_DAY if account.scope == "SG" else START
        RoleAssignment.objects.create(user=user, role=account.role, org_id=org_id, member=member, valid_from=valid_from)
        if account.role in (Role.ADMIN, Role.OFFICER):
            # Two-factor is required for these roles: a TOTP device with a key derived from the
            # (public, demo-only) username, so `dangbo accounts` can print the current code.
            totp_device_create(user, confirmed=True, key_hex=demo_totp_key(user.username))
    return [u for u, *_ in users]


def demo_totp_key(username: str) -> str:
    """40 hex digits (20 bytes) for a demo account's TOTP device. Demo only: never for real users."""
    return hashlib.sha1(f"dangbo-demo-{username}".encode()).hexdigest()  # demo-only key derivation, not a security hash


def demo_totp_rows() -> list[tuple[str, str, str]]:
    """(username, base32 secret, current 6-digit code) for the demo accounts that use two-factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    User = get_user_model()
    rows = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        device = user and TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device:
            rows.append((user.username, totp_secret_base32(device), totp_current_code(device)))
    return rows


@dataclass(frozen=True)
class AccountRow:
    username: str
    password: str
    role: str
    scope: str
    exists: bool


def demo_accounts_list(*, at: date | None = None) -> list[AccountRow]:
    """The demo accounts as they stand in the database (role and scope from RoleAssignment)."""
    at = at or timezone.localdate()
    User = get_user_model()
    rows = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            rows.append(AccountRow(account.username, account.password, Role(account.role).label, "", False))
            continue
        scopes = []
        roles = []
        for a in RoleAssignment.objects.filter(RoleAssignment.active_q(at), user=user).select_related("member"):
            roles.append(a.get_role_display())
            if a.role == Role.MEMBER and a.member:
                scopes.append(f"Hồ sơ của chính mình ({a.member.full_name})")
            elif a.org_id is None:
                scopes.append("Toàn hệ thống")
            else:
                version = (
                    OrgVersion.objects.valid_on(at).filter(org_id=a.org_id).first()
                    or OrgVersion.objects.filter(org_id=a.org_id).order_by("-valid_from").first()
                )
                label = version.name if version else f"#{a.org_id}"
                parent = (
                    version
                    and version.parent_id
                    and (
                        OrgVersion.objects.valid_on(at)
                        .filter(org_id=version.parent_id)
                        .values_list("name", flat=True)
                        .first()
                    )
                )
                scopes.append(f"{label} ({parent})" if parent and version.org_type in MEMBER_ORG_TYPES else label)
        rows.append(
            AccountRow(user.username, account.password, ", ".join(roles) or "—", "; ".join(scopes) or "—", True)
        )
    return rows


def accounts_table(rows: list[AccountRow]) -> str:
    header = ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Phạm vi")
    body = [
        (r.username, r.password, r.role, r.scope if r.exists else "(chưa có — hãy chạy «dangbo demo»)") for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(4)]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in body)])
