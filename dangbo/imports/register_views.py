"""Small imports beside the member and organization pipelines, each a page with a dry run and an
apply: the enterprise register (/to-chuc/doanh-nghiep/nhap/, imports.enterprises) and the
e-handbook accounts of existing members (/dang-vien/so-tay-dien-tu/nhap/, imports.handbook). The uploaded
file is kept between the dry run and the apply under MEDIA_ROOT/register_imports/, named with the
user's id and a random token (a name of another user's file is refused)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dangbo.access.policy import can
from dangbo.imports import enterprises as enterprise_import_mod
from dangbo.imports import handbook as handbook_mod

MAX_BYTES = 20 * 1024 * 1024
_NAME = re.compile(r"^(\d+)-[0-9a-f]{32}\.(xlsx|csv)$")


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp XLSX hoặc CSV", required=False)


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "register_imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep(upload, user) -> tuple[str, str]:
    ext = Path(upload.name).suffix.lower().lstrip(".")
    if ext not in ("xlsx", "csv"):
        raise ValueError("Chỉ nhận tệp .xlsx hoặc .csv.")
    if upload.size > MAX_BYTES:
        raise ValueError("Tệp lớn hơn 20 MB.")
    name = f"{user.pk}-{secrets.token_hex(16)}.{ext}"
    with open(_folder() / name, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return name, upload.name


def _kept(name: str, user) -> Path | None:
    found = _NAME.match(name or "")
    if not found or int(found.group(1)) != user.pk:
        return None
    path = _folder() / name
    return path if path.exists() else None


def upload_page(request: HttpRequest, *, run, template: str, title: str, done_url: str, done_message) -> HttpResponse:
    """The page of a small import: upload (kept), dry run report, apply; also used by feature apps
    (the cadre list: cadres.views.cadre_import)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "title": title, "report": None, "kept": "", "filename": ""}
    if request.method == "POST":
        apply = request.POST.get("ghi") == "1"
        kept, filename = request.POST.get("kept", ""), request.POST.get("filename", "")[:255]
        upload = request.FILES.get("file")
        try:
            if upload is not None:
                kept, filename = _keep(upload, request.user)
                apply = False  # a new file is always checked first
        except ValueError as exc:
            form.add_error("file", str(exc))
            return render(request, template, context)
        path = _kept(kept, request.user)
        if path is None:
            form.add_error("file", "Chưa chọn tệp.")
            return render(request, template, context)
        report = run(path, filename=filename, apply=apply)
        if apply and report.applied:
            path.unlink(missing_ok=True)
            messages.success(request, done_message(report))
            return redirect(done_url)
        context.update(report=report, kept=kept, filename=filename)
    return render(request, template, context)


@login_required
def enterprise_import(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền ghi doanh nghiệp.")
    return upload_page(
        request,
        template="imports/enterprise_import.html",
        title="Nhập doanh nghiệp từ tệp",
        run=lambda path, filename, apply: enterprise_import_mod.enterprise_import(
            path, actor=request.user, filename=filename, apply=apply
        ),
        done_url="/to-chuc/doanh-nghiep/",
        done_message=lambda r: f"Đã nhập {r.created} doanh nghiệp.",
    )


@login_required
def handbook_import(request: HttpRequest) -> HttpResponse:
    """The «Sổ tay điện tử» of members already in the registry (imports.handbook)."""
    if not can(request.user, "record"):
        raise PermissionDenied("Bạn không có quyền ghi hồ sơ đảng viên.")
    return upload_page(
        request,
        template="imports/handbook_import.html",
        title="Cập nhật Sổ tay đảng viên điện tử từ tệp",
        run=lambda path, filename, apply: handbook_mod.handbook_import(
            path, actor=request.user, filename=filename, apply=apply
        ),
        done_url="/dang-vien/",
        done_message=lambda r: f"Đã mở {r.opened} và khóa {r.closed} tài khoản Sổ tay đảng viên điện tử.",
    )
