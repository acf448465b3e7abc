"""The home page, the account page and notifications on a 360 px phone: they fit, pass axe-core with no
serious or critical violation, stay within the byte budget, and load no script (so they work without
JavaScript)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect

from elearn.accounts.models import User
from elearn.enrolment.services import actor_of, approve
from elearn.extensions import db
from elearn.notifications.services import notify
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import severe_violations
from tests.browser.test_phone_journey import gzip_weight
from tests.factories import PASSWORD, Scenario

WIDTH = 360
BUDGET = 30 * 1024  # gzip bytes of HTML + CSS + JS, as the lesson page's budget


@pytest.fixture
def small_phone(browser: Any) -> Iterator[Page]:
    """A 360×740 phone (the narrowest phone screens in use)."""
    context = browser.new_context(**{**PHONE, "viewport": {"width": WIDTH, "height": 740}})
    try:
        page = context.new_page()
        page.set_default_timeout(5_000)
        yield page
    finally:
        context.close()


def fits(page: Page) -> None:
    """No sideways scrolling on the 360 px screen, and no script but the one that registers the offline
    reader (the home page's; nothing on the page needs it): the page works without JavaScript."""
    scroll_width, inner_width, scripts = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth,"
        " [...document.scripts].filter(s => !s.src.includes('/static/js/offline.js')).length]"
    )
    assert scroll_width <= inner_width + 1 and inner_width == WIDTH, f"{page.url}: {scroll_width}px in {inner_width}px"
    assert scripts == 0, f"{page.url} loads JavaScript"


def test_home_account_and_notifications_on_a_360_px_phone_without_javascript(
    app: Flask, scenario: Scenario, live_server: str, small_phone: Page, make_user: Callable[..., User]
) -> None:
    learner = scenario.users["learner_enrolled"]
    learner.email = "peserta.dengan.alamat.yang.panjang@dinkes.sorongkota.go.id"
    db.session.commit()
    approve(actor_of(scenario.users["coordinator"]), scenario.approval_course, learner.username)
    notify(learner.id, "enrolment_rejected", course="TST-2", title="Kursus TST-2", reason="Kuota unit sudah penuh.")
    db.session.commit()
    page, axe, problems = small_phone, Axe(), []
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    expect(page.get_by_role("heading", level=1, name="Lupa kata sandi")).to_be_visible()
    fits(page)
    problems += severe_violations(axe, page)
    page.goto(f"{live_server}/login")
    page.get_by_label("Nama pengguna").fill(learner.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(f"{live_server}/home")
    expect(page.get_by_role("heading", level=2, name="Kursus saya")).to_be_visible()
    expect(page.get_by_role("link", name="Notifikasi 2 belum dibaca")).to_be_visible()
    fits(page)
    problems += severe_violations(axe, page)
    weights = gzip_weight(page)
    assert sum(weights.values()) < BUDGET, weights

    page.get_by_role("link", name="Notifikasi 2 belum dibaca").click()
    expect(page.get_by_role("heading", level=1, name="Notifikasi")).to_be_visible()
    expect(page.get_by_text("Alasan: Kuota unit sudah penuh.")).to_be_visible()
    fits(page)
    problems += severe_violations(axe, page)
    page.reload()
    expect(page.locator(".bell-count")).to_have_count(0)  # read once shown

    page.get_by_role("link", name="Akun").click()
    expect(page.get_by_role("heading", level=1, name="Akun saya")).to_be_visible()
    fits(page)
    problems += severe_violations(axe, page)
    page.get_by_label("Bahasa tampilan").select_option("en")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="My account")).to_be_visible()
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", level=1, name="Change password")).to_be_visible()
    assert problems == []
