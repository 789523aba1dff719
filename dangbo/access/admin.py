"""Role assignments are managed by administrators on the admin site (each change is audited)."""

from __future__ import annotations

from django.contrib import admin, messages

from dangbo.access.models import RoleAssignment
from dangbo.access.services import assignment_carry_to_successor
from dangbo.core.errors import DomainError


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "org", "member", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "org__code")
    raw_id_fields = ("org", "member")
    actions = ["carry_to_successor"]

    @admin.action(description="Chuyển phân công sang tổ chức kế thừa (sau hợp nhất)")
    def carry_to_successor(self, request, queryset):
        carried = 0
        for assignment in queryset.select_related("user", "org"):
            try:
                assignment_carry_to_successor(actor=request.user, assignment=assignment)
                carried += 1
            except DomainError as error:
                self.message_user(request, str(error), messages.WARNING)
        if carried:
            self.message_user(request, f"Đã chuyển {carried} phân công sang tổ chức kế thừa.", messages.SUCCESS)
