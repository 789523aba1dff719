"""Form helpers shared by the apps."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from dangbo.core.errors import DomainError

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{1,4})$")


class MarksInvalid:
    """Form mixin: a field given an error gets Bootstrap's `is-invalid` class on its widget."""

    def add_error(self, field, error):
        super().add_error(field, error)
        if field and field in self.fields:
            widget = self.fields[field].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class VNDateField(forms.DateField):
    """dd/mm/yyyy input (also accepts yyyy-mm-dd from <input type=date>). A two-digit year is
    refused ("15/03/65" is 1965 or 2065?), and a date in the right form that is not in the
    calendar (31/02/2025) is said not to exist, as the import says."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%Y-%m-%d"])
        kwargs.setdefault("widget", forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))
        kwargs.setdefault("error_messages", {"invalid": "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."})
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            found = _DMY.match(value.strip())
            if found:
                day, month, year = found.groups()
                named = f"«{self.label}»: " if self.label else ""
                if len(year) != 4:
                    raise forms.ValidationError(
                        f"{named}năm phải có đủ 4 chữ số (ví dụ {int(day):02d}/{int(month):02d}/19{year[-2:].zfill(2)} "
                        f"hoặc …/20{year[-2:].zfill(2)}).",
                        code="two_digit_year",
                    )
                try:
                    return date(int(year), int(month), int(day))
                except ValueError:
                    raise forms.ValidationError(
                        f"{named}ngày {int(day):02d}/{int(month):02d}/{year} không tồn tại.", code="no_such_date"
                    ) from None
        return super().to_python(value)


def as_of_date(request, name: str = "ngay") -> date:
    """The "as of" date of a page, from ?ngay=dd/mm/yyyy (or yyyy-mm-dd); today by default."""
    raw = (request.GET.get(name) or "").strip()
    if raw:
        field = VNDateField(required=False)
        try:
            value = field.clean(raw)
        except forms.ValidationError:
            value = None
        if value:
            return value
    return timezone.localdate()


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the field it names (or on the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class FastSelect(forms.Select):
    """Django's <select>, the same HTML, built in Python instead of one template include per option:
    a list of 400 organizations took ~0.2 s per page through the template engine."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                extra = option["attrs"]
                flags = " selected" if extra == {"selected": True} else (flatatt(extra) if extra else "")
                parts.append(f'<option value="{escape(option["value"])}"{flags}>{escape(option["label"])}</option>')
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 — values and labels are escaped above


class OrgPicker(forms.Widget):
    """The one organization picker: a hidden input with the organization id and a search box that
    asks `url` (search.views.org_picker: the organizations of the user's scope whose name matches,
    each with its parent) as the user types (htmx); choosing one fills the hidden input and fires
    `change` (static/js/orgpicker.js). `labels` maps a chosen id to its shown text (the form sets
    it: "Chi bộ thôn Đông — Đảng bộ xã An Hòa"). `multiple`: several organizations, each a removable
    chip with its own hidden input."""

    url = "/tim-kiem/to-chuc/"

    def __init__(
        self,
        *,
        action: str = "view",
        types: str = "",
        multiple: bool = False,
        placeholder: str = "Gõ tên tổ chức để tìm…",
        everywhere: bool = False,
        attrs=None,
    ):
        super().__init__(attrs)
        self.action, self.types, self.multiple, self.placeholder = action, types, multiple, placeholder
        # everywhere: any organization of the system, not only the user's scope (a transfer's
        # destination); the options then carry only the name and the parent, never members.
        self.everywhere = everywhere
        self.labels: dict[int, str] = {}

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def id_for_label(self, id_):
        return f"{id_}_text" if id_ else id_

    def _ids(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        return [int(v) for v in values if str(v).isdigit()]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base = attrs.get("id") or f"id_{name}"
        ids = self._ids(value)
        query = f"action={self.action}&name={name}&box={base}" + (f"&types={self.types}" if self.types else "")
        if self.everywhere:
            query += "&scope=system"
        parts = [
            format_html(
                '<div class="org-picker position-relative" id="{}_picker" data-name="{}"{}>',
                base,
                name,
                mark_safe(' data-multiple="1"') if self.multiple else "",
            )
        ]  # noqa: S308 — a constant
        if self.multiple:
            parts.append(format_html('<div class="org-picker-chips d-flex flex-wrap gap-1 mb-1" id="{}_chips">', base))
            for pk in ids:
                parts.append(
                    format_html(
                        '<span class="badge text-bg-light border org-picker-chip">{}'
                        '<input type="hidden" name="{}" value="{}">'
                        '<button type="button" class="btn-close btn-close-sm ms-1" aria-label="Bỏ {}" data-org-unpick></button></span>',
                        self.labels.get(pk, str(pk)),
                        name,
                        pk,
                        self.labels.get(pk, str(pk)),
                    )
                )
            parts.append("</div>")
            shown = ""
        else:
            pk = ids[0] if ids else ""
            parts.append(format_html('<input type="hidden" name="{}" value="{}" id="{}">', name, pk, base))
            shown = self.labels.get(pk, "") if pk != "" else ""
        parts.append(
            format_html(
                '<input type="search" class="{}" id="{}_text" name="org_q" form="{}_none" value="{}" placeholder="{}" '
                'autocomplete="off" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="{}_list" '
                'hx-get="{}?{}" hx-trigger="input changed delay:250ms, focus" hx-target="#{}_list" hx-swap="innerHTML" '
                'hx-sync="this:replace">',
                attrs.get("class", "form-control"),
                base,
                base,
                shown,
                self.placeholder,
                base,
                self.url,
                query,
                base,
            )
        )
        parts.append(
            format_html('<div class="list-group org-picker-list shadow-sm" id="{}_list" role="listbox"></div>', base)
        )
        parts.append("</div>")
        return mark_safe("".join(parts))  # noqa: S308 — every value is escaped by format_html above


class OrgPickMultipleField(forms.Field):
    """Several organization ids from an OrgPicker(multiple=True); the form checks the scope."""

    def __init__(self, *, action: str = "view", **kwargs):
        kwargs.setdefault("widget", OrgPicker(action=action, multiple=True))
        super().__init__(**kwargs)

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        result: list[int] = []
        for v in values:
            text = str(v).strip()
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(f"«{self.label}»: lựa chọn không hợp lệ.")
            result.append(int(text))
        return list(dict.fromkeys(result))

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(f"Chưa chọn «{self.label}».")
