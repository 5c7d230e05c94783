"""Read models of the cases context, one module per screen."""

from core.services.cases.views.case_list import CaseFilter, CaseListPage, list_cases
from core.services.cases.views.case_page import (
    CaseOverview,
    CasePage,
    CommunicationView,
    HelperView,
    MemberView,
    PayerView,
    PersonRef,
    StaffView,
    build_overview,
    case_overview,
    case_page,
    member_view,
)
from core.services.cases.views.caseload import CaseSummary, by_name, caseload
from core.services.cases.views.history import HistoryEntry, case_history
from core.services.cases.views.members_on import members_on
from core.services.cases.views.organization_page import OrganizationCases, organization_page
from core.services.cases.views.person_page import (
    PersonCases,
    PersonPage,
    person_and_cases,
    person_cases,
    person_page,
    person_roles,
)

__all__ = [
    "CaseFilter",
    "CaseListPage",
    "CaseOverview",
    "CasePage",
    "CaseSummary",
    "CommunicationView",
    "HelperView",
    "HistoryEntry",
    "MemberView",
    "OrganizationCases",
    "PayerView",
    "PersonCases",
    "PersonPage",
    "PersonRef",
    "StaffView",
    "build_overview",
    "by_name",
    "case_history",
    "case_overview",
    "case_page",
    "caseload",
    "list_cases",
    "member_view",
    "members_on",
    "organization_page",
    "person_and_cases",
    "person_cases",
    "person_page",
    "person_roles",
]
