"""One claim of the Markdown report, and the escaping every part of it shares.

Display formulas go in fenced ``math`` blocks because GitHub does not run Markdown inside them (SymPy's
LaTeX is full of ``_`` and ``\\``); plain text is escaped so a viewer's ``P_theta(x|z)`` stays text.
"""

from __future__ import annotations

import re

from report.model import RELATION, ClaimView, StepView

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


def link(cid: str, known: set[str]) -> str:
    return f"[`{cid}`](#claim-{cid})" if cid in known else f"`{cid}` (not in this run)"


def claim(c: ClaimView, known: set[str]) -> list[str]:
    scope = ", SPECIAL CASE" if c.scope == "special case" else ""
    lines = [
        f'<a id="claim-{c.id}"></a>',
        "",
        f"### `{c.id}`: {esc(c.title)} ({c.status.upper()}{scope})",
        "",
    ]
    lines += [*display(c.statement), ""]
    if c.special_case:
        lines += [f"**Proved for a special case only:** {text(c.special_case)}", ""]
    lines += [
        f"- Hypothesis `{h.name}`" + (f" ({esc(h.kind)})" if h.kind else "") + f": ${h.latex}$"
        for h in c.hypotheses
    ]
    lines += [f"- Domains: {', '.join(f'${d}$' for d in c.domains)}"] if c.domains else []
    if c.uses is not None:
        lines += [f"- Uses: {', '.join(link(u, known) for u in c.uses) or 'no other claim'}"]
    lines += [""]
    for k in c.conclusions:
        false = ", stated false on purpose" if not k.holds else ""
        chain = " → ".join(f"`{s}`" for s in k.chain) or "none"
        lines += [
            f"Conclusion `{k.name}` (**{k.status}**{false}; chain: {chain}):",
            "",
            *display(k.latex),
            "",
        ]
    lines += [line for s in c.failed_steps for line in failed_step(s)]
    for i, s in enumerate(c.steps, 1):
        role = f" [{s.role}]" if s.role else ""
        cites = f" Cites {', '.join(f'`{n}`' for n in s.cites)}." if s.cites else ""
        lines += [
            f"{i}. `{s.name}`{role}: **{s.status}** ({esc(s.method)}, {s.seconds:.2f} s). "
            f"Rule: {esc(s.rule)}{cites}",
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
