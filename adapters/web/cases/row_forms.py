"""A row's action form on the case page, asked for when its fold is opened: the page carries
only the fold and the form's address (templates/cases/_row_forms.html), so that a group's page
does not render a dozen forms for the one that may be opened. "Change the team" is read the
same way: its choice of every staff member was 20 of the case page's 54 KB at 230 staff.

The address is the path the form posts to, read with GET: htmx gets the form alone, to put in
the fold; a plain request (no JavaScript) the case page with that form open. The case is read
through the core as the page is (authorized per case, audited); a form the page would not
show this staff member, or for an item no longer on the case (changed in another tab), is a
404 saying so."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from litestar import get
from litestar.response import Template

from adapters.web.cases.pages import case_panels
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId
from adapters.web.kit.rendering import wants_fragment
from core.domain.shared.errors import NotFound
from core.domain.shared.values import CaseId
from core.services.cases import views as case_views
from core.services.cases.views import CaseOverview

STALE = "This has changed since the page was shown: reload the case to see it."


def _members(case: CaseOverview) -> list[Any]:
    return [*case.members_now, *case.members_before]


def _duties(case: CaseOverview) -> list[Any]:
    """The team's duties that have an assignment of this case (not a default supervisor)."""
    duties = [*case.co_therapists, case.supervisor, *case.admin_support]
    return [s for s in duties if s is not None and s.assignment_id is not None]


@dataclass(frozen=True)
class RowForm:
    """One kind of row action, as the case page offers it (cases/_panels.html, _duty.html)."""

    key: str  # the form's name on the page, before ":<item id>", and its macro's
    panel: str  # the panel its rows are in
    permission: str | None  # None: the row says itself (a duty's can_end, can_correct)
    rows: Callable[[CaseOverview], Iterable[Any]]  # the items that have it
    id_of: str  # the attribute of an item that is its id in the path


FORMS = {
    ("/members", "end"): RowForm(
        "end_member",
        "participants",
        "manage_case",
        lambda c: (m for m in c.members_now if not m.left_on),
        "membership_id",
    ),
    ("/members", "end-date"): RowForm(
        "member_end_date",
        "participants",
        "manage_case",
        lambda c: (m for m in _members(c) if m.left_on),
        "membership_id",
    ),
    ("/members", "error"): RowForm(
        "member_error", "participants", "manage_case", _members, "membership_id"
    ),
    ("/payers", "end"): RowForm(
        "end_payer",
        "billing",
        "manage_billing",
        lambda c: (p for p in c.payers or () if not p.until),
        "responsibility_id",
    ),
    ("/payers", "error"): RowForm(
        "payer_error", "billing", "manage_billing", lambda c: c.payers or (), "responsibility_id"
    ),
    ("/helpers", "end"): RowForm(
        "revoke_helper",
        "helpers",
        "manage_case",
        lambda c: (h for h in c.helpers if not h.until),
        "role_id",
    ),
    ("/helpers", "error"): RowForm(
        "helper_error", "helpers", "manage_case", lambda c: c.helpers, "role_id"
    ),
    ("/staff", "end"): RowForm(
        "end_duty", "team", None, lambda c: (s for s in _duties(c) if s.can_end), "assignment_id"
    ),
    ("/staff", "error"): RowForm(
        "duty_error",
        "team",
        None,
        lambda c: (s for s in _duties(c) if s.can_correct),
        "assignment_id",
    ),
}


def _row(kind: RowForm, case: CaseOverview, item_id: Any) -> Any:
    """The item the form is about, if the page shows this form for it."""
    offered = case.closed_on is None and (
        kind.permission is None or kind.permission in case.permissions
    )
    found = (r for r in kind.rows(case) if getattr(r, kind.id_of) == item_id) if offered else ()
    row = next(iter(found), None)
    if row is None:
        raise NotFound(STALE)
    return row


def _alone(case: CaseOverview, macro: str, row: Any) -> Template:
    """The form of `macro` (cases/_row_forms.html) for `row`, alone, as htmx puts it in its
    fold: nothing refused yet, so no errors and nothing typed."""
    context = {
        "case": case,
        "can": case.permissions,
        "form": "",
        "errors": {},
        "values": {},
        "conflict": None,
        "conflict_what": "this case",
        "macro": macro,
        "row": row,
    }
    return Template(template_name="cases/row_form.html", context=context)


def row_form(path: str, action: str) -> Any:
    """The GET of the row form that posts to `<path>/<item id>/<action>`: on the controller
    of those posts (cases/changes.py), as Litestar keeps the methods of one path together."""
    kind = FORMS[(path, action)]

    async def handler(
        self: Any,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        case_id: PathId,
        item_id: PathId,
    ) -> Template:
        cid = CaseId(case_id)
        case = await case_views.case_overview(deps, actor, cid)
        row = _row(kind, case, item_id)
        if not wants_fragment(request):
            form = f"{kind.key}:{item_id}"
            return await case_panels(request, deps, actor, cid, form, panel=kind.panel)
        return _alone(case, kind.key, row)

    handler.__name__ = f"{kind.key}_form"
    return get(f"{path}/{{item_id:uuid}}/{action}", name=f"case_{kind.key}_form")(handler)


def team_form() -> Any:
    """The GET of "Change the team" (it posts to `/staff`), read as a row's form is: its
    choice of every active staff member is sent to whoever opens it, not on every visit."""

    async def handler(
        self: Any, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Template:
        cid = CaseId(case_id)
        page = await case_views.case_page(deps, actor, cid, with_history=False, with_head=False)
        if not page.overview.assignable_duties:  # closed, or not this actor's to change
            raise NotFound(STALE)
        if not wants_fragment(request):
            return await case_panels(request, deps, actor, cid, "assign", panel="team")
        return _alone(page.overview, "assign", page.staff)

    handler.__name__ = "assign_form"
    return get("/staff", name="case_assign_form")(handler)
