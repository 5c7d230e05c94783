"""The ICD-10-CM picker: what was typed (a code's beginning or words of its description)
answered with the matching codes, a fragment for the typeahead and a page without JavaScript.
Choosing a code puts it into the form's field with its description (htmx, no script of ours)."""

from __future__ import annotations

import asyncio
import re

from litestar import get
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.params import AnyRequest
from adapters.web.kit.rendering import render
from core.services.documentation import icd10

LIMIT = 20
_PREFIX = re.compile(r"[a-z0-9-]{1,20}")  # the form's id prefix, as the templates name them


def _prefix(params: forms.Fields) -> str:
    """The id prefix of the form asking: it goes into ids and into the `hx-target` selector,
    so anything else (a crafted link's `prefix=body,%23x`) is the default."""
    typed = forms.text(params, "prefix")
    return typed if _PREFIX.fullmatch(typed) else "dx-"


class Icd10Picker(StaffController):
    """Public reference data: any signed-in staff member may search it (no client's data)."""

    path = "/icd10"

    @get("")
    async def search(self, request: AnyRequest) -> Template:
        params = request.query_params
        typed = (forms.text(params, "q") or forms.text(params, "code")).strip()
        context = {
            "q": typed,
            "codes": icd10.search_codes(typed, LIMIT) if typed else [],
            "release": icd10.release(),
            "prefix": _prefix(params),
        }
        return render(
            request, "documentation/icd10.html", context, fragment="documentation/_icd10.html"
        )

    @get("/pick")
    async def pick(self, request: AnyRequest) -> Template:
        """The code field again with the chosen code in it and its description beside."""
        params = request.query_params
        chosen = forms.text(params, "code").strip()
        found = icd10.search_codes(chosen, 1) if chosen else []
        entry = found[0] if found and found[0].code == chosen.upper() else None
        context = {
            "values": {"code": entry.code if entry else chosen},
            "errors": {},
            "entry": entry,
            "prefix": _prefix(params),
        }
        return render(request, "documentation/_code_field.html", context)


async def warm_code_list() -> None:
    """At start: read the code list in a thread (about half a second), so that the first
    search answers at once and the start does not wait for it."""
    asyncio.get_running_loop().run_in_executor(None, icd10.warm)
