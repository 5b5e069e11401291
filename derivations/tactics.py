"""The rewriting tactics a step may name, and the hypotheses they may use, each guarded for soundness.

A tactic maps an expression to an equal one. Most are SymPy's own rewrites; the rest are rules of
integration and summation that hold only under conditions, checked here before they fire:

- ``split_integrals`` / ``merge_integrals``: linearity, ∫(f + g) = ∫f + ∫g and c ∫f = ∫ c f. Linearity
  holds for convergent integrals only (∫eᶻ - ∫(eᶻ - e^{-z²}) is not √π), so each integral it creates or
  consumes must be licensed: by a stated ``integrable(f, z)`` hypothesis for its integrand, or by
  evaluating to a finite closed form. Otherwise the tactic leaves the expression as it is.
- ``peel_sum``: Σ_{j=a}^{b+1} f(j) = Σ_{j=a}^{b} f(j) + f(b + 1), when b + 1 >= a is known.
- ``hypotheses``: replace the lhs of each stated equality hypothesis by its rhs, outside binders of its
  variables (like the sign facts below).

Sign and domain hypotheses are not tactics: ``with_sign_facts`` replaces the hypothesised expression by a
Dummy carrying the sign while the tactics run, outside any integral, sum or derivative that binds its
variables (inside those, a pointwise fact about q(z) is not a fact about a constant).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import sympy as sp

from derivations.core import Hypothesis

BINDERS = (sp.Integral, sp.Sum, sp.Product, sp.Derivative, sp.Subs, sp.Lambda)
#: Binders whose bound symbol is not in ``.variables``: the limit variable, the set-builder variable.
_OTHER_BINDERS = (sp.Limit, sp.ConditionSet, sp.ImageSet)


@dataclasses.dataclass(frozen=True)
class Context:
    """What a step may use: its declared hypotheses (the claim's that it names, and its own)."""

    hypotheses: tuple[Hypothesis, ...] = ()

    def of_kind(self, kind: str) -> tuple[Hypothesis, ...]:
        return tuple(h for h in self.hypotheses if h.kind == kind)


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


def bound_by(expr: sp.Basic) -> set[sp.Basic]:
    """The symbols ``expr`` binds (an integral's, a sum's, a limit's variable), none if it binds none."""
    if isinstance(expr, BINDERS):
        return set(getattr(expr, "variables", ()))
    if isinstance(expr, _OTHER_BINDERS):
        inner: set[sp.Basic] = set().union(*(a.free_symbols for a in expr.args))
        return inner - expr.free_symbols
    return set()


def replace_free(expr: sp.Basic, target: sp.Basic, replacement: sp.Basic) -> sp.Basic:
    """``expr`` with ``target`` replaced where its variables are free (not bound by an enclosing binder)."""
    if expr == target:
        return replacement
    if not isinstance(expr, sp.Basic) or not expr.args or isinstance(expr, sp.MatrixBase):
        return expr
    if bound_by(expr) & target.free_symbols:
        return expr
    args = tuple(replace_free(a, target, replacement) for a in expr.args)
    return expr if args == expr.args else expr.func(*args)


def sign_dummy(fact: sp.Basic) -> tuple[sp.Basic, sp.Dummy] | None:
    """(expression, Dummy with its sign) for ``a > 0``, ``a >= 0``, ``a < 0``, ``a <= 0``, ``a != 0``."""
    rel = fact
    if isinstance(rel, sp.Unequality) and rel.rhs == 0:
        return rel.lhs, sp.Dummy("h", real=True, nonzero=True)
    if not isinstance(rel, sp.core.relational.Relational) or isinstance(rel, sp.Equality):
        return None
    lhs = rel.lhs if rel.rhs == 0 else rel.rhs if rel.lhs == 0 else None
    if lhs is None:
        return None
    flip = rel.lhs == 0  # 0 < a is a > 0
    op = {">": "<", "<": ">", ">=": "<=", "<=": ">="}[rel.rel_op] if flip else rel.rel_op
    kind = {">": "positive", ">=": "nonnegative", "<": "negative", "<=": "nonpositive"}[op]
    return lhs, sp.Dummy("h", real=True, **{kind: True})


def domain_dummy(fact: sp.Basic) -> tuple[sp.Symbol, sp.Dummy] | None:
    """(symbol, Dummy) for ``Contains(x, Interval)``: the Dummy keeps the sign the interval implies."""
    if not isinstance(fact, sp.Contains) or not isinstance(fact.args[1], sp.Interval):
        return None
    sym, interval = fact.args
    lo, hi = interval.inf, interval.sup
    kwargs: dict[str, bool] = {"real": True}
    if lo.is_positive or (lo == 0 and interval.left_open):
        kwargs["positive"] = True
    elif lo.is_nonnegative:
        kwargs["nonnegative"] = True
    elif hi.is_negative or (hi == 0 and interval.right_open):
        kwargs["negative"] = True
    elif hi.is_nonpositive:
        kwargs["nonpositive"] = True
    return sym, sp.Dummy(sym.name, **kwargs)


def with_sign_facts(expr: sp.Basic, ctx: Context) -> tuple[sp.Basic, dict[sp.Dummy, sp.Basic]]:
    """``expr`` with each sign/domain-hypothesised expression replaced by a signed Dummy; the inverse map."""
    back: dict[sp.Dummy, sp.Basic] = {}
    for h in ctx.hypotheses:
        pair = (
            sign_dummy(h.fact) if h.kind == "sign" else domain_dummy(h.fact) if h.kind == "domain" else None
        )
        if pair is None:
            continue
        target, dummy = pair
        replaced = replace_free(expr, target, dummy)
        if replaced != expr:
            expr, back[dummy] = replaced, target
    return expr, back


def substitute_equalities(expr: sp.Basic, ctx: Context) -> sp.Basic:
    """Replace the lhs of every stated equality hypothesis by its rhs: exact subexpressions, where its
    variables are free (x = 0 says nothing about the x of ∫₀¹ x dx)."""
    for h in ctx.of_kind("equality"):
        expr = replace_free(expr, h.fact.lhs, h.fact.rhs)
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
