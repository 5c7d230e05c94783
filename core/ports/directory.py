"""What the directory needs to keep: people, organizations, staff and credentials."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from core.domain.cases.access import StaffScope
from core.domain.directory.credentials import Credentials, LockoutRule
from core.domain.directory.parties import Organization, Person, StaffMember
from core.domain.directory.practice import Practice
from core.domain.directory.second_factor import SecondFactor
from core.domain.directory.tokens import StaffToken, TokenPurpose
from core.domain.shared.values import OrganizationId, PersonId, StaffId
from core.ports.shared import Transaction


@dataclass(frozen=True, slots=True)
class PeopleVisibility:
    """The people a staff member may see (HIPAA minimum necessary), as a rule a store applies
    before it pages: those related to a case that matches one of `scopes` on the case's
    reference day as of `today` (the actor's cases, `listing_scope`), and those related to no
    case at all (an open directory entry, as `person_permissions` has it)."""

    today: date
    scopes: tuple[StaffScope, ...]


class PersonRepository(Protocol):
    async def get(self, person_id: PersonId) -> Person | None: ...
    async def get_many(self, ids: Iterable[PersonId]) -> dict[PersonId, Person]: ...
    async def display_names(self, ids: Iterable[PersonId]) -> dict[PersonId, str]:
        """The `display_name` of each of `ids` that exists, without loading the whole people
        (for screens that show only names: their rows are not checked again as typed input)."""
        ...

    async def add(self, person: Person) -> None: ...
    async def update(self, person: Person) -> None: ...
    async def with_mobile(self, mobile: str) -> list[Person]:
        """The people with this mobile number (as stored: cleaned, e.g. "+15555550100")."""
        ...

    async def search(
        self, text: str, limit: int = 20, visible: PeopleVisibility | None = None
    ) -> list[Person]:
        """People whose legal or preferred name contains `text`, or whose email is `text` as a
        whole address (never a part of one: core.domain.directory.search), by name; with
        `visible`, only those it lets see (None: everyone)."""
        ...

    async def visible_among(
        self, ids: Iterable[PersonId], visible: PeopleVisibility
    ) -> frozenset[PersonId]:
        """Those of `ids` that `visible` lets see, in one statement."""
        ...

    async def with_details(
        self, email: str | None, mobile: str | None, legal_name: str, date_of_birth: date | None
    ) -> list[PersonId]:
        """People who share the email, the mobile number, or the legal name (case folded) with
        the date of birth: who a new entry would duplicate."""
        ...


class OrganizationRepository(Protocol):
    async def get(self, organization_id: OrganizationId) -> Organization | None: ...
    async def get_many(
        self, ids: Iterable[OrganizationId]
    ) -> dict[OrganizationId, Organization]: ...
    async def add(self, organization: Organization) -> None: ...
    async def update(self, organization: Organization) -> None: ...
    async def search(self, text: str, limit: int = 20) -> list[Organization]:
        """Organizations whose name contains `text`, or whose email is `text` whole."""
        ...


@dataclass(frozen=True, slots=True)
class SignedInRecord:
    """What every signed-in request needs to know about its staff member, read at once: who
    they are, whom they supervise, the generation of their password (None without one) and the
    staff directory's version (it changes with every change to any staff member)."""

    staff: StaffMember
    supervisees: frozenset[StaffId]
    generation: int | None
    directory_version: int


class StaffRepository(Protocol):
    async def get(self, staff_id: StaffId) -> StaffMember | None: ...
    async def get_many(self, ids: Iterable[StaffId]) -> dict[StaffId, StaffMember]: ...
    async def by_email(self, email: str) -> StaffMember | None: ...
    async def add(self, staff: StaffMember) -> None:
        """Raises `InvalidInput` (field "email") when the email is taken."""
        ...

    async def add_first(self, staff: StaffMember) -> bool:
        """Add `staff` only if there is no staff member yet, else False. Units of work doing
        this at the same time take turns, so a practice gets one first owner."""
        ...

    async def update(self, staff: StaffMember) -> None: ...
    async def list_all(self) -> list[StaffMember]:
        """Every staff member, by name. The members may be shared with other readers (a cache
        of the directory at its current version): read them, never change them."""
        ...

    async def supervisees_of(self, staff_id: StaffId) -> frozenset[StaffId]: ...
    async def count(self) -> int: ...
    async def signed_in(self, staff_id: StaffId) -> SignedInRecord | None:
        """The staff member with what a signed-in request needs (see `SignedInRecord`), in one
        statement; None when there is no such staff member. Called where a signed-in request
        starts: for the rest of it (the task and those it starts) the directory as of the
        version read here is current, and `list_all` asks the database nothing more."""
        ...


class CredentialRepository(Protocol):
    """Every change is one statement on the stored row, never read-modify-write: concurrent
    sign-ins, password changes and rehashes cannot overwrite each other."""

    async def get(self, staff_id: StaffId) -> Credentials | None: ...
    async def set_password(self, staff_id: StaffId, password_hash: str) -> int:
        """Insert or replace the password, clear the lockout, and start (and return) a new
        generation."""
        ...

    async def claim_attempt(
        self, staff_id: StaffId, now: datetime, rule: LockoutRule
    ) -> Credentials | None:
        """`Credentials.claim_attempt` as one atomic step: the credentials after counting the
        attempt, or None when the account is locked (or has no password)."""
        ...

    async def record_success(self, staff_id: StaffId) -> None: ...
    async def end_sessions(self, staff_id: StaffId) -> int:
        """Start a new generation with the same password: every session signed in before
        ends (a removed second factor). Returns it; 0 when there is no password."""
        ...

    async def rehash(self, staff_id: StaffId, old_hash: str, new_hash: str) -> bool:
        """Replace the hash only while it is still `old_hash` (a password set meanwhile
        stays); the generation does not change."""
        ...


class PracticeRepository(Protocol):
    """The practice's one row of details."""

    async def get(self) -> Practice | None:
        """None until the details are first saved."""
        ...

    async def save(self, practice: Practice) -> None:
        """Insert (version 0: never saved) or update the details, bumping the version; raises
        `ConcurrencyConflict` when the stored version is not the one that was read (for a
        first save: when someone else saved first)."""
        ...


class StaffTokenRepository(Protocol):
    async def add(self, token: StaffToken) -> None:
        """Store a new token; the staff member's earlier unused ones of the same purpose stop
        working (only the newest link opens)."""
        ...

    async def by_hash(self, token_hash: str) -> StaffToken | None: ...

    async def use(self, token_id: UUID, at: datetime) -> bool:
        """Mark the token used, once: False when it was used already (a second click, or two
        tabs) or has ended by `at` (revoked, replaced, expired), as one statement so two uses
        at once cannot both succeed and a link ended meanwhile is not used."""
        ...

    async def count_since(self, staff_id: StaffId, purpose: TokenPurpose, since: datetime) -> int:
        """How many were made since then (to limit how many links one address is sent)."""
        ...

    async def expire(self, staff_id: StaffId, purpose: TokenPurpose, at: datetime) -> None:
        """The staff member's unused links of this purpose stop working at `at` (revoked)."""
        ...


class SecondFactorRepository(Protocol):
    """Staff members' TOTP factors and recovery codes, and whether the practice requires a
    factor of everyone. Every use is one conditional statement: two sign-ins racing with one
    code (or one recovery code) cannot both pass."""

    async def get(self, staff_id: StaffId) -> SecondFactor | None: ...
    async def enrol(self, factor: SecondFactor, recovery_hashes: Sequence[str]) -> None:
        """Store the factor and its recovery codes, replacing any earlier ones."""
        ...

    async def remove(self, staff_id: StaffId) -> None:
        """The factor and its recovery codes go (a new enrolment is needed)."""
        ...

    async def accept_step(self, staff_id: StaffId, step: int) -> bool:
        """Record `step` as used if it is newer than every step used before; False if not."""
        ...

    async def use_recovery_code(self, staff_id: StaffId, code_hash: str, at: datetime) -> bool:
        """Mark an unused recovery code used; False when there is none such."""
        ...

    async def replace_recovery_codes(self, staff_id: StaffId, hashes: Sequence[str]) -> None: ...
    async def recovery_codes_left(self, staff_id: StaffId) -> int: ...
    async def required(self) -> bool | None:
        """The practice's choice: a factor for every staff member; None until it is made."""
        ...

    async def set_required(self, required: bool) -> None: ...


class DirectoryStore(Transaction, Protocol):
    """The directory's store: people, organizations, staff and their credentials, and the
    practice's details."""

    @property
    def people(self) -> PersonRepository: ...
    @property
    def organizations(self) -> OrganizationRepository: ...
    @property
    def staff(self) -> StaffRepository: ...
    @property
    def credentials(self) -> CredentialRepository: ...
    @property
    def practice(self) -> PracticeRepository: ...
    @property
    def staff_tokens(self) -> StaffTokenRepository: ...
    @property
    def second_factors(self) -> SecondFactorRepository: ...
