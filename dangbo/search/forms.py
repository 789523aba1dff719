"""The search box and the filters that combine with it (the member list's filters + admission year)."""

from __future__ import annotations

from django import forms

from dangbo.members.forms import MemberFilterForm
from dangbo.search.selectors import SearchFilters


class SearchForm(MemberFilterForm):
    nam_ket_nap = forms.IntegerField(label="Năm vào Đảng", required=False, min_value=1930, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = "Tìm kiếm"
        self.fields["q"].widget.attrs["placeholder"] = (
            "Họ tên (có dấu hoặc không), số CCCD, số thẻ đảng viên, tên tổ chức"
        )
        self.fields["status"].choices = [
            ("", "Mọi trạng thái"),
            ("active", "Đang sinh hoạt"),
            *self.fields["status"].choices[1:],
        ]

    def search_filters(self) -> SearchFilters:
        d = self.cleaned_data
        status = d.get("status") or ""
        return SearchFilters(
            org_id=int(d["org"]) if d.get("org") else None,
            status="" if status == "all" else status,
            sex=d.get("sex") or "",
            ethnicity=d.get("ethnicity") or "",
            age_band=d.get("age_band") or "",
            admission_year=d.get("nam_ket_nap"),
        )
