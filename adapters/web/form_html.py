"""The small form pieces every form repeats (a field with its label and error, a select's
options, a row's folded action), written in Python rather than as Jinja macros.

As macros they called each other (`input` → `invalid`, `error`), each call binding its
arguments and building its output from Markup pieces; the case page made ~190 of those calls,
and its rendering takes about a third less time with these functions. They write what the
macros wrote, byte for byte (tests/unit/shared/test_form_html.py renders the old macros against
them), and `_macros.html` binds them under the macros' names: templates still call
`f.input(...)` and `{% call f.row_action(...) %}`.

Every value goes into the HTML as `{{ value }}` puts it under autoescape: markup as it is,
anything else as markupsafe escapes its `str`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

Errors = Mapping[str, Any]
Values = Mapping[str, Any] | None

NOTHING = Markup("")  # shared, not made again per empty piece
_OPTIONAL = ' <span class="optional">(optional)</span>'


def text(value: Any) -> str:
    """As `{{ value }}` writes it: markup as it is, anything else escaped as markupsafe's
    `escape` does, without a Markup per value. Chained `replace` (markupsafe's own fallback)
    is five times faster than `str.translate` on ids and names."""
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return (
        str(value)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def chosen(values: Values, name: str, option: object) -> bool:
    """Whether a re-rendered form had `option` selected or checked in field `name`."""
    if not values or name not in values:
        return False
    current = values[name]
    if isinstance(current, list):
        return str(option) in current
    return str(current) == str(option)


@pass_context
def csrf(context: Context) -> Markup:
    token = context.call(context["csrf_token"])
    return Markup(f'<input type="hidden" name="_csrf_token" value="{text(token)}">')


def error(name: str, errors: Errors, prefix: str = "") -> Markup:
    """The field's message, right under it (`invalid` points the field at it)."""
    message = errors.get(name)
    if not message:
        return NOTHING
    return Markup(
        f'<p class="field-error" id="{text(prefix)}{text(name)}-error">{text(message)}</p>'
    )


def form_error(errors: Errors) -> Markup:
    message = errors.get("_form")
    if not message:
        return NOTHING
    return Markup(f'<p class="form-error" role="alert">{text(message)}</p>')


def invalid(name: str, errors: Errors, prefix: str = "") -> Markup:
    if not errors.get(name):
        return NOTHING
    return Markup(f' aria-invalid="true" aria-describedby="{text(prefix)}{text(name)}-error"')


def input(
    name: str,
    label: Any,
    values: Mapping[str, Any],
    errors: Errors,
    type: str = "text",
    prefix: str = "",
    required: Any = False,
    hint: Any = "",
    maxlength: Any = None,
    autocomplete: Any = None,
    min: Any = None,
    max: Any = None,
) -> Markup:
    """A labelled input with its hint and error; a password is never written back."""
    field_id = text(prefix) + text(name)
    html = [_opening("field", name, errors), _label(field_id, label, required)]
    html.append(f'  <input id="{field_id}" name="{text(name)}" type="{text(type)}"')
    if type != "password":
        value = values.get(name)
        html.append(f' value="{text(value) if isinstance(value, str) else ""}"')
    if required:
        html.append(" required")
    if maxlength:
        html.append(f' maxlength="{text(maxlength)}"')
    if autocomplete:
        html.append(f' autocomplete="{text(autocomplete)}"')
    if min is not None:
        html.append(f' min="{text(min)}"')
    if max is not None:
        html.append(f' max="{text(max)}"')
    html.append(f"{invalid(name, errors, prefix)}>\n")
    if hint:
        html.append(f'<p class="hint">{text(hint)}</p>')
    html.append(f"  {error(name, errors, prefix)}\n</div>\n")
    return Markup("".join(html))


def select(
    name: str,
    label: Any,
    options: Iterable[tuple[Any, Any]],
    values: Values,
    errors: Errors,
    prefix: str = "",
    required: Any = False,
    blank: Any = None,
) -> Markup:
    """A labelled select of (value, text) pairs, `blank` an empty first choice."""
    field_id = text(prefix) + text(name)
    html = [_opening("field", name, errors), _label(field_id, label, required)]
    html.append(f'  <select id="{field_id}" name="{text(name)}"')
    if required:
        html.append(" required")
    html.append(f"{invalid(name, errors, prefix)}>\n")
    if blank is not None:
        html.append(f'<option value="">{text(blank)}</option>')
    html.append(f"{option_tags(options, values, name)}  </select>\n")
    html.append(f"  {error(name, errors, prefix)}\n</div>\n")
    return Markup("".join(html))


def checkbox(
    name: str,
    label: Any,
    values: Values,
    errors: Errors,
    prefix: str = "",
    value: Any = "on",
) -> Markup:
    field_id = text(prefix) + text(name)
    checked = " checked" if chosen(values, name, value) else ""
    return Markup(
        f"{_opening('field check', name, errors)}"
        f'  <input id="{field_id}" name="{text(name)}" type="checkbox" value="{text(value)}"'
        f"{checked}{invalid(name, errors, prefix)}>\n"
        f'  <label for="{field_id}">{text(label)}</label>\n'
        f"  {error(name, errors, prefix)}\n</div>\n"
    )


def row_action(
    label: Any,
    what: Any,
    open: Any = False,
    fetch: Any = None,
    form_label: Any = None,
    bare: Any = False,
    *,
    caller: Callable[[], Any],
) -> Markup:
    """A row's action kept folded behind a short word; `what` completes it for screen readers.
    Called as `{% call f.row_action(...) %}the form{% endcall %}`.

    With `fetch` (the form's own address) a folded action carries that address instead of the
    form, which is not rendered: opened, htmx fetches it in place (without JavaScript the link
    opens the page with it); `form_label` is the form's accessible name, for finding the fold.
    `bare`: the form alone, as that address answers htmx."""
    summary = f'{text(label)}<span class="visually-hidden"> ({text(what)})</span>'
    return _fold(' class="row-action"', summary, caller, open, fetch, form_label, bare)


def fetched_fold(summary: Any, *, caller: Callable[[], Any], **fold: Any) -> Markup:
    """A form of the whole page folded behind its `summary` ("Change the team"), taking
    `row_action`'s `open`, `fetch`, `form_label` and `bare`: for a form too large to carry on
    every visit (a choice of every staff member)."""
    return _fold("", text(summary), caller, **fold)


def _fold(
    cls: str,
    summary: str,
    caller: Callable[[], Any],
    open: Any = False,
    fetch: Any = None,
    form_label: Any = None,
    bare: Any = False,
) -> Markup:
    if bare:
        return Markup(text(caller()))
    if fetch is not None and not open:
        address = text(fetch)
        named = text(form_label or "")
        body = (
            f'<div class="row-form" hx-get="{address}"'
            ' hx-trigger="toggle once from:closest details" hx-target="this" hx-swap="outerHTML"'
            f' data-form-label="{named}">'
            f'<a href="{address}">Show the form<span class="visually-hidden">: {named}</span>'
            "</a></div>"
        )
    else:
        body = text(caller())
    return Markup(
        f"<details{cls}{' open' if open else ''}>\n"
        f"  <summary>{summary}</summary>\n"
        f"  {body}\n</details>\n"
    )


def _opening(cls: str, name: str, errors: Errors) -> str:
    return f'<div class="{cls}{" has-error" if errors.get(name) else ""}">\n'


def _label(field_id: str, label: Any, required: Any) -> str:
    return f'  <label for="{field_id}">{text(label)}{"" if required else _OPTIONAL}</label>\n'


def staff_option_tags(staff: Iterable[Any], values: Values, name: str) -> Markup:
    """`<option value="{id}"[ selected]>{name}</option>` for each staff member, one after the
    other, selected as `chosen(values, name, id)` has it: what a template loop wrote option by
    option, in one call (at 230 staff the appointment page's providers loop was a fifth of its
    CPU, most of it Jinja's attribute lookups and escaping per option)."""
    return _options(((str(s.id), s.name) for s in staff), values, name, "", "")


def option_tags(options: Iterable[tuple[Any, Any]], values: Values, name: str) -> Markup:
    """The `select` macro's options (value, text pairs), a line each, as its loop wrote them:
    one call however many (the case page's staff select lists every staff member)."""
    return _options(options, values, name, "    ", "\n")


def _options(
    options: Iterable[tuple[Any, Any]], values: Values, name: str, indent: str, end: str
) -> Markup:
    picked: set[str] = set()
    if values and name in values:
        current = values[name]
        picked = {str(c) for c in current} if isinstance(current, list) else {str(current)}
    tags = []
    for value, shown in options:
        on = " selected" if str(value) in picked else ""
        tags.append(f'{indent}<option value="{text(value)}"{on}>{text(shown)}</option>{end}')
    return Markup("".join(tags))
