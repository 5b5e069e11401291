"""The ledger's claims, in reading order: one module per quantity, each exposing ``claims()``.

Nothing is built at import: ``all_claims()`` imports the modules and builds their (unevaluated) statements.
"""

from __future__ import annotations

import importlib

from derivations.core import Claim

#: Modules in the order a reader meets them: the model, the bound, the closed forms, the ablations.
MODULES = (
    "derivations.claims.moments",
    "derivations.claims.linear_gaussian",
    "derivations.claims.elbo",
    "derivations.claims.divergence",
    "derivations.claims.gaussian_kl",
    "derivations.claims.logvar",
    "derivations.claims.likelihoods",
    "derivations.claims.reparameterization",
    "derivations.claims.ablation",
    "derivations.claims.roles",
)

#: The ids the project promises (issue 2); tests check that each exists.
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


def all_claims() -> tuple[Claim, ...]:
    """Every claim, in ledger order; raises RuntimeError on a duplicated id."""
    claims: list[Claim] = []
    for name in MODULES:
        claims.extend(importlib.import_module(name).claims())
    ids = [c.id for c in claims]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise RuntimeError(f"duplicated claim ids: {duplicated}")
    return tuple(claims)


def select(ids: list[str] | None) -> tuple[Claim, ...]:
    """The claims named by ``ids`` (all if None), in ledger order; ValueError names unknown ids."""
    claims = all_claims()
    if not ids:
        return claims
    known = {c.id for c in claims}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValueError(f"unknown claim id(s) {unknown}; known ids: {sorted(known)}")
    return tuple(c for c in claims if c.id in ids)
