"""`python -m ui.serve [streamlit options]`: the app's server, as `make run` starts it.

The same as `streamlit run app.py [options]`, plus two things Streamlit has no setting for:
* app.py navigates with `st.navigation`, so Streamlit's legacy `pages/` mode is switched off
  before the first request. (Otherwise a fresh server runs its very first request, if it is a
  deep link such as /live, as a bare page file beside a raw list of the page files, until
  `ui.state.enter_through_app` hands it to app.py: README, "Layout".)
* the sample shops and their analyses are built in the background while the server starts
  (`ui.warmup`), so the first visitor of a demo does not wait for them.
"""
from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from ui import warmup

    PagesManager.uses_pages_directory = False  # what app.py's st.navigation would set
    warmup.start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
