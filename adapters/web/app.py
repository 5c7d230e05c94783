"""The Litestar application: routes, templates, static files, sessions, CSRF and security
headers. `bootstrap.create_app` supplies the core's dependencies as `Provide` closures over the
container, so this package never reaches for a concrete adapter itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.template.config import TemplateConfig

from adapters.web import templating
from adapters.web.api_docs import ApiDocsGate
from adapters.web.auth import provide_actor
from adapters.web.config import WebConfig
from adapters.web.csrf import CsrfGuard
from adapters.web.edge import HearthRequest, InputGuard
from adapters.web.errors import EXCEPTION_HANDLERS
from adapters.web.hosts import AllowedHosts
from adapters.web.routes import ROUTES
from adapters.web.security import add_hsts, add_security_headers
from adapters.web.sessions import session_config
from core.services.shared.use_case import Deps

HERE = Path(__file__).parent
# Forms are small, but a note may hold 200,000 characters (core.domain.documentation.notes),
# which percent-encoded can take several bytes each: four megabytes cover it.
MAX_BODY = 4 * 1024 * 1024


@cache
def _environment() -> Environment:
    """One per process: templates compile once, however many apps (tests) are built, and are
    not looked at again. With Jinja's default auto_reload every `include` and `import` of a
    request stat()ed its file (the case page's rows include and import dozens); the templates
    are code, shipped with it: a changed template takes a restart, like a changed module."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        auto_reload=False,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templating.install(env)
    return env


def build_app(
    web: WebConfig,
    deps: Callable[[], Deps],
    dependencies: Mapping[str, Provide],
    session_store: Store,
    on_shutdown: Sequence[Callable[[], Awaitable[None]]] = (),
    on_startup: Sequence[Callable[[], Awaitable[None]]] = (),
) -> Litestar:
    """`deps` gives the core's dependencies (the `deps` of every handler, and what the staff
    guard loads the signed-in staff member with); `dependencies` must provide `hasher`
    (core.ports.PasswordHasher); `on_startup` starts, and `on_shutdown` stops and closes, what
    the composition root runs beside the app (the inline delivery worker, the database)."""
    return Litestar(
        route_handlers=[
            *ROUTES,
            create_static_files_router(path="/static", directories=[HERE / "static"]),
        ],
        dependencies={
            "deps": Provide(deps, sync_to_thread=False),
            # The composition root may provide handlers' "deps" itself (in the practice's
            # timezone as stored now); the staff guard keeps `deps` above, from the state.
            **dependencies,
            "web": Provide(lambda: web, sync_to_thread=False),
            "actor": Provide(provide_actor),
        },
        template_config=TemplateConfig(
            instance=JinjaTemplateEngine.from_environment(_environment())
        ),
        plugins=[HTMXPlugin()],
        request_class=HearthRequest,  # an HTMXRequest whose form and JSON are checked
        middleware=[
            # A request for another host goes no further (production; hosts.py).
            *(
                [DefineMiddleware(AllowedHosts, hosts=web.allowed_hosts)]
                if web.allowed_hosts
                else []
            ),
            InputGuard,
            session_config(web).middleware,
            # Inside the session middleware: the token lives in the session (csrf.py).
            DefineMiddleware(CsrfGuard, web=web),
            DefineMiddleware(ApiDocsGate, docs=web.api_docs),
        ],
        stores={"sessions": session_store},
        before_send=[add_security_headers, *([add_hsts] if web.hsts else [])],
        exception_handlers=dict(EXCEPTION_HANDLERS),  # type: ignore[arg-type]
        request_max_body_size=MAX_BODY,
        # The staff guard reads the session timing and loads who is signed in from it.
        state=State({"web": web, "deps": deps}),
        on_startup=list(on_startup),
        on_shutdown=list(on_shutdown),
        debug=web.debug,
        # The process's logging is configured once (adapters/system/log_lines.py): Litestar's
        # own set-up would add a second handler, and every line would be written twice.
        logging_config=None,
    )


__all__ = ["WebConfig", "build_app"]
