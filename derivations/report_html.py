"""The report as one HTML page: MathML for every formula (``report_mathml``), the inline CSS of
``report.css`` for screen and print, no script, nothing fetched from the network."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from derivations.report_impl import ImplView
from derivations.report_mathml import math, step_formula, text
from derivations.report_model import ClaimView, Report, StepView
from derivations.report_parts import Figure, Question, Table

CSS = (Path(__file__).with_name("report.css")).read_text(encoding="utf-8")

CSS = (Path(__file__).with_name("report.css")).read_text(encoding="utf-8")


def badge(status: str, label: str = "") -> str:
    return f'<span class="badge {status}">{html.escape(label or status)}</span>'


def failed_step(s: StepView) -> str:
    return (
        f'<div class="failed-step"><p>Step <code>{html.escape(s.name)}</code> failed: '
        f"{html.escape(s.detail)}</p><dl><dt>left side</dt><dd class='formula'>{math(s.lhs)}</dd>"
        f"<dt>right side</dt><dd class='formula'>{math(s.rhs)}</dd></dl></div>"
    )


def summary(r: Report) -> str:
    env = r.environment
    counts = "".join(f"<li>{badge(k)} <strong>{v}</strong></li>" for k, v in r.counts.items())
    versions = ", ".join(
        f"{k} {html.escape(env.get(k, '?'))}" for k in ("python", "sympy", "mpmath", "torch")
    )
    alert = ""
    if r.failed:
        items = "".join(
            f'<li><a href="#claim-{c.id}">{html.escape(c.id)}</a>: {html.escape(c.title)}'
            + "".join(map(failed_step, c.failed_steps))
            + "</li>"
            for c in r.failed
        )
        title = f"<h3>{len(r.failed)} failed claim(s)</h3>"
        alert = f'<div class="alert" role="alert">{title}<ul>{items}</ul></div>'
    rows = "".join(
        f"<tr><td><a href='#claim-{c.id}'>{html.escape(c.id)}</a></td><td>{badge(c.status)}</td>"
        f"<td class='num'>{len(c.steps)}</td><td class='num'>{c.seconds:.2f}</td>"
        f"<td>{html.escape(', '.join(c.lecture_times))}</td><td>{html.escape(c.title)}</td></tr>"
        for c in r.claims
    )
    index = (
        "<table class='index'><thead><tr><th>claim</th><th>status</th><th>steps</th><th>s</th>"
        f"<th>lecture</th><th>title</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return (
        f'<section id="summary"><h2>Summary</h2>{alert}<ul class="counts">{counts}</ul>'
        f"<p>{len(r.claims)} claims checked in {r.total_seconds:.1f} s (sum of claim times). {versions}; "
        f"commit <code>{html.escape(env.get('commit', '?'))}</code>, generated "
        f"{html.escape(env.get('generated', '?'))}.</p>{index}</section>"
    )


def question(q: Question, known: set[str]) -> str:
    links = ", ".join(
        f'<a href="#claim-{c}">{c}</a>' if c in known else f"{html.escape(c)} (not in this run)"
        for c in q.claim_ids
    )
    time = f'<span class="time">{html.escape(q.timestamp)}</span> ' if q.timestamp else ""
    flag = f" {badge('refuted', 'slide error reported')}" if q.reported_error else ""
    return (
        f'<article class="question"><h3>{time}{text(q.question)}{flag}</h3><p>{text(q.answer)}</p>'
        f"<p class='claims'>Claims: {links}</p></article>"
    )


def step(s: StepView) -> str:
    """One step: its name and rule, its verdict (status, method, seconds), then its formula full width."""
    return (
        f"<li class='step {s.status}'><div class='step-head'><span><code>{html.escape(s.name)}</code> "
        f"{html.escape(s.rule)}</span><span class='verdict'>{badge(s.status)} "
        f"<small>{html.escape(s.method)}, {s.seconds:.2f} s</small></span></div>"
        f"<div class='formula'>{step_formula(s)}</div></li>"
    )


def impl_item(i: ImplView) -> str:
    tests = f"<br>Checked by: {', '.join(map(test_ref, i.tests))}." if i.tests else ""
    found = "" if i.found else " class='missing'"
    return f"<li{found}><code>{html.escape(i.name)}</code>: {html.escape(i.summary)}{tests}</li>"


def claim(c: ClaimView) -> str:
    extra = "".join(f"<li>{html.escape(line)}</li>" for line in c.evidence_lines)
    refs = "".join(f"<li>{html.escape(ref)}</li>" for ref in c.references)
    times = f"; lecture {html.escape(', '.join(c.lecture_times))}" if c.lecture_times else ""
    return (
        f'<article class="claim {c.status}" id="claim-{c.id}"><h3><code>{html.escape(c.id)}</code> '
        f"{html.escape(c.title)} {badge(c.status)}</h3><div class='formula'>{math(c.statement, True)}</div>"
        + "".join(map(failed_step, c.failed_steps))
        + f"<ol class='steps'>{''.join(map(step, c.steps))}</ol>"
        f"<p class='meta'>{len(c.steps)} steps in {c.seconds:.2f} s{times}. "
        f"Re-run: <code>{html.escape(c.command)}</code></p>"
        + (f"<p>Computed by:</p><ul>{''.join(map(impl_item, c.impl))}</ul>" if c.impl else "")
        + ("" if c.impl else "<p>No impl function computes this claim.</p>")
        + (f"<p>Empirical evidence (never changes the status):</p><ul>{extra}</ul>" if extra else "")
        + (f"<p>Sources:</p><ul class='refs'>{refs}</ul>" if refs else "")
        + "</article>"
    )


def test_ref(test: tuple[str, str]) -> str:
    node, outcome = test
    tone = "failed" if outcome.startswith("FAILED") else "proved" if outcome.startswith("passed") else ""
    return f"<code>{html.escape(node)}</code>" + (f" {badge(tone, outcome)}" if outcome else "")


def table(t: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in t.header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in t.rows)
    return (
        f"<h3>{html.escape(t.title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def figure(f: Figure, href: Callable[[Figure], str]) -> str:
    metrics = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in f.metrics)
    caption = "<br>".join(map(text, f.caption.splitlines()))
    return (
        f"<figure><img src='{html.escape(href(f))}' alt='{html.escape(f.path.stem)} figure'>"
        f"<figcaption>{caption}</figcaption></figure>"
        + "".join(map(table, f.tables))
        + (f"<h3>run record</h3><table class='metrics'><tbody>{metrics}</tbody></table>" if metrics else "")
    )


def section(key: str, title: str, body: str, r: Report) -> str:
    note = f"<p class='note'>{html.escape(r.notes[key])}</p>" if key in r.notes else ""
    return f'<section id="{key}"><h2>{title}</h2>{note}{body}</section>'


def render_html(r: Report, href: Callable[[Figure], str]) -> str:
    """The whole page as a string: summary, questions, claims, figures, benchmarks."""
    known = {c.id for c in r.claims}
    sections = {"summary": "Summary", "questions": "Questions", "claims": "Claims", "figures": "Ablation"}
    nav = "".join(f'<a href="#{k}">{t}</a>' for k, t in {**sections, "benchmarks": "Benchmarks"}.items())
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>VAE loss ledger: the reviewer's report</title><style>{CSS}</style></head><body>"
        f"<header><h1>The VAE loss, checked step by step</h1><nav>{nav}</nav></header><main>"
        + summary(r)
        + section("questions", "The viewers' questions", "".join(question(q, known) for q in r.questions), r)
        + section("claims", "Every claim", "".join(map(claim, r.claims)), r)
        + section("figures", "The ablation", "".join(figure(f, href) for f in r.figures), r)
        + section("benchmarks", "Benchmarks", "".join(map(table, r.benchmarks)), r)
        + "</main></body></html>\n"
    )
