"""The reviewer's report from a test-sized ledger: one fast real claim plus one planted failing claim."""

from __future__ import annotations

import html
import json
import re
import sys
import types
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp

from derivations import ledger, report
from derivations.check import check_claim
from derivations.core import Claim, Step
from derivations.claims.moments import standard_normal_pdf
from derivations.report_bench import CASE
from derivations.report_html import render_html
from derivations.report_md import esc, render_markdown, text
from derivations.symbols import u

WRONG = Step(
    "second-moment", sp.Integral(u**2 * standard_normal_pdf(u), (u, -sp.oo, sp.oo)), sp.Integer(2), "planted"
)
PLANTED = Claim(
    "planted-failure", "A planted wrong second moment", r"\int u^2 \varphi(u)\, du = 2", (), (WRONG,)
)


def ledger_document() -> dict[str, Any]:
    """The ledger's JSON for ``gaussian-moments`` (proved) followed by the planted claim (failed)."""
    results = [*ledger.run(["gaussian-moments"]), check_claim(PLANTED)]
    return {"environment": ledger.environment(), "claims": [ledger.claim_record(r) for r in results]}


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def project_root(tmp: Path) -> Path:
    """A project tree with an ablation figure and its JSON, a pytest-benchmark result, and a stray JSON."""
    results = tmp / "experiments" / "results"
    results.mkdir(parents=True)
    plt.imsave(results / "latent.png", np.linspace(0, 1, 800).reshape(20, 40))
    objectives = {"kl-only": {"kl": 0.01, "active_units": 0}, "both": {"kl": 2.5, "active_units": 2}}
    meta = {
        "figure": "latent.png",
        "caption": "Left, the prior.\nRight, $\\beta = 1$.",
        "objectives": objectives,
    }
    meta["gap"] = {"identity": {"max_abs_residual": 1e-12}}
    (results / "ablation.json").write_text(json.dumps(meta))
    case = dict(zip(CASE, ("reparameterize_kl", "fwdbwd", "128x20", "cpu", "float32"), strict=True))
    runs = [
        {"stats": {"min": t}, "extra_info": {**case, "impl": i, "floor_s": 2e-6, "ratio_to_floor": r}}
        for i, t, r in (("impl", 5e-6, 2.5), ("eager", 2e-5, 10.0))
    ]
    (tmp / "benchmarks" / "results").mkdir(parents=True)
    (tmp / "benchmarks" / "results" / "cpu.json").write_text(json.dumps({"benchmarks": runs}))
    (tmp / "benchmarks" / "results" / "scaling.json").write_text("[1, 2]")
    return tmp


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return ledger_document()


def test_summary_counts_every_status_and_names_the_versions(document: dict[str, Any], tmp_path: Path) -> None:
    r = report.build(document, tmp_path)
    assert r.counts == {"proved": 1, "checked-numerically": 0, "refuted": 0, "failed": 1}
    assert r.total_seconds == pytest.approx(sum(c["seconds"] for c in document["claims"]))
    page = render_html(r, lambda f: f.path.name)
    for key in ("python", "sympy", "torch", "commit"):
        assert document["environment"][key] in page


def test_failed_claim_comes_first_in_red_with_the_failed_step_and_both_sides(
    document: dict[str, Any], tmp_path: Path
) -> None:
    r = report.build(document, tmp_path)
    assert [c.id for c in r.claims] == ["planted-failure", "gaussian-moments"]
    page = render_html(r, lambda f: f.path.name)
    alert = page.index('class="alert"')
    assert (
        alert < page.index('id="questions"') < page.index('class="claim failed" id="claim-planted-failure"')
    )
    failed = page[alert : page.index('id="questions"')]
    assert "second-moment" in failed
    assert "lhs - rhs = -1" in failed
    assert failed.count("<math ") == 2, "both sides of the failed step, as MathML"
    markdown = render_markdown(r, lambda f: f.path.name)
    caution = markdown.index("> [!CAUTION]")
    assert caution < markdown.index("## The viewers' questions")
    assert markdown[caution:].index("planted-failure") < markdown[caution:].index("```math")


def test_every_formula_is_mathml_and_no_latex_is_left(document: dict[str, Any], tmp_path: Path) -> None:
    page = render_html(report.build(document, tmp_path), lambda f: f.path.name)
    steps = sum(1 for c in document["claims"] for e in c["evidence"] if "lhs" in e)
    formulas = len(document["claims"]) + steps + 2 * 2  # the failed step's sides: in the alert and the claim
    assert page.count("<math ") == formulas
    body = re.sub(r"<style>.*?</style>|<math .*?</math>", "", page, flags=re.S)
    assert not re.search(r"\$|\\[A-Za-z(\[]", body), "raw LaTeX outside MathML"


def test_empirical_evidence_is_one_line_beside_the_proof(document: dict[str, Any], tmp_path: Path) -> None:
    entry = {
        "kind": "empirical",
        "source": "experiments/results/ablation.json",
        "metric": "gap.min",
        "value": 0.2051,
    }
    record = {**document["claims"][0], "evidence": [*document["claims"][0]["evidence"], entry]}
    r = report.build({**document, "claims": [record]}, tmp_path)
    line = "gap.min = 0.2051 (source experiments/results/ablation.json)"
    assert f"<li>{line}</li>" in render_html(r, str)
    assert esc(line) in render_markdown(r, str)


def test_site_is_self_contained_and_figures_are_copied(document: dict[str, Any], tmp_path: Path) -> None:
    root, site = project_root(tmp_path / "project"), tmp_path / "site"
    index = report.write_site(document, site, root)
    page = index.read_text()
    assert not re.search(r"<script|<link|@import|url\(|(src|href)=[\"']?(https?:)?//", page)
    figure = (site / "figures" / "latent.png").read_bytes()
    assert figure == (root / "experiments/results/latent.png").read_bytes()
    assert "src='figures/latent.png'" in page
    assert "figures/latent.png" in (site / "REPORT.md").read_text()
    assert "<figcaption>Left, the prior.<br>Right, <math" in page
    assert "<th>metric</th><th>kl-only</th><th>both</th>" in page
    assert "<tr><td>kl</td><td>0.01</td><td>2.5</td></tr>" in page
    assert "<td>gap.identity.max_abs_residual</td><td>1e-12</td>" in page
    cells = [
        "reparameterize_kl",
        "fwdbwd",
        "128x20",
        "cpu",
        "float32",
        "2 µs",
        "5 µs (2.50×)",
        "20 µs (10.00×)",
    ]
    assert "<td>" + "</td><td>".join(cells) + "</td>" in page, "min time per call (time / floor as recorded)"


def test_missing_optional_parts_are_one_line_notes(document: dict[str, Any], tmp_path: Path) -> None:
    r = report.build(document, tmp_path)
    assert {"figures", "benchmarks"} <= set(r.notes)
    page, markdown = render_html(r, str), render_markdown(r, str)
    for note in r.notes.values():
        assert "\n" not in note
        assert html.escape(note) in page
        assert esc(note) in markdown


def test_markdown_links_figures_from_where_it_is_written(document: dict[str, Any], tmp_path: Path) -> None:
    root = project_root(tmp_path / "project")
    out = report.write_markdown(document, tmp_path / "docs" / "REPORT.md", root)
    assert "](../project/experiments/results/latent.png)" in out.read_text()


def test_questions_link_to_claims_in_the_run(
    document: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = types.SimpleNamespace(
        timestamp="10:47", question="Where did P_theta(x) go?", answer="See $\\log p(x)$.",
        claim_ids=("gaussian-moments", "kl-identity"), reported_error=True,
    )  # fmt: skip
    untimed = types.SimpleNamespace(timestamp=None, question="Why?", answer="Because.", claim_ids=("x",))
    monkeypatch.setitem(
        sys.modules, "derivations.claims.questions", types.SimpleNamespace(QUESTIONS=(asked, untimed))
    )
    r = report.build(document, tmp_path)
    page = render_html(r, str)
    assert '<a href="#claim-gaussian-moments">' in page
    assert "kl-identity (not in this run)" in page
    assert (
        page.index('<span class="time">10:47</span>')
        < page.index("slide error reported")
        < page.index("Why?")
    )
    assert '<article class="question"><h3>Why?</h3>' in page
    assert page.index("Because.") < page.index('id="claims"')
    assert "[`gaussian-moments`](#claim-gaussian-moments)" in render_markdown(r, str)


def test_markdown_escapes_viewer_text_but_keeps_math() -> None:
    assert esc("P_theta(x|z) *is* [x]") == r"P\_theta(x\|z) \*is\* \[x\]"
    assert text("so $q_\\phi(z)$ and a_b") == "so $q_\\phi(z)$ and a\\_b"


def test_cli_renders_a_ledger_file_and_rejects_a_bad_one(document: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(document))
    assert (
        report.main([str(path), "--site", str(tmp_path / "site"), "--markdown", str(tmp_path / "R.md")]) == 0
    )
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "R.md").is_file()
    with pytest.raises(SystemExit) as exc:
        report.main([str(tmp_path / "absent.json")])
    assert exc.value.code == 2
    with pytest.raises(ValueError, match="document"):
        report.build({"claims": "none"})


def test_ledger_report_option_writes_the_site(tmp_path: Path) -> None:
    assert ledger.main(["--only", "gaussian-moments", "--report", str(tmp_path / "site"), "--quiet"]) == 0
    assert 'id="claim-gaussian-moments"' in (tmp_path / "site" / "index.html").read_text()
