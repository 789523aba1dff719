"""Which organizations an actor may see, as the orgs app asks it without importing the access app.

The access app sits above orgs (core ← audit ← orgs ← access ← members) and is the one place that
decides visibility (`access.policy`). It registers its organization scope here in its
`AppConfig.ready`; the actor-scoped tree reads of `orgs.selectors` and the organization fields of
`orgs.forms` call `scope_orgs`, so they filter exactly as every other page does.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

ScopeOrgs = Callable[..., QuerySet]
_scope_orgs: ScopeOrgs | None = None
_everywhere: Callable[..., bool] | None = None
_scope_roots: Callable[..., frozenset | None] | None = None


def register(
    *, scope_orgs: ScopeOrgs, everywhere: Callable[..., bool], scope_roots: Callable[..., frozenset | None]
) -> None:
    """Register the access policy's organization scope (called once, by AccessConfig.ready)."""
    global _scope_orgs, _everywhere, _scope_roots
    _scope_orgs, _everywhere, _scope_roots = scope_orgs, everywhere, scope_roots


def _registered(fn):
    if fn is None:
        raise ImproperlyConfigured("No organization scope registered: is dangbo.access installed?")
    return fn


def scope_orgs(qs: QuerySet, actor, *, field: str = "pk", action: str = "view") -> QuerySet:
    """`qs` limited to the organizations (`field` = their id) where `actor` may do `action`."""
    return _registered(_scope_orgs)(qs, actor, field=field, action=action)


def everywhere(actor, action: str) -> bool:
    """Whether `actor` may do `action` on every organization (no scope filter needed)."""
    return _registered(_everywhere)(actor, action)


def scope_roots(actor, *, action: str = "view") -> frozenset | None:
    """The roots of `actor`'s scope (None = everywhere), as `access.scope.scope_roots`."""
    return _registered(_scope_roots)(actor, action=action)
