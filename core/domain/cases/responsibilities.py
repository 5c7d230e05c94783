"""The separate facts around a case: who treats it, who supervises, who handles the admin, who
pays, who hears from the practice, and who acts for whom. Each is its own record with a period.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from core.domain.directory.parties import Channel
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import OrganizationId, Period, PersonId, StaffId


class StaffDuty(StrEnum):
    """What a staff member does for one case."""

    RESPONSIBLE_PROVIDER = "responsible_provider"
    CO_THERAPIST = "co_therapist"
    SUPERVISOR = "supervisor"
    ADMIN_SUPPORT = "admin_support"

    @property
    def label(self) -> str:
        return {
            StaffDuty.RESPONSIBLE_PROVIDER: "responsible provider",
            StaffDuty.CO_THERAPIST: "co-therapist",
            StaffDuty.SUPERVISOR: "supervisor",
            StaffDuty.ADMIN_SUPPORT: "administrative support",
        }[self]


@dataclass(frozen=True, slots=True)
class StaffAssignment:
    id: UUID
    staff_id: StaffId
    duty: StaffDuty
    period: Period


class PayerKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


@dataclass(frozen=True, slots=True)
class PayerRef:
    kind: PayerKind
    id: UUID

    @classmethod
    def person(cls, person_id: PersonId) -> PayerRef:
        return cls(PayerKind.PERSON, person_id)

    @classmethod
    def organization(cls, organization_id: OrganizationId) -> PayerRef:
        return cls(PayerKind.ORGANIZATION, organization_id)


@dataclass(frozen=True, slots=True)
class BillingResponsibility:
    """A payer covers the whole case (`covers` is None) or one participant, for a period,
    for the whole amount or a share in percent."""

    id: UUID
    payer: PayerRef
    covers: PersonId | None
    period: Period
    share_percent: int | None = None

    def __post_init__(self) -> None:
        if self.share_percent is not None and not 1 <= self.share_percent <= 100:
            raise InvalidInput("A share is a percentage from 1 to 100.", field="share_percent")

    @property
    def share(self) -> int:
        return 100 if self.share_percent is None else self.share_percent


@dataclass(frozen=True, slots=True)
class CommunicationPreference:
    """What one person hears from the practice about one case, and how."""

    person_id: PersonId
    channel: Channel = Channel.EMAIL
    reminders: bool = False
    invoices: bool = False
    clinical_messages: bool = False
    portal_access: bool = False

    @property
    def receives_anything(self) -> bool:
        return self.channel is not Channel.NONE and (
            self.reminders or self.invoices or self.clinical_messages
        )


class HelperKind(StrEnum):
    """Narrow roles of people around a participant; each grants only what its name says."""

    REPRESENTATIVE = "representative"  # completes and signs forms for them
    SCHEDULING_HELPER = "scheduling_helper"  # requests, moves, cancels appointments
    MESSAGE_RECIPIENT = "message_recipient"  # gets selected communication

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class HelperRole:
    id: UUID
    helper_id: PersonId
    for_person_id: PersonId
    kind: HelperKind
    period: Period
