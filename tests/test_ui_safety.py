"""Text stays text (ui.text), unexpected errors become a message with a reference id
(ui.errors), uploads are parsed in memory (ui.uploads), and the server's settings."""
from __future__ import annotations

import asyncio
import logging
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.errors import IngestError
from engine.i18n import t
from ui import errors, text, uploads

ROOT = Path(__file__).resolve().parent.parent
BAIT = ["![p](http://evil.example/x.png)", "[click me](https://evil.example/)",
        "<img src=x onerror=alert(1)>", "**bold** _it_ `code`", ":red[colour] :material/home:",
        "$x^2$", "# heading", "1. list", "- item", "www.evil.example", "a@evil.example",
        "http://evil.example/bare", "&lt;b&gt;", "line\nbreak\r\n=== ", "| a | b |"]


@pytest.mark.parametrize("bait", BAIT)
def test_md_escapes_every_markdown_and_html_character(bait: str) -> None:
    out = text.md(bait)
    assert "\n" not in out and "\r" not in out
    # every special character is preceded by a backslash: nothing left to open a link,
    # an image, a tag, a directive, an autolink or formula
    unescaped = re.findall(r"(?<!\\)[\[\]()<>!*_`:$#|&=@/.-]", out.replace("\\\\", ""))
    assert unescaped == []
    # and removing the escapes gives the text back (it shows as typed)
    shown = re.sub(r"\\(.)", r"\1", out).replace(text.ZWSP, "")
    assert shown == re.sub(r"[\r\n]+", " ", bait)


def test_error_text_escapes_the_parameters_only() -> None:
    exc = IngestError("ingest.error.unknown_layout", columns="[x](http://evil.example)")
    shown = text.error_text(exc)
    assert "[x](http" not in shown and r"\[x\]\(http" in shown


def test_an_unexpected_error_is_logged_without_its_message(caplog) -> None:
    def explode():
        raise ValueError("customer yamada@example.jp 090-1234-5678")

    with caplog.at_level(logging.ERROR, logger="karte.errors"):
        try:
            explode()
        except ValueError as exc:
            ref = errors.report(exc)
    assert re.fullmatch(r"[0-9a-f]{8}", ref)
    logged = caplog.text
    assert ref in logged and "ValueError" in logged and "explode" in logged
    assert "yamada" not in logged and "090" not in logged


PAGE_THAT_FAILS = '''
import streamlit as st
from ui.errors import run_page

class Page:
    def run(self):
        st.write("before")
        {}.__getitem__("secret cell value yamada@example.jp")

run_page(Page())
st.write("after")
'''


def test_a_page_that_fails_shows_a_message_with_a_reference_and_no_detail(tmp_path) -> None:
    script = tmp_path / "page.py"
    script.write_text(PAGE_THAT_FAILS)
    at = AppTest.from_file(str(script), default_timeout=30)
    at.run()
    assert not at.exception  # nothing reached Streamlit's own error box
    (error,) = at.error
    assert error.value.startswith(t("ui.errors.unexpected", "ja").split("{")[0])
    assert re.search(r"[0-9a-f]{8}", error.value) and "yamada" not in error.value
    assert [m.value for m in at.markdown] == ["before", "after"]


def test_uploads_are_parsed_in_memory_even_when_large() -> None:
    from starlette.datastructures import Headers
    from starlette.formparsers import MultiPartParser

    assert uploads.keep_uploads_in_memory()
    payload = b"x" * (3 * 1024 * 1024)
    boundary = "karteboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"orders.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode() + payload + \
        f"\r\n--{boundary}--\r\n".encode()

    async def stream():
        for i in range(0, len(body), 65536):
            yield body[i:i + 65536]

    async def parse():
        parser = MultiPartParser(Headers({"content-type":
                                          f"multipart/form-data; boundary={boundary}"}),
                                 stream(), max_part_size=10 * 1024 * 1024)
        form = await parser.parse()
        upload = form["file"]
        rolled = upload.file._rolled  # SpooledTemporaryFile: True once written to disk
        data = await upload.read()
        return rolled, data

    # A thread of its own: the browser tests may have an event loop running in this one.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        rolled, data = pool.submit(asyncio.run, parse()).result()
    assert data == payload and rolled is False


def test_server_settings_keep_details_and_the_network_closed() -> None:
    with open(ROOT / ".streamlit" / "config.toml", "rb") as fh:
        cfg = tomllib.load(fh)
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["maxUploadSize"] == uploads.MAX_UPLOAD_MB
    makefile = (ROOT / "Makefile").read_text()
    assert "ADDRESS ?= 127.0.0.1" in makefile and "--server.address $(ADDRESS)" in makefile
