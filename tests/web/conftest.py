"""The web tier over the in-memory adapters: the real app from `bootstrap.create_app`, a
practice seeded through the real use cases, and a browser-like client per staff member."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

import bootstrap
from adapters.system.passwords import Argon2PasswordHasher
from adapters.web.config import WebConfig
from core.domain.cases.access import StaffActor
from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import PayerKind
from core.domain.directory.parties import StaffRole
from core.domain.shared.values import CaseId, OrganizationId, PersonId
from core.services import cases, directory
from core.services.directory import auth
from tests.support.csrf import page_token
from tests.support.practice import Practice

PASSWORD = "a long enough password"
CSRF_COOKIE = WebConfig(secret_key="").csrf_cookie  # the test app's (development)


@dataclass
class World:
    """The seeded practice: who works here and the cases they hold."""

    practice: Practice
    staff: dict[str, StaffActor] = field(default_factory=dict)
    people: dict[str, PersonId] = field(default_factory=dict)
    cases: dict[str, CaseId] = field(default_factory=dict)
    organizations: dict[str, OrganizationId] = field(default_factory=dict)

    def email(self, who: str) -> str:
        return "owner@hearth.test" if who == "owner" else _email(self.staff[who].name)


def _email(name: str) -> str:  # the address tests/support/practice.py gives a staff member
    return name.lower().replace(".", "").replace(" ", ".") + "@hearth.test"


async def _seed(practice: Practice, hasher: Argon2PasswordHasher) -> World:
    await practice.setup()
    world = World(practice)
    world.staff["owner"] = practice.owner
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    kim = await practice.staff("Dr. Kim", StaffRole.CLINICIAN)
    ash = await practice.staff("Ash Associate", associate=True, supervisor=lee)
    pat = await practice.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(lee,))
    lee = await practice.actor(lee.id)  # now knows Ash as a supervisee
    world.staff.update(lee=lee, kim=kim, ash=ash, pat=pat)
    for actor in world.staff.values():
        await auth.set_password(practice.deps, hasher, None, actor.id, PASSWORD)

    maya = await practice.person("Maya Rivera")
    sam = await practice.person("Sam Chen")
    ada = await practice.person("Ada Okafor")
    tomi = await practice.person("Tomi Okafor")
    world.people.update(maya=maya, sam=sam, ada=ada, tomi=tomi)
    clinic = await directory.register_organization(
        practice.deps, practice.owner, directory.RegisterOrganization(name="Riverside Clinic")
    )
    world.organizations["clinic"] = clinic

    def who(*ids: PersonId) -> tuple[cases.Participant, ...]:
        return tuple(cases.Participant(person_id=i) for i in ids)

    world.cases["couple"] = await cases.open_case(
        practice.deps,
        lee,
        cases.OpenCase(
            kind=CaseKind.COUPLE,
            name="Maya & Sam",
            responsible_provider_id=lee.id,
            participants=who(maya, sam),
            payer=cases.Payer(kind=PayerKind.PERSON, id=sam),
        ),
    )
    world.cases["family"] = await cases.open_case(
        practice.deps,
        ash,
        cases.OpenCase(
            kind=CaseKind.FAMILY,
            name="Okafor family",
            responsible_provider_id=ash.id,
            participants=who(ada, tomi),
        ),
    )
    world.cases["consultation"] = await cases.open_case(
        practice.deps,
        lee,
        cases.OpenCase(
            kind=CaseKind.CONSULTATION_GROUP,
            name="Riverside consultation group",
            responsible_provider_id=lee.id,
            payer=cases.Payer(kind=PayerKind.ORGANIZATION, id=clinic),
        ),
    )
    return world


@pytest.fixture(scope="session")
def session_container() -> bootstrap.Container:
    """One container for the whole session: the app below closes over it. Each test gets it
    back with its singletons (the in-memory practice among them) and overrides reset."""
    # The delivery worker is driven by the tests that need it (tests/web/communication).
    return bootstrap.make_container(bootstrap.Settings(database_url="memory", worker="off"))


@pytest.fixture(scope="session")
def session_app(session_container: bootstrap.Container):
    """The web app, built once (building one costs about as much as a whole web test). Its
    handlers reach the core through `Provide(lambda: container.deps())`, so resetting the
    container's singletons gives every test a new, empty practice."""
    return bootstrap.create_app(session_container)


def _fresh(container: bootstrap.Container) -> None:
    for name, provider in container.providers.items():
        if name != "settings":  # the settings are the container's own override
            provider.reset_override()
    container.reset_singletons()  # a new MemoryStore, Deps, clock, ids...
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.fast()))


@pytest.fixture
def container(session_container: bootstrap.Container) -> Iterator[bootstrap.Container]:
    _fresh(session_container)
    yield session_container
    _fresh(session_container)


@pytest.fixture
def world(container: bootstrap.Container) -> World:
    practice = Practice(container.uow_factory(), audit=container.audit_log())
    # The app and the seed share one clock, so tests can move time for both.
    container.clock.override(providers.Object(practice.clock))
    container.ids.override(providers.Object(practice.deps.ids))
    return asyncio.run(_seed(practice, container.password_hasher()))


class Browser:
    """A TestClient that signs in and sends the CSRF token the way the pages do."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._token: tuple[object, str] | None = None

    def _cookies(self) -> object:
        return sorted((c.name, c.domain, c.value) for c in self.client.cookies.jar)

    @property
    def token(self) -> str:
        """The token a page of this session renders (as a person's browser posts it; no
        script can read the CSRF cookie), read again whenever the session changes."""
        if self._token is None or self._token[0] != self._cookies():
            page = self.client.get("/sign-in", follow_redirects=True).text
            self._token = (self._cookies(), page_token(page))
        return self._token[1]

    def sign_in(self, email: str, password: str = PASSWORD):
        return self.post("/sign-in", {"email": email, "password": password})

    def get(self, path: str, htmx: bool = False, **kw):
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.get(path, headers=headers, follow_redirects=False, **kw)

    def post(self, path: str, data: dict | None = None, htmx: bool = False, csrf: bool = True):
        form = dict(data or {})
        headers = {}
        if csrf:
            if htmx:
                headers["x-csrftoken"] = self.token
            else:
                form["_csrf_token"] = self.token
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(path, data=form, headers=headers, follow_redirects=False)


@pytest.fixture
def app(session_app, container: bootstrap.Container, world: World):
    """The session's app over this test's practice, with nobody signed in."""
    asyncio.run(session_app.stores.get("sessions").delete_all())
    return session_app


@pytest.fixture
def browser(app) -> Iterator[Browser]:
    with TestClient(app) as client:
        yield Browser(client)


@pytest.fixture
def signed_in(app, world: World, browser: Browser):
    """`signed_in("lee")` is a Browser signed in as that staff member. Each has its own
    cookies; all share the running app (one lifespan, one event loop thread)."""

    def make(who: str) -> Browser:
        client = TestClient(app)
        client.blocking_portal = browser.client.blocking_portal
        signed = Browser(client)
        response = signed.sign_in(world.email(who))
        assert response.status_code == 303, response.text
        return signed

    return make
