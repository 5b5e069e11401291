"""The facts a step may use, and where: binders, free occurrences, and signed Dummies.

A hypothesis is about the values of free symbols. Under a binder of one of its variables (an integral, sum,
product, derivative, substitution, limit or set-builder over z) the z is another variable, and a pointwise
fact about q(z) is not a fact about it: ``replace_free`` never rewrites there, unless the variable is one
the claim quantifies (``Context.quantified``: the hypothesis then holds for every value, and the statement
says "for all z"), and never the bound variable itself.

Sign and domain hypotheses are not tactics: ``with_sign_facts`` replaces the hypothesised expression by a
Dummy carrying the sign (q(z) > 0: a positive Dummy; x ∈ [0, 1]: a nonnegative one) while the tactics run,
outside every binder of its variables.
"""

from __future__ import annotations

import dataclasses

import sympy as sp
from sympy.core.function import AppliedUndef

from derivations.core import Hypothesis

BINDERS = (sp.Integral, sp.Sum, sp.Product, sp.Derivative, sp.Subs, sp.Lambda)
#: Binders whose bound symbol is not in ``.variables``: the limit variable, the set-builder variable.
_OTHER_BINDERS = (sp.Limit, sp.ConditionSet, sp.ImageSet)


@dataclasses.dataclass(frozen=True)
class Context:
    """What a step may use: its declared hypotheses (the claim's that it names, and its own)."""

    hypotheses: tuple[Hypothesis, ...] = ()
    #: Symbols the claim integrates, sums or inducts over: its hypotheses about them hold for every value
    #: (the statement says "for all z"), so its equalities may also be substituted under their binders.
    quantified: frozenset[sp.Basic] = frozenset()

    def of_kind(self, kind: str) -> tuple[Hypothesis, ...]:
        return tuple(h for h in self.hypotheses if h.kind == kind)


def bound_by(expr: sp.Basic) -> set[sp.Basic]:
    """The symbols ``expr`` binds (an integral's, a sum's, a limit's variable), none if it binds none."""
    if isinstance(expr, BINDERS):
        return set(getattr(expr, "variables", ()))
    if isinstance(expr, _OTHER_BINDERS):
        inner: set[sp.Basic] = set().union(*(a.free_symbols for a in expr.args))
        return inner - expr.free_symbols
    return set()


def replace_free(
    expr: sp.Basic, target: sp.Basic, replacement: sp.Basic, allowed: frozenset[sp.Basic] = frozenset()
) -> sp.Basic:
    """``expr`` with ``target`` replaced where its variables are free: not under a binder of one of them,
    unless that variable is in ``allowed`` (a fact that holds for every value of it)."""
    if expr == target:
        return replacement
    if not isinstance(expr, sp.Basic) or not expr.args or isinstance(expr, sp.MatrixBase):
        return expr
    bound = bound_by(expr)
    if target in bound or (bound & target.free_symbols) - allowed:  # never the bound variable itself
        return expr
    args = tuple(replace_free(a, target, replacement, allowed) for a in expr.args)
    return expr if args == expr.args else expr.func(*args)


def subs_free(expr: sp.Basic, point: dict) -> sp.Basic:
    """``expr`` at ``point`` ({symbol: value}), replacing each symbol only where it is free: the σ of
    lim_{σ -> 0} is not the σ of the point."""
    for sym, value in point.items():
        expr = replace_free(expr, sym, value)
    return expr


def integration_symbols(*exprs: sp.Basic) -> frozenset[sp.Basic]:
    """The symbols that an integral, a sum or a product in ``exprs`` binds."""
    found: set[sp.Basic] = set()
    for expr in exprs:
        for binder in expr.atoms(sp.Integral, sp.Sum, sp.Product) if isinstance(expr, sp.Basic) else ():
            found.update(v for v in binder.variables if isinstance(v, sp.Symbol))
    return frozenset(found)


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


def with_sign_facts(
    expr: sp.Basic, ctx: Context, known: dict[sp.Dummy, sp.Basic] | None = None
) -> tuple[sp.Basic, dict[sp.Dummy, sp.Basic]]:
    """``expr`` with each sign/domain-hypothesised expression replaced by a signed Dummy (the one in
    ``known`` if that expression was replaced before); the inverse map of the Dummies it used."""
    back: dict[sp.Dummy, sp.Basic] = {}
    reuse = {target: dummy for dummy, target in (known or {}).items()}
    for h in ctx.hypotheses:
        pair = (
            sign_dummy(h.fact) if h.kind == "sign" else domain_dummy(h.fact) if h.kind == "domain" else None
        )
        if pair is None:
            continue
        target, dummy = pair
        dummy = reuse.get(target, dummy)
        replaced = replace_free(expr, target, dummy)
        if replaced != expr:
            expr, back[dummy] = replaced, target
    return expr, back


def freeze_interchanges(expr: sp.Basic) -> tuple[sp.Basic, dict[sp.Dummy, sp.Basic]]:
    """``expr`` with each derivative of an integral that depends on the differentiation variable and has
    no closed form replaced by an opaque Dummy (SymPy would differentiate under the integral sign, a
    limit interchange that needs a hypothesis: state it as one, ``Eq(Derivative(∫...), ∫ Derivative)``);
    an integral with a closed form is evaluated first, and its closed form differentiated. Likewise a
    limit of an undefined function of its variable (lim_{t -> 0} ∫ f(z, t) dz is not ∫ f(z, 0) dz for
    every f). The inverse map."""
    back: dict[sp.Dummy, sp.Basic] = {}

    def freeze(d: sp.Derivative) -> sp.Basic:
        inside = [i for i in d.expr.atoms(sp.Integral) if set(d.variables) & i.free_symbols]
        if not inside:
            return d
        abstract = any(i.function.atoms(AppliedUndef) for i in inside)  # no closed form to differentiate
        evaluated = d.expr if abstract else d.expr.doit()
        if abstract or any(set(d.variables) & i.free_symbols for i in evaluated.atoms(sp.Integral)):
            dummy = sp.Dummy("dI")
            back[dummy] = d
            return dummy
        return sp.Derivative(evaluated, *d.variable_count)

    def freeze_limit(limit: sp.Limit) -> sp.Basic:
        expr, var = limit.args[0], limit.args[1]
        if not any(var in f.free_symbols for f in expr.atoms(AppliedUndef)):
            return limit
        dummy = sp.Dummy(
            "lim"
        )  # SymPy would take the limit inside f (continuity, or under ∫: an interchange)
        back[dummy] = limit
        return dummy

    if expr.has(sp.Limit):
        expr = expr.replace(lambda e: isinstance(e, sp.Limit), freeze_limit)
    if not (expr.has(sp.Derivative) and expr.has(sp.Integral)):
        return expr, back
    frozen = expr.replace(lambda e: isinstance(e, sp.Derivative), freeze)
    return frozen, back
