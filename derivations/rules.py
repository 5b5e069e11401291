"""The kernel rules beyond tactics: each closes a step from cited lemma steps of the same claim.

- **monotone**: ∫ g ≥ ∫ h over the same limits from a cited lemma g ≥ h (pointwise, proved), with g and h
  stated integrable (h = 0 exempt); for "==", equal integrands give equal integrals (no integrability
  needed: both sides are the same integral of the same function).
- **induction**: P(D) for every positive integer D from a cited base lemma that is P(1) and a cited
  inductive lemma that is P(D + 1) under its own hypothesis P(D) (``Step.assuming``).

A rule only checks the shape of the citation; whether the cited lemmas are proved is ``chains``' job.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from derivations.check import StepResult, oriented
from derivations.core import Hypothesis, Status, Step
from derivations.tactics import canonical, same


def monotone(step: Step, lemmas: Mapping[str, StepResult], hyps: Mapping[str, Hypothesis]) -> tuple[Status, str]:
    """∫ g rel ∫ h (or 0) from the cited pointwise lemma g rel h; >= needs g and h stated integrable."""
    lhs, rhs, relation = oriented(step)
    if relation not in ("==", ">=") or len(step.cites) != 1:
        return "failed", "monotone: one cited lemma and a relation ==, >= or <= are required"
    lemma = lemmas[step.cites[0]]
    l_lhs, l_rhs, l_rel = oriented(lemma.step)
    if not isinstance(lhs, sp.Integral) or len(lhs.limits) != 1:
        return "failed", "monotone: the left side must be a single integral"
    h = rhs.function if isinstance(rhs, sp.Integral) and rhs.limits == lhs.limits else rhs
    if h is rhs and rhs != 0:
        return "failed", "monotone: the right side must be an integral over the same limits, or 0"
    if l_rel != relation or not same(l_lhs, lhs.function) or not same(l_rhs, h):
        return "failed", f"monotone: lemma {lemma.step.name!r} is not the pointwise {relation} of the integrands"
    if relation == ">=":
        named = [hyps[n] for n in step.hypotheses if n in hyps and hyps[n].kind == "integrable"]
        stated = {(canonical(hy.fact.lhs.function), hy.fact.lhs.limits) for hy in named}
        need = [f for f in (lhs.function, h) if f != 0 and (canonical(sp.Abs(f)), lhs.limits) not in stated]
        if need:
            return "failed", f"monotone: no integrability hypothesis for {[sp.sstr(f)[:60] for f in need]}"
    return "proved", f"integrated the pointwise {relation} of lemma {lemma.step.name!r} over {lhs.limits[0]}"



def induction(step: Step, lemmas: Mapping[str, StepResult], hyps: Mapping[str, Hypothesis]) -> tuple[Status, str]:
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


RULES = {"monotone": monotone, "induction": induction}
