"""What the case page shows of the schedule: upcoming sessions, who was at the last one, who is
expected at the next, and the attendance grid (members by sessions). The case page loads it
into its own section, so that it follows every change made on the page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, PathStr, SchedDepsParam
from adapters.web.kit.paths import path_id
from adapters.web.kit.rendering import render
from core.domain.shared.values import CaseId
from core.services.scheduling import views as schedule_views

MARKS = {"attended": "✓", "absent": "A", "late_cancelled": "LC", "no_show": "NS", "": "·"}


@get("/cases/{case_id:str}/schedule")
async def case_schedule(
    request: Request[Any, Any, Any],
    scheduling_deps: SchedDepsParam,
    actor: ActorParam,
    case_id: PathStr,
) -> Template:
    cid = CaseId(path_id(case_id, "case"))
    q = request.query_params
    panel = await schedule_views.schedule_panel(  # one read model, one audit entry
        scheduling_deps,
        actor,
        cid,
        forms.optional_date(q, "from"),
        forms.optional_date(q, "to"),
    )
    summary, grid = panel.summary, panel.grid
    context = {
        "actor": actor,
        "case_id": cid,
        "s": summary,
        "grid": grid,
        "MARKS": MARKS,
    }
    return render(request, "scheduling/case.html", context, fragment="scheduling/_case_panel.html")


ROUTES = [case_schedule]
