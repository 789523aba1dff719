"""The write-form page, as every app's views have it: a valid POST calls the service, a refusal
(DomainError) is shown on the form's field, a success is flashed and redirected; a GET, an
invalid form or a refusal render the form again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dangbo.core.errors import DomainError
from dangbo.core.forms import apply_domain_error
from dangbo.core.once import AlreadySubmitted, run_once

ALREADY_SENT = "Biểu mẫu này đã được gửi và đã ghi; không ghi thêm lần nữa."


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    template: str,
    write: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
    url_of: Callable[[Any], str],
    context: dict[str, Any] | None = None,
    on_error: Callable[[forms.Form, DomainError], None] = apply_domain_error,
    once: str | None = None,
) -> HttpResponse:
    """`write(cleaned_data)` on a valid POST; then the message `success(result)` and a redirect to
    `url_of(result)`. A DomainError goes onto the form (`on_error`), which is rendered again with
    `template` and `context`. `once`: the form carries a `form_token` and is written once
    (core.once.run_once); a second submit is told so and sent to the first result's page, or to
    `once` when that is unknown."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if once is None:
                result = write(data)
            else:
                result = run_once(data.get("form_token"), actor=request.user, create=lambda: write(data), url_of=url_of)
        except AlreadySubmitted as sent:
            messages.info(request, ALREADY_SENT)
            return redirect(sent.url or once)
        except DomainError as error:
            on_error(form, error)
        else:
            messages.success(request, success(result))
            return redirect(url_of(result))
    return render(request, template, {"form": form, **(context or {})})
