"""Every route of the web UI, gathered from each context's package."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from adapters.web.audit.log import AuditPages
from adapters.web.billing.fees import CaseFees
from adapters.web.billing.invoices import BillingPages
from adapters.web.billing.payment_cards import CardPages, payments_webhook
from adapters.web.billing.payments import PaymentPages
from adapters.web.billing.statements import StatementPages
from adapters.web.cases.changes import CaseChanges
from adapters.web.cases.opening import CaseOpening
from adapters.web.cases.pages import CasePages
from adapters.web.communication.inbound_sms import sms_inbound
from adapters.web.communication.invitations import InvitationLink, StaffInvitations
from adapters.web.communication.password_reset import PasswordReset
from adapters.web.communication.session_links import SessionLinkPages
from adapters.web.communication.templates import MessageTemplatePages
from adapters.web.communication.undelivered import UndeliveredPages
from adapters.web.directory import people
from adapters.web.directory.second_step import OwnSecondFactor, SecondStepPages, StaffSecondFactor
from adapters.web.directory.settings import PracticeSettings
from adapters.web.directory.sign_in import SignIn
from adapters.web.directory.staff import StaffPages
from adapters.web.documentation.attention import AttentionPages
from adapters.web.documentation.clinical import ClinicalRecordChanges
from adapters.web.documentation.icd10 import Icd10Picker
from adapters.web.documentation.notes import NotePages
from adapters.web.documentation.psychotherapy_notes import PsychotherapyNotePages
from adapters.web.documentation.templates import NoteTemplatePages
from adapters.web.scheduling.appointment import AppointmentPages
from adapters.web.scheduling.booking import Booking
from adapters.web.scheduling.calendar import CalendarPages
from adapters.web.scheduling.case_panel import CaseSchedule
from adapters.web.scheduling.defaults import CaseDefaultsPages
from adapters.web.scheduling.feed import FeedSettings, feed
from adapters.web.scheduling.settings import SchedulingSettings
from adapters.web.scheduling.settings_services import ServiceSettings

ROUTES: list[ControllerRouterHandler] = [
    SignIn,  # no staff guard: sign-in, sign-out and setup
    PasswordReset,  # no staff guard: whoever forgot a password is not signed in
    sms_inbound,  # no staff guard: signed by the SMS provider
    SessionLinkPages,  # no staff guard: the link's secret is the key
    CaseOpening,
    CasePages,
    CaseChanges,
    people.DIRECTORY,
    StaffPages,
    CalendarPages,
    Booking,
    AppointmentPages,
    CaseSchedule,
    CaseDefaultsPages,
    FeedSettings,
    PracticeSettings,
    ServiceSettings,
    SchedulingSettings,
    feed,  # public by its secret: no staff guard
    AuditPages,
    UndeliveredPages,
    StaffInvitations,
    InvitationLink,  # no staff guard: the invited person has no password yet
    SecondStepPages,  # no staff guard: half signed in, between the password and the code
    OwnSecondFactor,
    StaffSecondFactor,
    ClinicalRecordChanges,
    Icd10Picker,
    PaymentPages,
    CardPages,
    StatementPages,
    payments_webhook,  # no staff guard: signed by the payment processor
    BillingPages,
    CaseFees,
    MessageTemplatePages,
    NotePages,
    PsychotherapyNotePages,
    AttentionPages,
    NoteTemplatePages,
]
