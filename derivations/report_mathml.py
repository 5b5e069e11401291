"""LaTeX to MathML for the report page, with ``latex2mathml`` (pure Python, MIT; MathML Core renders natively
in Chromium 109+, Firefox and Safari, so the page needs no script and no font from the network).

A formula it cannot convert is shown as its LaTeX source in a flagged ``<code class="unconverted">``, never
dropped silently; the browser test fails on any such leftover.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

from derivations.report_model import RELATION, StepView

#: A step whose two sides have more LaTeX characters than this is set on two lines (fits a printed page).
TWO_LINES_ABOVE = 360
_INLINE_MATH = re.compile(r"\$([^$]+)\$")
#: Standard LaTeX operators that latex2mathml 3.81 leaves as raw text; rewritten as \operatorname first.
_UNKNOWN_OPERATOR = re.compile(r"\\(arg)(?![A-Za-z])")
#: What latex2mathml leaves when it does not understand: an unknown command as text (<mi>\foo</mi>), or
#: an alignment ``&`` of an environment it does not parse (``aligned``) as a bare <mi>&</mi>.
_LEFTOVER = re.compile(r">\\[A-Za-z]|<mi>&</mi>")


def math(tex: str, display: bool = False) -> str:
    """MathML for ``tex``; its LaTeX source in ``<code class="unconverted">`` if that fails."""
    try:
        out = convert(
            _UNKNOWN_OPERATOR.sub(r"\\operatorname{\1}", tex), display="block" if display else "inline"
        )
    except Exception:  # latex2mathml raises assorted exceptions on input it does not know
        out = ""
    if not out or _LEFTOVER.search(out):
        return (
            f'<code class="unconverted" title="LaTeX that could not be converted">{html.escape(tex)}</code>'
        )
    return out


def text(s: str) -> str:
    """Escaped text, with ``$...$`` spans as inline MathML."""
    parts = _INLINE_MATH.split(s)
    return "".join(math(p) if i % 2 else html.escape(p) for i, p in enumerate(parts))


def step_formula(s: StepView) -> str:
    """``lhs = rhs`` as one formula, or as two lines (``lhs`` / ``= rhs``) when the LaTeX is long."""
    relation = RELATION.get(s.relation, s.relation)
    if len(s.lhs) + len(s.rhs) <= TWO_LINES_ABOVE:
        return math(f"{s.lhs} {relation} {s.rhs}")
    return f"{math(s.lhs)}<br>{math(f'{relation} {s.rhs}')}"
