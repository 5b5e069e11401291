"""The report as one HTML page, from the Jinja2 templates in ``report/templates/`` with autoescaping on.

Formulas are MathML (``report.mathml``, inserted as markup), the dependency graph an inline SVG laid out by
``report.graph``, the style the inline ``report.css`` for screen and print: no script, nothing fetched.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import jinja2
from markupsafe import Markup

from report import mathml
from report.audit import KL_HEADER
from report.graph import layout
from report.model import RELATION, Report
from report.parts import Figure

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("report", "templates"),
    autoescape=True,  # every template is HTML or SVG
    undefined=jinja2.StrictUndefined,  # a misspelt field fails the render instead of printing nothing
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENV.filters.update(math=mathml.math, text=mathml.text)
ENV.globals.update(relation=mathml.relation, step_formula=mathml.step_formula, RELATION=RELATION)
ENV.globals.update(KL_HEADER=KL_HEADER)

#: The page's sections: (id, heading, navigation label), in order.
SECTIONS = (
    ("summary", "Summary", "Summary"),
    ("scope", "Proved in general, proved for a special case", "Scope"),
    ("graph", "What rests on what", "Graph"),
    ("questions", "The viewers' questions", "Questions"),
    ("claims", "Every claim", "Claims"),
    ("figures", "The ablation", "Ablation"),
    ("benchmarks", "Benchmarks", "Benchmarks"),
    ("audit", "Audit of published VAE loss code", "Audit"),
)


def css() -> Markup:
    """The page's stylesheet (package data), inlined in its ``<style>``."""
    source = resources.files("report").joinpath("templates", "report.css").read_text(encoding="utf-8")
    return Markup(source)  # our own stylesheet, not input


def render_html(r: Report, href: Callable[[Figure], str]) -> str:
    """The whole page as a string: the sections of ``SECTIONS``, in order."""
    graph = layout([(c.id, c.status, c.uses or ()) for c in r.claims])
    return ENV.get_template("page.html.j2").render(
        r=r, href=href, graph=graph, known={c.id for c in r.claims}, sections=SECTIONS, css=css()
    )
