"""LaTeX to MathML for the report page, with ``latex2mathml`` (pure Python, MIT; MathML Core renders natively
in Chromium 109+, Firefox and Safari, so the page needs no script and no font from the network).

Every function returns ``markupsafe.Markup``, which the page's autoescaping templates insert as it is.
A formula it cannot convert is shown as its LaTeX source in a flagged ``<code class="unconverted">``, never
dropped silently; the browser test fails on any such leftover. latex2mathml copies ``\\text{...}`` into
``<mtext>`` unescaped, so output holding any element that is not MathML is treated as unconvertible too.
"""

from __future__ import annotations

import re

from latex2mathml.converter import convert
from markupsafe import Markup, escape

from report.model import RELATION, StepView

#: A step whose two sides have more LaTeX characters than this is set on two lines (fits a printed page).
TWO_LINES_ABOVE = 360
_INLINE_MATH = re.compile(r"\$([^$]+)\$")
#: Standard LaTeX operators that latex2mathml 3.81 leaves as raw text; rewritten as \operatorname first.
_UNKNOWN_OPERATOR = re.compile(r"\\(arg)(?![A-Za-z])")
#: What latex2mathml leaves when it does not understand: an unknown command as text (<mi>\foo</mi>), or
#: an alignment ``&`` of an environment it does not parse (``aligned``) as a bare <mi>&</mi>.
_LEFTOVER = re.compile(r">\\[A-Za-z]|<mi>&</mi>")
_TAG = re.compile(r"</?([A-Za-z][\w:-]*)")
#: The MathML elements latex2mathml writes; any other element in its output came from the input's text.
MATHML = frozenset(
    (
        "math",
        "mrow",
        "mi",
        "mo",
        "mn",
        "ms",
        "mtext",
        "mspace",
        "msub",
        "msup",
        "msubsup",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "merror",
        "mpadded",
        "mphantom",
        "menclose",
        "mtable",
        "mtr",
        "mtd",
        "munder",
        "mover",
        "munderover",
        "mmultiscripts",
        "mprescripts",
        "none",
        "semantics",
    )
)


def math(tex: str, display: bool = False) -> Markup:
    """MathML for ``tex``; its LaTeX source in ``<code class="unconverted">`` if that fails."""
    try:
        out = convert(
            _UNKNOWN_OPERATOR.sub(r"\\operatorname{\1}", tex), display="block" if display else "inline"
        )
    except Exception:  # latex2mathml raises assorted exceptions on input it does not know
        out = ""
    if not out or _LEFTOVER.search(out) or not set(_TAG.findall(out)) <= MATHML:
        return Markup('<code class="unconverted" title="LaTeX that could not be converted">{}</code>').format(
            tex
        )
    return Markup(out)  # latex2mathml's output, checked above to hold MathML elements only


def text(s: str) -> Markup:
    """Escaped text, with ``$...$`` spans as inline MathML."""
    parts = _INLINE_MATH.split(s)
    return Markup("").join(math(p) if i % 2 else escape(p) for i, p in enumerate(parts))


def relation(tex_lhs: str, rel: str, tex_rhs: str) -> Markup:
    """``lhs rel rhs`` as one formula, or as two lines (``lhs`` / ``rel rhs``) when the LaTeX is long."""
    sign = RELATION.get(rel, rel)
    if len(tex_lhs) + len(tex_rhs) <= TWO_LINES_ABOVE:
        return math(f"{tex_lhs} {sign} {tex_rhs}")
    return math(tex_lhs) + Markup("<br>") + math(f"{sign} {tex_rhs}")


def step_formula(s: StepView) -> Markup:
    """A step's ``lhs relation rhs`` (see ``relation``)."""
    return relation(s.lhs, s.relation, s.rhs)
