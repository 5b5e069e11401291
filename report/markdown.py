"""The report as Markdown for GitHub: ``$...$`` inline math, fenced ``math`` blocks for display math.

Each claim comes from ``report.markdown_claim``, which also escapes text. Failed claims use GitHub's
``[!CAUTION]`` alert, which renders red.
"""

from __future__ import annotations

from collections.abc import Callable

from report.audit import KL_HEADER, AuditPart
from report.graph import layout
from report.markdown_claim import claim, esc, failed_step, link, text
from report.model import Report
from report.parts import Figure, Question, Table


def summary(r: Report) -> list[str]:
    env = r.environment
    lines = ["## Summary", ""]
    if r.failed:
        lines += [f"> [!CAUTION]\n> **{len(r.failed)} failed claim(s)**, listed first below.", ">"]
        for c in r.failed:
            lines += [f"> - [`{c.id}`](#claim-{c.id}): {esc(c.title)}"]
            lines += [f"> {line}".rstrip() for s in c.failed_steps for line in failed_step(s, "  ")]
        lines += [""]
    if "structure" in r.notes:
        lines += [f"*{esc(r.notes['structure'])}*", ""]
    lines += [
        "| " + " | ".join(r.counts) + " |",
        "|" + "---|" * len(r.counts),
        "| " + " | ".join(str(v) for v in r.counts.values()) + " |",
        "",
        f"Of the {r.counts['proved']} proved, {len(r.general)} in general and {len(r.special)} for a special "
        f"case only. {r.definition_steps} step(s) hold by definition: shown as definitions, never counted as "
        "proofs.",
        "",
        f"{len(r.claims)} claims checked in {r.total_seconds:.1f} s (sum of claim times). "
        + ", ".join(f"{k} {env.get(k, '?')}" for k in ("python", "sympy", "mpmath", "torch"))
        + f"; commit `{env.get('commit', '?')}`, generated {env.get('generated', '?')} "
        + f"on {env.get('platform', 'an unrecorded machine')}.",
        "",
        "| claim | status | scope | steps | s | lecture | title |",
        "|---|---|---|--:|--:|---|---|",
    ]
    lines += [
        f"| [`{c.id}`](#claim-{c.id}) | {c.status} | {c.scope} | {len(c.steps)} | {c.seconds:.2f} | "
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


def scope(r: Report, known: set[str]) -> list[str]:
    special = [f"- {link(c.id, known)}: {text(c.special_case)}" for c in r.special] or ["None."]
    general = [f"- {link(c.id, known)}: {esc(c.title)}" for c in r.general] or ["None."]
    return [
        f"### Proved for a special case ({len(r.special)})",
        "",
        *special,
        "",
        f"### Proved in general ({len(r.general)})",
        "",
        *general,
        "",
    ]


def graph(r: Report, known: set[str]) -> list[str]:
    g = layout([(c.id, c.status, c.uses or ()) for c in r.claims])
    rows = [
        f"| {link(cid, known)} | {', '.join(link(u, known) for u in uses)} | "
        f"{', '.join(link(u, known) for u in by)} |"
        for cid, uses, by in g.rows
        if uses or by
    ]
    lines = (
        ["| claim | uses | used by |", "|---|---|---|", *rows, ""] if rows else ["No claim uses another.", ""]
    )
    if g.isolated:
        lines += [f"Using no claim and used by none: {', '.join(link(c, known) for c in g.isolated)}.", ""]
    return lines


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


def audit(a: AuditPart, href: Callable[[Figure], str]) -> list[str]:
    """The audit section: the KL table, its figure, the other kernels, where each file was measured."""
    lines = [
        "`python -m audit my_file.py:my_kl` checks anyone's KL (or `--kernel` reparameterize, bernoulli-nll,",
        "neg-elbo) against the ledger's closed form, claim `gaussian-kl-standard`; `nox -s audit` writes",
        "these results. Shown as recorded in `audit/results/`; ✗ marks a failed check, with its worst input.",
        "",
    ]
    if a.kl:
        rows = [
            f"| `{esc(k.target)}`{' (transcribed)' if k.transcribed else ''} | {esc(k.source)} | "
            + " | ".join(map(esc, k.cells))
            + " |"
            for k in a.kl
        ]
        header = ["| " + " | ".join(KL_HEADER) + " |", "|" + "---|" * len(KL_HEADER)]
        lines += [f"### The KL: {len(a.kl)} implementations", "", *header, *rows, ""]
    if a.figure:
        caption = [f"*{esc(line)}*\n" for line in a.figure.caption.splitlines()]
        lines += [f"![Relative error of each KL against logvar]({href(a.figure)})", "", *caption]
    lines += table(a.kernels) if a.kernels else []
    return lines + [
        f"- `{r.path}`: measured on {esc(r.machine)}; versions {esc(r.versions)}." for r in a.records
    ]


def render_markdown(r: Report, href: Callable[[Figure], str]) -> str:
    """REPORT.md: the same sections as the page, in the same order."""
    known = {c.id for c in r.claims}
    parts: list[tuple[str, str, list[str]]] = [
        ("scope", "Proved in general, proved for a special case", scope(r, known)),
        ("graph", "What rests on what", graph(r, known)),
        ("questions", "The viewers' questions", [line for q in r.questions for line in question(q, known)]),
        ("claims", "Every claim", [line for c in r.claims for line in claim(c, known)]),
        ("figures", "The ablation", [line for f in r.figures for line in figure(f, href)]),
        ("benchmarks", "Benchmarks", [line for t in r.benchmarks for line in table(t)]),
        ("audit", "Audit of published VAE loss code", audit(r.audit, href)),
    ]
    lines = ["# The VAE loss, checked step by step", "", *summary(r)]
    for key, title, body in parts:
        lines += [f"## {title}", ""] + ([f"*{esc(r.notes[key])}*", ""] if key in r.notes else []) + body
    return "\n".join(lines).rstrip() + "\n"
