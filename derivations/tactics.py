"""The rewriting tactics a step may name, and the hypotheses they may use, each guarded for soundness.

A tactic maps an expression to an equal one. Most are SymPy's own rewrites; the rest are rules of
integration and summation that hold only under conditions, checked here before they fire:

- ``split_integrals`` / ``merge_integrals``: linearity, ∫(f + g) = ∫f + ∫g and c ∫f = ∫ c f. Linearity
  holds for convergent integrals only (∫eᶻ - ∫(eᶻ - e^{-z²}) is not √π), so each integral it creates or
  consumes must be licensed: by a stated ``integrable(f, z)`` hypothesis for its integrand, or by
  evaluating to a finite closed form. Otherwise the tactic leaves the expression as it is.
- ``peel_sum``: Σ_{j=a}^{b+1} f(j) = Σ_{j=a}^{b} f(j) + f(b + 1), when b + 1 >= a is known.
- ``hypotheses``: replace the lhs of each stated equality hypothesis by its rhs, outside binders of its
  variables, unless the claim quantifies them (integrates or inducts over them: the hypothesis then holds
  for every value, and the statement says so).

Sign and domain hypotheses are not tactics: see ``facts.py``. ``canonical`` (SymPy's automatic
evaluation, nothing more) is how chain joints and citations are matched.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from derivations.facts import Context, replace_free

__all__ = [
    "TACTICS",
    "Context",
    "canonical",
    "merge_integrals",
    "peel_sum",
    "same",
    "split_integrals",
    "substitute_equalities",
]


def canonical(expr: sp.Basic) -> sp.Basic:
    """``expr`` rebuilt bottom-up with SymPy's automatic evaluation and nothing more (chain joints)."""
    if not isinstance(expr, sp.Basic) or isinstance(expr, sp.MatrixBase) or not expr.args:
        return expr
    try:
        return expr.func(*(canonical(a) for a in expr.args))
    except (TypeError, ValueError):
        return expr


def same(a: sp.Basic, b: sp.Basic) -> bool:
    """Structural equality after ``canonical``: how chain joints and rule citations are matched."""
    return bool(canonical(a) == canonical(b))


def substitute_equalities(expr: sp.Basic, ctx: Context) -> sp.Basic:
    """Replace the lhs of every stated equality hypothesis by its rhs: exact subexpressions, where its
    variables are free or quantified (x = 1 says nothing about the x of lim_{x -> 0}, unless the claim
    displays it for all x)."""
    for h in ctx.of_kind("equality"):
        expr = replace_free(expr, h.fact.lhs, h.fact.rhs, ctx.quantified)
    return expr


def _licensed(integral: sp.Integral, ctx: Context) -> bool:
    """Linearity may touch ``integral``: its integrand is stated integrable, or it evaluates finite."""
    for h in ctx.of_kind("integrable"):
        stated = h.fact.lhs
        if stated.limits == integral.limits and canonical(stated.function) == canonical(
            sp.Abs(integral.function)
        ):
            return True
    try:
        value = integral.doit()
    except (TypeError, ValueError, NotImplementedError):
        return False
    bad = (sp.oo, -sp.oo, sp.zoo, sp.nan)
    return not value.has(sp.Integral, sp.Piecewise, *bad) and value.is_finite is True


def _nested(integral: sp.Integral) -> sp.Integral:
    """A multiple integral as nested single integrals, innermost limit first."""
    inner: sp.Basic = integral.function
    for limit in integral.limits:
        inner = sp.Integral(inner, limit)
    return inner


def _split_one(integral: sp.Integral, ctx: Context) -> sp.Basic:
    body = sp.expand(integral.function) if isinstance(integral.function, sp.Mul) else integral.function
    terms = body.args if isinstance(body, sp.Add) else (body,)
    pieces: list[tuple[sp.Basic, sp.Integral]] = []
    for term in terms:
        const, dep = term.as_independent(*integral.variables, as_Add=False)
        pieces.append((const, sp.Integral(dep, *integral.limits)))
    if len(pieces) == 1 and pieces[0][0] == 1:
        return integral
    if not all(_licensed(piece, ctx) for _, piece in pieces):
        return integral
    return sp.Add(*(c * piece for c, piece in pieces))


def split_integrals(expr: sp.Basic, ctx: Context) -> sp.Basic:
    """Linearity, outward: ∫ (c f + g) -> c ∫ f + ∫ g, for licensed integrals only (bottom-up)."""
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    if isinstance(expr, sp.Integral) and len(expr.limits) > 1:
        expr = _nested(expr)
    args = tuple(split_integrals(a, ctx) for a in expr.args)
    rebuilt = expr.func(*args) if args != expr.args else expr
    return _split_one(rebuilt, ctx) if isinstance(rebuilt, sp.Integral) else rebuilt


def merge_integrals(expr: sp.Basic, ctx: Context) -> sp.Basic:
    """Linearity, inward: c1 ∫ f + c2 ∫ g over the same limits -> ∫ (c1 f + c2 g), licensed terms only."""
    if not isinstance(expr, sp.Add):
        return expr
    groups: dict[tuple[sp.Basic, ...], sp.Basic] = {}
    rest: list[sp.Basic] = []
    for term in expr.args:
        coeff, factors = term.as_coeff_mul()
        integrals = [f for f in factors if isinstance(f, sp.Integral)]
        if len(integrals) != 1 or not _licensed(integrals[0], ctx):
            rest.append(term)
            continue
        integral = integrals[0]
        outside = coeff * sp.Mul(*[f for f in factors if f is not integral])
        if outside.has(*integral.variables):
            rest.append(term)
            continue
        groups[integral.limits] = groups.get(integral.limits, sp.S.Zero) + outside * integral.function
    merged = [sp.Integral(sp.simplify(f), *limits) for limits, f in groups.items()]
    return sp.Add(*merged, *rest)


def peel_sum(expr: sp.Basic, ctx: Context) -> sp.Basic:
    """Σ_{j=a}^{b+1} f(j) -> Σ_{j=a}^{b} f(j) + f(b + 1), where b + 1 - a >= 0 is known."""

    def peel(s: sp.Sum) -> sp.Basic:
        if len(s.limits) != 1:
            return s
        j, a, top = s.limits[0]
        if not (isinstance(top, sp.Add) and sp.S.One in top.args):
            return s
        b = top - 1
        if (top - a).is_nonnegative is not True:
            return s
        return sp.Sum(s.function, (j, a, b)) + s.function.subs(j, top)

    return expr.replace(lambda e: isinstance(e, sp.Sum), peel)


Tactic = Callable[[sp.Basic, Context], sp.Basic]

TACTICS: dict[str, Tactic] = {
    "doit": lambda e, ctx: e.doit(),
    "simplify": lambda e, ctx: sp.simplify(e),
    "expand": lambda e, ctx: sp.expand(e),
    "expand_log": lambda e, ctx: sp.expand(sp.expand_log(e)),  # no force=True: assumptions must license it
    "merge_integrals": merge_integrals,
    "split_integrals": split_integrals,
    "peel_sum": peel_sum,
    "hypotheses": substitute_equalities,
    "rewrite_erf": lambda e, ctx: e.rewrite(sp.erf),
    "together": lambda e, ctx: sp.together(e),
    "factor": lambda e, ctx: sp.factor(e),
    "gammasimp": lambda e, ctx: sp.gammasimp(e),
}
