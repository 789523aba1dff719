"""THE scope function: what a user may see and do; the engine under access/policy.py, the one
API the apps call (every page, API route, export, search and report asks the policy, which asks
here); nothing else filters by organization for visibility.

A user's scope is the union of the organization subtrees of their active role assignments
(`RoleAssignment`), resolved on the organization table by path prefix (no recursion). The
subtree includes every organization that was below the assigned one at any time, so a merged
province's officer sees the history of its predecessors. A record outside the scope is "not
found" (404), never "forbidden", so its existence does not leak.

Computed scopes are cached per process and keyed by the "scope" data stamp (core.stamps), which
database triggers renew on every write to the tables a scope comes from: a request pays one primary-key
read instead of recomputing, and a role change or restructure takes effect at the next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from dangbo.access.models import POLITICAL_ACTIONS, ROLE_ACTIONS, Role, RoleAssignment
from dangbo.core import stamps
from dangbo.core.actors import SystemActor
from dangbo.core.errors import NOT_FOUND
from dangbo.core.temporal import Lineage
from dangbo.orgs.models import Organization, OrgLineage, OrgVersion


@dataclass(frozen=True)
class Root:
    """The root of one subtree of a scope: an assigned organization or a predecessor it absorbed.
    `top`: a top-level organization in every version (path "/<id>/"), so the subtree is exactly
    the organizations whose paths start with it."""

    org_id: int
    top: bool = False


@dataclass(frozen=True)
class Scope:
    everything: bool
    org_ids: frozenset[int]
    actions: dict[int | None, frozenset[str]]
    member_ids: frozenset[int]
    # (actions, condition on OrgVersion) per assignment: the SQL form of the same subtrees, so
    # querysets filter with a subquery instead of shipping thousands of ids to the database.
    grants: tuple[tuple[frozenset[str], Q], ...] = ()
    # (actions, roots) per assignment: the assigned organization and the predecessors it absorbed;
    # the subtrees are everything that ever had one of them on its path.
    roots: tuple[tuple[frozenset[str], frozenset[Root]], ...] = ()
    # Organizations above the scope: every id on the paths of the roots' versions (the assigned
    # organizations and the predecessors they absorbed) that is not itself in scope. Documents
    # and campaigns of a superior are visible below it (access.policy.above_org_ids).
    above: frozenset[int] = frozenset()

    def everywhere(self, action: str) -> bool:
        """Is `action` allowed on every organization (an unrestricted administrator)?"""
        return self.everything and action in self.actions.get(None, frozenset())

    @cached_property
    def anywhere(self) -> frozenset[str]:
        """The actions allowed on at least one organization (computed once per cached scope, not
        a pass over thousands of organizations on every `can(user, action)`)."""
        return frozenset().union(*self.actions.values())

    def condition(self, action: str) -> Q | None:
        """Condition on OrgVersion selecting the organizations where `action` is allowed
        (None: nowhere)."""
        cond = None
        for acts, q in self.grants:
            if action in acts:
                cond = q if cond is None else cond | q
        return cond


def today() -> date:
    return timezone.localdate()


# The shared lineage reader (core.temporal): every link recorded, whatever its date or kind (the
# history of a merged or split predecessor stays visible to the successor's officers).
_LINEAGE = Lineage(OrgLineage)


def _subtree_condition(org_id: int) -> tuple[Q | None, frozenset[Root], frozenset[int]]:
    """Condition on OrgVersion for every organization that was in `org_id`'s subtree while
    `org_id` existed, plus the predecessors it absorbed (every lineage link into it, transitively,
    read through the shared `core.temporal.Lineage`) and their subtrees; the roots of those
    subtrees (`org_id` and the predecessors); and the ids on the roots' paths. One lineage query
    per generation of predecessors, then one query for the versions of them all."""
    ids = [org_id, *_LINEAGE.ancestors(org_id)]
    versions_of: dict[int, list[OrgVersion]] = {i: [] for i in ids}
    for v in (
        OrgVersion.objects.filter(org_id__in=ids)
        .only("org", "path", "valid_from", "valid_to")
        .order_by("org_id", "valid_from", "id")
    ):
        versions_of[v.org_id].append(v)
    roots: set[Root] = set()
    on_paths: set[int] = set()
    cond: Q | None = None
    for current in ids:
        versions = versions_of[current]
        roots.add(Root(current, top=bool(versions) and all(v.path == f"/{current}/" for v in versions)))
        for v in versions:
            on_paths.update(int(x) for x in v.path.strip("/").split("/") if x)
            window = Q(path__startswith=v.path) & (Q(valid_to__isnull=True) | Q(valid_to__gte=v.valid_from))
            if v.valid_to:
                window &= Q(valid_from__lte=v.valid_to)
            cond = window if cond is None else cond | window
    return cond, frozenset(roots), frozenset(on_paths)


def _ids(org_id: int, cond: Q | None) -> set[int]:
    ids = {org_id}
    if cond is not None:
        ids.update(OrgVersion.objects.filter(cond).values_list("org_id", flat=True))
    return ids


# Computed scopes, shared by the requests of this process. The key holds the stamp token that the
# database triggers renew on every write to role assignments, organization versions and lineage
# (the "scope" data stamp, core.stamps), and the day (assignments are dated), so a cached scope is never used after any of
# them changed, in this process or another one. Least recently used entries go first.
_CACHE_SIZE = 4096
_cache: OrderedDict[tuple, Scope] = OrderedDict()
_cache_lock = threading.Lock()


# The system itself (core.actors.SYSTEM: commands, demo, tasks) may do everything; None or a
# string is not an actor and gets nothing (services refuse it before asking). The system also
# holds the political-protection actions (demo and synthetic builders); no user account does
# unless assigned that role (a superuser included).
SYSTEM_SCOPE = Scope(True, frozenset(), {None: ROLE_ACTIONS[Role.ADMIN] | POLITICAL_ACTIONS}, frozenset())


def user_scope(user) -> Scope:
    """The user's scope today: cached on the user object for the request, and across requests
    while the scope stamp and the day are unchanged."""
    if isinstance(user, SystemActor):
        return SYSTEM_SCOPE
    if not getattr(user, "is_authenticated", False):
        return Scope(False, frozenset(), {}, frozenset())
    cached = getattr(user, "_dangbo_scope", None)
    if cached is not None:
        return cached
    # The stamp is read before the data: the scope computed below is at least as new as it. A
    # token drawn by this very transaction is not cached under (core.stamps: later writes in the
    # transaction keep it).
    stamp = stamps.read("scope")
    key = (user.pk, bool(user.is_superuser), stamp.token, today())
    if stamps.cacheable(stamp):
        with _cache_lock:
            scope = _cache.get(key)
            if scope is not None:
                _cache.move_to_end(key)
        if scope is not None:
            user._dangbo_scope = scope
            return scope
    scope = _compute_scope(user)
    if stamps.cacheable(stamp):
        with _cache_lock:
            _cache[key] = scope
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    user._dangbo_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    everything = False
    org_ids: set[int] = set()
    actions: dict[int | None, frozenset[str]] = {}
    member_ids: set[int] = set()
    grants: list[tuple[frozenset[str], Q]] = []
    roots: list[tuple[frozenset[str], frozenset[Root]]] = []
    on_paths: set[int] = set()
    for a in RoleAssignment.objects.filter(RoleAssignment.active_q(today()), user=user):
        acts = ROLE_ACTIONS[a.role]
        if a.role == Role.MEMBER:
            if a.member_id:
                member_ids.add(a.member_id)
            continue
        if a.org_id is None:
            everything = everything or a.role == Role.ADMIN
            actions[None] = actions.get(None, frozenset()) | acts
            continue
        cond, expanded, paths = _subtree_condition(a.org_id)
        on_paths |= paths
        grants.append((acts, cond or Q(org_id=a.org_id)))
        roots.append((acts, expanded))
        for oid in _ids(a.org_id, cond):
            actions[oid] = actions.get(oid, frozenset()) | acts
            org_ids.add(oid)
    if user.is_superuser:
        everything = True
        actions[None] = ROLE_ACTIONS[Role.ADMIN]
    return Scope(
        everything,
        frozenset(org_ids),
        actions,
        frozenset(member_ids),
        tuple(grants),
        tuple(roots),
        frozenset(on_paths - org_ids),
    )


def can(user, action: str, org_id: int | None = None) -> bool:
    """May `user` do `action` on organization `org_id` (or anywhere in scope when None)?"""
    scope = user_scope(user)
    if scope.everywhere(action):
        return True
    if org_id is None:
        return action in scope.anywhere
    return action in scope.actions.get(org_id, frozenset())


def covers(user, org_ids, *, action: str = "view") -> bool:
    """Is every organization in `org_ids` in the user's scope for `action`? Lets a selector that
    already restricts to one subtree skip the scope subquery when the subtree is wholly in scope."""
    scope = user_scope(user)
    if scope.everywhere(action):
        return True
    return all(action in scope.actions.get(oid, frozenset()) for oid in org_ids)


def allowed_org_ids(user, *, action: str = "view"):
    """A subquery of the organization ids where `user` may do `action`; None means everywhere."""
    scope = user_scope(user)
    if scope.everywhere(action):
        return None
    cond = scope.condition(action)
    if cond is None:
        return OrgVersion.objects.none().values("org_id")
    return OrgVersion.objects.filter(cond).values("org_id")


def scope_roots(user, *, action: str = "view") -> frozenset[Root] | None:
    """The organizations whose subtrees, over their whole history, make up where `user` may do
    `action` (the assigned organizations and the predecessors they absorbed); None means
    everywhere. Every organization in scope had one of them on its path (OrgVersion.path), so a
    member in scope has one of them among their search terms (search.models.MemberSearchTerms):
    a prefilter that an index can answer, before the exact check of scope_members. A member-role
    user's own profile is not under these roots (Scope.member_ids)."""
    scope = user_scope(user)
    if scope.everywhere(action):
        return None
    return frozenset().union(*(ids for acts, ids in scope.roots if action in acts))


def scope_orgs(qs: QuerySet, user, *, field: str = "pk", action: str = "view") -> QuerySet:
    allowed = allowed_org_ids(user, action=action)
    if allowed is None:
        return qs
    return qs.filter(**{f"{field}__in": Subquery(allowed)})


def get_org_or_404(user, org_id: int, *, action: str = "view"):
    if not can(user, action, org_id) or not Organization.objects.filter(pk=org_id).exists():
        raise Http404(NOT_FOUND)
    return Organization.objects.get(pk=org_id)
