"""Role assignments are managed by administrators on the admin site (each change is audited)."""

from __future__ import annotations

from django.contrib import admin

from dangbo.access.models import RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "org", "member", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "org__code")
    raw_id_fields = ("org", "member")
