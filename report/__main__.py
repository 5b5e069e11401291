"""``python -m report LEDGER.json [--site DIR] [--markdown PATH]``: render a saved ledger.

LEDGER.json is what ``python -m derivations --json`` writes. Bad input (an unknown option, a ledger file
that is missing or is not the ledger's JSON, an output path under a file, a directory where a file is
wanted) is one line on stderr and exit status 2; nothing is written then.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from derivations.outputs import ArgumentParser, UsageError, fail, output_dir, output_file
from report import write_markdown, write_site

PROG = "python -m report"


def read_ledger(path: Path) -> object:
    """The JSON in ``path``; UsageError in one line if it cannot be read as JSON."""
    if not path.is_file():
        raise UsageError(f"ledger {path} is not a file")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"ledger {path} is not the ledger's JSON ({exc})") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path, help="the ledger JSON written by python -m derivations --json")
    parser.add_argument("--site", type=Path, metavar="DIR", help="write index.html and its figures to DIR")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="write the Markdown report to PATH")
    args = parser.parse_args(argv)
    if args.site is None and args.markdown is None:
        parser.error("nothing to write: give --site DIR, --markdown PATH or both")
    try:
        if args.site is not None:  # every output path checked before anything is rendered or written
            output_file(output_dir(args.site, "--site") / "index.html", "--site page")
        if args.markdown is not None:
            output_file(args.markdown, "--markdown")
        document = read_ledger(args.ledger)
        if args.site is not None:
            print(f"wrote {write_site(document, args.site)}")
        if args.markdown is not None:
            print(f"wrote {write_markdown(document, args.markdown)}")
    except (UsageError, ValueError) as exc:
        fail(PROG, str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
