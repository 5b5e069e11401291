"""The report as Markdown for GitHub: ``$...$`` inline math, fenced ``math`` blocks for display math.

Display formulas go in fenced blocks because GitHub does not run Markdown inside them (SymPy's LaTeX is
full of ``_`` and ``\\``); plain text is escaped so a viewer's ``P_theta(x|z)`` stays text. Failed claims use
GitHub's ``[!CAUTION]`` alert, which renders red.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from derivations.report_model import RELATION, ClaimView, Report, StepView
from derivations.report_parts import Figure, Question, Table

_SPECIAL = re.compile(r"([\\`*_\[\]<>|$#])")
_INLINE_MATH = re.compile(r"\$([^$]+)\$")


def esc(s: str) -> str:
    """Plain text with Markdown's special characters escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", s))


def text(s: str) -> str:
    """Escaped text whose ``$...$`` spans stay math."""
    parts = _INLINE_MATH.split(s)
    return "".join(f"${p.strip()}$" if i % 2 else esc(p) for i, p in enumerate(parts))


def display(tex: str, indent: str = "") -> list[str]:
    return [f"{indent}```math", *(f"{indent}{line}" for line in tex.splitlines()), f"{indent}```"]


def failed_step(s: StepView, indent: str = "") -> list[str]:
    return [
        f"{indent}**Step `{s.name}` failed:** {esc(s.detail)}",
        "",
        f"{indent}left side:",
        *display(s.lhs, indent),
        f"{indent}right side:",
        *display(s.rhs, indent),
        "",
    ]


def summary(r: Report) -> list[str]:
    env = r.environment
    lines = ["## Summary", ""]
    if r.failed:
        lines += [f"> [!CAUTION]\n> **{len(r.failed)} failed claim(s)**, listed first below.", ">"]
        for c in r.failed:
            lines += [f"> - [`{c.id}`](#claim-{c.id}): {esc(c.title)}"]
            lines += [f"> {line}".rstrip() for s in c.failed_steps for line in failed_step(s, "  ")]
        lines += [""]
    lines += [
        "| " + " | ".join(r.counts) + " |",
        "|" + "---|" * len(r.counts),
        "| " + " | ".join(str(v) for v in r.counts.values()) + " |",
        "",
        f"{len(r.claims)} claims checked in {r.total_seconds:.1f} s (sum of claim times). "
        + ", ".join(f"{k} {env.get(k, '?')}" for k in ("python", "sympy", "mpmath", "torch"))
        + f"; commit `{env.get('commit', '?')}`, generated {env.get('generated', '?')}.",
        "",
        "| claim | status | steps | s | lecture | title |",
        "|---|---|--:|--:|---|---|",
    ]
    lines += [
        f"| [`{c.id}`](#claim-{c.id}) | {c.status} | {len(c.steps)} | {c.seconds:.2f} | "
        f"{', '.join(c.lecture_times)} | {esc(c.title)} |"
        for c in r.claims
    ]
    return [*lines, ""]


def question(q: Question, known: set[str]) -> list[str]:
    links = ", ".join(
        f"[`{c}`](#claim-{c})" if c in known else f"`{c}` (not in this run)" for c in q.claim_ids
    )
    time = f"{q.timestamp}: " if q.timestamp else ""
    flag = " (slide error reported)" if q.reported_error else ""
    return [f"### {time}{text(q.question)}{flag}", "", text(q.answer), "", f"Claims: {links}", ""]


def claim(c: ClaimView) -> list[str]:
    lines = [f'<a id="claim-{c.id}"></a>', "", f"### `{c.id}`: {esc(c.title)} ({c.status.upper()})", ""]
    lines += [*display(c.statement), ""]
    lines += [line for s in c.failed_steps for line in failed_step(s)]
    for i, s in enumerate(c.steps, 1):
        lines += [
            f"{i}. `{s.name}`: **{s.status}** ({esc(s.method)}, {s.seconds:.2f} s). Rule: {esc(s.rule)}",
            "",
        ]
        lines += [*display(f"{s.lhs} {RELATION.get(s.relation, s.relation)} {s.rhs}", "   "), ""]
    lines += [f"{c.seconds:.2f} s; lecture {', '.join(c.lecture_times) or 'none'}. Re-run: `{c.command}`", ""]
    for v in c.impl:
        checked = "; ".join(f"`{t}`" + (f" ({o})" if o else "") for t, o in v.tests)
        checked = f" Checked by {checked}." if checked else ""
        lines += [f"- Computed by `{v.name}`: {esc(v.summary)}{checked}"]
    if not c.impl:
        lines += ["- No impl function computes this claim."]
    lines += [f"- Empirical evidence (never changes the status): {esc(line)}" for line in c.evidence_lines]
    lines += [f"- Source: {esc(ref)}" for ref in c.references]
    return [*lines, ""]


def table(t: Table) -> list[str]:
    rows = ["| " + " | ".join(esc(cell) for cell in row) + " |" for row in t.rows]
    header = ["| " + " | ".join(map(esc, t.header)) + " |", "|" + "---|" * len(t.header)]
    return [f"### {esc(t.title)}", "", *header, *rows, ""]


def figure(f: Figure, href: Callable[[Figure], str]) -> list[str]:
    metrics = [f"| {esc(k)} | {esc(v)} |" for k, v in f.metrics]
    caption = [f"*{text(line)}*\n" for line in f.caption.splitlines()]
    tables = [line for t in f.tables for line in table(t)]
    return [f"![{esc(f.path.stem)} figure]({href(f)})", "", *caption, *tables] + (
        ["### run record", "", "| metric | value |", "|---|---|", *metrics, ""] if metrics else []
    )


def render_markdown(r: Report, href: Callable[[Figure], str]) -> str:
    """REPORT.md: the same sections as the page, in the same order."""
    known = {c.id for c in r.claims}
    parts: list[tuple[str, str, list[str]]] = [
        ("questions", "The viewers' questions", [line for q in r.questions for line in question(q, known)]),
        ("claims", "Every claim", [line for c in r.claims for line in claim(c)]),
        ("figures", "The ablation", [line for f in r.figures for line in figure(f, href)]),
        ("benchmarks", "Benchmarks", [line for t in r.benchmarks for line in table(t)]),
    ]
    lines = ["# The VAE loss, checked step by step", "", *summary(r)]
    for key, title, body in parts:
        lines += [f"## {title}", ""] + ([f"*{esc(r.notes[key])}*", ""] if key in r.notes else []) + body
    return "\n".join(lines).rstrip() + "\n"
