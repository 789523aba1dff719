"""Every route of the product, enumerated from the URL resolver, is checked against the scope rule.

A record outside the user's scope is "not found": an officer of commune B (the outsider) gets
404 for every page, API operation, export and file of commune A, and list pages, searches,
counts and exports show nothing of commune A. A new route without a row in ROUTES fails
`test_every_route_has_a_scope_rule`, so no route can forget the scope.

The world: commune A holds one member with a recognisable name, citizen ID and party card number
(SECRET_*); the insider is commune A's officer, the outsider commune B's officer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangbo.access.services import token_create
from dangbo.members.models import Member, MemberEvent
from dangbo.members.services import ProfileInput, member_admit
from dangbo.members.transfers import LetterInput, transfer_issue
from dangbo.orgs.models import OrgEvent

SECRET_NAME = "Quách Thị Bí Mật"
SECRET_CID = "001190123456"
SECRET_CARD = "99.000777"

# What an anonymous request gets.
LOGIN = "login"  # 302 to the login page
API_401 = "401"
PUBLIC = "public"  # 200 for everybody (login page, API docs and schema: no data)

# What the outsider gets.
NOT_FOUND = "404"
NO_LEAK = "no_leak"  # 200/302 but nothing of commune A in the response
OWN_ONLY = "own_only"  # pages about the signed-in user's own account only


@dataclass(frozen=True)
class Rule:
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda w: {})
    query: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda w: {})
    anonymous: str = LOGIN
    outsider: str = NOT_FOUND
    method: str = "get"
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # POST form; `query` then goes in the URL
    # A role without which even the insider (and an administrator) gets 404: the insider test signs
    # in as the world's user of that role instead (political-standard cases: "protector").
    role: str = ""


def _org(key: str):
    return lambda w: {"pk": w[key].pk}


MEMBER = lambda w: {"pk": w["member"].pk}  # noqa: E731
PROTECTOR = "protector"  # the world's internal-political-protection user of commune A
ORG_A = _org("commune_a")

# One row per named route (admin site excluded: it is Django's own, staff only).
ROUTES: dict[str, Rule] = {
    "home": Rule(outsider=NO_LEAK),
    "login": Rule(anonymous=PUBLIC, outsider=NO_LEAK),
    "logout": Rule(anonymous=PUBLIC, outsider=OWN_ONLY, method="post"),
    "access:otp_verify": Rule(outsider=OWN_ONLY),
    "access:otp_setup": Rule(outsider=OWN_ONLY),
    "access:account": Rule(outsider=OWN_ONLY),
    "access:logout_everywhere": Rule(outsider=OWN_ONLY, method="post"),
    "access:token_list": Rule(outsider=OWN_ONLY),
    "access:token_revoke": Rule(kwargs=lambda w: {"pk": w["token"].pk}, method="post"),
    "orgs:org_tree": Rule(outsider=NO_LEAK),
    "orgs:org_detail": Rule(kwargs=ORG_A),
    "orgs:org_children": Rule(kwargs=ORG_A),
    "orgs:org_establish": Rule(kwargs=ORG_A),
    "orgs:org_rename": Rule(kwargs=ORG_A),
    "orgs:org_sector": Rule(kwargs=ORG_A),
    "orgs:org_move": Rule(kwargs=ORG_A),
    "orgs:org_merge": Rule(kwargs=ORG_A),
    "orgs:org_split": Rule(kwargs=ORG_A),
    "orgs:org_dissolve": Rule(kwargs=ORG_A),
    "orgs:org_event_void": Rule(kwargs=lambda w: {"event_id": w["org_event"].pk}),
    "orgs:enterprise_list": Rule(outsider=NO_LEAK),
    "orgs:enterprise_create": Rule(outsider=NO_LEAK),
    "orgs:enterprise_party_org": Rule(kwargs=lambda w: {"pk": w["enterprise"].pk}),
    "orgs:enterprise_detail": Rule(kwargs=lambda w: {"pk": w["enterprise"].pk}),
    "orgs:enterprise_edit": Rule(kwargs=lambda w: {"pk": w["enterprise"].pk}),
    "orgs:enterprise_close": Rule(kwargs=lambda w: {"pk": w["enterprise"].pk}),
    "enterprise_import": Rule(outsider=NO_LEAK),
    "handbook_import": Rule(outsider=NO_LEAK),
    "members:member_list": Rule(outsider=NO_LEAK, query=lambda w: {"q": "bi mat", "status": "all"}),
    "members:member_admit": Rule(outsider=NO_LEAK),
    "members:my_record": Rule(outsider=NO_LEAK),
    "members:member_detail": Rule(kwargs=MEMBER),
    "members:member_edit": Rule(kwargs=MEMBER),
    "members:event_create": Rule(kwargs=MEMBER),
    "members:event_correct": Rule(kwargs=lambda w: {"event_id": w["event"].pk}),
    "members:transfer_issue": Rule(kwargs=MEMBER),
    "members:transfer_inbox": Rule(outsider=NO_LEAK),
    "members:worklist_members": Rule(outsider=NO_LEAK, query=lambda w: {"muc": "huy_hieu"}),
    "members:transfer_detail": Rule(kwargs=lambda w: {"pk": w["transfer"].pk}),
    "members:transfer_receive": Rule(kwargs=lambda w: {"pk": w["transfer"].pk}),
    "members:transfer_return": Rule(kwargs=lambda w: {"pk": w["transfer"].pk}),
    "reports:indicator_overview": Rule(query=lambda w: {"org": w["commune_a"].pk}),
    "reports:indicator_members": Rule(query=lambda w: {"org": w["commune_a"].pk, "chi_so": "dv_tong"}),
    "reports:dashboard": Rule(query=lambda w: {"org": w["commune_a"].pk}),
    "reports:periodic_report": Rule(query=lambda w: {"org": w["commune_a"].pk, "loai": "nam", "nam": 2024}),
    "reports:report_export": Rule(query=lambda w: {"org": w["commune_a"].pk, "dinh_dang": "xlsx"}),
    "reports:template_download": Rule(query=lambda w: {"org": w["commune_a"].pk}),
    "reports:template_upload": Rule(query=lambda w: {"org": w["commune_a"].pk}, method="post"),
    "reports:handbook_account": Rule(
        kwargs=MEMBER, method="post", body=lambda w: {"action": "open", "on": "02/01/2024"}
    ),
    "reports:quota_list": Rule(query=lambda w: {"org": w["commune_a"].pk}),
    "imports:import_upload": Rule(outsider=NO_LEAK),
    "imports:template_download": Rule(outsider=NO_LEAK),
    "imports:org_template_download": Rule(outsider=NO_LEAK),
    "imports:job_detail": Rule(kwargs=lambda w: {"pk": w["job"].pk}),
    "imports:job_confirm": Rule(kwargs=lambda w: {"pk": w["job"].pk}, method="post"),
    "imports:job_map": Rule(kwargs=lambda w: {"pk": w["job"].pk}, method="post"),
    "audit:entry_list": Rule(),
    "audit:member_trail": Rule(kwargs=lambda w: {"member_id": w["member"].pk}),
    "audit:org_trail": Rule(kwargs=lambda w: {"org_id": w["commune_a"].pk}),
    "audit:my_views": Rule(),
    "plans:document_list": Rule(outsider=NO_LEAK, query=lambda w: {"q": "an binh"}),
    "plans:document_create": Rule(outsider=NO_LEAK),
    "plans:document_detail": Rule(kwargs=lambda w: {"pk": w["plan"].pk}),
    "plans:document_file": Rule(kwargs=lambda w: {"pk": w["plan"].pk}),
    "plans:document_edit": Rule(kwargs=lambda w: {"pk": w["plan"].pk}),
    "plans:document_delete": Rule(kwargs=lambda w: {"pk": w["plan"].pk}),
    "plans:task_create": Rule(kwargs=lambda w: {"pk": w["plan"].pk}),
    "plans:task_edit": Rule(kwargs=lambda w: {"pk": w["task"].pk}),
    "plans:task_delete": Rule(kwargs=lambda w: {"pk": w["task"].pk}),
    "plans:target_create": Rule(kwargs=lambda w: {"pk": w["plan"].pk}),
    "plans:plan_export": Rule(kwargs=lambda w: {"pk": w["plan"].pk}),
    "plans:plan_import": Rule(kwargs=lambda w: {"pk": w["plan"].pk}),
    "plans:my_tasks": Rule(outsider=NO_LEAK),
    "plans:task_detail": Rule(kwargs=lambda w: {"pk": w["task"].pk}),
    "plans:evidence_file": Rule(kwargs=lambda w: {"pk": w["evidence"].pk}),
    "cadres:cadre_list": Rule(outsider=NO_LEAK, query=lambda w: {"q": "Quách"}),
    "cadres:cadre_import": Rule(outsider=NO_LEAK),
    "cadres:cadre_import_template": Rule(outsider=NO_LEAK),
    "cadres:cadre_detail": Rule(kwargs=lambda w: {"pk": w["cadre"].pk}),
    "cadres:decision_create": Rule(outsider=NO_LEAK),
    "cadres:planning_board": Rule(kwargs=lambda w: {"pk": w["planning_term"].pk}),
    "cadres:figures": Rule(query=lambda w: {"org": w["commune_a"].pk, "tu": "01/01/2024", "den": "31/12/2024"}),
    "cadres:title_list": Rule(outsider=NO_LEAK, query=lambda w: {"ngay": "01/06/2024"}),
    "cadres:title_create": Rule(outsider=NO_LEAK),
    "cadres:title_import": Rule(outsider=NO_LEAK),
    "cadres:title_import_template": Rule(outsider=NO_LEAK),
    "cadres:title_detail": Rule(kwargs=lambda w: {"pk": w["catalogue_title"].pk}),
    "cadres:title_change": Rule(kwargs=lambda w: {"pk": w["catalogue_title"].pk}),
    "cadres:title_abolish": Rule(kwargs=lambda w: {"pk": w["catalogue_title"].pk}),
    "staffing:agency_tree": Rule(outsider=NO_LEAK, query=lambda w: {"ngay": "01/03/2024"}),
    "staffing:agency_detail": Rule(
        kwargs=lambda w: {"pk": w["staffing_agency"].pk}, query=lambda w: {"ngay": "01/03/2024"}
    ),
    "staffing:headcount_create": Rule(kwargs=lambda w: {"pk": w["staffing_agency"].pk}),
    "staffing:allocation_create": Rule(outsider=NO_LEAK, query=lambda w: {"co_quan": w["staffing_agency"].pk}),
    "staffing:figures_export": Rule(  # the file: only the agencies the policy shows (staffing test_exports)
        outsider=NO_LEAK,
        method="post",
        query=lambda w: {"ngay": "01/03/2024"},
        body=lambda w: {"purpose": "kiểm tra phạm vi"},
    ),
    "staffing:headcount_import": Rule(outsider=NO_LEAK),
    "staffing:project_list": Rule(outsider=NO_LEAK),
    "staffing:project_create": Rule(outsider=NO_LEAK),
    "staffing:project_detail": Rule(kwargs=lambda w: {"pk": w["staffing_project"].pk}),
    "staffing:project_plan": Rule(kwargs=lambda w: {"pk": w["staffing_project"].pk}),
    "staffing:catalogue_list": Rule(outsider=NO_LEAK),
    "staffing:catalogue_create": Rule(outsider=NO_LEAK, query=lambda w: {"co_quan": w["staffing_agency"].pk}),
    "staffing:catalogue_detail": Rule(kwargs=lambda w: {"pk": w["staffing_catalogue"].pk}),
    "staffing:reference_lists": Rule(outsider=NO_LEAK),
    "meetings:meeting_list": Rule(outsider=NO_LEAK),
    "meetings:meeting_create": Rule(outsider=NO_LEAK),
    "meetings:meeting_detail": Rule(kwargs=lambda w: {"pk": w["meeting"].pk}),
    "meetings:figures": Rule(query=lambda w: {"org": w["commune_a"].pk, "nam": 2024}),
    "meetings:absences": Rule(outsider=NO_LEAK, query=lambda w: {"nam": 2024}),
    "meetings:my_meetings": Rule(outsider=OWN_ONLY),
    "meetings:my_record": Rule(outsider=OWN_ONLY),
    "meetings:correction_list": Rule(outsider=NO_LEAK),
    "meetings:correction_decide": Rule(kwargs=lambda w: {"pk": w["correction_request"].pk}),
    "meetings:handbook_coverage": Rule(query=lambda w: {"org": w["commune_a"].pk, "ngay": "01/03/2024"}),
    "meetings:handbook_upload": Rule(outsider=NO_LEAK),
    "meetings:handbook_template": Rule(outsider=NO_LEAK),
    "meetings:handbook_job": Rule(kwargs=lambda w: {"pk": w["handbook_job"].pk}),
    "meetings:handbook_job_confirm": Rule(kwargs=lambda w: {"pk": w["handbook_job"].pk}, method="post"),
    "meetings:committee_seats": Rule(query=lambda w: {"org": w["commune_a"].pk, "nam": 2024}),
    "notifications:notice_list": Rule(outsider=NO_LEAK),
    "notifications:notice_create": Rule(outsider=NO_LEAK),
    "notifications:notice_detail": Rule(kwargs=lambda w: {"pk": w["notice"].pk}),
    "notifications:my_notices": Rule(outsider=OWN_ONLY),
    "notifications:my_notice": Rule(kwargs=lambda w: {"pk": w["notice"].pk}),
    "notifications:my_notice_studied": Rule(kwargs=lambda w: {"pk": w["notice"].pk}, method="post"),
    "notifications:channel_list": Rule(query=lambda w: {"org": w["commune_a"].pk}),
    "notifications:channel_detail": Rule(kwargs=lambda w: {"pk": w["org_channel"].pk}),
    "notifications:channel_test": Rule(kwargs=lambda w: {"pk": w["org_channel"].pk}, method="post"),
    "notifications:channel_delete": Rule(kwargs=lambda w: {"pk": w["org_channel"].pk}, method="post"),
    "notifications:preferences": Rule(outsider=OWN_ONLY),
    "dues:arrears": Rule(outsider=NO_LEAK, query=lambda w: {"nam": 2024}),
    "dues:sheet": Rule(query=lambda w: {"org": w["cell_a1"].pk, "thang": "02/2024"}),
    "dues:collect": Rule(
        method="post", body=lambda w: {"org": w["cell_a1"].pk, "thang": "02/2024", "member": w["member"].pk}
    ),
    "dues:close": Rule(method="post", body=lambda w: {"org": w["cell_a1"].pk, "thang": "03/2024"}),
    "dues:reopen": Rule(
        method="post", body=lambda w: {"org": w["cell_a1"].pk, "thang": "02/2024", "ly_do": "Ghi sót biên lai"}
    ),
    "dues:ledger": Rule(query=lambda w: {"org": w["commune_a"].pk, "thang": "02/2024", "ngay": "31/12/2024"}),
    "dues:member": Rule(kwargs=MEMBER, query=lambda w: {"nam": 2024}),
    "dues:mine": Rule(outsider=OWN_ONLY, query=lambda w: {"nam": 2024}),
    "dues:portal_upload": Rule(outsider=NO_LEAK),
    "dues:portal_template": Rule(outsider=NO_LEAK),
    "dues:portal_job": Rule(kwargs=lambda w: {"pk": w["dues_import_job"].pk}),
    "meetings:my_reply": Rule(
        kwargs=lambda w: {"pk": w["attendance"].pk}, method="post", body=lambda w: {"reply": "will_attend"}
    ),
    "cadres:cadre_eligibility": Rule(
        kwargs=lambda w: {"pk": w["cadre"].pk}, query=lambda w: {"chuc_danh": w["cadre_title"].pk, "ngay": "01/06/2024"}
    ),
    "cadres:vote_campaign_list": Rule(outsider=NO_LEAK),
    "cadres:vote_campaign_detail": Rule(kwargs=lambda w: {"pk": w["vote_campaign"].pk}),
    "cadres:vote_campaign_create": Rule(outsider=NO_LEAK),
    "cadres:vote_unit_set": Rule(kwargs=lambda w: {"pk": w["vote_campaign"].pk}),
    "cadres:vote_result_record": Rule(kwargs=lambda w: {"pk": w["vote_campaign"].pk}),
    "cadres:course_list": Rule(outsider=NO_LEAK),
    "cadres:course_create": Rule(outsider=NO_LEAK),
    "cadres:training_needs": Rule(outsider=NO_LEAK, query=lambda w: {"nam": 2025}),
    "cadres:course_detail": Rule(kwargs=lambda w: {"pk": w["training_course"].pk}),
    "cadres:enrolment_result": Rule(kwargs=lambda w: {"pk": w["training_enrolment"].pk}),
    "cadres:cadre_training": Rule(kwargs=lambda w: {"pk": w["cadre"].pk}, query=lambda w: {"ngay": "01/06/2024"}),
    "cadres:cadre_salary": Rule(kwargs=lambda w: {"pk": w["cadre"].pk}),
    "cadres:salary_void": Rule(kwargs=lambda w: {"pk": w["salary_event"].pk}),
    "cadres:raises_due": Rule(outsider=NO_LEAK, query=lambda w: {"ngay": "01/01/2030"}),
    "cadres:delegation_list": Rule(outsider=NO_LEAK, query=lambda w: {"ngay": "01/06/2024"}),
    "cadres:delegation_create": Rule(outsider=NO_LEAK),
    "cadres:cadre_relations": Rule(kwargs=lambda w: {"pk": w["cadre"].pk}),
    "cadres:kinship_check": Rule(query=lambda w: {"org": w["commune_a"].pk, "ngay": "01/06/2024"}),
    "cadres:political_case_list": Rule(role=PROTECTOR),
    "cadres:political_case_create": Rule(role=PROTECTOR),
    "cadres:political_case_figure": Rule(
        role=PROTECTOR, query=lambda w: {"org": w["commune_a"].pk, "tu": "01/01/2024", "den": "31/12/2024"}
    ),
    "cadres:political_case_detail": Rule(role=PROTECTOR, kwargs=lambda w: {"pk": w["political_case"].pk}),
    "grading:campaign_list": Rule(outsider=NO_LEAK),
    "grading:campaign_open": Rule(outsider=NO_LEAK),
    "grading:framework_list": Rule(outsider=NO_LEAK),
    "notifications:notification_list": Rule(outsider=NO_LEAK),
    "notifications:notification_read": Rule(kwargs=lambda w: {"pk": w["notification"].pk}, method="post"),
    "notifications:notification_read_all": Rule(outsider=OWN_ONLY, method="post"),
    "grading:self_assessment": Rule(),  # the member themself only (no member profile: 404)
    "grading:record_document": Rule(kwargs=lambda w: {"record_id": w["grading_record"].pk}),
    "grading:campaign_detail": Rule(kwargs=lambda w: {"pk": w["campaign"].pk}),
    "grading:campaign_remind": Rule(kwargs=lambda w: {"pk": w["campaign"].pk}, method="post"),
    "grading:cap_exception": Rule(kwargs=lambda w: {"pk": w["campaign"].pk}),
    "grading:cell_bulk": Rule(
        kwargs=lambda w: {"pk": w["campaign"].pk, "org_id": w["cell_a1"].pk, "step_slug": "de-xuat"}
    ),
    "grading:member_grading": Rule(kwargs=lambda w: {"pk": w["campaign"].pk, "member_id": w["member"].pk}),
    "grading:org_grading": Rule(kwargs=lambda w: {"pk": w["campaign"].pk, "org_id": w["cell_a1"].pk}),
    "grading:results": Rule(kwargs=lambda w: {"pk": w["campaign"].pk}),
    "grading:results_members": Rule(kwargs=lambda w: {"pk": w["campaign"].pk}, query=lambda w: {"muc": "good"}),
    "grading:results_export": Rule(kwargs=lambda w: {"pk": w["campaign"].pk}, method="post"),
    "grading:results_import": Rule(kwargs=lambda w: {"pk": w["campaign"].pk}),
    "search:search": Rule(outsider=NO_LEAK, query=lambda w: {"q": "bi mat"}),
    "search:org_picker": Rule(outsider=NO_LEAK, query=lambda w: {"org_q": "thon"}),
    "exports:member_list_export": Rule(  # the file itself: nothing of commune A in it
        outsider=NO_LEAK,
        method="post",
        query=lambda w: {"q": "bi mat", "status": "all"},
        body=lambda w: {"muc_dich": "kiểm tra phạm vi", "dinh_dang": "csv"},
    ),
    "exports:list_export": Rule(  # the cadre list's file: nothing of commune A in it for the outsider
        outsider=NO_LEAK,
        method="post",
        kwargs=lambda w: {"slug": "can-bo"},
        body=lambda w: {"muc_dich": "kiểm tra phạm vi", "dinh_dang": "csv"},
    ),
    "exports:indicator_export": Rule(
        method="post",
        query=lambda w: {"org": w["commune_a"].pk},
        body=lambda w: {"muc_dich": "kiểm tra phạm vi", "dinh_dang": "csv"},
    ),
    "exports:job_detail": Rule(kwargs=lambda w: {"pk": w["export_job"].pk}),  # the requester's only
    "exports:job_download": Rule(kwargs=lambda w: {"pk": w["export_job"].pk}),
    "api:openapi-json": Rule(anonymous=PUBLIC, outsider=NO_LEAK),
    "api:openapi-view": Rule(anonymous=PUBLIC, outsider=NO_LEAK),
    "api:api-root": Rule(anonymous=NOT_FOUND),  # ninja's bare prefix: nothing there for anyone
    "api:org_tree": Rule(anonymous=API_401, query=lambda w: {"root": w["commune_a"].pk}),
    "api:org_detail": Rule(anonymous=API_401, kwargs=lambda w: {"org_id": w["commune_a"].pk}),
    "api:org_establish": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"org_id": w["commune_a"].pk},
        method="post",
        query=lambda w: {"code": "NGOAI-1", "name": "Chi bộ Ngoài", "org_type": "subordinate_cell", "on": "2024-01-02"},
    ),
    "api:org_sector_change": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"org_id": w["commune_a"].pk},
        method="post",
        query=lambda w: {"sector": "commune_ward", "on": "2024-01-02"},
    ),
    "api:enterprise_list": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:enterprise_detail": Rule(anonymous=API_401, kwargs=lambda w: {"enterprise_id": w["enterprise"].pk}),
    "api:enterprise_register": Rule(
        anonymous=API_401,
        outsider=NO_LEAK,
        method="post",  # 404 for commune A's locality, nothing written
        query=lambda w: {
            "name": "Công ty Ngoài",
            "sector": "private_enterprise",
            "locality_id": w["commune_a"].pk,
            "registered_on": "2024-01-02",
        },
    ),
    "api:enterprise_change": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"enterprise_id": w["enterprise"].pk},
        method="post",
        query=lambda w: {"on": "2024-01-02", "name": "Tên khác"},
    ),
    "api:enterprise_close": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"enterprise_id": w["enterprise"].pk},
        method="post",
        query=lambda w: {"on": "2024-01-02", "reason": "Giải thể"},
    ),
    "api:enterprise_party_org": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"enterprise_id": w["enterprise"].pk},
        method="post",
        query=lambda w: {"party_org_id": w["cell_a1"].pk, "on": "2024-01-02"},
    ),
    "api:member_list": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"q": "bi mat", "status": "all"}),
    "api:member_admit": Rule(
        anonymous=API_401,
        outsider=NO_LEAK,
        method="post",  # 422 "Không tìm thấy tổ chức", nothing written
        query=lambda w: {
            "full_name": "Người Ngoài",
            "sex": "M",
            "birth_year": 1990,
            "cell_id": w["cell_a1"].pk,
            "decided_on": "2024-01-02",
        },
    ),
    "api:member_detail": Rule(anonymous=API_401, kwargs=lambda w: {"member_id": w["member"].pk}),
    "api:member_events": Rule(anonymous=API_401, kwargs=lambda w: {"member_id": w["member"].pk}),
    "api:member_record_event": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"member_id": w["member"].pk},
        method="post",
        query=lambda w: {"type": "death", "on": "2024-01-02"},
    ),
    "api:event_correct": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"event_id": w["event"].pk},
        method="post",
        query=lambda w: {"reason": "ghi nhầm"},
    ),
    "api:handbook_account": Rule(anonymous=API_401, kwargs=lambda w: {"member_id": w["member"].pk}),
    "api:handbook_open": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"member_id": w["member"].pk},
        method="post",
        query=lambda w: {"on": "2024-01-02"},
    ),
    "api:handbook_close": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"member_id": w["member"].pk},
        method="post",
        query=lambda w: {"on": "2024-01-02"},
    ),
    "api:transfer_list": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"box": "outgoing"}),
    "api:transfer_detail": Rule(anonymous=API_401, kwargs=lambda w: {"transfer_id": w["transfer"].pk}),
    "api:transfer_issue": Rule(
        anonymous=API_401,
        outsider=NO_LEAK,
        method="post",  # 404: the member is not in scope, nothing written
        query=lambda w: {
            "member_id": w["member"].pk,
            "letter_number": "01-GGT",
            "on": "2024-01-02",
            "to_text": "Nơi khác",
        },
    ),
    "api:transfer_receive": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"transfer_id": w["transfer"].pk},
        method="post",
        query=lambda w: {"cell_id": w["cell_b1"].pk, "on": "2024-01-02"},
    ),
    "api:transfer_return": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"transfer_id": w["transfer"].pk},
        method="post",
        query=lambda w: {"reason": "không nhận"},
    ),
    "api:cadre_list": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"q": "Quách"}),
    "api:cadre_detail": Rule(anonymous=API_401, kwargs=lambda w: {"cadre_id": w["cadre"].pk}),
    "api:cadre_decision_record": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {
            "number": "9-QĐ/TU",
            "signed_on": "2024-02-01",
            "body": "BTV",
            "org_id": w["commune_a"].pk,
            "actions": [
                {"cadre_id": w["cadre"].pk, "type": "appointment", "on": "2024-02-01", "title_id": w["cadre_title"].pk}
            ],
        },
    ),
    "api:cadre_figures": Rule(
        anonymous=API_401, query=lambda w: {"org_id": w["commune_a"].pk, "start": "2024-01-01", "end": "2024-12-31"}
    ),
    "api:staffing_agency_list": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"at": "2024-03-01"}),
    "api:staffing_figures": Rule(
        anonymous=API_401, kwargs=lambda w: {"agency_id": w["staffing_agency"].pk}, query=lambda w: {"at": "2024-03-01"}
    ),
    "api:staffing_allocation_list": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:staffing_allocation_create": Rule(
        anonymous=API_401,
        method="post",  # 404: the agency is not in scope, nothing written
        query=lambda w: {
            "year": 2024,
            "receiving_id": w["staffing_agency"].pk,
            "category": "cb_cc",
            "number": 4,
            "decision_number": "2-QĐ/ĐU",
            "decision_date": "2024-03-01",
            "allocating_label": "Huyện ủy",
        },
    ),
    "api:staffing_headcount_record": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"agency_id": w["staffing_agency"].pk},
        method="post",
        query=lambda w: {"category": "cb_cc", "on": "2024-03-01", "count": 3, "source": "Báo cáo"},
    ),
    "api:staffing_restructuring": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:staffing_project_list": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:staffing_project_detail": Rule(anonymous=API_401, kwargs=lambda w: {"project_id": w["staffing_project"].pk}),
    "api:staffing_project_create": Rule(
        anonymous=API_401,
        method="post",  # 404: the organization is not in scope, nothing written
        query=lambda w: {
            "org_id": w["commune_a"].pk,
            "name": "Đề án",
            "model": "Văn phòng cấp xã",
            "units": [{"label": "Văn phòng"}],
        },
    ),
    "api:staffing_project_plan": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"project_id": w["staffing_project"].pk},
        method="post",
        query=lambda w: {
            "before": [{"agency_id": w["staffing_agency"].pk}],
            "after": [{"agency_id": w["staffing_agency"].pk}],
        },
    ),
    "api:staffing_project_approve": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"project_id": w["staffing_project"].pk},
        method="post",
        query=lambda w: {"decision_number": "3-QĐ/ĐU", "approved_on": "2024-03-01", "applied_on": "2024-04-01"},
    ),
    "api:staffing_project_apply": Rule(
        anonymous=API_401, kwargs=lambda w: {"project_id": w["staffing_project"].pk}, method="post"
    ),
    "api:staffing_project_unit_done": Rule(
        anonymous=API_401,
        method="post",
        kwargs=lambda w: {"project_id": w["staffing_project"].pk, "unit_id": w["staffing_project_unit"].pk},
        query=lambda w: {"done_on": "2024-03-01"},
    ),
    "api:staffing_catalogue_list": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:staffing_catalogue_detail": Rule(
        anonymous=API_401, kwargs=lambda w: {"catalogue_id": w["staffing_catalogue"].pk}
    ),
    "api:staffing_catalogue_create": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {
            "agency_id": w["staffing_agency"].pk,
            "name": "Danh mục",
            "positions": [{"name": "Văn thư", "category": "cb_cc", "number": 1}],
        },
    ),
    "api:staffing_catalogue_advance": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"catalogue_id": w["staffing_catalogue"].pk},
        method="post",
        query=lambda w: {"to": "submitted", "on": "2024-03-01"},
    ),
    "api:staffing_category_list": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:staffing_agency_kinds": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:dues_member_ledger": Rule(
        anonymous=API_401, kwargs=lambda w: {"member_id": w["member"].pk}, query=lambda w: {"year": 2024}
    ),
    "api:dues_mine": Rule(anonymous=API_401, outsider=OWN_ONLY, query=lambda w: {"year": 2024}),
    "api:dues_declaration_create": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"member_id": w["member"].pk},
        method="post",
        query=lambda w: {
            "category": "student",
            "valid_from": "2024-03-01",
            "declared_on": "2024-03-01",
            "source": "Bản kê khai",
        },
    ),
    "api:dues_payment_create": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"member_id": w["member"].pk},
        method="post",
        query=lambda w: {
            "from_month": "2024-03-01",
            "to_month": "2024-03-01",
            "amount": 20000,
            "paid_on": "2024-03-05",
        },
    ),
    "api:dues_relief_create": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"member_id": w["member"].pk},
        method="post",
        query=lambda w: {
            "kind": "deferral",
            "from_month": "2024-03-01",
            "to_month": "2024-04-01",
            "reason": "Ốm",
            "decision_no": "1-BB",
            "decided_on": "2024-03-01",
        },
    ),
    "api:dues_sheet": Rule(anonymous=API_401, query=lambda w: {"org_id": w["cell_a1"].pk, "month": "2024-02-01"}),
    "api:dues_close": Rule(
        anonymous=API_401, method="post", query=lambda w: {"org_id": w["cell_a1"].pk, "month": "2024-03-01"}
    ),
    "api:dues_reopen": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {"org_id": w["cell_a1"].pk, "month": "2024-02-01", "reason": "Ghi sót biên lai"},
    ),
    "api:dues_closing_status": Rule(
        anonymous=API_401, query=lambda w: {"org_id": w["commune_a"].pk, "month": "2024-02-01"}
    ),
    "api:dues_org_ledger": Rule(
        anonymous=API_401, kwargs=lambda w: {"org_id": w["commune_a"].pk}, query=lambda w: {"until": "2024-12-31"}
    ),
    "api:dues_arrears": Rule(anonymous=API_401, query=lambda w: {"org_id": w["commune_a"].pk, "year": 2024}),
    "api:dues_summary": Rule(
        anonymous=API_401, query=lambda w: {"org_id": w["commune_a"].pk, "first": "2024-01-01", "last": "2024-12-01"}
    ),
    "api:meeting_list": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"year": 2024}),
    "api:meeting_figures": Rule(anonymous=API_401, query=lambda w: {"org_id": w["commune_a"].pk, "year": 2024}),
    "api:meeting_detail": Rule(anonymous=API_401, kwargs=lambda w: {"meeting_id": w["meeting"].pk}),
    "api:meeting_create": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {
            "org_id": w["cell_a1"].pk,
            "kind": "monthly",
            "planned_on": "2024-03-05",
            "held_on": "2024-03-05",
        },
    ),
    "api:meeting_attendance": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"meeting_id": w["meeting"].pk},
        method="post",
        query=lambda w: {"attendance": [{"member_id": w["member"].pk, "presence": "unexcused"}]},
    ),
    "api:meeting_guests": Rule(anonymous=API_401, kwargs=lambda w: {"meeting_id": w["meeting"].pk}),
    "api:meeting_guest_record": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"meeting_id": w["meeting"].pk},
        method="post",
        query=lambda w: {"seat_id": w["committee_seat"].pk, "attended": False},
    ),
    "api:committee_seats": Rule(anonymous=API_401, query=lambda w: {"committee_id": w["commune_a"].pk, "year": 2024}),
    "api:committee_seat_add": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {"committee_id": w["cell_a1"].pk, "member_id": w["member"].pk, "valid_from": "2024-06-01"},
    ),
    "api:committee_seat_end": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"seat_id": w["committee_seat"].pk},
        method="post",
        query=lambda w: {"valid_to": "2024-12-31"},
    ),
    "api:channel_list_api": Rule(anonymous=API_401, query=lambda w: {"org_id": w["commune_a"].pk}),
    "api:channel_create_api": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {"org_id": w["commune_a"].pk, "kind": "webhook", "target": "http://chat.local/hooks/x"},
    ),
    "api:channel_update_api": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"channel_id": w["org_channel"].pk},
        method="patch",
        query=lambda w: {"enabled": False},
    ),
    "api:channel_delete_api": Rule(
        anonymous=API_401, kwargs=lambda w: {"channel_id": w["org_channel"].pk}, method="delete"
    ),
    "api:channel_test_api": Rule(
        anonymous=API_401, kwargs=lambda w: {"channel_id": w["org_channel"].pk}, method="post"
    ),
    "api:channel_log_api": Rule(anonymous=API_401, kwargs=lambda w: {"channel_id": w["org_channel"].pk}),
    "api:handbook_coverage": Rule(anonymous=API_401, query=lambda w: {"org_id": w["commune_a"].pk, "on": "2024-03-01"}),
    "api:correction_list": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:correction_create": Rule(  # the member themself only (no member profile: 404)
        anonymous=API_401,
        outsider=OWN_ONLY,
        method="post",
        query=lambda w: {"field": "hometown", "requested_value": "Xã An Bình, Hà Nam"},
    ),
    "api:correction_accept": Rule(
        anonymous=API_401, kwargs=lambda w: {"request_id": w["correction_request"].pk}, method="post"
    ),
    "api:correction_refuse": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"request_id": w["correction_request"].pk},
        method="post",
        query=lambda w: {"reason": "Không có căn cứ"},
    ),
    "api:notice_list": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:my_notices": Rule(anonymous=API_401, outsider=OWN_ONLY),
    "api:my_notice_read": Rule(anonymous=API_401, kwargs=lambda w: {"notice_id": w["notice"].pk}, method="post"),
    "api:my_notice_studied_api": Rule(anonymous=API_401, kwargs=lambda w: {"notice_id": w["notice"].pk}, method="post"),
    "api:notice_create_api": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {"org_id": w["commune_a"].pk, "audience_org_id": w["commune_a"].pk, "title": "Thông báo"},
    ),
    "api:notice_detail_api": Rule(anonymous=API_401, kwargs=lambda w: {"notice_id": w["notice"].pk}),
    "api:notice_studied_api": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"notice_id": w["notice"].pk},
        method="post",
        query=lambda w: {"member_ids": [w["member"].pk], "on": "2024-06-01"},
    ),
    "api:cadre_eligibility": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"cadre_id": w["cadre"].pk},
        query=lambda w: {"title_id": w["cadre_title"].pk, "kind": "appointment", "received_on": "2024-06-01"},
    ),
    "api:cadre_course_list": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:cadre_course_create": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {
            "org_id": w["commune_a"].pk,
            "name": "Lớp",
            "kind": "theory",
            "level": "cao_cap",
            "starts_on": "2024-09-01",
        },
    ),
    "api:cadre_course_detail": Rule(anonymous=API_401, kwargs=lambda w: {"course_id": w["training_course"].pk}),
    "api:cadre_course_enrol": Rule(
        anonymous=API_401,
        method="post",
        kwargs=lambda w: {"course_id": w["training_course"].pk},
        query=lambda w: {"cadre_id": w["cadre"].pk, "sent_on": "2024-09-01"},
    ),
    "api:cadre_enrolment_result": Rule(
        anonymous=API_401,
        method="post",
        kwargs=lambda w: {"enrolment_id": w["training_enrolment"].pk},
        query=lambda w: {"result": "passed", "completed_on": "2024-12-01"},
    ),
    "api:cadre_training": Rule(anonymous=API_401, kwargs=lambda w: {"cadre_id": w["cadre"].pk}),
    "api:cadre_salary": Rule(anonymous=API_401, kwargs=lambda w: {"cadre_id": w["cadre"].pk}),
    "api:cadre_salary_record": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {"cadre_id": w["cadre"].pk, "type": "allowance", "on": "2024-06-01", "allowance": "Chức vụ"},
    ),
    "api:cadre_salary_void": Rule(
        anonymous=API_401,
        method="post",
        kwargs=lambda w: {"salary_event_id": w["salary_event"].pk},
        query=lambda w: {"reason": "Ghi nhầm quyết định"},
    ),
    "api:cadre_kinship_check": Rule(
        anonymous=API_401, query=lambda w: {"org_id": w["commune_a"].pk, "at": "2024-06-01"}
    ),
    "api:cadre_training_needs": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"year": 2025}),
    "api:cadre_training_need_register": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {"org_id": w["commune_a"].pk, "year": 2025, "kind": "theory", "level": "cao_cap", "count": 2},
    ),
    "api:cadre_raises_due": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"at": "2030-01-01"}),
    "api:cadre_delegation_list": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"at": "2024-06-01"}),
    "api:cadre_delegation_set": Rule(
        anonymous=API_401,
        method="post",
        query=lambda w: {
            "province_id": w["commune_a"].pk,
            "title_group": "Cấp xã",
            "action": "appointment",
            "decides": "Đảng ủy xã",
            "valid_from": "2025-01-01",
        },
    ),
    "api:cadre_relations": Rule(anonymous=API_401, kwargs=lambda w: {"cadre_id": w["cadre"].pk}),
    "api:cadre_relation_add": Rule(
        anonymous=API_401,
        method="post",
        kwargs=lambda w: {"cadre_id": w["cadre"].pk},
        query=lambda w: {"relationship": "child", "relative_name": "Con"},
    ),
    "api:vote_campaign_list": Rule(anonymous=API_401, outsider=NO_LEAK),
    "api:vote_campaign_detail": Rule(anonymous=API_401, kwargs=lambda w: {"campaign_id": w["vote_campaign"].pk}),
    "api:political_case_list": Rule(anonymous=API_401, role=PROTECTOR),
    "api:political_case_figure": Rule(
        anonymous=API_401,
        role=PROTECTOR,
        query=lambda w: {"org_id": w["commune_a"].pk, "start": "2024-01-01", "end": "2024-12-31"},
    ),
    "api:political_case_detail": Rule(
        anonymous=API_401, role=PROTECTOR, kwargs=lambda w: {"case_id": w["political_case"].pk}
    ),
    "api:political_case_record": Rule(
        anonymous=API_401,
        role=PROTECTOR,
        method="post",
        query=lambda w: {
            "org_id": w["commune_a"].pk,
            "purpose": "admission",
            "conclusion": "meets",
            "concluding_body": "Ban Tổ chức",
            "concluded_on": "2024-01-02",
            "subject_name": "Người Ngoài",
            "subject_birth_date": "2000-01-01",
        },
    ),
    "api:plan_document_list": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"q": "an binh"}),
    "api:plan_document_detail": Rule(anonymous=API_401, kwargs=lambda w: {"doc_id": w["plan"].pk}),
    "api:plan_task_list": Rule(anonymous=API_401, outsider=NO_LEAK, query=lambda w: {"mine": False}),
    "api:plan_task_detail": Rule(anonymous=API_401, kwargs=lambda w: {"task_id": w["task"].pk}),
    "api:plan_progress_report": Rule(
        anonymous=API_401,
        kwargs=lambda w: {"task_id": w["task"].pk},
        method="post",
        query=lambda w: {"org_id": w["cell_a1"].pk, "status": "done", "percent": 100},
    ),
}


ADMIN_PREFIX = "quan-tri/"  # Django's admin site: its own permission system (staff only)


def _walk(patterns, namespace: str | None = None, prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, p.namespace or namespace, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace and p.name else p.name), prefix + str(p.pattern)


def _route_names() -> set[str | None]:
    return {name for name, route in _walk(get_resolver().url_patterns) if not route.startswith(ADMIN_PREFIX)}


def test_every_route_has_a_name_and_a_scope_rule():
    names = _route_names()
    assert None not in names, "every route needs a name (pretix's test_urls rule)"
    missing = sorted(names - ROUTES.keys())
    assert not missing, f"routes without a scope rule in tests/test_route_scope.py: {missing}"
    stale = sorted(ROUTES.keys() - names)
    assert not stale, f"rules for routes that no longer exist: {stale}"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(tree, system_user, commune_officer, outsider):
    member = member_admit(
        actor=system_user,
        profile=ProfileInput(
            full_name=SECRET_NAME, birth_year=1990, sex="F", citizen_id=SECRET_CID, party_card_number=SECRET_CARD
        ),
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
    )
    # a letter of another commune-A member addressed inside commune A (the outsider is not the destination)
    mover = member_admit(
        actor=system_user,
        profile=ProfileInput(full_name="Lê Văn Chuyển", birth_year=1991, sex="M"),
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
    )
    transfer = transfer_issue(
        actor=system_user,
        member=mover,
        data=LetterInput(on=date(2024, 3, 4), letter_number="12-GGT/ĐU", to_org=tree["cell_a2"]),
    )
    token, _ = token_create(commune_officer, name="của xã A", days=30)
    from dangbo.imports.models import ImportJob

    job = ImportJob.objects.create(uploaded_by=commune_officer, **_job_fields(ImportJob))
    from dangbo.imports.models import ColumnMapping

    column_mapping = ColumnMapping.objects.create(
        org=tree["commune_a"], layout_key="x", mapping={"ho ten dv": "full_name"}, created_by=commune_officer
    )
    plans = _plans_world(system_user, commune_officer, tree)
    grading = _grading_world(system_user, tree, member)
    reports = _reports_world(tree)
    cadres = _cadres_world(system_user, tree, member)
    staffing = _staffing_world(system_user, tree)
    meetings = _meetings_world(system_user, tree, commune_officer)
    dues = _dues_world(system_user, member, tree, commune_officer)
    export_job = _export_job(commune_officer)
    channels = _channels_world(system_user, tree)
    return {
        "export_job": export_job,
        **channels,
        **meetings,
        **dues,
        **cadres,
        **staffing,
        **plans,
        **grading,
        **reports,
        **tree,
        "member": member,
        "transfer": transfer,
        "event": MemberEvent.objects.filter(member=member).order_by("id").last(),
        "org_event": OrgEvent.objects.filter(org=tree["commune_a"]).order_by("id").first(),
        "enterprise": _enterprise(tree),
        "token": token,
        "job": job,
        "column_mapping": column_mapping,
        "insider": commune_officer,
        "outsider": outsider,
    }


def _plans_world(system_user, insider, tree) -> dict[str, Any]:
    """A plan of commune A with one task for its cell, a progress report with evidence, a notification."""
    from django.core.files.base import ContentFile

    from dangbo.plans.services import (
        DocumentInput,
        TaskInput,
        document_register,
        notification_create,
        progress_report_submit,
        task_create,
    )

    plan = document_register(
        actor=system_user,
        data=DocumentInput(
            number="03-KH/ĐU",
            issued_on=date(2024, 1, 5),
            issuer="Đảng ủy xã An Bình",
            doc_type="ke_hoach",
            title="Kế hoạch của Đảng bộ xã An Bình",
            owner_org_id=tree["commune_a"].pk,
        ),
        file=ContentFile(b"ke hoach", name="ke-hoach.txt"),
    )
    task = task_create(
        actor=system_user,
        plan=plan,
        data=TaskInput(
            content="Việc của Chi bộ thôn 1", deadline_text="Quý II/2024", implementing_org_ids=[tree["cell_a1"].pk]
        ),
    )
    report = progress_report_submit(
        actor=system_user,
        task=task,
        org_id=tree["cell_a1"].pk,
        status="done",
        percent=100,
        text="Đã xong",
        reported_on=date(2024, 3, 1),
        files=[ContentFile(b"minh chung", name="minh-chung.txt")],
    )
    note = notification_create(user=insider, key="thu", message="Nhắc việc của Chi bộ thôn 1", task=task)
    return {
        "plan": plan,
        "task": task,
        "progress_report": report,
        "evidence": report.evidence.first(),
        "notification": note,
    }


def _meetings_world(system_user, tree, insider) -> dict[str, Any]:
    """A meeting of cell A1 held on 05/02/2024 with the secret member on its list; the secret
    member sits on commune A's committee and attended that meeting as its guest; an e-handbook
    upload of commune A's officer."""
    from dangbo.meetings.services import MeetingInput, meeting_create

    meeting = meeting_create(
        actor=system_user,
        data=MeetingInput(
            org_id=tree["cell_a1"].pk,
            kind="monthly",
            planned_on=date(2024, 2, 5),
            held_on=date(2024, 2, 5),
            agenda="Họp chi bộ thôn 1",
        ),
    )
    from dangbo.meetings.models import CorrectionRequest
    from dangbo.notifications.notices import NoticeInput, notice_send

    notice = notice_send(
        actor=system_user,
        data=NoticeInput(
            org_id=tree["commune_a"].pk, audience_org_id=tree["commune_a"].pk, title="Thông báo của Đảng bộ xã An Bình"
        ),
    )
    member = Member.objects.get(full_name=SECRET_NAME)
    correction = CorrectionRequest.objects.create(member=member, field="hometown", requested_value="Xã An Bình")
    from dangbo.meetings.guests import guest_record, seat_add
    from dangbo.meetings.models import HandbookImportJob

    seat = seat_add(
        actor=system_user, committee_id=tree["commune_a"].pk, member_id=member.pk, valid_from=date(2020, 2, 1)
    )
    guest = guest_record(actor=system_user, meeting=meeting, seat_id=seat.pk)
    handbook_job = HandbookImportJob.objects.create(
        file_path="/nowhere/so-tay.csv", original_name="so-tay.csv", uploaded_by=insider
    )
    return {
        "meeting": meeting,
        "attendance": meeting.attendances.order_by("id").first(),
        "notice": notice,
        "correction_request": correction,
        "committee_seat": seat,
        "meeting_guest": guest,
        "handbook_job": handbook_job,
    }


def _channels_world(system_user, tree) -> dict[str, Any]:
    """A chat webhook channel of commune A (named after it) with one queued test message."""
    from dangbo.notifications.delivery import channel_create, channel_test

    channel = channel_create(
        actor=system_user,
        org_id=tree["commune_a"].pk,
        kind="webhook",
        target="http://chat.anbinh.local/hooks/bimat",
        label="Nhóm Đảng bộ xã An Bình",
    )
    return {"org_channel": channel, "channel_delivery": channel_test(actor=system_user, channel=channel)}


def _dues_world(system_user, member, tree, insider) -> dict[str, Any]:
    """The secret member's dues declaration and a payment at cell A1 for January–February 2024,
    a deferral for May 2024, cell A1's closing of February 2024 (with its ledger entries) and a
    portal import uploaded by commune A's officer."""
    from dangbo.dues import facts
    from dangbo.dues.models import DuesImportJob, DuesMonthFact
    from dangbo.dues.services import (
        DeclarationInput,
        PaymentInput,
        ReliefInput,
        declaration_record,
        month_close,
        month_reopen,
        payment_record,
        relief_record,
    )

    facts.rebuild_all()  # the stored dues facts, kept from here on by the services
    declaration = declaration_record(
        actor=system_user,
        member=member,
        data=DeclarationInput(
            category="pension",
            base=4_000_000,
            valid_from=date(2024, 1, 1),
            declared_on=date(2024, 1, 2),
            source="Bản kê khai của đảng viên",
        ),
    )
    payment = payment_record(
        actor=system_user,
        member=member,
        data=PaymentInput(
            from_month=date(2024, 1, 1), to_month=date(2024, 2, 1), amount=40_000, paid_on=date(2024, 2, 5)
        ),
    )
    relief = relief_record(
        actor=system_user,
        member=member,
        data=ReliefInput(
            kind="deferral",
            from_month=date(2024, 5, 1),
            to_month=date(2024, 5, 1),
            reason="Ốm dài ngày",
            decision_no="02-BB/CB",
            decided_on=date(2024, 4, 20),
        ),
    )
    close = month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=date(2024, 2, 1), on=date(2024, 2, 29))
    month_close(actor=system_user, org_id=tree["cell_a1"].pk, month=date(2024, 1, 1), on=date(2024, 1, 31))
    reopening = month_reopen(
        actor=system_user,
        org_id=tree["cell_a1"].pk,
        month=date(2024, 1, 1),
        reason="Ghi sót biên lai",
        on=date(2024, 2, 1),
    )
    job = DuesImportJob.objects.create(
        file_path="/nonexistent.csv",
        original_name="dvc.csv",
        uploaded_by=insider,
        status="checked",
        report={"total": 0},
    )
    return {
        "dues_declaration": declaration,
        "dues_payment": payment,
        "dues_allocation": payment.allocations.order_by("id").first(),
        "dues_relief": relief,
        "dues_close": close,
        "dues_entry": close.entries.order_by("id").first(),
        "dues_import_job": job,
        "dues_reopen": reopening,
        "dues_fact": DuesMonthFact.objects.get(member_id=member.pk, month=date(2024, 2, 1)),
    }


def _cadres_world(system_user, tree, member) -> dict[str, Any]:
    """A cadre of commune A (the member, by the secret name) appointed by a decision of commune A,
    in commune A's planning for 2025–2030."""
    from dangbo.cadres.models import PlanningTerm, Title
    from dangbo.cadres.services import (
        ActionInput,
        CadreInput,
        DecisionInput,
        cadre_create,
        decision_record,
        planning_add,
    )

    title = Title.objects.create(
        province=tree["province"], code="BT-XA", name="Bí thư Đảng ủy xã", is_head=True, valid_from=date(2015, 1, 1)
    )
    # A catalogue row kept by commune A (written directly: the service keeps catalogues for
    # provinces only, and the one province here is read by the outsider too, who works in it).
    catalogue_title = Title.objects.create(
        province=tree["commune_a"],
        code="CD-XA-A",
        is_head=False,
        name="Chức danh riêng của Đảng bộ xã An Bình",
        valid_from=date(2015, 1, 1),
    )
    cadre = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name=SECRET_NAME,
            birth_date=date(1990, 5, 5),
            sex="F",
            managing_org_id=tree["commune_a"].pk,
            member_id=member.pk,
        ),
    )
    decision = decision_record(
        actor=system_user,
        data=DecisionInput(
            number="5-QĐ/ĐU",
            signed_on=date(2024, 1, 10),
            body="Đảng ủy xã An Bình",
            org_id=tree["commune_a"].pk,
            actions=[ActionInput(cadre_id=cadre.pk, type="appointment", on=date(2024, 1, 10), title_id=title.pk)],
        ),
    )
    term = PlanningTerm.objects.create(org=tree["commune_a"], name="2025–2030", start_year=2025, end_year=2030)
    entry = planning_add(actor=system_user, term=term, cadre=cadre, title=title, on=date(2024, 2, 1))
    from django.contrib.auth import get_user_model

    from dangbo.access.models import Role, RoleAssignment
    from dangbo.cadres.political import PoliticalCaseInput, political_case_record

    protector = get_user_model().objects.create_user("bvct_xa_a", password="Kiemthu@2026x")
    RoleAssignment.objects.create(
        user=protector, role=Role.POLITICAL_PROTECTION, org=tree["commune_a"], valid_from=date(2015, 1, 1)
    )
    political_case = political_case_record(
        actor=protector,
        data=PoliticalCaseInput(
            org_id=tree["commune_a"].pk,
            cadre_id=cadre.pk,
            purpose="appointment",
            conclusion="meets",
            concluding_body="Đảng ủy xã An Bình",
            concluded_on=date(2024, 3, 1),
        ),
    )
    from dangbo.cadres.votes import BallotInput, campaign_open, result_record, unit_set

    campaign = campaign_open(actor=system_user, org_id=tree["commune_a"].pk, year=2024, name="Lấy phiếu xã A")
    unit = unit_set(
        actor=system_user, campaign=campaign, name="Đảng bộ xã An Bình", status="done", held_on=date(2024, 6, 1)
    )
    result_record(
        actor=system_user,
        unit=unit,
        data=BallotInput(
            cadre_id=cadre.pk,
            title_id=title.pk,
            voter_group="committee",
            summoned=15,
            attended=15,
            valid=15,
            high=10,
            medium=3,
            low=2,
            held_on=date(2024, 6, 1),
        ),
    )
    from dangbo.cadres.training import SalaryInput, course_create, enrol, salary_record

    course = course_create(
        actor=system_user,
        org_id=tree["commune_a"].pk,
        name="Trung cấp LLCT xã A",
        kind="theory",
        level="trung_cap",
        starts_on=date(2024, 3, 1),
    )
    enrolment = enrol(actor=system_user, course=course, cadre_id=cadre.pk, sent_on=date(2024, 3, 1))
    salary_event = salary_record(
        actor=system_user,
        data=SalaryInput(
            cadre_id=cadre.pk, type="rank_appointment", on=date(2024, 1, 10), rank_name="Chuyên viên", step=1
        ),
    )
    from dangbo.cadres.training import need_register

    training_need = need_register(
        actor=system_user,
        org_id=tree["commune_a"].pk,
        year=2025,
        kind="theory",
        level="trung_cap",
        count=3,
        note="Quách đăng ký",
    )
    from dangbo.cadres.kinship import delegation_set, relation_add

    delegation = delegation_set(
        actor=system_user,
        province_id=tree["commune_a"].pk,
        title_group="Cấp xã",
        action="appointment",
        decides="Ban Thường vụ Đảng ủy xã",
        valid_from=date(2024, 1, 1),
    )
    relation = relation_add(actor=system_user, cadre_id=cadre.pk, relationship="spouse", relative_name="Người Thân")
    return {
        "cadre": cadre,
        "cadre_title": title,
        "catalogue_title": catalogue_title,
        "cadre_decision": decision,
        "planning_term": term,
        "cadre_delegation": delegation,
        "family_relation": relation,
        "planning_entry": entry,
        "protector": protector,
        "political_case": political_case,
        "vote_campaign": campaign,
        "vote_unit": unit,
        "training_course": course,
        "training_enrolment": enrolment,
        "salary_event": salary_event,
        "training_need": training_need,
    }


def _staffing_world(system_user, tree) -> dict[str, Any]:
    """Commune A's party office as an agency (named after commune A), with its 2021 baseline, the
    2024 quota it received, a headcount and a restructuring project of commune A."""
    from dangbo.staffing.models import AgencyVersion, Baseline
    from dangbo.staffing.services import (
        AllocationInput,
        PositionInput,
        UnitInput,
        agency_create,
        baseline_set,
        catalogue_create,
        ensure_categories,
        headcount_record,
        project_create,
        quota_allocate,
    )

    cb = ensure_categories()["cb_cc"]
    agency = agency_create(
        actor=system_user,
        code="X01-VP",
        name="Văn phòng Đảng bộ xã An Bình",
        managing_org_id=tree["commune_a"].pk,
        on=date(2015, 1, 1),
    )
    baseline_set(actor=system_user, agency=agency, category=cb, year=2021, number=5)
    allocation = quota_allocate(
        actor=system_user,
        data=AllocationInput(
            year=2024,
            receiving_id=agency.pk,
            category_id=cb.pk,
            number=5,
            decision_number="1-QĐ/ĐU",
            decision_date=date(2024, 1, 2),
            allocating_label="Huyện ủy",
        ),
    )
    headcount = headcount_record(
        actor=system_user, agency=agency, category=cb, on=date(2024, 1, 2), count=4, source="Báo cáo"
    )
    project = project_create(
        actor=system_user,
        org_id=tree["commune_a"].pk,
        name="Đề án sắp xếp xã An Bình",
        model="Văn phòng cấp xã",
        units=[UnitInput(label="Văn phòng Đảng bộ xã An Bình")],
    )
    return {
        "staffing_agency": agency,
        "staffing_agency_version": AgencyVersion.objects.get(agency=agency),
        "staffing_allocation": allocation,
        "staffing_headcount": headcount,
        "staffing_baseline": Baseline.objects.get(agency=agency),
        "staffing_project": project,
        "staffing_project_unit": project.units.get(),
        "staffing_catalogue": catalogue_create(
            actor=system_user,
            agency=agency,
            name="Danh mục vị trí việc làm",
            positions=[PositionInput("Chánh Văn phòng", cb.pk, 1)],
        ),
    }


def _grading_world(system_user, tree, member) -> dict[str, Any]:
    """Commune A's own 2024 grading campaign with the member's self-assessment and its document,
    and a reminder addressed to commune A (the notifications page must not show it to others)."""
    from django.core.files.base import ContentFile

    from dangbo.grading.services import campaign_open, step_record

    campaign = campaign_open(
        actor=system_user,
        year=2024,
        root_org=tree["commune_a"],
        opens_on=date(2024, 11, 15),
        self_assessment_due=date(2024, 11, 30),
        cell_meeting_due=date(2024, 12, 10),
        decision_due=date(2024, 12, 20),
        deadline=date(2024, 12, 25),
    )
    record = step_record(
        actor=system_user,
        campaign=campaign,
        step="self",
        member=member,
        grade="good",
        on=date(2024, 11, 20),
        document=ContentFile(b"ban kiem diem", name="kiem-diem.txt"),
    )
    from dangbo.notifications.services import notify

    notify(
        kind="grading.late",
        key="grading.late:thu",
        org_id=tree["commune_a"].pk,
        target=campaign,
        message="Đảng bộ xã An Bình: đã quá hạn hoàn thành đánh giá, xếp loại năm 2024.",
    )
    return {"campaign": campaign, "grading_record": record}


def _enterprise(tree):
    """An enterprise of commune A's locality (the enterprise register, R-014)."""
    from dangbo.orgs.models import Enterprise

    return Enterprise.objects.create(
        name="Công ty TNHH " + SECRET_NAME,
        sector="private_enterprise",
        locality=tree["commune_a"],
        registered_on=date(2020, 1, 1),
    )


def _reports_world(tree) -> dict[str, Any]:
    """Commune A's periodic report for 2024 and its own DOCX template."""
    from dangbo.reports.models import PeriodKind, ReportPeriod, ReportSubmission, ReportTemplate

    period = ReportPeriod.objects.create(
        kind=PeriodKind.YEAR, year=2024, start=date(2024, 1, 1), cutoff=date(2024, 12, 31), due_on=date(2025, 1, 15)
    )
    submission = ReportSubmission.objects.create(org=tree["commune_a"], period=period, org_name="Đảng bộ xã An Bình")
    template = ReportTemplate.objects.create(org=tree["commune_a"], content=b"docx", filename="mau.docx")
    return {"report_submission": submission, "report_template": template}


def _export_job(requester):
    """A finished export of commune A's officer, its file written (the secret name in it)."""
    from pathlib import Path

    from django.conf import settings

    from dangbo.exports.models import ExportJob

    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "thu.csv"
    path.write_text(f"{SECRET_NAME};{SECRET_CID}\r\n", encoding="utf-8")
    return ExportJob.objects.create(
        requester=requester,
        purpose="kiểm tra phạm vi",
        fmt="csv",
        status="done",
        filters={"at": "2024-06-01"},
        file_path=str(path),
        file_name="thu.csv",
        processed_rows=1,
        total_rows=1,
    )


def _job_fields(model) -> dict[str, Any]:
    """Whatever ImportJob requires besides the uploader, filled with harmless values."""
    from django.core.files.base import ContentFile

    fields: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.null or f.has_default() or getattr(f, "auto_now_add", False) or f.name == "uploaded_by":
            continue
        if f.get_internal_type() == "FileField":
            fields[f.name] = ContentFile(b"x", name="thu.csv")
        elif f.get_internal_type() in ("CharField", "TextField"):
            fields[f.name] = f.choices[0][0] if f.choices else "thu.csv"
        elif f.get_internal_type() == "JSONField":
            fields[f.name] = {}
        elif "Integer" in f.get_internal_type():
            fields[f.name] = 0
    return fields


def _call(client, name: str, rule: Rule, w):
    url = reverse(name, kwargs=rule.kwargs(w))
    if rule.method == "post" and rule.body is not None:
        return client.post(f"{url}?{urlencode(rule.query(w))}", rule.body(w))
    if rule.method == "post":
        return (
            client.post(url, rule.query(w), content_type="application/json")
            if name.startswith("api:")
            else client.post(url, rule.query(w))
        )
    if rule.method in ("patch", "delete"):
        return getattr(client, rule.method)(url, rule.query(w), content_type="application/json")
    return client.get(url, rule.query(w))


def _leaks(response) -> list[str]:
    body = response.content.decode("utf-8", errors="replace") if response.content else ""
    return [s for s in (SECRET_NAME, SECRET_CID, SECRET_CARD, "Chi bộ thôn 1", "Đảng bộ xã An Bình") if s in body]


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_requests_get_nothing(client, world, name):
    rule = ROUTES[name]
    response = _call(client, name, rule, world)
    if rule.anonymous == LOGIN:
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
    elif rule.anonymous == API_401:
        assert response.status_code == 401, name
    elif rule.anonymous == NOT_FOUND:
        assert response.status_code == 404, name
    else:
        assert response.status_code in (200, 302, 405), name
    assert not _leaks(response), name


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_the_outsider_gets_not_found_or_nothing_of_commune_a(client, world, name):
    rule = ROUTES[name]
    client.force_login(world["outsider"])
    from dangbo.cadres.models import CadreAction, Decision, Title

    def counts():
        return (
            MemberEvent.objects.count(),
            Member.objects.count(),
            Decision.objects.count(),
            CadreAction.objects.count(),
            Title.objects.count(),
            Title.objects.filter(valid_to__isnull=False).count(),
        )

    before = counts()
    response = _call(client, name, rule, world)
    if rule.outsider == NOT_FOUND:
        assert response.status_code == 404, f"{name}: {response.status_code}"
    else:
        assert response.status_code in (200, 302, 400, 404, 422), f"{name}: {response.status_code}"
    assert not _leaks(response), f"{name} shows commune A's data to the outsider: {_leaks(response)}"
    assert counts() == before, f"{name} wrote something"


@pytest.mark.parametrize(
    "name",
    sorted(n for n, r in ROUTES.items() if r.outsider == NOT_FOUND and r.method == "get" and r.anonymous != NOT_FOUND),
)
def test_the_insider_reaches_every_object_route(client, world, name):
    rule = ROUTES[name]
    if name in ("audit:entry_list", "audit:my_views", "grading:self_assessment", "notifications:my_notice"):
        pytest.skip("administrators / the member themself only: tested in dangbo/audit/tests and dangbo/grading/tests")
    client.force_login(world[rule.role or "insider"])
    response = _call(client, name, rule, world)
    assert response.status_code in (200, 302), f"{name}: {response.status_code}"


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.role))
@pytest.mark.parametrize("who", ["insider", "province_officer", "administrator"])
def test_without_the_role_even_the_insider_and_the_administrator_get_not_found(
    client, world, name, who, officer, admin_user
):
    """Political-standard cases: commune A's officer, the province officer and a system
    administrator, none of them with the political-protection role, get 404 and nothing leaks;
    the attempt is in the audit log."""
    from dangbo.audit.models import AuditEntry
    from dangbo.cadres.models import PoliticalCase

    user = {"insider": world["insider"], "province_officer": officer, "administrator": admin_user}[who]
    client.force_login(user)
    before = PoliticalCase.objects.count()
    response = _call(client, name, ROUTES[name], world)
    assert response.status_code == 404, f"{name} {who}: {response.status_code}"
    assert not _leaks(response), name
    assert PoliticalCase.objects.count() == before
    assert AuditEntry.objects.filter(actor=user, action="read.political_case_denied").exists(), name


# Every object type the access policy knows (access.policy.scoped), with the world's object of
# that type (all of commune A, or of commune A's officer). A new type without a row fails.
OBJECTS: dict[str, str] = {
    "cadres.cadre": "cadre",
    "cadres.decision": "cadre_decision",
    "cadres.delegation": "cadre_delegation",
    "cadres.familyrelation": "family_relation",
    "cadres.planningentry": "planning_entry",
    "cadres.planningterm": "planning_term",
    "cadres.politicalcase": "political_case",
    "cadres.salaryevent": "salary_event",
    "cadres.title": "catalogue_title",
    "cadres.trainingcourse": "training_course",
    "cadres.trainingenrolment": "training_enrolment",
    "cadres.trainingneed": "training_need",
    "cadres.votecampaign": "vote_campaign",
    "grading.gradingcampaign": "campaign",
    "grading.gradingrecord": "grading_record",
    "dues.duesallocation": "dues_allocation",
    "dues.duesdeclaration": "dues_declaration",
    "dues.duesledgerentry": "dues_entry",
    "dues.duesmonthclose": "dues_close",
    "dues.duesmonthfact": "dues_fact",
    "dues.duesmonthreopen": "dues_reopen",
    "dues.duespayment": "dues_payment",
    "dues.duesrelief": "dues_relief",
    "exports.exportjob": "export_job",
    "imports.columnmapping": "column_mapping",
    "imports.importjob": "job",
    "meetings.attendance": "attendance",
    "meetings.committeeseat": "committee_seat",
    "meetings.handbookimportjob": "handbook_job",
    "meetings.meetingguest": "meeting_guest",
    "meetings.correctionrequest": "correction_request",
    "meetings.meeting": "meeting",
    "members.member": "member",
    "members.transfer": "transfer",
    "notifications.delivery": "channel_delivery",
    "notifications.notice": "notice",
    "notifications.orgchannel": "org_channel",
    "notifications.notification": "notification",
    "orgs.enterprise": "enterprise",
    "orgs.organization": "commune_a",
    "plans.document": "plan",
    "plans.evidence": "evidence",
    "plans.progressreport": "progress_report",
    "plans.task": "task",
    "reports.reportsubmission": "report_submission",
    "reports.reporttemplate": "report_template",
    "staffing.agency": "staffing_agency",
    "staffing.agencyversion": "staffing_agency_version",
    "staffing.baseline": "staffing_baseline",
    "staffing.jobcatalogue": "staffing_catalogue",
    "staffing.headcount": "staffing_headcount",
    "staffing.quotaallocation": "staffing_allocation",
    "staffing.restructuringproject": "staffing_project",
}


# Object types only a dedicated role sees (the world's user of that role).
ROLE_GATED: dict[str, str] = {"cadres.politicalcase": PROTECTOR}


def test_every_object_type_has_a_getter_in_the_access_policy():
    from dangbo.access import policy

    known = {m._meta.label_lower for m in policy.registered_types()}
    assert known == OBJECTS.keys(), f"object types without a row in OBJECTS: {sorted(known - OBJECTS.keys())}"


@pytest.mark.parametrize("label", sorted(OBJECTS))
def test_an_object_outside_the_scope_is_not_found_by_its_getter(world, label):
    """The one getter of each object type (access.policy.get_in_scope_or_404): 404 for the
    outsider, whether the object exists or not; the insider gets it."""
    from django.apps import apps
    from django.http import Http404

    from dangbo.access import policy

    model = apps.get_model(label)
    obj = world[OBJECTS[label]]
    for pk in (obj.pk, 10**9):
        with pytest.raises(Http404):
            policy.get_in_scope_or_404(model, world["outsider"], pk)
    insider = world[ROLE_GATED.get(label, "insider")]
    assert policy.get_in_scope_or_404(model, insider, obj.pk) == obj
    if label in ROLE_GATED:  # the insider without the role does not get it either
        with pytest.raises(Http404):
            policy.get_in_scope_or_404(model, world["insider"], obj.pk)
    assert not policy.for_user(model, world["outsider"]).filter(pk=obj.pk).exists()


def test_every_route_that_takes_an_object_hides_it_from_the_outsider():
    """A route with an object in its URL (or an organization in its query) is 404 for the
    outsider, never an empty 200 or a 403 that would confirm the object exists."""
    w = {
        key: _Stub()
        for key in (
            "member",
            "transfer",
            "event",
            "token",
            "job",
            "export_job",
            "plan",
            "task",
            "evidence",
            "notification",
            "campaign",
            "grading_record",
            "commune_a",
            "cell_a1",
            "org_event",
            "cadre",
            "cadre_title",
            "catalogue_title",
            "planning_term",
            "staffing_agency",
            "staffing_project",
            "staffing_catalogue",
            "meeting",
            "attendance",
            "enterprise",
            "political_case",
            "vote_campaign",
            "dues_import_job",
            "notice",
            "correction_request",
            "committee_seat",
            "handbook_job",
            "training_course",
            "training_enrolment",
            "staffing_project_unit",
            "salary_event",
            "org_channel",
        )
    }
    # Only an integer argument names an object: a slug names a kind of list (exports:list_export).
    lenient = {
        name
        for name, rule in ROUTES.items()
        if any(isinstance(v, int) for v in rule.kwargs(w).values()) and rule.outsider != NOT_FOUND
    }
    assert not lenient, f"routes taking an object that do not answer 404 to the outsider: {sorted(lenient)}"


class _Stub:
    pk = 1
