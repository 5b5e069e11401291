"""The kernel rules beyond tactics: each closes a step from cited lemma steps of the same claim.

- **monotone**: ∫ g ≥ ∫ h over the same increasing limits from a cited lemma g ≥ h (pointwise, proved, for
  every value of the variable between the limits: its assumptions and hypotheses allow them all), with g
  and h stated integrable (h = 0 exempt); for "==", equal integrands give equal integrals (no
  integrability needed: both sides are the same integral of the same function).
- **chain**: a lemma from a chain of cited lemmas, exactly as a conclusion from its chain.
- **instance**: a cited lemma that holds for every value of a variable, at an expression shown to lie in
  that variable's domain (with the step's sign facts).
- **induction**: P(D) for every positive integer D from a cited base lemma that is P(1) and a cited
  inductive lemma that is P(D + 1) under its own hypothesis P(D) (``Step.assuming``). A claim hypothesis
  about D that the inductive step uses must hold for every D (a recurrence), and the statement says so
  ("... for all D", ``display.quantified_symbols``): with "D = 2" read at one D only, the step would show
  P(2) => P(3) and never P(1) => P(2).

A rule only checks the shape of the citation; whether the cited lemmas are proved is ``chains``' job.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from derivations import points
from derivations.check import StepResult
from derivations.core import Hypothesis, Status, Step, oriented
from derivations.facts import with_sign_facts
from derivations.symbolic import context
from derivations.tactics import canonical, same


def compose(relations: list[str]) -> str | None:
    """The relation a chain gives by transitivity, or None if its steps point both ways."""
    up, down = {"==", ">=", ">"}, {"==", "<=", "<"}
    if not (set(relations) <= up or set(relations) <= down):
        return None
    strict = [r for r in relations if r in (">", "<")]
    weak = [r for r in relations if r in (">=", "<=")]
    return strict[0] if strict else weak[0] if weak else "=="


def implies(chain: str, stated: str) -> bool:
    """Does a chain relation give the stated one (== gives >= and <=; > gives >=)?"""
    return stated == chain or (chain == "==" and stated in (">=", "<=")) or (chain, stated) in (
        (">", ">="), ("<", "<="))  # fmt: skip


def chain(step: Step, lemmas: Mapping[str, StepResult], hyps: Mapping[str, Hypothesis]) -> tuple[Status, str]:
    """A lemma proved by a chain of cited lemmas from its lhs to its rhs (so a rule can cite a chain)."""
    links = [lemmas[n].step for n in step.cites]
    if not links:
        return "failed", "chain: cite the lemma steps of the chain, in order"
    joints = [step.lhs, *(x for s in links for x in (s.lhs, s.rhs)), step.rhs]
    for i in range(0, len(joints), 2):
        if not same(joints[i], joints[i + 1]):
            return "failed", f"chain: gap at joint {i // 2} of {[s.name for s in links]}"
    relation = compose([s.relation for s in links])
    if relation is None or not implies(relation, step.relation):
        return "failed", f"chain: the cited relations do not give {step.relation}"
    return "proved", f"chain of {[s.name for s in links]}"


def _limits_problem(limits: tuple, relation: str, support: tuple[Hypothesis, ...], lemma: str) -> str | None:
    """Why integrating a pointwise lemma over ``limits`` is not sound (None if it is): over several
    variables the region must be a box (no limit depends on an integration variable); for >= each range
    must be shown increasing; and the lemma must hold for every value of each variable in its range."""
    variables = {limit[0] for limit in limits}
    for var, lower, upper in limits:
        if (lower.free_symbols | upper.free_symbols) & variables:
            return f"the limits of {var} depend on an integration variable: not a box"
        increasing = (upper - lower).is_extended_nonnegative is True
        if relation != "==" and not increasing:
            return f"the limits {lower}, {upper} are not shown in increasing order"
        where = points.domains([var], support)[var]
        if where != sp.Reals and not (increasing and sp.Interval.open(lower, upper).is_subset(where) is True):
            return f"lemma {lemma!r} holds for {var} in {where}, not over the limits"
    return None


def monotone(
    step: Step, lemmas: Mapping[str, StepResult], hyps: Mapping[str, Hypothesis]
) -> tuple[Status, str]:
    """∫ g rel ∫ h (or 0), over one variable or a box of several, from the cited pointwise lemma g rel h;
    >= needs g and h stated integrable over the same limits (``integrable_over``)."""
    lhs, rhs, relation = oriented(step)
    if relation not in ("==", ">=") or len(step.cites) != 1:
        return "failed", "monotone: one cited lemma and a relation ==, >= or <= are required"
    lemma = lemmas[step.cites[0]]
    l_lhs, l_rhs, l_rel = oriented(lemma.step)
    if not isinstance(lhs, sp.Integral) or any(len(limit) != 3 for limit in lhs.limits):
        return "failed", "monotone: the left side must be a definite integral"
    names, _ = _support(lemma.step.name, lemmas)
    support = tuple(hyps[n] for n in sorted(names) if n in hyps)
    problem = _limits_problem(lhs.limits, relation, support, lemma.step.name)
    if problem is not None:
        return "failed", f"monotone: {problem}"
    h = rhs.function if isinstance(rhs, sp.Integral) and rhs.limits == lhs.limits else rhs
    if h is rhs and rhs != 0:
        return "failed", "monotone: the right side must be an integral over the same limits, or 0"
    if l_rel != relation or not same(l_lhs, lhs.function) or not same(l_rhs, h):
        return (
            "failed",
            f"monotone: lemma {lemma.step.name!r} is not the pointwise {relation} of the integrands",
        )
    if relation == ">=":
        named = [hyps[n] for n in step.hypotheses if n in hyps and hyps[n].kind == "integrable"]
        stated = {(canonical(hy.fact.lhs.function), hy.fact.lhs.limits) for hy in named}
        need = [f for f in (lhs.function, h) if f != 0 and (canonical(sp.Abs(f)), lhs.limits) not in stated]
        if need:
            return "failed", f"monotone: no integrability hypothesis for {[sp.sstr(f)[:60] for f in need]}"
    return "proved", f"integrated the pointwise {relation} of lemma {lemma.step.name!r} over {lhs.limits}"


def induction(
    step: Step, lemmas: Mapping[str, StepResult], hyps: Mapping[str, Hypothesis]
) -> tuple[Status, str]:
    """P(D) for every positive integer D from cited lemmas P(1) and P(D) => P(D + 1)."""
    if step.relation != "==" or len(step.cites) != 2 or step.domain is None:
        return "failed", "induction: an == step with domain=(D, Naturals) citing (base, inductive)"
    d, where = step.domain
    if where != sp.Naturals or not (d.is_integer and d.is_positive):
        return "failed", "induction: the variable must be a positive integer symbol over Naturals"
    base, inductive = (lemmas[n].step for n in step.cites)
    if not (same(base.lhs, step.lhs.subs(d, 1)) and same(base.rhs, step.rhs.subs(d, 1))):
        return "failed", f"induction: {base.name!r} is not the statement at {d} = 1"
    if not (same(inductive.lhs, step.lhs.subs(d, d + 1)) and same(inductive.rhs, step.rhs.subs(d, d + 1))):
        return "failed", f"induction: {inductive.name!r} is not the statement at {d} + 1"
    hyp = [h.fact for h in inductive.assuming]
    if len(hyp) != 1 or not isinstance(hyp[0], sp.Equality):
        return "failed", "induction: the inductive step must assume exactly P(D)"
    if not (same(hyp[0].lhs, step.lhs) and same(hyp[0].rhs, step.rhs)):
        return "failed", f"induction: {inductive.name!r} assumes something other than P({d})"
    return "proved", f"induction on {d}: base {base.name!r}, step {inductive.name!r}"


def _support(name: str, lemmas: Mapping[str, StepResult]) -> tuple[set[str], list[Hypothesis]]:
    """The claim hypotheses (names) and local ones that lemma ``name`` rests on, through its citations;
    an induction discharges its inductive step's P(D), which is then not among them."""
    names: set[str] = set()
    local: list[Hypothesis] = []
    seen: set[str] = set()
    discharged: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in lemmas:
            continue
        seen.add(current)
        step = lemmas[current].step
        names.update(step.hypotheses)
        if step.by == "induction" and len(step.cites) == 2:
            discharged.add(step.cites[1])
        if current not in discharged:
            local.extend(step.assuming)
        todo.extend(step.cites)
    return names, local


#: The lemma domains an instance can be shown to lie in, by the assumptions that say so.
_DOMAIN_KINDS = {
    sp.Interval.open(0, sp.oo): ("positive",),
    sp.Interval(0, sp.oo): ("nonnegative",),
    sp.Reals: ("real",),
    sp.Naturals: ("integer", "positive"),
    sp.Naturals0: ("integer", "nonnegative"),
}


def instance(
    step: Step, lemmas: Mapping[str, StepResult], hyps: Mapping[str, Hypothesis]
) -> tuple[Status, str]:
    """The cited lemma with symbols replaced, each replacement shown to have every assumption its symbol
    carries (and to lie in the lemma's ``domain``); the lemma, through all it cites, may rest on no
    hypothesis that mentions a replaced symbol (it must hold for every value of it)."""
    if len(step.cites) != 1 or not step.substitution:
        return "failed", "instance: one cited lemma and a substitution are required"
    lemma = lemmas[step.cites[0]].step
    mapping = dict(step.substitution)
    if not all(isinstance(var, sp.Symbol) for var in mapping):
        return (
            "failed",
            f"instance: only symbols can be replaced, not {[v for v in mapping if not v.is_Symbol]}",
        )
    if lemma.relation != step.relation or not (
        same(step.lhs, lemma.lhs.subs(mapping, simultaneous=True))
        and same(step.rhs, lemma.rhs.subs(mapping, simultaneous=True))
    ):
        return "failed", f"instance: the step is not lemma {lemma.name!r} with {mapping}"
    names, local = _support(lemma.name, lemmas)
    facts = [hyps[n].fact for n in sorted(names) if n in hyps] + [h.fact for h in local]
    about = [sp.sstr(f) for f in facts if f.free_symbols & set(mapping)]
    if about:
        return (
            "failed",
            f"instance: lemma {lemma.name!r} rests on hypotheses about the replaced symbols: {about}",
        )
    ctx = context(step, hyps)
    for var, expr in step.substitution:
        shown, _ = with_sign_facts(expr, ctx)
        wanted = sorted(k for k, v in var.assumptions0.items() if v is True and k != "commutative")
        missing = [k for k in wanted if getattr(shown, f"is_{k}") is not True]
        if missing:
            return "failed", f"instance: {expr} is not shown {', '.join(missing)}, as {var} is"
        if lemma.domain is not None and lemma.domain[0] == var:
            interval = lemma.domain[1]
            kinds = _DOMAIN_KINDS.get(interval)
            inside = kinds is not None and all(getattr(shown, f"is_{k}") is True for k in kinds)
            if not inside:
                return "failed", f"instance: {expr} is not shown to lie in {interval}, the lemma's domain"
    return "proved", f"lemma {lemma.name!r} at {mapping}"


RULES = {"monotone": monotone, "induction": induction, "instance": instance, "chain": chain}
