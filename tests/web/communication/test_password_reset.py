"""A forgotten password, reset by the staff member through a mailed link: the same answer for
every address, one link per request (a few an hour at most), single-use, an hour long; the new
password ends every other session of the account."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from core.domain.communication.messages import DeliveryState

NEW = "a-brand-new-password"


def _mails(container) -> list:
    async def run() -> list:
        async with container.uow_factory()() as uow:
            return await uow.outbox.listing([DeliveryState.PENDING])

    return asyncio.run(run())


def _link(container) -> str:
    (mail,) = _mails(container)
    return re.search(r"http://\S+(/password/reset/\S+)", mail.body).group(1)


def test_asking_answers_the_same_for_any_address_and_mails_staff_only(
    container, world, browser
) -> None:
    unknown = browser.post("/password/forgot", {"email": "nobody@hearth.test"})
    known = browser.post("/password/forgot", {"email": world.email("lee")})
    assert unknown.status_code == known.status_code == 200
    assert unknown.text == known.text
    (mail,) = _mails(container)
    assert mail.to == world.email("lee") and "/password/reset/" in mail.body
    assert mail.delivery_key.startswith("password_reset:")
    assert 'href="/password/forgot"' in browser.get("/sign-in").text


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(
    container, world, browser, signed_in
) -> None:
    elsewhere = signed_in("lee")
    assert elsewhere.get("/cases").status_code == 200
    browser.post("/password/forgot", {"email": world.email("lee")})
    link = _link(container)
    assert browser.get(link).status_code == 200
    differ = browser.post(link, {"password": NEW, "password_again": NEW + "x"})
    assert differ.status_code == 422 and "differ" in differ.text
    short = browser.post(link, {"password": "short", "password_again": "short"})
    assert short.status_code == 422
    done = browser.post(link, {"password": NEW, "password_again": NEW})
    assert done.status_code == 303 and done.headers["location"] == "/sign-in?password=reset"
    assert elsewhere.get("/cases").status_code in (302, 303, 401)  # signed out everywhere
    assert browser.sign_in(world.email("lee"), NEW).status_code == 303
    again = browser.post(
        link, {"password": "another-password-1", "password_again": "another-password-1"}
    )
    assert again.status_code == 422 and "not valid any more" in again.text
    assert browser.get(link).status_code == 410


def test_a_link_expires_after_an_hour_and_only_the_newest_works(container, world, browser) -> None:
    browser.post("/password/forgot", {"email": world.email("kim")})
    first = _link(container)
    container.clock().advance(timedelta(minutes=61))
    assert browser.get(first).status_code == 410
    browser.post("/password/forgot", {"email": world.email("kim")})
    container.clock().advance(timedelta(minutes=1))
    browser.post("/password/forgot", {"email": world.email("kim")})
    mails = sorted(_mails(container), key=lambda m: m.due_at)
    links = [re.search(r"(/password/reset/\S+)", m.body).group(1) for m in mails]
    assert len(links) == 3 and links[0] == first
    assert [browser.get(link).status_code for link in links] == [410, 410, 200]
    assert browser.get("/password/reset/not-a-secret").status_code == 410


def test_a_few_links_an_hour_at_most(container, world, browser) -> None:
    for _ in range(5):
        browser.post("/password/forgot", {"email": world.email("kim")})
    assert len(_mails(container)) == 3
