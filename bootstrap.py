"""The composition root: settings from the environment, the container that picks adapters, and
the `hearth` command line. The only module that imports every adapter family."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import os
import secrets
import sys
from collections.abc import Coroutine, Mapping, Sequence
from datetime import timedelta
from email.utils import parseaddr
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import msgspec
from dependency_injector import containers, providers
from litestar import Litestar
from litestar.di import NamedDependency, Provide
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore as LitestarMemoryStore

from adapters.cli import billing as billing_cli
from adapters.cli import demo
from adapters.documents.weasyprint_pdf import WeasyPrintRenderer
from adapters.notify.console import ConsoleEmailSender, ConsoleSmsSender
from adapters.notify.memory import MemoryEmailSender, MemorySmsSender
from adapters.notify.smtp import SmtpEmailSender, SmtpSettings
from adapters.notify.templates import SandboxRenderer
from adapters.notify.twilio_sms import TwilioSettings, TwilioSignature, TwilioSmsSender
from adapters.payments.memory import MemoryGateway
from adapters.payments.stripe_gateway import StripeGateway
from adapters.persistence.commits import committed
from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.persistence.memory.rate_limits import MemoryRateLimiter
from adapters.persistence.memory.store import MemoryStore
from adapters.persistence.memory.unit_of_work import memory_uow_factory
from adapters.persistence.sql.audit import SqlAuditLog, audit_database_url, create_audit_engine
from adapters.persistence.sql.backup import BackupError
from adapters.persistence.sql.backup import backup as backup_database
from adapters.persistence.sql.backup import restore as restore_database
from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.migrate import migrate_url
from adapters.persistence.sql.rate_limits import SqlRateLimiter
from adapters.persistence.sql.session_store import SqlSessionStore
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from adapters.system import log_lines
from adapters.system.clock import PracticeClock, SystemClock
from adapters.system.ids import RandomIds
from adapters.system.passwords import Argon2PasswordHasher
from adapters.system.totp import PyotpCodes
from adapters.web.app import WebConfig, build_app
from adapters.web.documentation.icd10 import warm_code_list
from adapters.web.kit.params import DepsParam
from adapters.web.request_log import RequestLog
from core.domain.billing import events as billing_events
from core.domain.billing.invoices import InvoiceIssued
from core.domain.cases import events as case_events
from core.domain.communication.messages import RetryPolicy
from core.domain.communication.reminders import Lead, ReminderPolicy
from core.domain.communication.templates import MessageTemplates
from core.domain.documentation import events as documentation_events
from core.domain.documentation import note_events
from core.domain.scheduling import events as scheduling_events
from core.domain.scheduling.settings import SchedulingPolicy
from core.domain.shared.errors import DomainError, Forbidden
from core.ports import UnitOfWork
from core.ports.payments import PaymentGateway
from core.services import directory
from core.services.audit import AuditDeps, verify_log
from core.services.audit.changes import audit_changes
from core.services.billing import charging as billing_charging
from core.services.billing import history as billing_history
from core.services.billing import payment_cards
from core.services.billing import payments as payment_service
from core.services.billing.payment_attention import declined_payment_sections
from core.services.billing.payments import PaymentDeps
from core.services.cases import history as case_history
from core.services.communication import notices, reminders
from core.services.communication.accounts import AccountMailDeps
from core.services.communication.delivery import DeliveryDeps, run_worker
from core.services.communication.reminders import PolicySource
from core.services.communication.undelivered_attention import undelivered_sections
from core.services.directory.practice_settings import PracticeCache
from core.services.documentation import history as documentation_history
from core.services.documentation import note_history
from core.services.documentation.attention import note_sections
from core.services.documentation.plan_attention import plan_sections
from core.services.scheduling import booking as scheduling_booking
from core.services.scheduling import handlers as scheduling_handlers
from core.services.scheduling import history as scheduling_history
from core.services.scheduling.deps import SchedulingDeps
from core.services.shared.attention import AttentionBoard
from core.services.shared.bus import MessageBus
from core.services.shared.use_case import Deps

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/hearth.db"


def fixed_policy(policy: ReminderPolicy) -> PolicySource:
    """A reminder policy that does not change while the process runs (until the practice
    settings screen stores one)."""

    async def policy_of(uow: object) -> ReminderPolicy:
        del uow
        return policy

    return policy_of


DEFAULT_POLICY = fixed_policy(ReminderPolicy(practice_name="Hearth practice"))


def message_bus(
    policy_of: PolicySource = DEFAULT_POLICY,
    timezone: str = "UTC",
    payments: PaymentGateway | None = None,
) -> MessageBus:
    """What each context does when an event happens, in one place: event type -> handlers (in
    order), then the finishers that see the whole intent. A handler for a base class sees
    every event derived from it. `timezone`: the practice's, where handlers name times."""
    handlers: dict[type[Any], list[Any]] = {
        case_events.CaseEvent: [
            case_history.narrate,
            scheduling_handlers.keep_recorded_attendance(ZoneInfo(timezone)),
        ],
        case_events.CaseClosed: [scheduling_handlers.cancel_sessions_of_closed_case],
        case_events.CaseOpened: [scheduling_booking.usual_service_at_opening],
        scheduling_events.AppointmentEvent: [scheduling_history.narrate],
        documentation_events.DiagnosisEvent: [documentation_history.narrate],
        documentation_events.PlanEvent: [documentation_history.narrate_plan],
        note_events.NoteEvent: [note_history.narrate],
        billing_events.CodesConfirmed: [billing_history.narrate],
        scheduling_events.UpcomingSessionsCancelled: [
            scheduling_history.narrate_cancelled_upcoming
        ],
    }
    # Billing: charges follow what is recorded about a session (billing_charging's docstring).
    for charged in (
        scheduling_events.AttendanceRecorded,
        scheduling_events.StatusSet,
        scheduling_events.AppointmentCancelled,
        scheduling_events.AppointmentMoved,
        billing_events.CodesConfirmed,
        scheduling_events.UpcomingSessionsCancelled,
    ):
        handlers.setdefault(charged, []).append(
            billing_charging.charge_sessions(ZoneInfo(timezone))
        )
    # Payments: an issued invoice takes the payer's credit, then (autopay) their saved card.
    handlers.setdefault(InvoiceIssued, []).append(payment_cards.apply_credit_on_issue)
    if payments is not None:
        handlers[InvoiceIssued].append(payment_cards.autopay_on_issue(payments))
    for event_type, more in reminders.handlers(policy_of).items():
        handlers.setdefault(event_type, []).extend(more)
    for event_type, more in notices.handlers(policy_of).items():
        handlers.setdefault(event_type, []).extend(more)
    return MessageBus(handlers, finishers=[case_history.write_history, audit_changes])


def practice_policy(settings: Settings) -> PolicySource:
    """Reminders as the practice's settings say, read in the unit of work that plans them: the
    name and timezone of Settings · Practice and the lead times of Settings · Reminders (the
    configured name and timezone and the default 48 h email, 24 h SMS until they are saved)."""

    renderer = SandboxRenderer()

    async def policy_of(uow: UnitOfWork) -> ReminderPolicy:
        practice = await uow.practice.get()
        stored = await uow.policy.get() or SchedulingPolicy()
        return ReminderPolicy(
            templates=await uow.templates.get() or MessageTemplates(),
            render=renderer.render,
            link_base=settings.link_base,
            practice_name=practice.name if practice and practice.name else settings.practice_name,
            timezone=practice.timezone if practice else settings.timezone,
            leads=tuple(Lead(timedelta(hours=r.hours_before), r.channel) for r in stored.reminders),
            telehealth_link=stored.telehealth_link,
            late_cancel_hours=stored.late_cancel_hours,
            organizer=parseaddr(settings.email_from)[1],
        )

    return policy_of


T = TypeVar("T")


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Every setting, read once from `HEARTH_*` environment variables."""

    environment: str = "development"  # "production" refuses to start without a secret key
    database_url: str = DEFAULT_DATABASE_URL  # or "memory"
    # The timezone of a new practice, until the owner sets the practice's own (Settings screen).
    timezone: str = "UTC"
    practice_name: str = "Hearth practice"  # what reminders say they come from
    public_url: str = ""  # where people reach Hearth, for links in mail; "": http://host:port
    secret_key: str = ""
    owner_sees_clinical: bool = False
    # Host names besides HEARTH_PUBLIC_URL's that requests may name (production refuses others).
    allowed_hosts: str = ""  # comma-separated, "*.example.org" for subdomains
    api_docs: str = "staff"  # /schema: "staff" (signed-in staff), "public" or "off"
    log_format: str = "text"  # or "json": one JSON object per line (adapters/system/log_lines)
    host: str = "127.0.0.1"
    port: int = 8000
    # Delivery of email and SMS (adapters/notify): "console" prints a line without content,
    # "memory" keeps messages in the process, "smtp" / "twilio" send them.
    email: str = "console"
    email_from: str = "Hearth <no-reply@hearth.invalid>"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 587
    smtp_security: str = "starttls"  # "starttls", "tls" (port 465) or "none" (a local relay)
    smtp_username: str = ""
    smtp_password: str = ""
    sms: str = "console"
    sms_from: str = ""  # an E.164 number or a Twilio Messaging Service SID
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_base_url: str = ""  # tests only: a local server that speaks Twilio's API
    # "inline": the web process delivers the outbox itself (one machine); "off": run
    # `hearth worker` processes instead (any number, on any machine, against one PostgreSQL).
    worker: str = "inline"
    worker_batch: int = 50  # messages claimed at once
    # How long a claimed message is a worker's alone: one that dies mid-batch hands its
    # messages back after this (long enough for a slow provider to answer a whole batch).
    worker_lease_seconds: int = 300
    worker_retry_seconds: int = 60  # the longest wait before the first retry (then doubling)
    workers: int = 1  # web processes of `hearth serve` (`--workers N` overrides it)
    # Connections to the practice's database for all the web processes of one `hearth serve`
    # together: each process's pool gets an equal share (PostgreSQL; SQLite needs few).
    database_connections: int = 20
    # Payments (adapters/payments): "memory" (the laptop default: nothing leaves the process)
    # or "stripe" with the account's keys (test-mode keys for Stripe's test mode).
    payments: str = "memory"
    stripe_secret_key: str = ""
    stripe_publishable_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""  # tests only: a local server that speaks Stripe's API

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        raw = {
            name: env[f"HEARTH_{name.upper()}"]
            for name in cls.__struct_fields__
            if f"HEARTH_{name.upper()}" in env
        }
        try:
            settings = msgspec.convert(raw, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise SystemExit(f"hearth: bad setting: {exc}") from exc
        for name, allowed in (
            ("email", {"console", "memory", "smtp"}),
            ("sms", {"console", "memory", "twilio"}),
            ("worker", {"inline", "off"}),
            ("smtp_security", {"starttls", "tls", "none"}),
            ("api_docs", {"staff", "public", "off"}),
            ("log_format", set(log_lines.FORMATS)),
            ("payments", {"memory", "stripe"}),
        ):
            if getattr(settings, name) not in allowed:
                raise SystemExit(
                    f"hearth: HEARTH_{name.upper()} must be one of {', '.join(sorted(allowed))}."
                )
        if settings.workers < 1 or settings.database_connections < 1:
            raise SystemExit(
                "hearth: HEARTH_WORKERS and HEARTH_DATABASE_CONNECTIONS are 1 or more."
            )
        if settings.workers > 1 and settings.persistence == "memory":
            raise SystemExit(
                "hearth: the in-memory practice lives in one process; use one worker or a database."
            )
        if settings.environment == "production" and not settings.public_url.startswith("https://"):
            raise SystemExit(
                "hearth: HEARTH_PUBLIC_URL (https://...) is required in production: it is the "
                "base of every link, and the only host requests may name."
            )
        if settings.payments == "stripe" and not (
            settings.stripe_secret_key and settings.stripe_webhook_secret
        ):
            raise SystemExit(
                "hearth: HEARTH_PAYMENTS=stripe needs HEARTH_STRIPE_SECRET_KEY and "
                "HEARTH_STRIPE_WEBHOOK_SECRET."
            )
        if settings.environment == "production" and len(settings.secret_key) < 32:
            raise SystemExit(
                "hearth: HEARTH_SECRET_KEY (32 characters or more) is required in production."
            )
        return settings

    @property
    def shows_mail(self) -> bool:
        """The console adapters print whole messages in development only."""
        return self.environment == "development"

    @property
    def link_base(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def host_names(self) -> tuple[str, ...]:
        """The Host headers production accepts: HEARTH_PUBLIC_URL's and HEARTH_ALLOWED_HOSTS;
        () outside production (any)."""
        if self.environment != "production":
            return ()
        extra = (h.strip() for h in self.allowed_hosts.split(","))
        public = urlsplit(self.public_url).netloc
        return tuple(dict.fromkeys([public, *(h for h in extra if h)]))

    @property
    def persistence(self) -> str:
        return "memory" if self.database_url == "memory" else "sql"

    @property
    def pool_size(self) -> int:
        """This process's share of `database_connections` (two at least: a request may hold
        one while a background step holds another)."""
        return max(2, self.database_connections // self.workers)


def practice_engine(settings: Settings) -> Any:
    """The practice's engine, its pool a fixed share of the configured total and no overflow:
    N processes never open more than the total, and a request that finds every connection
    busy waits for one (SQLAlchemy's pool timeout) instead of opening one more."""
    if settings.database_url.startswith("sqlite"):
        return create_engine(settings.database_url)  # one file, one writer: the default pool
    return create_engine(settings.database_url, pool_size=settings.pool_size, max_overflow=0)


def audit_engine(database_url: str, engine: Any) -> Any:
    """The audit log's engine, a pool of its own: on SQLite the audit file's next to the
    practice's; on PostgreSQL the practice's database, with connections whose appends do not
    wait for the disk (see adapters/persistence/sql/audit.py)."""
    del engine  # the practice's: the audit log never shares its connections
    return create_audit_engine(audit_database_url(database_url))


def smtp_settings(settings: Settings) -> SmtpSettings:
    return SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.email_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        security=settings.smtp_security,
    )


def twilio_settings(settings: Settings) -> TwilioSettings:
    return TwilioSettings(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        sender=settings.sms_from,
        base_url=settings.twilio_base_url,
    )


def attention_board(gateway: PaymentGateway) -> AttentionBoard:
    """The providers of "needs attention": notes, plans, billing, communication."""
    return AttentionBoard(
        [
            note_sections,
            plan_sections,
            declined_payment_sections(gateway),
            undelivered_sections,
        ],
        changes=committed,
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock, timezone=settings.provided.timezone)
    ids = providers.Singleton(RandomIds)
    password_hasher = providers.Singleton(Argon2PasswordHasher)
    one_time_codes = providers.Singleton(PyotpCodes)

    memory_store = providers.Singleton(MemoryStore)
    # Made on first use only: the in-memory practice never opens a database.
    engine = providers.Singleton(practice_engine, settings)
    uow_factory = providers.Selector(
        settings.provided.persistence,
        memory=providers.Singleton(memory_uow_factory, memory_store),
        sql=providers.Singleton(sql_uow_factory, engine),
    )
    audit_engine = providers.Singleton(audit_engine, settings.provided.database_url, engine)
    audit_log = providers.Selector(
        settings.provided.persistence,
        memory=providers.Singleton(MemoryAuditLog),
        sql=providers.Singleton(SqlAuditLog, audit_engine),
    )
    # Request counters per client address and per account, shared by every worker.
    rate_limiter = providers.Selector(
        settings.provided.persistence,
        memory=providers.Singleton(MemoryRateLimiter),
        sql=providers.Singleton(SqlRateLimiter, engine),
    )
    reminder_policy = providers.Singleton(practice_policy, settings)
    message_renderer = providers.Singleton(SandboxRenderer)
    payment_gateway = providers.Selector(
        settings.provided.payments,
        memory=providers.Singleton(MemoryGateway),
        stripe=providers.Singleton(
            StripeGateway,
            settings.provided.stripe_secret_key,
            webhook_secret=settings.provided.stripe_webhook_secret,
            api_base=settings.provided.stripe_api_base,
        ),
    )
    bus = providers.Singleton(
        message_bus, reminder_policy, settings.provided.timezone, payment_gateway
    )
    email_sender = providers.Selector(
        settings.provided.email,
        console=providers.Singleton(ConsoleEmailSender, settings.provided.shows_mail),
        memory=providers.Singleton(MemoryEmailSender),
        smtp=providers.Singleton(SmtpEmailSender, providers.Callable(smtp_settings, settings)),
    )
    sms_sender = providers.Selector(
        settings.provided.sms,
        console=providers.Singleton(ConsoleSmsSender, settings.provided.shows_mail),
        memory=providers.Singleton(MemorySmsSender),
        twilio=providers.Singleton(TwilioSmsSender, providers.Callable(twilio_settings, settings)),
    )
    delivery_deps = providers.Singleton(
        DeliveryDeps,
        uow=uow_factory,
        clock=clock,
        email=email_sender,
        sms=sms_sender,
        batch=settings.provided.worker_batch,
        policy=providers.Callable(
            lambda s: RetryPolicy(first=timedelta(seconds=s.worker_retry_seconds)), settings
        ),
        lease=providers.Callable(lambda s: timedelta(seconds=s.worker_lease_seconds), settings),
        sweep=providers.Callable(
            partial, reminders.queue_coming, uow_factory, reminder_policy, clock, ids
        ),
    )
    deps = providers.Singleton(
        Deps, uow=uow_factory, clock=clock, ids=ids, audit=audit_log, bus=bus
    )
    # Scheduling reads wall-clock times and repeats series in the practice's timezone.
    scheduling_deps = providers.Singleton(
        SchedulingDeps,
        uow=uow_factory,
        clock=clock,
        ids=ids,
        audit=audit_log,
        bus=bus,
        timezone=settings.provided.timezone,
    )
    payment_deps = providers.Singleton(PaymentDeps.of, deps, payment_gateway)
    # What the save-card page gives Stripe.js ("": the in-memory processor's test page).
    stripe_publishable_key = providers.Callable(
        lambda s: s.stripe_publishable_key if s.payments == "stripe" else "", settings
    )
    pdf_renderer = providers.Singleton(WeasyPrintRenderer)
    # The practice's details (its timezone) as this process last read them.
    practice_cache = providers.Singleton(PracticeCache, settings.provided.timezone)
    account_deps = providers.Singleton(
        AccountMailDeps.of, deps, settings.provided.link_base, settings.provided.practice_name
    )
    # "Needs attention": each context's sections, in the order the screen shows them.
    attention_board = providers.Singleton(attention_board, payment_gateway)
    audit_deps = providers.Singleton(
        AuditDeps,
        uow=uow_factory,
        clock=clock,
        ids=ids,
        audit=audit_log,
        bus=bus,
        log=audit_log,
        timezone=settings.provided.timezone,
    )


def make_container(settings: Settings | None = None) -> Container:
    return Container(settings=settings or Settings.from_env())


async def close_database(container: Container) -> None:
    """Close the database connections. Call it at shutdown, on the event loop that used them
    (async drivers bind connections to their loop)."""
    if container.settings().persistence == "sql":
        if container.audit_engine() is not container.engine():
            await container.audit_engine().dispose()
        await container.engine().dispose()


def run_with_database(container: Container, work: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(work)` for a command, closing the database connections before the loop
    ends."""

    async def run() -> T:
        try:
            return await work
        finally:
            await close_database(container)

    return asyncio.run(run())


def session_store(container: Container) -> Store:
    """Where web sessions live: the `sessions` table, so that every worker sees them and a
    restart signs nobody out; process memory only for the in-memory practice (tests, demos)."""
    if container.settings().persistence == "sql":
        return SqlSessionStore(container.engine(), now=lambda: container.clock().now())
    return LitestarMemoryStore()


Zone = NamedDependency[str]


def practice_time(container: Container) -> dict[str, Provide]:
    """The core's dependencies of one request, in the practice's timezone as stored now (the
    owner can change it on the Settings screen): the clock's "today", where scheduling reads
    wall-clock times, the audit log's days. Read through the per-process `PracticeCache`."""

    async def timezone() -> str:
        return await container.practice_cache().timezone(container.uow_factory())

    async def deps(practice_timezone: Zone) -> Deps:
        base = container.deps()
        return dataclasses.replace(base, clock=PracticeClock(base.clock, practice_timezone))

    async def scheduling_deps(deps: DepsParam, practice_timezone: Zone) -> SchedulingDeps:
        return SchedulingDeps.of(deps, practice_timezone)

    async def audit_deps(deps: DepsParam, practice_timezone: Zone) -> AuditDeps:
        return AuditDeps.of(deps, container.audit_log(), practice_timezone)

    async def payment_deps(deps: DepsParam) -> PaymentDeps:
        return PaymentDeps.of(deps, container.payment_gateway())

    return {
        "practice_timezone": Provide(timezone),
        "deps": Provide(deps),
        "scheduling_deps": Provide(scheduling_deps),
        "audit_deps": Provide(audit_deps),
        "payment_deps": Provide(payment_deps),
        "practice_cache": Provide(lambda: container.practice_cache(), sync_to_thread=False),
    }


def inbound_sms(settings: Settings) -> tuple[TwilioSignature, str, str] | None:
    """What the inbound-SMS webhook needs, when Twilio delivers the practice's SMS."""
    if settings.sms != "twilio":
        return None
    url = f"{settings.link_base}/sms/inbound"
    return TwilioSignature(settings.twilio_auth_token), url, settings.practice_name


def create_app(container: Container) -> Litestar:
    """The web application over the container: handlers get the core's dependencies through
    `Provide` closures, so a test can override any provider before the first request."""
    settings = container.settings()
    secret = settings.secret_key or secrets.token_hex(32)  # development: new key per start
    web = WebConfig(
        secret_key=secret,
        owner_sees_clinical=settings.owner_sees_clinical,
        secure_cookies=settings.environment == "production",
        public_url=settings.link_base,
        allowed_hosts=settings.host_names,
        hsts=settings.environment == "production",
        api_docs=settings.api_docs,
        now=lambda: container.clock().now().timestamp(),  # session timeouts follow the clock
        second_factor_default=settings.environment == "production",
    )
    worker = InlineWorker(container) if settings.worker == "inline" else None
    inbound = inbound_sms(settings)
    return build_app(
        web,
        deps=lambda: container.deps(),
        dependencies={
            **practice_time(container),  # "deps" among them: in the practice's timezone
            "account_deps": Provide(lambda: container.account_deps(), sync_to_thread=False),
            "sms_inbound": Provide(lambda: inbound, sync_to_thread=False),
            "message_renderer": Provide(lambda: container.message_renderer(), sync_to_thread=False),
            "reminder_policy": Provide(lambda: container.reminder_policy(), sync_to_thread=False),
            "stripe_publishable_key": Provide(
                lambda: container.stripe_publishable_key(), sync_to_thread=False
            ),
            "hasher": Provide(lambda: container.password_hasher(), sync_to_thread=False),
            "codes": Provide(lambda: container.one_time_codes(), sync_to_thread=False),
            "limiter": Provide(lambda: container.rate_limiter(), sync_to_thread=False),
            "pdf_renderer": Provide(lambda: container.pdf_renderer(), sync_to_thread=False),
            "attention": Provide(lambda: container.attention_board(), sync_to_thread=False),
        },
        session_store=session_store(container),
        on_startup=[
            *([worker.start] if worker else []),
            warm_code_list,
            partial(reconcile_at_start, container),
        ],
        on_shutdown=[*([worker.stop] if worker else []), partial(close_database, container)],
    )


async def reconcile_at_start(container: Container) -> None:
    await reconcile_payments(container)


async def reconcile_payments(container: Container) -> int:
    """Card payments a crash left unfinished, resolved from the processor by their keys (at
    start and by `hearth payments reconcile`). A processor that does not answer now leaves
    them for the next time: starting never fails for it."""
    import logging

    try:
        return await payment_service.reconcile(container.payment_deps())
    except Exception:
        logging.getLogger("hearth.payments").exception("reconciling card payments failed")
        return 0


class InlineWorker:
    """The delivery worker inside the web process (`HEARTH_WORKER=inline`, the default of a
    one-machine practice): started with the app, stopped before its database closes."""

    def __init__(self, container: Container) -> None:
        self._container = container
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(run_worker(self._container.delivery_deps(), self._stop))

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hearth", description="Hearth practice management")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("settings", help="print the settings in force (secrets hidden)")
    commands.add_parser("migrate", help="create or upgrade the database schema (idempotent)")
    demo_cmd = commands.add_parser("demo", help="load the demo practice and print its sign-ins")
    demo_cmd.add_argument(
        "--if-empty", action="store_true", help="do nothing when the practice already has staff"
    )
    audit_cmd = commands.add_parser("audit", help="the audit log")
    audit_cmd.add_argument(
        "audit_command", choices=["verify"], help="verify: check every link of the hash chain"
    )
    serve_cmd = commands.add_parser(
        "serve", help="serve the web UI (uvicorn) on HEARTH_HOST:HEARTH_PORT"
    )
    serve_cmd.add_argument(
        "--workers",
        type=int,
        help="web processes (default HEARTH_WORKERS, 1); they share the database connections",
    )
    commands.add_parser(
        "worker", help="deliver the outbox's email and SMS until stopped (Ctrl-C, SIGTERM)"
    )
    payments_cmd = commands.add_parser("payments", help="card payments")
    payments_cmd.add_argument(
        "payments_command",
        choices=["reconcile"],
        help="reconcile: finish card payments a crash left unfinished, from the processor",
    )
    owner_cmd = commands.add_parser(
        "create-owner", help="first run: create the practice owner (asks for the password)"
    )
    owner_cmd.add_argument("--name", required=True)
    owner_cmd.add_argument("--email", required=True)
    owner_cmd.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    backup_cmd = commands.add_parser(
        "backup", help="copy the running practice into the new directory PATH (see README)"
    )
    backup_cmd.add_argument("path", type=Path)
    restore_cmd = commands.add_parser(
        "restore", help="restore the backup in PATH into an empty database, and check it"
    )
    restore_cmd.add_argument("path", type=Path)
    billing_cmd = commands.add_parser("billing", help="billing: the monthly invoice run")
    billing_cmd.add_argument("billing_command", choices=["run"], help="run: issue the invoices")
    billing_cmd.add_argument("--month", help="2026-11 (default: the previous month)")
    args = parser.parse_args(argv)
    if args.command == "serve" and args.workers is not None:
        if args.workers < 1:
            parser.error("--workers is 1 or more")
        # The worker processes read their settings from the environment, as this one does.
        os.environ["HEARTH_WORKERS"] = str(args.workers)
    settings = Settings.from_env()
    if args.command == "serve" and settings.workers > 1 and not settings.secret_key:
        # Development without a key: one for all the workers, or a form served by one would be
        # refused by another (the CSRF token is signed with it).
        os.environ["HEARTH_SECRET_KEY"] = secrets.token_hex(32)
    if args.command == "serve":
        return _serve(make_container(settings))
    if args.command == "create-owner":
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else _ask_password()
        return _create_owner(make_container(settings), args.name, args.email, password)
    if args.command == "migrate":
        return _migrate(settings)
    if args.command == "worker":
        return _work(make_container(settings))
    if args.command == "audit":
        return _verify_audit(make_container(settings))
    if args.command in ("backup", "restore"):
        return _backup_or_restore(settings, args.command, args.path)
    if args.command == "payments":
        container = make_container(settings)
        finished = run_with_database(container, reconcile_payments(container))
        print(f"{finished} card payment(s) finished from the processor's records.")
        return 0
    if args.command == "billing":
        return _run_billing(make_container(settings), args.month)
    if args.command == "settings":
        shown = msgspec.structs.asdict(settings)
        shown["secret_key"] = "(set)" if settings.secret_key else "(not set)"
        for key, value in shown.items():
            print(f"{key} = {value}")
    elif args.command == "demo":
        return _load_demo(make_container(settings), if_empty=args.if_empty)
    return 0


def web_app() -> RequestLog:
    """The application of one web process, from the environment's settings: what each of
    `hearth serve --workers N`'s processes runs (uvicorn imports it by name)."""
    return RequestLog(create_app(make_container()))


def _serve(container: Container) -> int:
    import uvicorn  # only the server needs it

    settings = container.settings()
    print(f"Hearth is at http://{settings.host}:{settings.port}/", flush=True)
    # Uvicorn's access log prints whole URLs (search words, the calendar feed's secret): off,
    # and our own request log instead (method, path without query, status, duration). One
    # handler for every logger, control characters escaped (adapters/system/log_lines.py).
    log_config = log_lines.config(settings.log_format)
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "access_log": False,
        "log_config": log_config,
    }
    if settings.workers == 1:  # in this process, over this container
        uvicorn.run(RequestLog(create_app(container)), **options)
    else:  # each worker process builds its own container, pool and staff cache
        from uvicorn.supervisors import Multiprocess

        from adapters.web.server import NoDelayConfig

        config = NoDelayConfig(
            "bootstrap:web_app",
            factory=True,
            workers=settings.workers,
            # A worker busy importing on a loaded machine is not a dead one.
            timeout_worker_healthcheck=30,
            **options,
        )
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    return 0


def _work(container: Container) -> int:
    """`hearth worker`: deliver until SIGINT / SIGTERM, finishing the round in progress."""
    import logging.config
    import signal

    logging.config.dictConfig(log_lines.config(container.settings().log_format))

    async def work() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print("hearth worker: delivering the outbox (Ctrl-C stops).", flush=True)
        await run_worker(container.delivery_deps(), stop)

    run_with_database(container, work())
    return 0


def _ask_password() -> str:
    password = getpass.getpass("Password for the owner: ")
    if password != getpass.getpass("The same password again: "):
        raise SystemExit("hearth create-owner: the two passwords differ.")
    return password


def _create_owner(container: Container, name: str, email: str, password: str) -> int:
    async def create() -> None:
        deps, hasher = container.deps(), container.password_hasher()
        await directory.create_first_owner(deps, hasher, name, email, password)

    try:
        run_with_database(container, create())
    except DomainError as exc:
        print(f"hearth create-owner: {exc.message}", file=sys.stderr)
        return 1
    print(
        f"Owner {email} created. Sign in at http://{container.settings().host}:"
        f"{container.settings().port}/sign-in"
    )
    return 0


def _migrate(settings: Settings) -> int:
    if settings.persistence == "memory":
        print("hearth migrate: the in-memory practice has no schema; nothing to do.")
        return 0
    before, after = asyncio.run(migrate_url(settings.database_url))
    if before == after:
        print(f"hearth migrate: the database is up to date (revision {after}).")
    else:
        print(f"hearth migrate: revision {before or '(empty)'} -> {after}.")
    return 0


def _verify_audit(container: Container) -> int:
    """Walk the audit chain from its first entry: exit 1 naming the first broken link."""
    if container.settings().persistence == "memory":
        print("hearth audit verify: the in-memory practice keeps no audit log between runs.")
        return 0
    report = run_with_database(container, verify_log(container.audit_log()))
    if report.ok:
        print(f"hearth audit verify: {report.checked} entries, the chain is intact.")
        return 0
    print(
        f"hearth audit verify: entry {report.broken_seq} is broken: {report.reason} "
        f"({report.checked} entries before it are intact).",
        file=sys.stderr,
    )
    return 1


def _backup_or_restore(settings: Settings, command: str, path: Path) -> int:
    """`hearth backup PATH` / `hearth restore PATH` (adapters/persistence/sql/backup.py)."""
    if settings.persistence == "memory":
        print(f"hearth {command}: the in-memory practice keeps nothing to back up or restore.")
        return 1
    try:
        if command == "backup":
            manifest = asyncio.run(backup_database(settings.database_url, path))
            rows = sum(manifest.tables.values()) + sum(manifest.audit_tables.values())
            print(
                f"hearth backup: {path} holds the practice at migration {manifest.revision}"
                f" ({len(manifest.tables)} tables, {rows} rows; manifest.json lists them)."
            )
            return 0
        report = asyncio.run(restore_database(path, settings.database_url))
    except BackupError as exc:
        print(f"hearth {command}: {exc}", file=sys.stderr)
        return 1
    if not report.ok:
        print("hearth restore: the restored database failed its checks:", file=sys.stderr)
        for problem in report.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(
        f"hearth restore: restored and checked: {report.rows} rows as the manifest lists them,"
        f" {report.audit_entries} audit entries whose chain verifies; migration"
        f" {report.revision} (head)"
        + (f", upgraded from {report.upgraded_from}." if report.upgraded_from else ".")
    )
    return 0


def _run_billing(container: Container, month: str | None) -> int:
    try:
        done, issued = run_with_database(
            container, billing_cli.run_month(container.scheduling_deps(), month)
        )
    except DomainError as exc:
        print(f"hearth billing run: {exc.message}", file=sys.stderr)
        return 1
    print(f"hearth billing run: {len(issued)} invoices issued for {done}.")
    return 0


def _load_demo(container: Container, *, if_empty: bool) -> int:
    try:
        practice = run_with_database(
            container,
            demo.load_demo(
                container.scheduling_deps(),
                container.password_hasher(),
                if_empty=if_empty,
                gateway=container.payment_gateway(),
            ),
        )
    except Forbidden as exc:
        print(f"hearth demo: {exc.message} Use --if-empty to skip.", file=sys.stderr)
        return 1
    settings = container.settings()
    demo.print_sign_ins(practice, f"http://{settings.host}:{settings.port}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
