"""REPORT.md, rendered from the hand-made example ledger (see test_report.py)."""

from __future__ import annotations

from pathlib import Path

from test_report import example, old_example

import report
from report.markdown import render_markdown
from report.markdown_claim import esc, text


def markdown(tmp_path: Path, document: dict[str, object] | None = None) -> str:
    return render_markdown(report.build(document or example(), tmp_path), lambda f: f.path.name)


def test_failed_claim_is_a_red_caution_alert_before_everything_else(tmp_path: Path) -> None:
    out = markdown(tmp_path)
    caution = out.index("> [!CAUTION]")
    assert caution < out.index("## Proved in general, proved for a special case")
    assert out[caution:].index("planted-failure") < out[caution:].index("```math")


def test_claims_show_statement_hypotheses_domains_uses_and_chain(tmp_path: Path) -> None:
    out = markdown(tmp_path)
    bound = out[out.index('<a id="claim-elbo-bound">') : out.index('<a id="claim-gibbs-inequality">')]
    assert "### `elbo-bound`: The ELBO is a lower bound on log p(x) (PROVED, SPECIAL CASE)" in bound
    assert "- Hypothesis `w-nonzero` (inequality): $w \\neq 0$" in bound
    assert "- Domains: $\\sigma > 0$, $s > 0$" in bound
    assert "[`gibbs-inequality`](#claim-gibbs-inequality), `kl-identity` (not in this run)" in bound
    assert "chain: `gap-as-kl` → `kl-nonnegative`" in bound
    assert "**Proved for a special case only:** the linear-Gaussian model $z \\sim" in bound


def test_scope_graph_and_definitions_are_stated(tmp_path: Path) -> None:
    out = markdown(tmp_path)
    assert "| proved | checked-numerically | refuted | failed | definition |\n|---|---|---|---|---|\n" in out
    assert "| 5 | 0 | 1 | 1 | 1 |" in out
    assert "Of the 5 proved, 4 in general and 1 for a special case only. 2 step(s) hold by definition" in out
    assert "### Proved for a special case (1)\n\n- [`elbo-bound`](#claim-elbo-bound): " in out
    assert "| [`kl-sign-flipped`](#claim-kl-sign-flipped) | [`gaussian-kl-standard`]" in out
    assert "1. `standard-normal-density` [definition]: **definition**" in out
    assert "Cites `log-ratio-quadratic`." in out


def test_an_old_document_gets_the_note_and_no_uses_lines(tmp_path: Path) -> None:
    out = markdown(tmp_path, old_example())
    assert "*This ledger document predates conclusions, hypotheses, domains, uses, special\\_case" in out
    assert "- Uses:" not in out


def test_markdown_escapes_viewer_text_but_keeps_math() -> None:
    assert esc("P_theta(x|z) *is* [x]") == r"P\_theta(x\|z) \*is\* \[x\]"
    assert text("so $q_\\phi(z)$ and a_b") == "so $q_\\phi(z)$ and a\\_b"
