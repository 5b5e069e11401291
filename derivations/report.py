"""The reviewer's report: the ledger's JSON document as one self-contained page (HTML) and as REPORT.md.

    python -m derivations --report build/report            # run the ledger, write build/report/index.html
    python -m derivations.report build/ledger.json --site build/report --markdown REPORT.md

The page needs no network: formulas are MathML (``latex2mathml``), which browsers render natively, and
every figure is copied next to ``index.html``. Content, in order: the summary (counts, total seconds,
versions, commit) with every failed claim first and in red; the viewers' questions with their answers and
claims; every claim (statement, steps, impl cross-check, the command that re-runs it); the ablation
figure; the benchmark table. A missing optional part is replaced by a one-line note.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from derivations import report_bench, report_impl, report_parts
from derivations.report_html import render_html
from derivations.report_md import render_markdown
from derivations.report_model import Report, claim_view
from derivations.report_parts import Figure

ROOT = Path(__file__).resolve().parents[1]


def build(document: dict[str, Any], root: Path = ROOT) -> Report:
    """The report of a ledger document (``python -m derivations --json``); failed claims come first."""
    if not isinstance(document, dict) or not isinstance(document.get("claims"), list):
        raise ValueError("document: expected the ledger's JSON object with a 'claims' list")
    results = report_impl.outcomes(root / report_impl.JUNIT)
    views = [claim_view(r, root, results) for r in document["claims"]]
    notes: dict[str, str] = {}
    return Report(
        environment={k: str(v) for k, v in document.get("environment", {}).items()},
        claims=tuple(sorted(views, key=lambda c: c.status != "failed")),  # stable: ledger order otherwise
        questions=report_parts.questions(notes),
        figures=report_parts.figures(root / "experiments" / "results", notes),
        benchmarks=report_bench.benchmarks(root, notes),
        notes=notes,
    )


def _copy_figures(report: Report, site: Path) -> Callable[[Figure], str]:
    (site / "figures").mkdir(parents=True, exist_ok=True)
    for f in report.figures:
        shutil.copyfile(f.path, site / "figures" / f.path.name)
    return lambda f: f"figures/{f.path.name}"


def write_site(document: dict[str, Any], site: Path, root: Path = ROOT) -> Path:
    """Write ``site/index.html``, ``site/REPORT.md`` and ``site/figures/``; return the index path."""
    report = build(document, root)
    site.mkdir(parents=True, exist_ok=True)
    href = _copy_figures(report, site)
    (site / "index.html").write_text(render_html(report, href), encoding="utf-8")
    (site / "REPORT.md").write_text(render_markdown(report, href), encoding="utf-8")
    return site / "index.html"


def write_markdown(document: dict[str, Any], path: Path, root: Path = ROOT) -> Path:
    """Write the Markdown report to ``path``, linking each figure where it lies in the repository."""
    report = build(document, root)
    base = path.resolve().parent
    base.mkdir(parents=True, exist_ok=True)

    def href(f: Figure) -> str:
        return Path(os.path.relpath(f.path.resolve(), base)).as_posix()

    path.write_text(render_markdown(report, href), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m derivations.report", description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path, help="the ledger JSON written by python -m derivations --json")
    parser.add_argument("--site", type=Path, metavar="DIR", help="write index.html and its figures to DIR")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="write the Markdown report to PATH")
    args = parser.parse_args(argv)
    try:
        document = json.loads(args.ledger.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        parser.error(f"ledger: cannot read {args.ledger} as the ledger's JSON ({exc})")
    if args.site:
        print(f"wrote {write_site(document, args.site)}")
    if args.markdown:
        print(f"wrote {write_markdown(document, args.markdown)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
