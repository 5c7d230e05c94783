"""The directory context: people, organizations, staff, sign-in."""

from core.services.directory.listing import Listing, listing, require_directory
from core.services.directory.organizations import (
    OrganizationDetails,
    RegisterOrganization,
    UpdateOrganization,
    find_organizations,
    get_organization,
    list_organizations,
    register_organization,
    update_organization,
)
from core.services.directory.people import (
    PersonCard,
    PersonDetails,
    RegisterPerson,
    UpdatePerson,
    find_people,
    get_person,
    list_people,
    person_cards,
    register_person,
    update_person,
)
from core.services.directory.practice import practice_has_staff
from core.services.directory.staff import (
    AddStaff,
    StaffDetails,
    UpdateStaff,
    add_staff,
    create_first_owner,
    list_staff,
    load_actor,
    update_staff,
)

__all__ = [
    "AddStaff",
    "Listing",
    "OrganizationDetails",
    "PersonCard",
    "PersonDetails",
    "RegisterOrganization",
    "RegisterPerson",
    "StaffDetails",
    "UpdateOrganization",
    "UpdatePerson",
    "UpdateStaff",
    "add_staff",
    "create_first_owner",
    "find_organizations",
    "find_people",
    "get_organization",
    "get_person",
    "list_organizations",
    "list_people",
    "list_staff",
    "listing",
    "load_actor",
    "person_cards",
    "practice_has_staff",
    "register_organization",
    "register_person",
    "require_directory",
    "update_organization",
    "update_person",
    "update_staff",
]
