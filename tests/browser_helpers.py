"""Small helpers shared by the browser tests."""
from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

SHOTS = Path(os.environ["KARTE_SCREENSHOTS"]) if os.environ.get("KARTE_SCREENSHOTS") else None


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot when KARTE_SCREENSHOTS names a folder (to look at the screens)."""
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def wait_idle(page: Page) -> None:
    """Wait until streamlit has finished the rerun a click or a keystroke started (the script
    state on the app's root element: the status widget is hidden by the minimal toolbar)."""
    wait_script_idle(page, timeout=30000)


def wait_script_idle(page: Page, timeout: float = 60000) -> None:
    """Wait until the app's script is not running (the state Streamlit writes on its root
    element; unlike the status widget, it is there with the minimal toolbar too)."""
    page.wait_for_timeout(300)
    expect(page.locator("[data-testid=stApp][data-test-script-state=notRunning]")).to_have_count(
        1, timeout=timeout)
    page.wait_for_timeout(200)
