"""Command-line entry: one sub-command per module in `engine.commands`.

Each command module has `add_parser(subparsers)` and `run(args) -> int`. User errors print a
clear message on stderr and exit with code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from engine.errors import KarteError

COMMANDS = ("diagnose", "ingest", "segment", "clv", "report", "campaign")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code 2, without usage noise
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m engine", description="通販カルテ engine")
    parser.add_argument("--lang", choices=("ja", "en"), default="en",
                        help="language of messages and labels (default: en)")
    parser.add_argument("--salt", default=None,
                        help="secret for customer keys made from name + phone (default: $KARTE_SALT, "
                             "else the installation's secret: data/secret.key or $KARTE_SECRET)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"engine.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"engine.commands.{name}":
                continue  # command not built yet
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.salt:
        from engine.ingest.keys import SALT_ENV

        os.environ[SALT_ENV] = args.salt  # read by engine.ingest.keys.run_salt
    try:
        from engine.settings import Settings

        args.settings = Settings.load()  # the rule files, read once for the whole command
        return int(args.run(args) or 0)
    except KarteError as exc:
        print(f"error: {exc.message(args.lang)}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
