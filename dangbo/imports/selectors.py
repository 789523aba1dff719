"""Reads of the imports app: an import job is seen only by the user who uploaded it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dangbo.access import policy
from dangbo.imports.models import ColumnMapping, ImportJob

# An import job holds a file and its report: the uploader's own (the system sees every job).
policy.owned_by(ImportJob, field="uploaded_by")


def job_get_or_404(*, actor, pk: int) -> ImportJob:
    return policy.get_in_scope_or_404(ImportJob, actor, pk)


@policy.scoped(ColumnMapping)
def _mappings_for(qs: QuerySet, user, action: str) -> QuerySet:
    """A saved column mapping belongs to an organization: seen by the users who see it (the
    mappings of a system-wide administrator, without organization, by everyone who imports)."""
    if policy.everywhere(user, "view"):
        return qs
    return qs.filter(Q(org__isnull=True) | Q(org_id__in=policy.scope_org_ids(user, "view")))
