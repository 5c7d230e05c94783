"""The cases context: opening and closing cases, membership, the team, payers, contacts."""

from core.services.cases.changes import CaseChange, change_case, load_case, on_behalf_for
from core.services.cases.contacts import (
    GrantHelperRole,
    RevokeHelperRole,
    SetCommunication,
    grant_helper_role,
    revoke_helper_role,
    set_communication,
)
from core.services.cases.corrections import MarkEnteredInError, mark_entered_in_error
from core.services.cases.identified_client import NameIdentifiedClient, name_identified_client
from core.services.cases.lookups import person_names, require_clinician, require_payer
from core.services.cases.membership import (
    AddMember,
    ChangeMembershipEnd,
    EndMembership,
    add_member,
    change_membership_end,
    end_membership,
)
from core.services.cases.opening import (
    ChangeStatus,
    CloseCase,
    OpenCase,
    Participant,
    RenameCase,
    ReopenCase,
    Representative,
    SetCapacity,
    change_status,
    close_case,
    get_case,
    open_case,
    rename_case,
    reopen_case,
    set_capacity,
)
from core.services.cases.payer_terms import Payer, billing_of
from core.services.cases.payers import (
    AddBillingResponsibility,
    EndBillingResponsibility,
    add_billing_responsibility,
    end_billing_responsibility,
)
from core.services.cases.team import AssignStaff, EndStaffDuty, assign_staff, end_staff_duty

__all__ = [
    "AddBillingResponsibility",
    "AddMember",
    "AssignStaff",
    "CaseChange",
    "ChangeMembershipEnd",
    "ChangeStatus",
    "CloseCase",
    "EndBillingResponsibility",
    "EndMembership",
    "EndStaffDuty",
    "GrantHelperRole",
    "MarkEnteredInError",
    "NameIdentifiedClient",
    "OpenCase",
    "Participant",
    "Payer",
    "RenameCase",
    "ReopenCase",
    "Representative",
    "RevokeHelperRole",
    "SetCapacity",
    "SetCommunication",
    "add_billing_responsibility",
    "add_member",
    "assign_staff",
    "billing_of",
    "change_case",
    "change_membership_end",
    "change_status",
    "close_case",
    "end_billing_responsibility",
    "end_membership",
    "end_staff_duty",
    "get_case",
    "grant_helper_role",
    "load_case",
    "mark_entered_in_error",
    "name_identified_client",
    "on_behalf_for",
    "open_case",
    "person_names",
    "rename_case",
    "reopen_case",
    "require_clinician",
    "require_payer",
    "revoke_helper_role",
    "set_capacity",
    "set_communication",
]
