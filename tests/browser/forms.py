"""Signing in through the real sign-in form, as every browser journey starts."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.factories import PASSWORD


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    """Forget any earlier session, sign ``username`` in through the form and wait for the home page."""
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(f"{base}/home")
