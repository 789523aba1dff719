"""Reads of the plans app: scoped documents and tasks, per-body status and the progress roll-up.

Visibility (registered with access/policy.py, which every page and API route asks):
- documents: owner organization in the user's scope, or above it (access.policy.above_org_ids:
  on the paths of the assigned organizations and of the predecessors they absorbed), or no
  owner (central documents);
- tasks: every task of a plan whose owner is in scope; otherwise only the tasks the user's
  organizations implement (or whose sub-tasks they implement) or lead.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet

from dangbo.access import policy
from dangbo.access.policy import can
from dangbo.core.numbers import vn_int
from dangbo.core.text import fold
from dangbo.orgs.selectors import org_names_on_or_latest
from dangbo.plans import deadlines as dl
from dangbo.plans.models import Document, Evidence, ProgressReport, ReportStatus, Task, TaskAssignment
from dangbo.reports.indicators import CATALOG, IndicatorContext, compute


def regular_every_months() -> int:
    return int(getattr(settings, "PLANS_REGULAR_EVERY_MONTHS", dl.REGULAR_EVERY_MONTHS))


def _scope_ids(user, action: str = "view") -> tuple[bool, set[int]]:
    if policy.everywhere(user, action):
        return True, set()
    return False, set(policy.scope_org_ids(user, action))


def scope_ancestor_ids(user) -> set[int]:
    """Organizations above the user's scope (access.policy.above_org_ids: merge lineage included)."""
    return set(policy.above_org_ids(user))


def document_visible_q(user) -> Q | None:
    everything, ids = _scope_ids(user)
    if everything:
        return None
    return Q(owner_org__isnull=True) | Q(owner_org_id__in=ids | scope_ancestor_ids(user))


@policy.scoped(Document)
def _documents_for(qs: QuerySet, user, action: str) -> QuerySet:
    """To view: owner organization in scope or above it, or no owner (central documents); to do
    anything else: owner organization in scope for that action (central ones: everywhere)."""
    if policy.everywhere(user, action):
        return qs
    if action != "view":
        return policy.scope_orgs(qs, user, field="owner_org_id", action=action)
    return qs.filter(document_visible_q(user))


def document_list(*, actor, q: str = "", issuer: str = "", doc_type: str = "", year: int | None = None) -> QuerySet:
    qs = policy.for_user(Document, actor)
    for word in fold(q).split():
        qs = qs.filter(search_key__contains=word)
    if issuer:
        qs = qs.filter(search_key__contains=fold(issuer))
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if year:
        qs = qs.filter(issued_on__year=year)
    return qs


def document_get_or_404(*, actor, pk: int) -> Document:
    return policy.get_in_scope_or_404(Document.objects.select_related("implements", "replaces"), actor, pk)


def can_manage_document(actor, doc: Document) -> bool:
    return can(actor, "record", doc.owner_org_id) if doc.owner_org_id else can(actor, "manage_users", None)


@dataclass
class TreeNode:
    doc: Document
    children: list[TreeNode] = field(default_factory=list)


def implementation_tree(*, actor, doc: Document, max_depth: int = 8) -> list[TreeNode]:
    """Documents implementing `doc`, recursively (one query per level), limited to visible ones."""
    visible = document_list(actor=actor)
    roots: list[TreeNode] = []
    level = {doc.pk: roots}
    seen = {doc.pk}
    for _ in range(max_depth):
        children = list(visible.filter(implements_id__in=list(level)).order_by("issued_on", "id"))
        if not children:
            break
        nxt: dict[int, list[TreeNode]] = {}
        for child in children:
            if child.pk in seen:
                continue
            seen.add(child.pk)
            node = TreeNode(child)
            level[child.implements_id].append(node)
            nxt[child.pk] = node.children
        level = nxt
    return roots


# --- tasks ------------------------------------------------------------------------------------


@policy.scoped(Task)
def _tasks_for(qs: QuerySet, user, action: str) -> QuerySet:
    """To view: the tasks of a visible plan whose owner is in scope, otherwise those implemented
    or led by an organization in scope (or whose sub-tasks are); to do anything else: the plan's
    owner or the lead organization in scope for that action."""
    everything, ids = _scope_ids(user, action)
    if everything:
        return qs
    if action != "view":
        return qs.filter(Q(plan__owner_org_id__in=ids) | Q(lead_org_id__in=ids))
    visible_plans = policy.for_user(Document, user)
    own = Q(plan__owner_org_id__in=ids)
    mine = Q(lead_org_id__in=ids) | Q(assignments__org_id__in=ids) | Q(subtasks__assignments__org_id__in=ids)
    return qs.filter(plan__in=visible_plans).filter(own | mine).distinct()


@policy.scoped(ProgressReport)
def _progress_reports_for(qs: QuerySet, user, action: str) -> QuerySet:
    """A progress report: its task visible, and the user manages the task or may view the
    reporting organization (progress_readable_org_ids)."""
    if policy.everywhere(user, action):
        return qs
    tasks = policy.for_user(Task, user)
    managed = policy.for_user(Task, user, "record")
    orgs = policy.allowed_org_ids(user, action=action)
    return qs.filter(task__in=tasks).filter(Q(task__in=managed) | Q(org_id__in=orgs))


@policy.scoped(Evidence)
def _evidence_for(qs: QuerySet, user, action: str) -> QuerySet:
    return qs.filter(report__in=policy.for_user(ProgressReport, user, action))


def task_list(*, actor, plan: Document | None = None) -> QuerySet:
    """Tasks the actor may see (plan visible; all tasks if the plan's owner is in scope,
    otherwise those implemented or led by an organization in scope)."""
    qs = Task.objects.all()
    if plan is not None:
        qs = qs.filter(plan=plan)
    return policy.for_user(qs, actor)


def task_get_or_404(*, actor, pk: int) -> Task:
    return policy.get_in_scope_or_404(Task.objects.select_related("plan", "relative_document", "parent"), actor, pk)


def can_report(actor, task: Task, org_id: int) -> bool:
    return can(actor, "record", org_id) and TaskAssignment.objects.filter(task=task, org_id=org_id).exists()


def can_manage_task(actor, task: Task) -> bool:
    return can_manage_document(actor, task.plan) or (
        task.lead_org_id is not None and can(actor, "record", task.lead_org_id)
    )


@dataclass
class BodyStatus:
    org_id: int
    name: str
    status: dl.DeadlineStatus
    latest: ProgressReport | None
    reports: list[ProgressReport]

    @property
    def percent(self) -> int:
        return self.latest.percent if self.latest else 0

    @property
    def late(self) -> bool:
        return self.status.late


def _names(org_ids, at: date) -> dict[int, str]:
    return org_names_on_or_latest(org_ids=org_ids, at=at)


def org_names(org_ids, at: date) -> dict[int, str]:
    """Organization names on `at` (the latest name for one that no longer exists)."""
    return _names(org_ids, at)


def own_body_ids(actor) -> set[int] | None:
    """The organizations whose bodies «my tasks» shows for the actor (None = all of them)."""
    everything, ids = _scope_ids(actor)
    return None if everything else ids


def _as_dl_report(r: ProgressReport) -> dl.Report:
    return dl.Report(on=r.reported_on, percent=r.percent, done=r.status == ReportStatus.DONE or r.percent >= 100)


def task_body_statuses(
    task: Task,
    *,
    as_of: date,
    reports: list[ProgressReport] | None = None,
    org_ids: list[int] | None = None,
    names: dict[int, str] | None = None,
) -> list[BodyStatus]:
    """For the lead body: each implementing body's state on `as_of` (reported? late? latest result)."""
    if org_ids is None:
        org_ids = list(task.assignments.order_by("id").values_list("org_id", flat=True))
    if reports is None:
        reports = list(task.reports.filter(reported_on__lte=as_of).order_by("reported_on", "id"))
    if names is None:
        names = _names(org_ids, as_of)
    spec = task.spec
    out = []
    for oid in org_ids:
        own = [r for r in reports if r.org_id == oid and r.reported_on <= as_of]
        status = dl.deadline_status(
            spec,
            as_of=as_of,
            start=task.plan.issued_on,
            reports=[_as_dl_report(r) for r in own],
            regular_every_months=regular_every_months(),
        )
        out.append(BodyStatus(oid, names.get(oid, str(oid)), status, own[-1] if own else None, own))
    return out


def mean(values: list[int | float | Decimal]) -> float:
    return float(sum(values)) / len(values) if values else 0.0


def task_percent(statuses: list[BodyStatus]) -> float:
    """Task progress = mean of the implementing bodies' latest percent (no report = 0)."""
    return mean([s.percent for s in statuses])


@dataclass
class TaskRow:
    task: Task
    bodies: list[BodyStatus]
    percent: float

    @property
    def late(self) -> bool:
        return any(b.late for b in self.bodies)

    @property
    def late_names(self) -> list[str]:
        return [b.name for b in self.bodies if b.late]


@dataclass
class PlanProgress:
    rows: list[TaskRow]
    percent: float

    @property
    def late_count(self) -> int:
        return sum(1 for r in self.rows if r.late)


def task_rows(tasks: list[Task], *, as_of: date, keep_org_ids: set[int] | None = None) -> list[TaskRow]:
    """Each task with its implementing bodies' states on `as_of`, in a fixed handful of queries
    whatever the number of tasks. With `keep_org_ids`, a task shows only those of its bodies
    (all of them when it has none of those)."""
    ids = [t.pk for t in tasks]
    assignments: dict[int, list[int]] = {}
    for tid, oid in TaskAssignment.objects.filter(task_id__in=ids).order_by("id").values_list("task_id", "org_id"):
        assignments.setdefault(tid, []).append(oid)
    reports: dict[int, list[ProgressReport]] = {}
    for r in ProgressReport.objects.filter(task_id__in=ids, reported_on__lte=as_of).order_by("reported_on", "id"):
        reports.setdefault(r.task_id, []).append(r)
    names = _names({o for v in assignments.values() for o in v}, as_of)
    rows = []
    for t in tasks:
        org_ids = assignments.get(t.pk, [])
        if keep_org_ids is not None:
            org_ids = [o for o in org_ids if o in keep_org_ids] or org_ids
        bodies = task_body_statuses(t, as_of=as_of, reports=reports.get(t.pk, []), org_ids=org_ids, names=names)
        rows.append(TaskRow(t, bodies, task_percent(bodies)))
    return rows


def plan_progress(*, actor, plan: Document, as_of: date) -> PlanProgress:
    """Every visible task of the plan with its bodies' states; plan percent = mean of the
    top-level tasks' percent. Queries: a fixed handful, whatever the number of tasks."""
    tasks = list(
        task_list(actor=actor, plan=plan)
        .select_related("plan", "relative_document", "lead_org")
        .order_by("position", "id")
    )
    rows = task_rows(tasks, as_of=as_of)
    top = [r.percent for r in rows if r.task.parent_id is None] or [r.percent for r in rows]
    return PlanProgress(rows, mean(top))


def my_tasks_qs(*, actor) -> QuerySet:
    """Tasks implemented or led by an organization in the actor's scope (every visible task
    for a user whose scope is everything)."""
    everything, ids = _scope_ids(actor)
    qs = task_list(actor=actor).select_related("plan", "relative_document")
    if not everything:
        qs = qs.filter(Q(assignments__org_id__in=ids) | Q(lead_org_id__in=ids)).distinct()
    return qs.order_by("plan_id", "position", "id")


def my_task_rows(*, actor, as_of: date, limit: int = 500) -> list[TaskRow]:
    """Tasks implemented by an organization in the actor's scope, with only those bodies."""
    tasks = list(my_tasks_qs(actor=actor)[:limit])
    return task_rows(tasks, as_of=as_of, keep_org_ids=own_body_ids(actor))


# --- targets ----------------------------------------------------------------------------------


@dataclass
class TargetResult:
    target: object
    actual: Decimal | None
    text: str
    met: bool | None


def target_result(target, *, at: date) -> TargetResult:
    """A plan target's actual value: from the indicator catalog, or the hand-reported value."""
    actual: Decimal | None = None
    text = ""
    if target.indicator:
        if target.indicator not in CATALOG or target.org_id is None:
            return TargetResult(target, None, "Chỉ số không hợp lệ", None)
        end = date(target.year, 12, 31) if target.year and date(target.year, 12, 31) < at else at
        start = date(target.year, 1, 1) if target.year else None
        result = compute(target.indicator, IndicatorContext(org_id=target.org_id, at=end, start=start, end=end))
        if target.measure == "percent":
            if result.denominator:
                actual = (Decimal(result.value or 0) * 100 / Decimal(result.denominator)).quantize(Decimal("0.01"))
        else:
            actual = Decimal(result.value or 0)
        text = result.text
    elif target.manual_value is not None:
        actual = target.manual_value
    met = None
    if actual is not None:
        met = actual >= target.target_min and (target.target_max is None or actual <= target.target_max)
    return TargetResult(target, actual, text, met)


# --- what stands in the way of a deletion --------------------------------------------------------


def _count_phrase(n: int, noun: str) -> str:
    return f"{vn_int(n)} {noun}"


def document_delete_blockers(doc: Document) -> list[str]:
    """Why `doc` cannot be deleted (empty = it can): records that depend on it."""
    checks = [
        (Task.objects.filter(plan=doc).count(), "nhiệm vụ"),
        (doc.targets.count(), "chỉ tiêu"),
        (Document.objects.filter(implements=doc).count(), "văn bản thực hiện văn bản này"),
        (Document.objects.filter(replaces=doc).count(), "văn bản thay thế văn bản này"),
        (Task.objects.filter(relative_document=doc).count(), "nhiệm vụ có thời hạn tính từ văn bản này"),
    ]
    return [_count_phrase(n, noun) for n, noun in checks if n]


def task_delete_blockers(task: Task) -> list[str]:
    """Why `task` cannot be deleted (empty = it can): its progress reports and sub-tasks."""
    checks = [
        (ProgressReport.objects.filter(task=task).count(), "báo cáo tiến độ"),
        (Task.objects.filter(parent=task).count(), "nhiệm vụ con"),
    ]
    return [_count_phrase(n, noun) for n, noun in checks if n]


def progress_readable_org_ids(actor, task: Task, org_ids) -> set[int]:
    """THE rule for reading progress reports: whoever manages the task (plan owner or lead body)
    reads every body's reports; anyone else those of the bodies in their scope (a cell
    secretary their own cell's, never a sibling's)."""
    if can_manage_task(actor, task):
        return set(org_ids)
    return {oid for oid in org_ids if can(actor, "view", oid)}


def task_bodies_for_reader(actor, task: Task, bodies: list[BodyStatus]) -> list[BodyStatus]:
    """The implementing bodies as `actor` may read them: the state, due date and percent of
    every body (the task's progress), the report text only of the bodies whose reports the
    actor may read (progress_readable_org_ids); the others' latest report keeps its date,
    status and percent, with no text."""
    readable = progress_readable_org_ids(actor, task, [b.org_id for b in bodies])
    out = []
    for b in bodies:
        if b.org_id in readable or b.latest is None:
            out.append(b)
            continue
        latest = copy.copy(b.latest)
        latest.text = ""
        out.append(replace(b, latest=latest, reports=[]))
    return out


def task_reports_visible(actor, task: Task, bodies: list[BodyStatus]) -> QuerySet:
    """The progress reports of `task` the actor may read (progress_readable_org_ids)."""
    qs = task.reports.select_related("org", "created_by").prefetch_related("evidence").order_by("-reported_on", "-id")
    return qs.filter(org_id__in=progress_readable_org_ids(actor, task, [b.org_id for b in bodies]))
