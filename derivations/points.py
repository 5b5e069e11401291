"""Points inside the hypotheses, where numbers are tried: the 50-digit check and counterexamples use these.

Every point respects what the claim displays: a symbol's SymPy assumptions (σ > 0), its domain hypothesis
(x ∈ [0, 1]), a bound on a bare symbol (μ > 10) and, when ``satisfies`` is strict, every hypothesis that
mentions the point's symbols. Counterexamples hide at special points, so these come first: 0, ±1, the ends
of stated intervals, the critical points SymPy finds ("eʳ - 1 - r > 0 for real r" meets r = 0) and the
points where a side of an equality is undefined (a denominator's roots: b = 0 in (eᵇ - 1)/b).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import sympy as sp

from derivations.core import Hypothesis
from derivations.facts import bound_by, subs_free

NUMERIC_DPS = 50
_EXACT_POSITIVE = (sp.Rational(3, 2), sp.Rational(2, 5), sp.Integer(3))
_EXACT_REAL = (sp.Rational(7, 10), sp.Rational(-4, 3), sp.Integer(2))
_BOUNDS = {
    ">": lambda c: sp.Interval.open(c, sp.oo),
    ">=": lambda c: sp.Interval(c, sp.oo),
    "<": lambda c: sp.Interval.open(-sp.oo, c),
    "<=": lambda c: sp.Interval(-sp.oo, c),
}
_MIRROR = {">": "<", ">=": "<=", "<": ">", "<=": ">="}


def _assumed(sym: sp.Symbol) -> sp.Set:
    if sym.is_integer:
        return sp.Naturals if sym.is_positive else sp.Naturals0 if sym.is_nonnegative else sp.Integers
    if sym.is_positive:
        base: sp.Set = sp.Interval.open(0, sp.oo)
    elif sym.is_negative:
        base = sp.Interval.open(-sp.oo, 0)
    elif sym.is_nonnegative:
        base = sp.Interval(0, sp.oo)
    elif sym.is_nonpositive:
        base = sp.Interval(-sp.oo, 0)
    else:
        base = sp.Reals
    return base - sp.FiniteSet(0) if sym.is_nonzero else base


def bound_of(fact: sp.Basic) -> tuple[sp.Symbol, sp.Set] | None:
    """(x, set) for ``Contains(x, set)`` or a bound ``x > c`` / ``c <= x`` with c a number; else None."""
    if isinstance(fact, sp.Contains) and isinstance(fact.args[0], sp.Symbol):
        return fact.args[0], fact.args[1]
    if isinstance(fact, sp.core.relational.Relational) and fact.rel_op in _BOUNDS:
        lhs, rhs, op = fact.lhs, fact.rhs, fact.rel_op
        if isinstance(rhs, sp.Symbol) and lhs.is_number:
            lhs, rhs, op = rhs, lhs, _MIRROR[op]
        if isinstance(lhs, sp.Symbol) and rhs.is_number and rhs.is_extended_real:
            return lhs, _BOUNDS[op](rhs)
    return None


def domains(symbols: list[sp.Symbol], hypotheses: tuple[Hypothesis, ...]) -> dict[sp.Symbol, sp.Set]:
    """The set each symbol ranges over: its assumptions, narrowed by domain hypotheses and bounds."""
    out = {sym: _assumed(sym) for sym in symbols}
    for h in hypotheses:
        bound = bound_of(h.fact) if h.kind in ("domain", "sign") else None
        if bound is not None and bound[0] in out:
            out[bound[0]] = out[bound[0]].intersect(bound[1])
    return out


def satisfies(
    point: dict[sp.Symbol, sp.Basic], hypotheses: tuple[Hypothesis, ...], strict: bool = False
) -> bool:
    """Lenient: True unless the point is known to break a hypothesis. Strict (for counterexamples): every
    hypothesis that mentions the point's symbols is known to hold there."""
    for h in hypotheses:
        if h.kind == "integrable":
            continue
        if not h.fact.free_symbols & set(point):
            continue
        try:
            value = subs_free(h.fact, point)
            if isinstance(value, sp.Equality):
                value = sp.Eq(sp.simplify(value.lhs - value.rhs), 0)
        except (TypeError, ValueError):
            return False
        if value is sp.false or value is False or (strict and value is not sp.true and value is not True):
            return False
    return True


def special_values(sym: sp.Symbol, where: sp.Set) -> list[sp.Basic]:
    """0, ±1 and the finite ends of ``where``, those inside it (exact)."""
    ends: list[sp.Basic] = []
    if isinstance(where, sp.Interval):
        ends = [e for e in (where.inf, where.sup) if e.is_finite]
    return [v for v in (sp.Integer(0), sp.Integer(1), sp.Integer(-1), *ends) if where.contains(v) is sp.true]


def exact_points(symbols: list[sp.Symbol], where: dict[sp.Symbol, sp.Set]) -> Iterator[dict]:
    """A few rational points inside the domains, special values first."""
    for i in range(3):
        point: dict[sp.Symbol, sp.Basic] = {}
        for sym in symbols:
            choices = [
                *special_values(sym, where[sym]),
                *(range(2, 6) if sym.is_integer else _EXACT_POSITIVE if sym.is_positive else _EXACT_REAL),
                sp.Rational(1, 3),
                sp.Rational(1, 2),
            ]
            inside = [sp.Integer(c) if isinstance(c, int) else c for c in choices]
            inside = [c for c in inside if where[sym].contains(c) is sp.true]
            if not inside:
                break
            point[sym] = inside[(i * (1 + len(point))) % len(inside)]
        else:
            yield point


def random_point(symbols: list[sp.Symbol], where: dict[sp.Symbol, sp.Set], rng: random.Random) -> dict:
    """A random point inside the domains (bounded intervals sampled uniformly, others in 0.2..2.5)."""
    point = {}
    for sym in symbols:
        dom = where[sym]
        if sym.is_integer:
            point[sym] = sp.Integer(rng.randint(1, 4))
            continue
        hull = dom if isinstance(dom, sp.Interval) else sp.Reals
        lo, hi = hull.inf, hull.sup
        if lo.is_finite and hi.is_finite:
            value = rng.uniform(float(lo), float(hi))
        elif lo.is_finite:
            value = float(lo) + rng.uniform(0.2, 2.5)
        elif hi.is_finite:
            value = float(hi) - rng.uniform(0.2, 2.5)
        else:
            value = rng.choice((-1, 1)) * rng.uniform(0.2, 2.0)
        point[sym] = sp.Float(value, NUMERIC_DPS)
    return point


def critical_points(gap: sp.Expr, sym: sp.Symbol, where: sp.Set) -> list[sp.Basic]:
    """Real stationary points of ``gap`` in ``sym`` inside ``where`` (one free symbol only)."""
    if gap.free_symbols != {sym}:
        return []
    try:
        found = sp.solve(sp.diff(gap, sym), sym)
    except (NotImplementedError, TypeError, ValueError):
        return []
    return [c for c in found if c.is_real and where.contains(c) is sp.true]


def _denominators(expr: sp.Basic, bound: frozenset = frozenset()) -> Iterator[tuple[sp.Basic, frozenset]]:
    """(base, symbols bound there) for each negative power in ``expr``, with the binders around it."""
    if isinstance(expr, sp.Pow) and expr.exp.is_negative and expr.base.free_symbols:
        yield expr.base, bound
    inner = bound | frozenset(bound_by(expr)) if isinstance(expr, sp.Basic) else bound
    for arg in getattr(expr, "args", ()):
        yield from _denominators(arg, inner)


def singular_points(expr: sp.Basic, where: dict[sp.Symbol, sp.Set], limit: int = 4) -> list[dict]:
    """Points inside ``where`` at which a denominator of ``expr`` (a negative power of a polynomial in one
    of its free symbols, not one bound by an integral or a limit around it) vanishes."""
    points: list[dict[sp.Symbol, sp.Basic]] = []
    for base, bound in dict.fromkeys(_denominators(expr)):
        for sym in sorted((base.free_symbols & set(where)) - bound, key=str):
            if sym.is_nonzero or not base.is_polynomial(sym):  # q(z), sin(b): not solved for here
                continue
            try:
                roots = sp.solve(base, sym)
            except (NotImplementedError, TypeError, ValueError):
                continue
            for root in roots:
                point = {sym: root}
                if (
                    where[sym].contains(root) is not sp.false
                    and root.is_real is not False
                    and point not in points
                ):
                    points.append(point)
                if len(points) >= limit:
                    return points
    return points
