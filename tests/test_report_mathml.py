"""LaTeX to MathML: what latex2mathml lacks is rewritten, what it cannot convert is flagged, never dropped."""

from __future__ import annotations

from markupsafe import Markup

from report.mathml import TWO_LINES_ABOVE, math, step_formula, text
from report.model import StepView


def test_operators_latex2mathml_lacks_are_rewritten() -> None:
    assert "unconverted" not in math(r"\arg\min_{\mu} f(\mu)")
    assert "<mo>arg</mo>" in math(r"\arg\max_{x} g")


def test_unconvertible_latex_is_flagged_not_dropped() -> None:
    assert "unconverted" in math(r"\begin{aligned} a &= b \end{aligned}")
    out = math(r"\notacommand{x} + 1")
    assert 'class="unconverted"' in out
    assert r"\notacommand{x} + 1" in out


def test_a_long_step_is_set_on_two_lines() -> None:
    short = StepView("s", "rule", ">=", "x", "0", "proved", "sympy", "", 0.0)
    assert step_formula(short).count("<math ") == 1
    assert "&#x02265;" in step_formula(short), "the relation >= is drawn as ≥"
    long = StepView("l", "rule", "==", "a" * TWO_LINES_ABOVE, "b", "proved", "sympy", "", 0.0)
    assert step_formula(long).count("<math ") == 2


def test_markup_in_latex_text_is_shown_escaped_never_as_html() -> None:
    out = math(r"\text{<script>alert(1)</script>} + x")
    assert 'class="unconverted"' in out
    assert "<script>" not in out
    assert "&lt;script&gt;" in out


def test_text_escapes_around_inline_math_and_is_markup() -> None:
    out = text("a < b and $x_1$")
    assert isinstance(out, Markup)
    assert out.startswith("a &lt; b and <math ")
