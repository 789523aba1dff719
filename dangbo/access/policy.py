"""THE access policy: the one public API the apps call to decide who may see or do what.

Every page, API route, export, search, report, notification and background task asks here; the
engine underneath is access/scope.py (the scope of a user: organization subtrees with merge
lineage, cached per process). Nothing else reads `RoleAssignment` or a scope's flags.

- Who acts: a user (anonymous included: no rights), or `SYSTEM` for commands, the demo and
  synthetic builders and background tasks. `None` or a string is refused (`ActorError`).
- Reads: `for_user(Model or queryset, user, action)` is the scoped queryset of any object type
  registered here;
  `get_in_scope_or_404(Model or queryset, user, pk, action)` the one getter (outside the scope
  is "not found", 404, never "forbidden": its existence does not leak).
- Writes: `require(user, action, obj)` raises `DomainError` (Vietnamese message) unless `user`
  may do `action` on the object (an organization, its id, a list of them, a member, or any
  registered object); `may_record_member` is the one "may record for this member" rule.

Object types register their visibility in their app's `selectors.py` (imported by the app's
`ready()`), so the policy knows them all without the base apps importing the feature apps:
one line per model, `scoped_by(Model, field="org_id")` (the organization the object belongs
to; `own=` adds the member role's own rows, `as_action=` maps the action asked), or
`owned_by(Model, field="requester")` (the user's own objects only); a rule that fits neither
is a function registered with `@scoped(Model)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from dangbo.access import scope as _scope
from dangbo.access.models import Role, RoleAssignment
from dangbo.core import stamps
from dangbo.core.actors import SYSTEM, ActorError, SystemActor, is_system, require_actor
from dangbo.core.errors import NOT_FOUND, DomainError, not_found
from dangbo.orgs.models import Enterprise, Organization

__all__ = [
    "NOT_FOUND",
    "NO_RIGHT",
    "Root",
    "SYSTEM",
    "ActorError",
    "SystemActor",
    "above_org_ids",
    "allowed_org_ids",
    "can",
    "covers",
    "everywhere",
    "for_user",
    "get_in_scope_or_404",
    "get_member_or_404",
    "get_org_or_404",
    "is_system",
    "may_record_member",
    "member_home_org_id",
    "member_type",
    "org_officers",
    "own_member_ids",
    "require",
    "require_actor",
    "scope_members",
    "scope_org_ids",
    "scope_orgs",
    "scope_roots",
    "owned_by",
    "scoped",
    "not_found",
    "scoped_by",
    "today",
]

NO_RIGHT = "Bạn không có quyền thực hiện thao tác này."

# The engine (access/scope.py), re-exported: apps import them from here.
can = _scope.can
covers = _scope.covers
allowed_org_ids = _scope.allowed_org_ids
scope_orgs = _scope.scope_orgs
scope_roots = _scope.scope_roots
get_org_or_404 = _scope.get_org_or_404
Root = _scope.Root
today = _scope.today


def everywhere(user, action: str) -> bool:
    """May `user` do `action` on every organization (the system, an unrestricted administrator)?"""
    return _scope.user_scope(user).everywhere(action)


def above_org_ids(user) -> frozenset[int]:
    """Organizations above the user's scope (on the paths of the assigned organizations and of
    the predecessors they absorbed, over their whole history), outside the scope itself: their
    documents and campaigns concern the organizations below them. Empty for an unrestricted user."""
    scope = _scope.user_scope(user)
    return frozenset() if scope.everything else scope.above


def scope_org_ids(user, action: str = "view") -> frozenset[int]:
    """The organizations where `user` may do `action` (ids; for a user whose scope is a
    subtree: check `everywhere` first, an unrestricted user's set is empty)."""
    scope = _scope.user_scope(user)
    return frozenset(oid for oid, acts in scope.actions.items() if oid is not None and action in acts)


def own_member_ids(user) -> frozenset[int]:
    """The member profiles of the user themself (member role)."""
    return _scope.user_scope(user).member_ids


def org_officers(org_id: int, *, on):
    """The active users assigned to organization `org_id` itself on `on` as officer, cell
    secretary or administrator: who is told about the organization's work (reminders)."""
    user_ids = RoleAssignment.objects.filter(
        RoleAssignment.active_q(on), org_id=org_id, role__in=[Role.OFFICER, Role.CELL_SECRETARY, Role.ADMIN]
    ).values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True)


# --- object types ---------------------------------------------------------------------------

Scoper = Callable[[QuerySet, Any, str], QuerySet]
_SCOPERS: dict[type[Model], Scoper] = {}


def scoped(model: type[Model]) -> Callable[[Scoper], Scoper]:
    """Register `func(queryset, user, action) -> queryset` as the visibility of `model`."""

    def register(func: Scoper) -> Scoper:
        _SCOPERS[model] = func
        return func

    return register


def scoped_by(
    model: type[Model],
    *,
    field: str,
    own: str | None = None,
    as_action: Callable[[str], str] | None = None,
) -> Scoper:
    """Register the visibility of `model` as "its organization (`field`, a path to an
    organization id) is in the user's scope for the action".

    - `own`: a path to a member id; to view, a member-role user also sees the rows of their own
      profile (a direct field is compared as is; a path through a relation as a subquery, so
      that no row is repeated).
    - `as_action`: the action checked for the one asked (e.g. a type with actions of its own)."""

    def scope(qs: QuerySet, user, action: str) -> QuerySet:
        in_scope = scope_orgs(qs, user, field=field, action=as_action(action) if as_action else action)
        if own is None or action != "view" or is_system(user):
            return in_scope
        own_ids = own_member_ids(user)
        if not own_ids:
            return in_scope
        if "__" in own:
            mine = Q(pk__in=qs.model._default_manager.filter(**{f"{own}__in": own_ids}).values("pk"))
        else:
            mine = Q(**{f"{own}__in": own_ids})
        return qs.filter(Q(pk__in=in_scope.values("pk")) | mine)

    return scoped(model)(scope)


def owned_by(model: type[Model], *, field: str) -> Scoper:
    """Register the visibility of `model` as "the user's own" (`field`: the user it belongs to,
    e.g. an export's requester); the system sees all."""

    def scope(qs: QuerySet, user, action: str) -> QuerySet:
        return qs if is_system(user) else qs.filter(**{field: user})

    return scoped(model)(scope)


scoped_by(Organization, field="pk")
# The enterprise register (orgs.Enterprise): seen by whoever sees its locality.
scoped_by(Enterprise, field="locality_id")

# The model of a party member's dossier. The members app sits above this one: it registers the
# model (`member_type`) and its visibility (`scoped`) when its models load, so the policy decides
# on members without importing them.
_MEMBER_TYPES: list[type[Model]] = []


def member_type(model: type[Model]) -> type[Model]:
    """Register `model` as the member dossier: `require`/`allows` decide on it by its home
    organization, `get_member_or_404` returns it. Its visibility is registered with `scoped`."""
    if model not in _MEMBER_TYPES:
        _MEMBER_TYPES.append(model)
    return model


def _member_model() -> type[Model]:
    if not _MEMBER_TYPES:
        raise LookupError("No member model registered with access.policy.member_type")
    return _MEMBER_TYPES[0]


def scope_members(qs: QuerySet, user, *, action: str = "view") -> QuerySet:
    """Members who belong (now or in the past) to an organization in scope, plus the user's own
    profile for the member role: the rule the members app registered for its model."""
    return scoper_of(qs.model)(qs, user, action)


def scoper_of(model: type[Model]) -> Scoper:
    for klass in model.__mro__:
        if klass in _SCOPERS:
            return _SCOPERS[klass]
    raise LookupError(f"No access rule for {model.__name__}: register one with access.policy.scoped")


def registered_types() -> list[type[Model]]:
    """The object types the policy knows (tests enumerate them)."""
    return sorted(_SCOPERS, key=lambda m: m._meta.label)


def for_user(model_or_qs: type[Model] | QuerySet, user, action: str = "view") -> QuerySet:
    """The objects of this type (or of this queryset) that `user` may `action`."""
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    if user is None or isinstance(user, str):
        require_actor(user)
    if not (is_system(user) or getattr(user, "is_authenticated", False)):
        return qs.none()
    return scoper_of(qs.model)(qs, user, action)


def get_in_scope_or_404(model_or_qs: type[Model] | QuerySet, user, pk: Any, action: str = "view"):
    """The object `pk` if `user` may `action` it, else 404 (whether it exists or not)."""
    try:
        obj = for_user(model_or_qs, user, action).filter(pk=pk).first()
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        raise Http404(NOT_FOUND)
    return obj


def get_member_or_404(user, member_id: int, *, action: str = "view"):
    return get_in_scope_or_404(_member_model(), user, member_id, action)


# --- writes ---------------------------------------------------------------------------------


def member_home_org_id(member) -> int | None:
    """The organization that keeps the member's dossier: today's, or the last one they had
    (read from the database: a service may hold a member object from before its last event; once
    per request until the request writes, core.stamps.request_memo)."""
    return stamps.request_memo(("member_home_org_id", member.pk), lambda: _member_home_org_id(member))


def _member_home_org_id(member) -> int | None:
    current = type(member).objects.filter(pk=member.pk).values_list("current_org_id", flat=True).first()
    if current:
        return current
    return member.spans.order_by("-valid_from").values_list("org_id", flat=True).first()


def may_record_member(user, member, *, org_ids: Iterable[int | None] = ()) -> bool:
    """THE "may record for this member" rule: "record" on the member's home organization (and
    on every organization in `org_ids`, e.g. the one an event names)."""
    require_actor(user)
    wanted = [oid for oid in dict.fromkeys([member_home_org_id(member), *org_ids]) if oid is not None]
    return _may(user, "record", wanted)


def _may(user, action: str, org_ids: list[int]) -> bool:
    if not org_ids:
        return can(user, action)
    return all(can(user, action, oid) for oid in org_ids)


def _org_ids(obj: Any) -> list[int] | None:
    """The organizations an object is about, for `require` (None: not an organization)."""
    if obj is None:
        return []
    if isinstance(obj, bool):
        return None
    if isinstance(obj, int):
        return [obj]
    if isinstance(obj, Organization):
        return [obj.pk]
    if isinstance(obj, (list, tuple, set, frozenset)):
        out: list[int] = []
        for item in obj:
            ids = _org_ids(item)
            if ids is None:
                return None
            out.extend(ids)
        return list(dict.fromkeys(out))
    return None


def allows(user, action: str, obj: Any = None) -> bool:
    """May `user` do `action` on `obj`: an organization (or its id, or a list of them: all of
    them; None: anywhere in scope), a member (home organization), or a registered object?"""
    require_actor(user)
    ids = _org_ids(obj)
    if ids is not None:
        return _may(user, action, ids)
    if _MEMBER_TYPES and isinstance(obj, tuple(_MEMBER_TYPES)):
        return _may(user, action, [oid for oid in [member_home_org_id(obj)] if oid is not None])
    if isinstance(obj, Model):
        return for_user(type(obj), user, action).filter(pk=obj.pk).exists()
    raise TypeError(f"access.policy cannot decide on {obj!r}")


def require(user, action: str, obj: Any = None, *, message: str = NO_RIGHT, field: str | None = None) -> None:
    """Refuse (DomainError, nothing written) unless `user` may do `action` on `obj` (see `allows`);
    `None` or a string as `user` is a programming error (ActorError)."""
    if not allows(user, action, obj):
        raise DomainError(message, field=field)
