"""Two-step sign-in: TOTP enrolment from the account page (QR code and key), password → code,
a code and a recovery code each pass once, the lockout counts codes, the owner can require a
factor of everyone (then enrolment follows the password) or remove someone's (signing them
out), never set or use one."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pyotp

from tests.support.csrf import page_token
from tests.web.conftest import Browser, World


def _secret(page: str) -> str:
    found = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert found is not None, page
    return found.group(1).replace(" ", "")


def _code(container, secret: str, later: int = 0) -> str:
    return pyotp.TOTP(secret).at(container.clock().now() + timedelta(seconds=later))


def _recovery_codes(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>", page)


def _enrol(container, browser: Browser, path: str = "/account/second-factor") -> tuple[str, list]:
    page = browser.get(path)
    assert page.status_code == 200 and "<svg" in page.text  # the QR code, inline
    secret = _secret(page.text)
    wrong = browser.post(path, {"code": "000000" if _code(container, secret) != "000000" else "1"})
    assert wrong.status_code == 422 and "does not match" in wrong.text
    done = browser.post(path, {"code": _code(container, secret)})
    assert done.status_code == 200, done.text
    codes = _recovery_codes(done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def _entries(container) -> list:
    async def run() -> list:
        return [entry async for entry in container.audit_log().walk()]

    return asyncio.run(run())


def _password(browser: Browser, world: World, who: str):
    browser.client.cookies.clear()
    return browser.sign_in(world.email(who))


def test_enrol_then_sign_in_with_a_code_that_passes_once(signed_in, world, container, browser):
    kim = signed_in("kim")
    secret, _ = _enrol(container, kim)
    assert "on (10 recovery codes left)" in kim.get(f"/staff/{world.staff['kim'].id}").text
    first = _password(browser, world, "kim")
    assert first.status_code == 303 and first.headers["location"] == "/sign-in/code"
    assert browser.get("/cases").status_code in (302, 303, 401)  # half signed in is not in
    container.clock().advance(timedelta(seconds=30))  # the enrolment used this step's code
    code = _code(container, secret)
    done = browser.post("/sign-in/code", {"code": code})
    assert done.status_code == 303 and done.headers["location"] == "/cases"
    assert browser.get("/cases").status_code == 200
    # The audit log tells the password from the sign-in: the code completes it.
    entries = [
        (e.record.object_type, e.record.action.value)
        for e in _entries(container)
        if e.record.actor_id == world.staff["kim"].id
    ]
    assert entries[-2:] == [("password", "sign_in"), ("second_factor", "sign_in")]
    # The same code again, within its 30 seconds: refused (seen over a shoulder, replayed).
    assert _password(browser, world, "kim").status_code == 303
    replay = browser.post("/sign-in/code", {"code": code})
    assert replay.status_code == 422 and "does not work" in replay.text
    container.clock().advance(timedelta(seconds=30))
    assert browser.post("/sign-in/code", {"code": _code(container, secret)}).status_code == 303


def test_a_recovery_code_works_once(signed_in, world, container, browser):
    _, codes = _enrol(container, signed_in("kim"))
    assert _password(browser, world, "kim").status_code == 303
    typed = codes[3].upper().replace("-", " ")  # read off paper: any case, any spacing
    assert browser.post("/sign-in/code", {"code": typed}).status_code == 303
    assert "9 recovery codes left" in browser.get(f"/staff/{world.staff['kim'].id}").text
    assert _password(browser, world, "kim").status_code == 303
    again = browser.post("/sign-in/code", {"code": codes[3]})
    assert again.status_code == 422


def test_the_lockout_counts_codes_and_a_password_does_not_reset_it(
    signed_in, world, container, browser
):
    secret, _ = _enrol(container, signed_in("kim"))
    container.clock().advance(timedelta(seconds=30))
    messages = set()
    # Password, code, code, password, code: five attempts in a row without success (the
    # right password between guesses clears nothing while a code is owed).
    for step, value in enumerate(["pw", "000001", "000002", "pw", "000003"]):
        if value == "pw":
            assert _password(browser, world, "kim").status_code == 303, step
            continue
        wrong = browser.post("/sign-in/code", {"code": value})
        assert wrong.status_code == 422
        messages.add(re.search(r"That code does not work[^<]*", wrong.text).group(0))
    assert len(messages) == 1
    # Locked: the right password, and the right code, are refused for a while.
    assert _password(browser, world, "kim").status_code == 422
    container.clock().advance(timedelta(minutes=16))
    assert _password(browser, world, "kim").status_code == 303
    assert browser.post("/sign-in/code", {"code": _code(container, secret)}).status_code == 303


def test_half_signed_in_lapses_after_five_minutes(signed_in, world, container, browser):
    secret, _ = _enrol(container, signed_in("kim"))
    assert _password(browser, world, "kim").status_code == 303
    container.clock().advance(timedelta(minutes=6))
    late = browser.post("/sign-in/code", {"code": _code(container, secret)})
    assert late.status_code == 303 and late.headers["location"].startswith("/sign-in?")
    assert browser.get("/cases").status_code in (302, 303, 401)


def test_required_by_the_owner_enrolment_follows_the_password(signed_in, world, container, browser):
    owner = signed_in("owner")
    assert "Require it of everyone" in owner.get("/staff").text
    assert (
        signed_in("lee").post("/staff/second-factor-policy", {"required": "on"}).status_code == 403
    )
    assert owner.post("/staff/second-factor-policy", {"required": "on"}).status_code == 303
    assert "Stop requiring it" in owner.get("/staff").text
    first = _password(browser, world, "pat")
    assert first.status_code == 303 and first.headers["location"] == "/sign-in/enrol"
    assert browser.get("/cases").status_code in (302, 303, 401)
    page = browser.get("/sign-in/enrol")
    assert "The practice asks everyone" in page.text
    secret = _secret(page.text)
    done = browser.post("/sign-in/enrol", {"code": _code(container, secret)})
    assert done.status_code == 200 and len(_recovery_codes(done.text)) == 10
    assert browser.get("/cases").status_code == 200  # signed in once enrolled
    # While it is required, one's own factor can be replaced, not turned off.
    container.clock().advance(timedelta(seconds=30))
    off = browser.post("/account/second-factor/off", {"code": _code(container, secret)})
    assert off.status_code == 422 and "requires a second factor" in off.text


def test_the_owner_removes_a_factor_which_signs_the_person_out(
    signed_in, world, container, browser
):
    kim = signed_in("kim")
    _enrol(container, kim)
    assert kim.get("/cases").status_code == 200
    kim_id = world.staff["kim"].id
    assert signed_in("lee").post(f"/staff/{kim_id}/second-factor/reset").status_code == 403
    owner = signed_in("owner")
    assert "Remove the second factor" in owner.get(f"/staff/{kim_id}").text
    removed = owner.post(f"/staff/{kim_id}/second-factor/reset")
    assert removed.status_code == 303
    assert kim.get("/cases").status_code in (302, 303)  # signed out everywhere
    assert "Two-step sign-in</dt><dd>off" in owner.get(f"/staff/{kim_id}").text
    # Kim signs in with her own password and sets up a new factor herself.
    back = _password(browser, world, "kim")
    assert back.status_code == 303 and back.headers["location"] == "/cases"


def test_turning_ones_own_factor_off_takes_a_code(signed_in, world, container):
    kim = signed_in("kim")
    secret, _ = _enrol(container, kim)
    container.clock().advance(timedelta(seconds=30))
    refused = kim.post("/account/second-factor/off", {"code": "123"})
    assert refused.status_code == 422
    off = kim.post("/account/second-factor/off", {"code": _code(container, secret)})
    assert off.status_code == 303
    assert "Two-step sign-in is off." in kim.get(off.headers["location"]).text


def test_in_production_the_first_owner_enrols_right_after_setup() -> None:
    from dependency_injector import providers
    from litestar.testing import TestClient

    import bootstrap
    from adapters.system.passwords import Argon2PasswordHasher

    settings = bootstrap.Settings(
        database_url="memory",
        environment="production",
        secret_key="k" * 32,
        worker="off",
        public_url="https://hearth.test",  # production answers only its own host
    )
    container = bootstrap.make_container(settings)
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.fast()))
    with TestClient(bootstrap.create_app(container), base_url="https://hearth.test") as client:
        owner = Browser(client)
        form = {
            "name": "Dr. Ana Owner",
            "email": "ana@hearth.test",
            "password": "a long enough password",
            "password_again": "a long enough password",
        }
        owner.client.get("/setup")
        made = owner.post("/setup", form)
        assert made.status_code == 303 and made.headers["location"] == "/sign-in/enrol"
        assert owner.get("/cases").status_code in (302, 303, 401)
        assert "The practice asks everyone" in owner.get("/sign-in/enrol").text


def test_unicode_digits_for_a_code_are_refused_not_a_500(signed_in, world, container, browser):
    """Six non-ASCII digits ("\u0661...") look like a code to a Unicode `\\d`, and comparing
    them crashed `hmac.compare_digest`: refused like any wrong code, at each code field."""
    kim = signed_in("kim")
    _secret(kim.get("/account/second-factor").text)
    arabic = "\u0661\u0662\u0663\u0664\u0665\u0666"
    assert kim.post("/account/second-factor", {"code": arabic}).status_code == 422
    _enrol(container, kim)
    assert _password(browser, world, "kim").status_code == 303
    assert browser.post("/sign-in/code", {"code": arabic}).status_code == 422


def test_a_borrowed_session_cannot_replace_the_factor_without_a_current_code(
    signed_in, world, container, browser
):
    """Setting up a new authenticator over an enrolled one takes a code of the current one
    (or a recovery code), as new recovery codes and turning it off do: else a session left
    open would let anyone put their own phone in place of the owner's."""
    kim = signed_in("kim")
    old_secret, codes = _enrol(container, kim)
    container.clock().advance(timedelta(seconds=30))
    new_secret = _secret(kim.get("/account/second-factor").text)
    taken = kim.post("/account/second-factor", {"code": _code(container, new_secret)})
    assert taken.status_code == 422 and "does not work" in taken.text
    # With a code of the current authenticator, the new one replaces it.
    replaced = kim.post(
        "/account/second-factor",
        {"code": _code(container, new_secret), "current": _code(container, old_secret)},
    )
    assert replaced.status_code == 200 and len(_recovery_codes(replaced.text)) == 10
    container.clock().advance(timedelta(seconds=30))
    assert _password(browser, world, "kim").status_code == 303
    assert browser.post("/sign-in/code", {"code": codes[0]}).status_code == 422  # old codes gone
    assert browser.post("/sign-in/code", {"code": _code(container, new_secret)}).status_code == 303


def test_a_double_click_on_enrol_shows_working_recovery_codes(signed_in, world, container):
    """Both clicks of one enrolment carry the same new key, and the second finds it enrolled
    by the first: that is no takeover (whoever has the key makes its codes), so the second
    also enrols it — the codes the page ends up showing are the ones that work."""
    from core.services.directory import second_factor as factor

    kim = signed_in("kim")
    secret, _ = _enrol(container, kim)
    staff_id = world.staff["kim"].id
    deps, codes = container.deps(), container.one_time_codes()
    container.clock().advance(timedelta(seconds=30))
    shown = asyncio.run(factor.enrol(deps, codes, staff_id, secret, _code(container, secret)))
    assert len(shown) == 10
    browser = signed_in("kim")
    browser.client.cookies.clear()
    assert browser.sign_in(world.email("kim")).status_code == 303
    assert browser.post("/sign-in/code", {"code": shown[0]}).status_code == 303


def _refused_with(browser: Browser, path: str, token: str, data: dict) -> None:
    """`token` does not pass on `path`, in the form or in the htmx header."""
    form = browser.client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)
    assert form.status_code == 403, (path, form.status_code)
    header = browser.client.post(
        path, data=data, headers={"x-csrftoken": token}, follow_redirects=False
    )
    assert header.status_code == 403, (path, header.status_code)


def test_half_signed_in_the_form_token_is_the_session_s(signed_in, world, container, browser):
    kim = signed_in("kim")
    secret, _ = _enrol(container, kim)
    browser.client.cookies.clear()
    anonymous = browser.token
    assert browser.sign_in(world.email("kim")).headers["location"] == "/sign-in/code"
    # The password step renewed the session: the token is now that session's, and the
    # anonymous one (or one planted with its nonce cookie) no longer passes.
    half = page_token(browser.get("/sign-in/code").text)
    assert half != anonymous
    container.clock().advance(timedelta(seconds=30))  # the enrolment used this step's code
    _refused_with(browser, "/sign-in/code", anonymous, {"code": _code(container, secret)})
    done = browser.client.post(
        "/sign-in/code",
        data={"code": _code(container, secret), "_csrf_token": half},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/cases"
    assert browser.token not in (half, anonymous)  # renewed again once signed in

    owner = signed_in("owner")
    assert owner.post("/staff/second-factor-policy", {"required": "on"}).status_code == 303
    browser.client.cookies.clear()
    anonymous = browser.token
    assert browser.sign_in(world.email("pat")).headers["location"] == "/sign-in/enrol"
    page = browser.get("/sign-in/enrol").text
    half = page_token(page)
    assert half != anonymous
    _refused_with(browser, "/sign-in/enrol", anonymous, {"code": _code(container, _secret(page))})
    done = browser.client.post(
        "/sign-in/enrol",
        data={"code": _code(container, _secret(page)), "_csrf_token": half},
        follow_redirects=False,
    )
    assert done.status_code == 200 and len(_recovery_codes(done.text)) == 10
