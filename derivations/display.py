"""What the ledger displays, generated from the data: a claim's statement is its conclusions in LaTeX,
with the domains of their symbols and the hypotheses they rest on ("for σ > 0, μ ∈ ℝ: if ∫q = 1, then ...").
"""

from __future__ import annotations

import sympy as sp

from derivations import symbols
from derivations.core import Claim, Conclusion
from derivations.facts import integration_symbols


def latex(expr: sp.Basic) -> str:
    """``sympy.latex`` with the display names of ``symbols.LATEX_NAMES``."""
    return sp.latex(expr, symbol_names=symbols.LATEX_NAMES)


def domain_of(sym: sp.Symbol) -> str:
    """The set a symbol ranges over, from its SymPy assumptions, as LaTeX."""
    if sym.is_integer:
        return (
            r"\in \mathbb{Z}_{>0}"
            if sym.is_positive
            else r"\in \mathbb{Z}_{\ge 0}"
            if sym.is_nonnegative
            else r"\in \mathbb{Z}"
        )
    if sym.is_positive:
        return "> 0"
    if sym.is_negative:
        return "< 0"
    if sym.is_nonnegative:
        return r"\ge 0"
    if sym.is_real:
        return r"\ne 0" if sym.is_nonzero else r"\in \mathbb{R}"
    return r"\in \mathbb{C}"


def _symbols(claim: Claim) -> list[sp.Symbol]:
    free: set[sp.Basic] = set()
    for c in claim.conclusions:
        free |= c.lhs.free_symbols | c.rhs.free_symbols
    for h in claim.hypotheses:
        free |= h.fact.free_symbols
    named = [s for s in free if isinstance(s, sp.Symbol)]
    return sorted(named, key=lambda s: s.name)


def domains(claim: Claim) -> list[str]:
    """One LaTeX item per domain, symbols of the same domain grouped: ``\\mu, m \\in \\mathbb{R}``."""
    groups: dict[str, list[str]] = {}
    for sym in _symbols(claim):
        if sym.is_integer is None and sym.is_real is None:
            continue  # a plain symbol with no stated domain (an index): nothing to display
        groups.setdefault(domain_of(sym), []).append(latex(sym))
    return [f"{', '.join(names)} {dom}" for dom, names in groups.items()]


def conclusion_latex(c: Conclusion) -> str:
    """One conclusion; a statement meant false is shown as claimed, and marked."""
    body = latex(c.as_relational())
    return body if c.holds else rf"\text{{claimed: }} {body}"


def quantified_symbols(claim: Claim) -> set[sp.Basic]:
    """The symbols a hypothesis about holds for every value of: those the claim integrates, sums or
    multiplies over anywhere (conclusions, hypotheses, steps), and the variables of its inductions."""
    exprs = [e for c in claim.conclusions for e in (c.lhs, c.rhs)] + [h.fact for h in claim.hypotheses]
    exprs += [e for s in claim.steps for e in (s.lhs, s.rhs)]
    inducted = {s.domain[0] for s in claim.steps if s.by == "induction" and s.domain is not None}
    return set(integration_symbols(*exprs)) | inducted


def hypothesis_latex(fact: sp.Basic, bound: set[sp.Basic]) -> str:
    """A hypothesis; one about a variable that the claim integrates over or inducts on holds for every
    value of it (the monotone and induction rules read it so), and says so: "q(z) > 0 for all z"."""
    over = sorted(fact.free_symbols & bound, key=str)
    return latex(fact) + (r"\ \text{for all } " + ", ".join(latex(v) for v in over) if over else "")


def statement(claim: Claim) -> str:
    """The claim as displayed: for <domains>: if <hypotheses>, then <conclusions>."""
    parts = []
    if doms := domains(claim):
        parts.append(r"\text{for } " + r",\ ".join(doms) + ":")
    if claim.hypotheses:
        bound = quantified_symbols(claim)
        shown = r",\ ".join(hypothesis_latex(h.fact, bound) for h in claim.hypotheses)
        parts.append(r"\text{if } " + shown + r",\ \text{then}")
    parts.append(r";\quad ".join(conclusion_latex(c) for c in claim.conclusions))
    return r"\quad ".join(parts)
