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
from derivations.moments import standard_normal_pdf
from derivations.report_html import render_html
from derivations.report_impl import impl_view, outcomes
from derivations.report_mathml import math
from derivations.report_md import esc, render_markdown, text
from derivations.symbols import u

PLANTED = Claim(
    id="planted-failure",
    title="A planted wrong second moment",
    statement=r"\int u^2 \varphi(u)\, du = 2",
    lecture_times=(),
    steps=(
        Step(
            "second-moment",
            sp.Integral(u**2 * standard_normal_pdf(u), (u, -sp.oo, sp.oo)),
            sp.Integer(2),
            "planted",
        ),
    ),
)


def ledger_document() -> dict[str, Any]:
    """The ledger's JSON for ``gaussian-moments`` (proved) followed by the planted claim (failed)."""
    results = [*ledger.run(["gaussian-moments"]), check_claim(PLANTED)]
    return {"environment": ledger.environment(), "claims": [ledger.claim_record(r) for r in results]}


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def project_root(tmp: Path) -> Path:
    """A project tree with one ablation figure (and its JSON) and one pytest-benchmark result."""
    (tmp / "experiments" / "results").mkdir(parents=True)
    plt.imsave(tmp / "experiments" / "results" / "ablation.png", np.linspace(0, 1, 800).reshape(20, 40))
    meta = {"caption": "Latent codes under the three losses, $\\beta = 1$", "test": {"elbo": -71.25}}
    (tmp / "experiments" / "results" / "ablation.json").write_text(json.dumps(meta))
    (tmp / "benchmarks" / "results").mkdir(parents=True)
    run = {"name": "test_kl[B=64]", "stats": {"median": 1.25e-5}, "extra_info": {"ratio_to_floor": 3.5}}
    (tmp / "benchmarks" / "results" / "cpu.json").write_text(json.dumps({"benchmarks": [run]}))
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
    formulas = sum(1 + len(c["evidence"]) for c in document["claims"]) + 2 * 2  # failed sides: alert + claim
    assert page.count("<math ") == formulas
    body = re.sub(r"<style>.*?</style>|<math .*?</math>", "", page, flags=re.S)
    assert not re.search(r"\$|\\[A-Za-z(\[]", body), "raw LaTeX outside MathML"


def test_operators_latex2mathml_lacks_are_rewritten() -> None:
    assert "unconverted" not in math(r"\arg\min_{\mu} f(\mu)")
    assert "<mo>arg</mo>" in math(r"\arg\max_{x} g")


def test_unconvertible_latex_is_flagged_not_dropped() -> None:
    assert "unconverted" in math(r"\begin{aligned} a &= b \end{aligned}")
    out = math(r"\notacommand{x} + 1")
    assert 'class="unconverted"' in out
    assert r"\notacommand{x} + 1" in out


def test_site_is_self_contained_and_figures_are_copied(document: dict[str, Any], tmp_path: Path) -> None:
    root, site = project_root(tmp_path / "project"), tmp_path / "site"
    index = report.write_site(document, site, root)
    page = index.read_text()
    assert not re.search(r"<script|<link|@import|url\(|(src|href)=[\"']?(https?:)?//", page)
    assert (site / "figures" / "ablation.png").read_bytes() == (
        root / "experiments/results/ablation.png"
    ).read_bytes()
    assert "src='figures/ablation.png'" in page
    assert "figures/ablation.png" in (site / "REPORT.md").read_text()
    assert "elbo" in page
    assert "-71.25" in page
    assert "<td>test_kl[B=64]</td><td>12.5</td><td>3.5</td>" in page, "median 1.25e-5 s is 12.5 µs"


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
    assert "](../project/experiments/results/ablation.png)" in out.read_text()


def test_questions_link_to_claims_in_the_run(
    document: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = types.SimpleNamespace(
        timestamp="10:47",
        question="Where did P_theta(x) go?",
        answer="See $\\log p(x)$.",
        claim_ids=("gaussian-moments", "kl-identity"),
    )
    monkeypatch.setitem(sys.modules, "derivations.questions", types.SimpleNamespace(QUESTIONS=(q,)))
    r = report.build(document, tmp_path)
    page = render_html(r, str)
    assert '<a href="#claim-gaussian-moments">' in page
    assert "kl-identity (not in this run)" in page
    assert page.index("10:47") < page.index('id="claims"')
    assert "[`gaussian-moments`](#claim-gaussian-moments)" in render_markdown(r, str)


def test_markdown_escapes_viewer_text_but_keeps_math() -> None:
    assert esc("P_theta(x|z) *is* [x]") == r"P\_theta(x\|z) \*is\* \[x\]"
    assert text("so $q_\\phi(z)$ and a_b") == "so $q_\\phi(z)$ and a\\_b"


def test_impl_names_resolve_to_the_tests_that_use_them_and_their_outcomes(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_uses.py").write_text(
        "import derivations.moments as M\n"
        "from derivations.moments import gaussian_expectation as ge, normal_pdf\n"
        "def helper():\n    return ge\n"
        "def test_via_helper():\n    helper()\n"
        "def test_via_module():\n    M.gaussian_expectation\n"
        "def test_other_function():\n    normal_pdf\n"
    )
    junit = (
        '<testsuites><testsuite><testcase classname="tests.test_uses" name="test_via_helper[a]" time="0.5"/>'
        '<testcase classname="tests.test_uses" name="test_via_helper[b]" time="0.25"><failure/></testcase>'
        "</testsuite></testsuites>"
    )
    (tmp_path / "tests.xml").write_text(junit)
    view = impl_view("derivations.moments.gaussian_expectation", tmp_path, outcomes(tmp_path / "tests.xml"))
    assert view.found
    assert view.tests == (
        ("tests/test_uses.py::test_via_helper", "FAILED 1 of 2 failed (0.75 s)"),
        ("tests/test_uses.py::test_via_module", ""),
    )
    missing = impl_view("impl.nowhere.kl", tmp_path, {})
    assert not missing.found
    assert "does not resolve" in missing.summary


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
