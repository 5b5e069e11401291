"""Planting an error in one step of a claim and checking only what rests on it (shared by claim tests)."""

from __future__ import annotations

import dataclasses

from derivations.chains import ClaimResult
from derivations.check import check_claim
from derivations.core import Claim


def check(claim: Claim) -> ClaimResult:
    """The claim checked with what it uses taken as proved (test_ledger checks those for the whole ledger)."""
    return check_claim(claim, {u: ClaimResult(claim, "proved", (), (), (), 0.0) for u in claim.uses})


def planted(claim: Claim, name: str, **change: object) -> Claim:
    """``claim`` cut down to the conclusion that rests on step ``name`` (its chain and cited lemmas), with
    that step changed (``rhs=...`` or any Step field): the plant is checked where it matters, quickly."""
    claim.step(name)  # KeyError if the step was renamed: a plant must hit something
    steps = {s.name: dataclasses.replace(s, **change) if s.name == name else s for s in claim.steps}  # type: ignore[arg-type]

    def needs(names: tuple[str, ...]) -> set[str]:
        found = set(names)
        for n in names:
            found |= needs(steps[n].cites)
        return found

    (kept,) = [c for c in claim.conclusions if c.holds and name in needs(c.chain)]
    wanted = needs(kept.chain)
    return dataclasses.replace(
        claim, conclusions=(kept,), steps=tuple(s for n, s in steps.items() if n in wanted)
    )
