"""The report's HTML page, rendered from the hand-made example ledger (see test_report.py)."""

from __future__ import annotations

import html
import re
import sys
import types
from pathlib import Path

import pytest
from test_report import example, old_example

import report
from report.model import Report
from report.page import render_html


def page(tmp_path: Path, document: dict[str, object] | None = None) -> str:
    return render_html(report.build(document or example(), tmp_path), lambda f: f.path.name)


def article(text: str, claim_id: str) -> str:
    """The <article> of one claim."""
    start = text.index(f'id="claim-{claim_id}"')
    return text[start : text.index("</article>", start)]


def test_failed_claim_comes_first_in_red_with_the_failed_step_and_both_sides(tmp_path: Path) -> None:
    text = page(tmp_path)
    alert = text.index('class="alert"')
    assert alert < text.index('id="scope"') < text.index('class="claim failed" id="claim-planted-failure"')
    failed = text[alert : text.index('id="scope"')]
    assert "second-moment" in failed
    assert "lhs - rhs = -1 under the stated assumptions" in failed
    assert failed.count("<math ") == 2, "both sides of the failed step, as MathML"
    assert text.index('id="claim-planted-failure"') < text.index('id="claim-gaussian-moments"')


def test_every_formula_is_mathml_and_no_latex_is_left(tmp_path: Path) -> None:
    text = page(tmp_path)
    # by hand, per claim: statement + hypotheses + domains + conclusions + steps (+ 2 per failed step,
    # + 2 for the $...$ spans of elbo-bound's special case): 5 + 8 + 10 + 5 + 3 + 5 + 5 + 5 = 46;
    # then the failed step's two sides in the alert and elbo-bound's special case in the scope section
    assert text.count("<math ") == 46 + 2 + 2
    body = re.sub(r"<style>.*?</style>|<math .*?</math>", "", text, flags=re.S)
    assert not re.search(r"\$|\\[A-Za-z(\[]", body), "raw LaTeX outside MathML"


def test_each_claim_shows_its_hypotheses_domains_uses_and_conclusion_chain(tmp_path: Path) -> None:
    bound = article(page(tmp_path), "elbo-bound")
    assert "<code>w-nonzero</code> <small>inequality</small>" in bound
    assert "<dt>domains</dt>" in bound
    assert '<a href="#claim-gaussian-kl-standard">gaussian-kl-standard</a>' in bound
    assert "kl-identity (not in this run)" in bound
    assert (
        '<a href="#step-elbo-bound-gap-as-kl">gap-as-kl</a> → <a href="#step-elbo-bound-kl-nonnegative">'
        in bound
    )
    assert 'id="step-elbo-bound-gap-as-kl"' in bound
    assert "Proved for a special case only: the linear-Gaussian model <math" in bound
    assert "Uses: no other claim." in article(page(tmp_path), "gibbs-inequality")


def test_lemma_and_definition_steps_are_labelled_and_citations_link(tmp_path: Path) -> None:
    text = page(tmp_path)
    kl = article(text, "gaussian-kl-standard")
    assert '<small class="role">lemma</small>' in kl
    assert 'cites <a href="#step-gaussian-kl-standard-log-ratio-quadratic">log-ratio-quadratic</a>' in kl
    moments = article(text, "gaussian-moments")
    assert '<li class="step definition" id="step-gaussian-moments-standard-normal-density">' in moments
    assert '<span class="badge definition">definition</span>' in moments
    summary = text[: text.index('id="scope"')]
    assert '<span class="badge definition">definition</span> <strong>1</strong>' in summary
    assert "Of the 5 proved, 4 in general and\n1 <a" in summary
    assert "2 step(s) hold by definition" in summary
    assert "generated 2026-12-01T09:00:00+00:00 on Linux-example." in summary, "the machine is stated"


def test_scope_section_lists_special_cases_apart(tmp_path: Path) -> None:
    text = page(tmp_path)
    scope = text[text.index('id="scope"') : text.index('id="graph"')]
    special, general = scope.split("Proved in general (4)")
    assert "Proved for a special case (1)" in special
    assert '<a href="#claim-elbo-bound">' in special
    assert "elbo-bound" not in general
    assert general.count("<li>") == 4


def test_dependency_graph_is_an_inline_svg_with_a_node_per_linked_claim(tmp_path: Path) -> None:
    text = page(tmp_path)
    graph = text[text.index('id="graph"') : text.index('id="questions"')]
    svg = graph[graph.index("<svg") : graph.index("</svg>")]
    drawn = re.findall(r'<a href="#claim-([\w-]+)"><rect class="node (\w[\w-]*)"', svg)
    assert sorted(drawn) == sorted(
        [("gaussian-moments", "proved"), ("gaussian-kl-standard", "proved"), ("elbo-bound", "proved"),
         ("gibbs-inequality", "proved"), ("kl-sign-flipped", "refuted"), ("planted-failure", "failed")]
    )  # fmt: skip
    edges = re.findall(r"<title>([\w-]+) uses ([\w-]+)</title>", svg)
    assert len(edges) == 5
    assert ("elbo-bound", "gibbs-inequality") in edges
    assert "kl-identity" not in svg, "an id not in the run is not drawn"
    assert "Using no claim and used by none:" in graph
    assert '<a href="#claim-standard-prior">standard-prior</a>' in graph


def test_an_old_document_says_so_and_claims_no_dependencies(tmp_path: Path) -> None:
    text = page(tmp_path, old_example())
    r = report.build(old_example(), tmp_path)
    assert html.escape(r.notes["structure"]) in text
    assert "Uses:" not in text
    assert "No claim uses another." in text


def test_text_from_the_document_is_escaped(tmp_path: Path) -> None:
    document = example()
    document["claims"][0]["title"] = "<script>alert(1)</script>"
    document["claims"][0]["statement"] = r"\text{<img src=x onerror=alert(1)>}"
    text = page(tmp_path, document)
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img src=x" not in text


def test_questions_link_to_claims_in_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = types.SimpleNamespace(
        timestamp="10:47", question="Where did P_theta(x) go?", answer="See $\\log p(x)$.",
        claim_ids=("gaussian-moments", "kl-identity"), reported_error=True,
    )  # fmt: skip
    untimed = types.SimpleNamespace(timestamp=None, question="Why?", answer="Because.", claim_ids=("x",))
    monkeypatch.setitem(
        sys.modules, "derivations.claims.questions", types.SimpleNamespace(QUESTIONS=(asked, untimed))
    )
    r: Report = report.build(example(), tmp_path)
    text = render_html(r, str)
    assert '<a href="#claim-gaussian-moments">' in text
    assert "kl-identity (not in this run)" in text
    assert (
        text.index('<span class="time">10:47</span>')
        < text.index("slide error reported")
        < text.index("Why?")
    )
    assert '<article class="question"><h3>Why?</h3>' in text
    assert text.index("Because.") < text.index('id="claims"')


def test_empirical_evidence_is_one_line_beside_the_proof(tmp_path: Path) -> None:
    line = "gap.min = 0.2051 (source experiments/results/ablation.json)"
    assert f"<li>{line}</li>" in article(page(tmp_path), "elbo-bound")
