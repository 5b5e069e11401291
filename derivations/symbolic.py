"""What SymPy shows about one step: the tactics on lhs - rhs, the sign query, function_range, and the
re-check where a closed form is undefined. Only ``check.check_step`` turns what this finds into a status.

- **Tactics.** The step's tactics rewrite lhs - rhs in order (``tactics.TACTICS``), with the sign and
  domain facts it may use as signed Dummies; an equality is shown when it reaches 0.
- **Sign query.** An inequality is shown when SymPy's assumptions decide the sign of what remains.
- **function_range.** Only when the step's ``domain`` variable is the one free symbol of lhs - rhs and its
  interval contains every value the displayed assumptions and hypotheses allow; the bound is then
  confirmed at the special and critical points.
- **No silent interchange.** A derivative of an integral without a closed form is opaque to the tactics
  (SymPy would differentiate under the integral sign); a displayed equality hypothesis stating the
  interchange may still rewrite it.
- **Undefined points.** An equality shown in general is re-checked where a denominator of a side, or of a
  form the tactics reached, vanishes inside the hypotheses (b = 0 in (eᵇ - 1)/b).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import sympy as sp
from sympy.calculus.util import function_range

from derivations import numeric, points
from derivations.core import Hypothesis, Step, oriented
from derivations.facts import Context, freeze_interchanges, integration_symbols, subs_free, with_sign_facts
from derivations.tactics import TACTICS


def context(step: Step, hypotheses: Mapping[str, Hypothesis] | None = None, lemmas: tuple[Step, ...] = (),
            quantified: frozenset[sp.Basic] | None = None) -> Context:  # fmt: skip
    """What ``step`` may use: the named hypotheses, its own ``assuming``, and its cited proved lemmas as
    facts (an equality lemma as a substitution, ``a >= 0``-shaped lemmas as sign facts); larger
    expressions first, so a compound fact is found before its parts are replaced. ``quantified``: the
    claim's quantified symbols (``display.quantified_symbols``); alone, those the step integrates over."""
    named = tuple((hypotheses or {})[n] for n in step.hypotheses if n in (hypotheses or {}))
    facts = []
    for lemma in lemmas:
        lhs, rhs, relation = oriented(lemma)
        if relation == "==":
            facts.append(Hypothesis(f"lemma {lemma.name}", sp.Eq(lhs, rhs, evaluate=False)))
        elif rhs == 0 or lhs == 0:  # a >= 0, a > 0; and a <= 0, a < 0 (oriented: 0 >= a)
            facts.append(Hypothesis(f"lemma {lemma.name}", sp.Rel(lhs, rhs, relation, evaluate=False)))
    ordered = sorted(named + step.assuming + tuple(facts), key=lambda h: -sp.count_ops(h.fact))
    if quantified is None:
        quantified = integration_symbols(step.lhs, step.rhs)
    return Context(hypotheses=tuple(ordered), quantified=quantified)


def is_zero(expr: sp.Basic) -> bool:
    return bool(expr == 0 or (isinstance(expr, sp.Expr) and expr.is_zero is True))


def _run_tactics(
    diff: sp.Basic, step: Step, ctx: Context, relation: str, trail: list[sp.Basic], back: dict
) -> tuple[bool, sp.Basic, list[str]]:
    """Apply the step's tactics in order, each form reached appended to ``trail``; an equality closes as
    soon as lhs - rhs is 0 (before any tactic too). The sign facts are applied again after each tactic,
    to what it exposed (a term peeled off a sum), their Dummies added to ``back``."""
    tactics = list(step.tactics)
    if ctx.of_kind("equality") and "hypotheses" not in tactics:
        tactics.insert(0, "hypotheses")
    done: list[str] = []
    if relation == "==" and is_zero(diff):
        return True, diff, done
    for name in tactics:
        diff, exposed = with_sign_facts(TACTICS[name](diff, ctx), ctx, back)
        back.update(exposed)
        trail.append(diff)
        done.append(name)
        if relation == "==" and is_zero(diff):
            return True, diff, done
    return False, diff, done


def _range_bound_ok(rng: sp.Set, relation: str) -> bool:
    if not isinstance(rng, sp.Interval):
        return False
    ok = rng.inf > 0 or (rng.inf == 0 and rng.left_open) if relation == ">" else rng.inf >= 0
    return ok is sp.true or ok is True


def domain_problem(step: Step, ctx: Context) -> str | None:
    """Why the step's ``domain`` is not implied by what it displays (None if it is): a step proved on an
    interval holds on it only, so the interval must contain every value its variable may take."""
    if step.domain is None:
        return None
    var, interval = step.domain
    if not isinstance(var, sp.Symbol) or not isinstance(interval, sp.Set):
        return f"domain must be (symbol, set), not {step.domain}"
    allowed = points.domains([var], ctx.hypotheses)[var]
    if allowed.is_subset(interval) is not True:
        return (f"domain {var} in {interval} is not implied by {var}'s assumptions and the step's hypotheses "
                f"({var} may be anywhere in {allowed}): state it as a hypothesis")  # fmt: skip
    return None


def _function_range(shown: sp.Basic, step: Step, ctx: Context, relation: str) -> tuple[bool, str]:
    """The range of lhs - rhs over the step's interval, when its variable is the only free symbol; the
    bound is confirmed at the special and critical points (SymPy's range is trusted, not blindly)."""
    assert step.domain is not None
    var, interval = step.domain
    others = shown.free_symbols - {var}
    if others:
        return False, f"function_range needs {var} as the only free symbol; also free: {others}"
    rng = function_range(shown, var, interval)
    if not _range_bound_ok(rng, relation):
        return False, f"range of lhs - rhs over {var} in {interval} is {rng}: not {relation} 0"
    confirmed, detail = numeric.numeric_check(step, ctx, sampled=2)
    if confirmed is not True:
        return False, f"function_range gave {rng}, but the points disagree: {detail}"
    return True, f"range of lhs - rhs over {var} in {interval}: {rng}"


def symbolic(step: Step, ctx: Context, trail: list[sp.Basic] | None = None) -> tuple[bool, str, str]:
    """Apply the step's tactics to lhs - rhs; return (closed?, method, detail); the forms of lhs - rhs
    the tactics reached go to ``trail`` (where ``singularities`` looks for undefined points)."""
    lhs, rhs, relation = oriented(step)
    if isinstance(lhs, sp.Set) or isinstance(rhs, sp.Set):
        if relation != "==":
            return False, "sets", f"sets are compared with ==, not {relation}"
        value = lhs.doit() if hasattr(lhs, "doit") else lhs
        return bool(value == rhs), "sympy: set equality", f"lhs evaluates to {sp.sstr(value)[:200]}"
    diff, back = with_sign_facts(lhs - rhs, ctx)
    diff, frozen = freeze_interchanges(diff)
    if frozen:  # a stated interchange (an equality hypothesis about the same derivative) may still apply
        ctx = _frozen_context(ctx, frozen)
        back = {**back, **frozen}
    reached: list[sp.Basic] = []
    closed, diff, done = _run_tactics(diff, step, ctx, relation, reached, back)
    if trail is not None:
        trail.extend(e.xreplace(back) if back else e for e in reached)
    method = "sympy: " + (" > ".join(done) if done else "none")
    shown = diff.xreplace(back) if back else diff
    if relation == "==":
        return closed, method, "lhs - rhs reduces to 0" if closed else f"residual {sp.sstr(shown)[:200]}"
    if (diff.is_positive if relation == ">" else diff.is_nonnegative) is True:
        word = "positive" if relation == ">" else "nonnegative"
        return True, method + " > sign query", f"lhs - rhs = {sp.sstr(shown)[:120]} is {word}"
    if step.domain is not None:
        ok, how = _function_range(shown, step, ctx, relation)
        return ok, method + " > function_range", how
    return False, method, f"sign of {sp.sstr(shown)[:200]} not decided"


def _frozen_context(ctx: Context, frozen: dict[sp.Dummy, sp.Basic]) -> Context:
    """``ctx`` with its equality facts about the frozen derivatives written with their Dummies."""
    to_dummy = {d: dummy for dummy, d in frozen.items()}
    facts = [
        Hypothesis(h.name, sp.Eq(h.fact.lhs.xreplace(to_dummy), h.fact.rhs, evaluate=False))
        if h.kind == "equality"
        else h
        for h in ctx.hypotheses
    ]
    return dataclasses.replace(ctx, hypotheses=tuple(facts))


def _normal(expr: sp.Basic) -> sp.Basic:
    """A stronger normal form for the re-check at a point: exponents cancelled, expanded, simplified."""
    return sp.simplify(sp.expand(expr.replace(sp.exp, lambda a: sp.exp(sp.cancel(a)))))


def singularities(step: Step, ctx: Context, trail: list[sp.Basic]) -> str | None:
    """Re-check an equality where a side, or a form the tactics reached (the closed form SymPy evaluated),
    is undefined (a denominator vanishes: b = 0 in (eᵇ - 1)/b); None if each such point inside the
    hypotheses holds there, shown by the tactics on the sides evaluated at that point."""
    diff = step.lhs - step.rhs
    inside = numeric.where(step, sorted(diff.free_symbols, key=str), ctx)
    for point in points.singular_points(sp.Tuple(diff, *trail), inside):
        if not points.satisfies(point, ctx.hypotheses):
            continue
        at = dataclasses.replace(step, lhs=subs_free(step.lhs, point), rhs=subs_free(step.rhs, point))
        reached: list[sp.Basic] = []
        closed, _, how = symbolic(at, ctx, reached)
        if not closed and reached:  # the step's tactics were chosen for the general case: normalise more
            closed = is_zero(_normal(reached[-1]))
        if not closed:
            where = ", ".join(f"{k} = {v}" for k, v in point.items())
            return (
                f"at {where}, where a side or its evaluated closed form is undefined, it is not shown: {how}"
            )
    return None
