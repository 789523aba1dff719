"""THE filters of a member list (django-filter): the list page, the members API list route, the
member export and the search page build one `MemberFilterSet` from what they were sent, instead
of each parsing the filters again.

- The fields, their Vietnamese labels and messages are the form's (`members.forms.MemberFilterForm`,
  or a subclass such as the search page's); the filter set reads its cleaned values.
- `criteria` is the `members.selectors.MemberFilters` they describe (the empty filters when the
  form is not valid, as the page always did); `qs` is `members.selectors.member_list` under them,
  the one place that applies them in SQL (with the scope), so the list page, its count cache, the
  API and the export read the same members.
"""

from __future__ import annotations

from datetime import date

import django_filters
from django.http import HttpRequest

from dangbo.access.policy import get_org_or_404
from dangbo.core.forms import as_of_date
from dangbo.members.forms import MemberFilterForm
from dangbo.members.models import Member
from dangbo.members.selectors import MemberFilters, member_list


class MemberFilterSet(django_filters.FilterSet):
    """The filters of a member list; each filter's `field_name` is the `MemberFilters` field it sets."""

    org = django_filters.NumberFilter(field_name="org_id")
    status = django_filters.CharFilter(field_name="status")
    sex = django_filters.CharFilter(field_name="sex")
    ethnicity = django_filters.CharFilter(field_name="ethnicity")
    age_band = django_filters.CharFilter(field_name="age_band")
    q = django_filters.CharFilter(field_name="q")

    def __init__(
        self,
        data=None,
        *,
        actor,
        at: date,
        form_class: type[MemberFilterForm] = MemberFilterForm,
        org_labels: bool = True,
    ):
        self.actor, self.at = actor, at
        self.form_class, self.org_labels = form_class, org_labels
        super().__init__(data, queryset=Member.objects.all())

    @classmethod
    def from_request(
        cls,
        request: HttpRequest,
        *,
        form_class: type[MemberFilterForm] = MemberFilterForm,
        org_outside_scope_is_404: bool = False,
    ) -> MemberFilterSet:
        """The filters a page was sent (?ngay=, ?org=, ...), as of its date (today by default);
        with `org_outside_scope_is_404` an organization outside the scope is "not found" (404)."""
        at = as_of_date(request)
        raw_org = request.GET.get("org") or ""
        if org_outside_scope_is_404 and raw_org.isdigit():
            get_org_or_404(request.user, int(raw_org))
        data = request.GET.copy()
        data.setdefault("ngay", at.strftime("%d/%m/%Y"))
        return cls(data, actor=request.user, at=at, form_class=form_class)

    def get_form_class(self) -> type[MemberFilterForm]:
        return self.form_class

    @property
    def form(self) -> MemberFilterForm:
        if not hasattr(self, "_form"):
            self._form = self.form_class(self.data, actor=self.actor, at=self.at, org_labels=self.org_labels)
        return self._form

    @property
    def criteria(self) -> MemberFilters:
        """The filters as `MemberFilters` (none when the form is not valid)."""
        if not self.is_valid():
            return MemberFilters()
        values = {}
        for name, spec in self.filters.items():
            value = self.form.cleaned_data.get(name)
            if value not in (None, ""):
                values[spec.field_name] = int(value) if isinstance(spec, django_filters.NumberFilter) else value
        return MemberFilters(**values)

    def filter_queryset(self, queryset):
        return member_list(actor=self.actor, at=self.at, filters=self.criteria)
