"""``python -m report``: a saved ledger rendered, and every bad command line one line on stderr, exit 2,
no traceback and no file written. ``python -m derivations --report DIR`` renders through the same code."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_report import EXAMPLE

from derivations import ledger

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "report", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def files(directory: Path) -> set[str]:
    return {p.relative_to(directory).as_posix() for p in directory.rglob("*")}


def test_a_saved_ledger_is_rendered_to_a_site_and_a_markdown_file(tmp_path: Path) -> None:
    done = run(str(EXAMPLE), "--site", "site", "--markdown", "R.md", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = files(tmp_path)
    assert {"site/index.html", "site/REPORT.md", "R.md"} <= written
    assert not [name for name in written if name.endswith(".tmp")], "no temporary file left"
    assert 'id="claim-elbo-bound"' in (tmp_path / "site" / "index.html").read_text()


def _make_file(tmp: Path, name: str, text: str = "x") -> str:
    (tmp / name).write_text(text)
    return name


BAD: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "unknown-option": (lambda t: [str(EXAMPLE), "--site", "s", "--colour"], "unrecognized arguments"),
    "no-ledger": (lambda t: [], "the following arguments are required: ledger"),
    "no-output": (lambda t: [str(EXAMPLE)], "nothing to write"),
    "missing-ledger": (lambda t: ["absent.json", "--site", "s"], "is not a file"),
    "ledger-is-a-directory": (lambda t: [str(t), "--markdown", "R.md"], "is not a file"),
    "ledger-not-json": (lambda t: [_make_file(t, "l.json", "{oops"), "--site", "s"], "not the ledger's JSON"),
    "ledger-not-a-ledger": (lambda t: [_make_file(t, "l.json", "[1, 2]"), "--site", "s"], "document:"),
    "bad-claim-record": (
        lambda t: [_make_file(t, "l.json", json.dumps({"claims": [{"id": "a"}]})), "--site", "s"],
        "claim 0 is not a ledger claim record",
    ),
    "site-is-a-file": (lambda t: [str(EXAMPLE), "--site", _make_file(t, "f")], "is a file"),
    "site-under-a-file": (lambda t: [str(EXAMPLE), "--site", _make_file(t, "f") + "/site"], "is a file"),
    "markdown-is-a-directory": (lambda t: [str(EXAMPLE), "--markdown", "."], "is a directory"),
    "markdown-under-a-file": (
        lambda t: [str(EXAMPLE), "--site", "s", "--markdown", _make_file(t, "f") + "/R.md"],
        "is a file",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_is_one_line_exit_2_and_writes_nothing(case: str, tmp_path: Path) -> None:
    make_args, message = BAD[case]
    args = make_args(tmp_path)
    before = files(tmp_path)
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("python -m report: error: ")
    assert message in done.stderr
    assert files(tmp_path) == before, "no output file left behind"


def test_ledger_report_option_writes_the_site(tmp_path: Path) -> None:
    assert ledger.main(["--only", "gaussian-moments", "--report", str(tmp_path / "site"), "--quiet"]) == 0
    assert 'id="claim-gaussian-moments"' in (tmp_path / "site" / "index.html").read_text()
