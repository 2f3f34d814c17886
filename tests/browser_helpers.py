"""Small helpers shared by the browser tests."""
from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

SHOTS = Path(os.environ["KARTE_SCREENSHOTS"]) if os.environ.get("KARTE_SCREENSHOTS") else None


def shot(page: Page, name: str) -> None:
    """Save a screenshot when KARTE_SCREENSHOTS names a folder (to look at the screens)."""
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_idle(page: Page) -> None:
    """Wait until streamlit has finished the rerun a click or a keystroke started."""
    page.wait_for_timeout(300)
    expect(page.locator("[data-testid=stStatusWidget]")).to_have_count(0, timeout=15000)
