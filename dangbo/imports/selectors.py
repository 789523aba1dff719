"""Reads of the imports app: an import job is seen only by the user who uploaded it."""

from __future__ import annotations

from django.db.models import QuerySet

from dangbo.access import policy
from dangbo.imports.models import ImportJob


@policy.scoped(ImportJob)
def _jobs_for(qs: QuerySet, user, action: str) -> QuerySet:
    """An import job holds a file and its report: the uploader's own (the system sees every job)."""
    if policy.is_system(user):
        return qs
    return qs.filter(uploaded_by=user)


def job_get_or_404(*, actor, pk: int) -> ImportJob:
    return policy.get_in_scope_or_404(ImportJob, actor, pk)
