"""The reviewer's report: the ledger's JSON document as one self-contained page (HTML) and as REPORT.md.

    python -m derivations --report build/report            # run the ledger, write build/report/index.html
    python -m report build/ledger.json --site build/report --markdown REPORT.md

The report renders and proves nothing: it shows what the ledger recorded. The page needs no network:
formulas are MathML (``latex2mathml``), the dependency graph an inline SVG, and every figure is copied next
to ``index.html``. Content, in order: the summary (counts, total seconds, versions, commit) with every failed
claim first and in red; the claims proved in general and those proved for a special case; what rests on
what; the viewers' questions with their answers and claims; every claim (statement, hypotheses, what it
uses, conclusions, steps, impl cross-check, the command that re-runs it); the ablation figure; the
benchmark table; the audit of published VAE loss code (``audit/results/``: the KL table and figure, the
other kernels' verdicts). A missing optional part is replaced by a one-line note.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from derivations.outputs import output_dir, output_file, write_atomically
from report import audit, bench, crosscheck, parts, records
from report.markdown import render_markdown
from report.model import Report
from report.page import render_html
from report.parts import Figure

__all__ = ["build", "write_markdown", "write_site"]

ROOT = Path(__file__).resolve().parents[1]


def build(document: Any, root: Path = ROOT) -> Report:
    """The report of a ledger document (``python -m derivations --json``); failed claims come first.

    ValueError, in one line, if ``document`` is not the ledger's JSON object.
    """
    if not isinstance(document, dict) or not isinstance(document.get("claims"), list):
        raise ValueError("document: expected the ledger's JSON object with a 'claims' list")
    if not isinstance(document.get("environment", {}), dict):
        raise ValueError("document: 'environment' must be a JSON object")
    results = crosscheck.outcomes(root / crosscheck.JUNIT)
    views = []
    for i, record in enumerate(document["claims"]):
        try:
            views.append(records.claim_view(record, root, results))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"document: claim {i} is not a ledger claim record ({exc!r})") from None
    notes: dict[str, str] = {}
    missing = records.missing_fields(document["claims"])
    if missing:
        notes["structure"] = (
            f"This ledger document predates {', '.join(missing)}: those parts are left out where absent."
        )
    return Report(
        environment={k: str(v) for k, v in document.get("environment", {}).items()},
        claims=tuple(sorted(views, key=lambda c: c.status != "failed")),  # stable: ledger order otherwise
        questions=parts.questions(notes),
        figures=parts.figures(root / "experiments" / "results", notes),
        benchmarks=bench.benchmarks(root, notes),
        audit=audit.audit(root, notes),
        notes=notes,
    )


def write_site(document: Any, site: Path, root: Path = ROOT) -> Path:
    """Write ``site/index.html``, ``site/REPORT.md`` and ``site/figures/``; return the index path.

    Everything is rendered before anything is written, and each file is written atomically.
    UsageError if ``site`` cannot be a directory; ValueError if ``document`` is not a ledger document.
    """
    site = output_dir(Path(site), "site")
    index = output_file(site / "index.html", "site page")
    output_file(site / "REPORT.md", "site report")
    report = build(document, root)

    def href(f: Figure) -> str:
        return f"figures/{f.path.name}"

    page, markdown = render_html(report, href), render_markdown(report, href)
    figures = (*report.figures, *([report.audit.figure] if report.audit.figure else []))
    names = [f.path.name for f in figures]
    if len(set(names)) < len(names):
        raise ValueError(f"two figures would be copied to the same name in figures/: {names}")
    for f in figures:
        write_atomically(output_file(site / "figures" / f.path.name, "figure"), f.path.read_bytes())
    write_atomically(site / "REPORT.md", markdown)
    return write_atomically(index, page)


def write_markdown(document: Any, path: Path, root: Path = ROOT) -> Path:
    """Write the Markdown report to ``path`` (atomically), linking each figure where it lies in the repo."""
    path = output_file(Path(path), "markdown report")
    report = build(document, root)
    base = path.resolve().parent

    def href(f: Figure) -> str:
        return Path(os.path.relpath(f.path.resolve(), base)).as_posix()

    return write_atomically(path, render_markdown(report, href))
