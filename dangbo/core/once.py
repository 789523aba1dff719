"""Forms that never create twice: a one-time token rendered in every create form (`OnceForm`),
claimed in the same transaction as the write (`run_once`). A second post of the same token
(double click, a resent request, a second tab) does not write again: it raises `AlreadySubmitted`
with the address of what the first post created. On PostgreSQL the second insert of the token
waits for the first transaction and then fails on the unique index; on SQLite writers are
serialized (BEGIN IMMEDIATE). A token whose write was refused (rolled back) stays usable, so the
user can correct the form and send it again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.db import IntegrityError, transaction

from dangbo.core.models import FormSubmission

T = TypeVar("T")
FIELD = "form_token"


class AlreadySubmitted(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OnceForm(forms.Form):
    """Mixin: a hidden one-time token (a new one on every blank form)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields[FIELD].initial = new_token()


def run_once(token: str | None, *, actor, create: Callable[[], T], url_of: Callable[[T], str]) -> T:
    """Run `create` once per `token` (no token: an API or script caller, run as is)."""
    if not token:
        return create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(token=token, user_id=getattr(actor, "pk", None))
        except IntegrityError:
            done = FormSubmission.objects.filter(token=token).values_list("result_url", flat=True).first()
            raise AlreadySubmitted(done or "") from None
        result = create()
        FormSubmission.objects.filter(pk=claim.pk).update(result_url=url_of(result)[:300])
        return result
