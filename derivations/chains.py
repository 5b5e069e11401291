"""From steps to a claim: chains, lemmas, the kernel rules and the uses of other claims.

The rules, each the only way its conclusion is reached:

- **Chain.** A true conclusion ``L rel R`` holds if its chain s_1, ..., s_n satisfies
  canonical(s_1.lhs) = canonical(L), canonical(s_i.rhs) = canonical(s_{i+1}.lhs), canonical(s_n.rhs) =
  canonical(R) (``tactics.canonical``: SymPy's automatic evaluation, nothing more), every s_i is proved
  (definitions allowed; a chain of definitions only gives a ``definition``, and a claim with such a
  conclusion is a ``definition``, never ``proved``), and the relations compose by transitivity in one
  direction to one that implies ``rel`` (== with >= gives >=, with > gives >).
- **Lemma.** A step on no chain must be ``lemma=True`` and cited by some step; a step's status is the
  weaker of its own and its cited lemmas'; lemmas citing each other in a cycle fail. A lemma proved
  under its own hypothesis (``assuming``) is cited only by its induction step.
- **Rules.** ``rules.py``: monotone, chain, instance, induction.
- **Quantified symbols.** Hypotheses about a symbol the claim integrates, sums or inducts over hold for
  every value of it, and the statement says so ("for all z"); equalities about them are substituted
  under their binders.
- **Uses.** A claim is proved only if every claim in ``uses`` is, and ``uses`` covers every helper marked
  ``rests_on`` that was called while the claim was built.
- **Refutation.** A conclusion with ``holds=False`` (and no chain) must be refuted by a counterexample
  inside every displayed hypothesis.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence

import sympy as sp

from derivations.check import StepResult, check_step
from derivations.core import Claim, Conclusion, Status, Step
from derivations.display import quantified_symbols
from derivations.rules import RULES, compose, implies
from derivations.tactics import canonical, same

_RANK = {"failed": 0, "checked-numerically": 1, "definition": 2, "proved": 3, "refuted": 3}


@dataclasses.dataclass(frozen=True)
class ConclusionResult:
    conclusion: Conclusion
    status: Status
    detail: str


@dataclasses.dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    status: Status
    steps: tuple[StepResult, ...]
    conclusions: tuple[ConclusionResult, ...]
    problems: tuple[str, ...]
    seconds: float

    @property
    def method(self) -> str:
        """The distinct methods of the steps, in order of first use."""
        return "; ".join(dict.fromkeys(r.method for r in self.steps))

    @property
    def detail(self) -> str:
        """Why the claim has its status, in one line (the first problem or failed conclusion)."""
        reasons = [*self.problems, *(f"{c.conclusion.name or 'conclusion'}: {c.detail}" for c in
                                     self.conclusions if c.status == "failed")]  # fmt: skip
        return reasons[0] if reasons else ""


def structure(claim: Claim) -> list[str]:
    """What is wrong with the claim's shape, before any step is checked."""
    names = [s.name for s in claim.steps]
    problems = [f"step {n!r} is named twice" for n in sorted({n for n in names if names.count(n) > 1})]
    steps = {s.name: s for s in claim.steps}
    on_chain = {n for c in claim.conclusions for n in c.chain}
    cited = {n for s in claim.steps for n in s.cites}
    induction_steps = {s.cites[1] for s in claim.steps if s.by == "induction" and len(s.cites) == 2}
    problems += [f"conclusion chain names no step {n!r}" for n in sorted(on_chain - steps.keys())]
    problems += [f"a step cites no lemma {n!r}" for n in sorted(cited - steps.keys())]
    for s in claim.steps:
        if not s.holds:
            problems.append(f"step {s.name!r}: a false statement is a Conclusion(holds=False), not a step")
        if s.lemma and s.name in on_chain:
            problems.append(f"lemma {s.name!r} is on a chain")
        if not s.lemma and s.name not in on_chain:
            problems.append(f"step {s.name!r} is on no chain and is not a lemma")
        if s.lemma and s.name not in cited:
            problems.append(f"lemma {s.name!r} is cited by no step")
        if s.assuming and s.name not in induction_steps:
            problems.append(f"step {s.name!r} has its own hypotheses but is no induction's inductive step")
        for name in s.cites:
            if name in steps and not steps[name].lemma:
                problems.append(f"step {s.name!r} cites {name!r}, which is not a lemma")
            if (
                name in steps
                and steps[name].assuming
                and not (s.by == "induction" and s.cites[1:] == (name,))
            ):
                problems.append(
                    f"step {s.name!r} cites {name!r}, proved under its own hypotheses (induction only)"
                )
    hyp_names = [h.name for h in claim.hypotheses]
    problems += [
        f"hypothesis {n!r} is named twice" for n in sorted({n for n in hyp_names if hyp_names.count(n) > 1})
    ]
    for c in claim.conclusions:
        if c.holds and not c.chain:
            problems.append(f"conclusion {c.name or sp.sstr(c.as_relational())[:60]!r} has no chain")
        definitions = bool(c.chain) and all(n in steps and steps[n].definition for n in c.chain)
        if canonical(c.lhs) == canonical(c.rhs) and c.holds and not definitions:
            problems.append("a conclusion whose sides are the same expression is true by construction")
        if not c.holds and c.chain:
            problems.append("a conclusion meant false is refuted, not chained: drop its chain")
    undeclared = sorted(claim.helper_uses - set(claim.uses))
    if undeclared:
        problems.append(f"built with helpers resting on {undeclared}, not declared in uses")
    if not claim.conclusions:
        problems.append("the claim states no conclusion")
    return problems


def quantified(claim: Claim) -> frozenset[sp.Basic]:
    """The claim's quantified symbols: its hypotheses about them hold for every value (displayed so)."""
    return frozenset(quantified_symbols(claim))


def _weakest(statuses: Sequence[Status]) -> Status:
    return min(statuses, key=lambda s: _RANK[s]) if statuses else "failed"


def _conclusion(c: Conclusion, results: Mapping[str, StepResult], claim: Claim) -> ConclusionResult:
    if not c.holds:
        name = c.name or "claimed"
        step = Step(name, c.lhs, c.rhs, "the statement as claimed", relation=c.relation, holds=False,
                    hypotheses=tuple(h.name for h in claim.hypotheses))  # fmt: skip
        r = check_step(step, {h.name: h for h in claim.hypotheses}, quantified=quantified(claim))
        return ConclusionResult(c, "refuted" if r.status == "refuted" else "failed", r.detail)
    steps = [results[n] for n in c.chain]
    joints = [c.lhs, *(x for r in steps for x in (r.step.lhs, r.step.rhs)), c.rhs]
    for i in range(0, len(joints), 2):
        if not same(joints[i], joints[i + 1]):
            where = "the conclusion's lhs" if i == 0 else f"step {steps[i // 2 - 1].step.name!r}'s rhs"
            to = "the conclusion's rhs" if i == len(joints) - 2 else f"step {steps[i // 2].step.name!r}'s lhs"
            return ConclusionResult(c, "failed", f"chain gap: {where} is not {to}")
    relation = compose([r.step.relation for r in steps])
    if relation is None or not implies(relation, c.relation):
        return ConclusionResult(c, "failed", f"the chain's relations do not give {c.relation}")
    statuses = [r.status for r in steps if r.status != "definition"]
    if not statuses:
        return ConclusionResult(c, "definition", "true by definition: no step of its chain proves anything")
    status = _weakest(statuses)
    weak = [r.step.name for r in steps if r.status not in ("proved", "definition")]
    return ConclusionResult(c, status, f"weakest steps: {weak}" if weak else f"chain of {len(steps)} step(s)")


def _check_steps(claim: Claim) -> dict[str, StepResult]:
    """Every step, cited lemmas first; a rule step is closed by its rule, then weakened by its lemmas."""
    hyps = {h.name: h for h in claim.hypotheses}
    everywhere = quantified(claim)
    done: dict[str, StepResult] = {}
    pending = list(claim.steps)
    while pending:
        ready = [
            s for s in pending if all(c in done or c not in {p.name for p in claim.steps} for c in s.cites)
        ]
        if not ready:
            for s in pending:
                done[s.name] = StepResult(s, "failed", "cites", "lemmas cite each other in a cycle", 0.0)
            break
        for s in ready:
            pending.remove(s)
            cited = [done[c] for c in s.cites if c in done]
            if s.by == "tactics":
                proved = tuple(c.step for c in cited if c.status == "proved")
                r = check_step(s, hyps, proved, quantified=everywhere)
            else:
                start = time.perf_counter()
                try:
                    status, detail = RULES[s.by](s, done, hyps)
                except Exception as exc:  # a malformed citation is a failure, never a crash
                    status, detail = "failed", f"{type(exc).__name__}: {exc}"
                r = StepResult(s, status, f"rule: {s.by}", detail, time.perf_counter() - start)
            weak = [c.step.name for c in cited if c.status != "proved"]
            if weak and r.status in ("proved", "definition"):
                r = dataclasses.replace(r, status=_weakest([c.status for c in cited]),
                                        detail=f"{r.detail}; cited lemmas not proved: {weak}")  # fmt: skip
            done[s.name] = r
    return done


def check_claim(claim: Claim, used: Mapping[str, ClaimResult] | None = None) -> ClaimResult:
    """Check every step and conclusion of ``claim``; ``used`` holds the results of the claims it uses
    (looked up and checked through the registry when not given)."""
    start = time.perf_counter()
    trouble: list[str] = []
    if used is None:
        from derivations.registry import check_uses

        try:
            used = check_uses(claim)
        except Exception as exc:  # the registry does not build: what the claim rests on is unchecked
            used, trouble = {}, [f"what it rests on could not be checked: {type(exc).__name__}: {exc}"]
    try:
        problems = trouble + structure(claim)
        results = _check_steps(claim) if not problems else {}
        conclusions = tuple(_conclusion(c, results, claim) for c in claim.conclusions) if not problems else ()
    except Exception as exc:  # a malformed claim fails with the reason; the ledger run goes on
        problems, results = [*trouble, f"malformed claim: {type(exc).__name__}: {str(exc)[:200]}"], {}
    if problems:
        conclusions = tuple(ConclusionResult(c, "failed", "not checked: the claim is malformed") for c in
                            claim.conclusions)  # fmt: skip
    for uid in claim.uses:
        if uid not in used:
            problems.append(f"uses {uid!r}, which is not a claim of the ledger")
        elif used[uid].status != "proved":
            problems.append(f"rests on {uid!r}, which is {used[uid].status}, not proved")
    statuses = [c.status for c in conclusions]
    true = [c.status for c in conclusions if c.conclusion.holds]
    status: Status
    if problems or "failed" in statuses:
        status = "failed"
    elif claim.refutes:
        status = "refuted" if all(s in ("proved", "definition") for s in true) else "failed"
    else:
        status = _weakest(true)  # a conclusion that is a definition makes the claim one: never "proved"
    steps = tuple(results[s.name] for s in claim.steps if s.name in results)
    return ClaimResult(claim, status, steps, conclusions, tuple(problems), time.perf_counter() - start)
