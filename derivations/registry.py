"""The ledger's claims, in reading order, and the graph of what each rests on (``Claim.uses``).

Nothing is built at import: ``all_claims()`` imports the claim modules and builds their (unevaluated)
statements, recording which ``rests_on`` helpers each claim was built with. ``closure`` gives a claim and
everything it rests on, dependencies first; a cycle in ``uses`` fails every claim on it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from derivations.core import Claim, collecting_helper_uses

if TYPE_CHECKING:
    from derivations.chains import ClaimResult

#: Modules in the order a reader meets them: the model, the bound, the closed forms, the ablations.
MODULES = (
    "derivations.claims.moments",
    "derivations.claims.linear_gaussian",
    "derivations.claims.independence",
    "derivations.claims.elbo",
    "derivations.claims.elbo_bound",
    "derivations.claims.elbo_gaussian",
    "derivations.claims.jensen",
    "derivations.claims.iwae",
    "derivations.claims.divergence",
    "derivations.claims.gibbs_discrete",
    "derivations.claims.gaussian_kl",
    "derivations.claims.gaussian_kl_general",
    "derivations.claims.kl_mistakes",
    "derivations.claims.logvar",
    "derivations.claims.likelihoods",
    "derivations.claims.reparameterization",
    "derivations.claims.ablation",
    "derivations.claims.roles",
)

#: The ids the project promises; tests check that each exists.
REQUIRED_IDS = (
    "marginal-likelihood",
    "kl-identity",
    "elbo-decomposition",
    "gibbs-inequality",
    "elbo-bound",
    "gaussian-kl-standard",
    "gaussian-kl-general",
    "logvar-parameterisation",
    "gaussian-likelihood",
    "bernoulli-likelihood",
    "reparameterisation-distribution",
    "reparameterisation-gradient",
    "ablation-kl-only",
    "ablation-reconstruction-only",
    "ablation-both",
    "parameter-roles",
)


@cache
def all_claims() -> tuple[Claim, ...]:
    """Every claim, in ledger order; raises RuntimeError on a duplicated id."""
    claims = build(*MODULES)
    ids = [c.id for c in claims]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise RuntimeError(f"duplicated claim ids: {duplicated}")
    return tuple(claims)


def build(*modules: ModuleType | str) -> tuple[Claim, ...]:
    """The claims of ``modules`` (objects or dotted names), in order, each module's built while recording
    the ``rests_on`` helpers its claims call (as the ledger builds them)."""
    claims: list[Claim] = []
    for module in modules:
        mod = importlib.import_module(module) if isinstance(module, str) else module
        with collecting_helper_uses():
            claims.extend(mod.claims())
    return tuple(claims)


def by_id(claims: Iterable[Claim] | None = None) -> dict[str, Claim]:
    return {c.id: c for c in (all_claims() if claims is None else claims)}


def cycles(claims: Iterable[Claim] | None = None) -> set[str]:
    """Ids of the claims that lie on a cycle of ``uses`` (each must fail)."""
    index = by_id(claims)
    on_cycle: set[str] = set()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in index[start].uses if start in index else ():
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    for cid in index:
        if reaches(cid, cid, {cid}):
            on_cycle.add(cid)
    return on_cycle


def closure(ids: Iterable[str], claims: Iterable[Claim] | None = None) -> tuple[Claim, ...]:
    """The named claims and all they rest on, each after what it uses (ledger order among equals)."""
    index = by_id(claims)
    order = list(index)
    wanted: set[str] = set()
    stack = [i for i in ids if i in index]
    while stack:
        cid = stack.pop()
        if cid not in wanted:
            wanted.add(cid)
            stack.extend(u for u in index[cid].uses if u in index)
    placed: list[str] = []
    remaining = [c for c in order if c in wanted]
    while remaining:
        ready = [c for c in remaining if all(u in placed or u not in wanted for u in index[c].uses)]
        ready = ready or remaining[:1]  # a cycle: place it anyway; check_claim fails it
        placed.append(ready[0])
        remaining.remove(ready[0])
    return tuple(index[c] for c in placed)


def select(ids: list[str] | None) -> tuple[Claim, ...]:
    """The claims named by ``ids`` and what they rest on (all if None); ValueError names unknown ids."""
    claims = all_claims()
    if not ids:
        return closure([c.id for c in claims])
    known = {c.id for c in claims}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValueError(f"unknown claim id(s) {unknown}; known ids: {sorted(known)}")
    return closure(ids)


#: Results by claim object, with the results it used: a claim object is checked once per process.
_RESULTS: dict[int, tuple[Claim, tuple[ClaimResult | None, ...], ClaimResult]] = {}


def run(claims: Iterable[Claim], *, progress: bool = False) -> dict[str, ClaimResult]:
    """Check ``claims`` (already in dependency order); a claim on a cycle of uses fails without checking."""
    import sys

    from derivations.chains import ClaimResult, check_claim

    claims = tuple(claims)
    on_cycle = cycles(claims)  # a cycle through claims outside these cannot reach them: uses are closed
    done: dict[str, ClaimResult] = {}
    for claim in claims:
        used = tuple(done.get(u) for u in claim.uses)
        cached = _RESULTS.get(id(claim))
        if claim.id in on_cycle:
            problem = f"{claim.id!r} rests on itself through a cycle of uses"
            done[claim.id] = ClaimResult(claim, "failed", (), (), (problem,), 0.0)
        elif (
            cached is not None
            and cached[0] is claim
            and all(a is b for a, b in zip(cached[1], used, strict=True))
        ):
            done[claim.id] = cached[2]  # the same claim object resting on the same results: checked once
        else:
            done[claim.id] = check_claim(claim, done)
            _RESULTS[id(claim)] = (claim, used, done[claim.id])
        if progress:
            r = done[claim.id]
            print(f"  {r.status:<20} {r.seconds:7.2f} s  {claim.id}", file=sys.stderr, flush=True)
    return done


def check_uses(claim: Claim) -> dict[str, ClaimResult]:
    """The results of every claim ``claim`` rests on, checked through the registry."""
    return run(closure(claim.uses)) if claim.uses else {}
