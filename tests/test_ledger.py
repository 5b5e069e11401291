"""The ledger as its users meet it: the CLI, the JSON document, the registry, and the whole run."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import sympy as sp

from derivations import ledger, registry
from derivations.check import check_claim, check_step
from derivations.core import Claim, Step
from derivations.symbols import u

STATUSES = {"proved", "checked-numerically", "refuted", "failed"}
SCHEMA = {"id", "title", "statement", "lecture_times", "method", "status", "evidence", "seconds"}
ROOT = Path(__file__).resolve().parents[1]


def test_json_document_has_the_promised_schema(tmp_path: Path) -> None:
    out = tmp_path / "ledger.json"
    assert ledger.main(["--only", "gaussian-moments", "--json", str(out), "--quiet"]) == 0
    document = json.loads(out.read_text())
    assert {"python", "sympy", "torch", "commit"} <= set(document["environment"])
    (record,) = document["claims"]
    assert set(record) >= SCHEMA
    assert record["id"] == "gaussian-moments"
    assert record["status"] == "proved"
    assert all(e["status"] == "proved" and e["lhs"] and e["rhs"] for e in record["evidence"])


def test_unknown_claim_id_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        ledger.main(["--only", "__import__('os').system('true')"])
    assert exc.value.code == 2
    assert "unknown claim id" in capsys.readouterr().err


def test_exit_status_is_nonzero_when_a_claim_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = Step("wrong", sp.Integral(u * 0 + 1, (u, 0, 1)), sp.Integer(2), "planted")
    bad = Claim(id="planted-failure", title="planted", statement="1 = 2", lecture_times=(), steps=(wrong,))
    monkeypatch.setattr(registry, "all_claims", lambda: (bad,))
    assert ledger.main(["--quiet"]) == 1


def test_nothing_from_outside_reaches_sympify_or_eval() -> None:
    forbidden = {"sympify", "eval", "exec", "parse_expr", "parse_latex", "S"}
    for path in (ROOT / "derivations").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                assert name not in forbidden, f"{path.name}:{node.lineno} calls {name}"


def test_every_required_claim_exists() -> None:
    ids = {c.id for c in registry.all_claims()}
    missing = [i for i in registry.REQUIRED_IDS if i not in ids]
    assert not missing, f"required claims missing: {missing}"


@pytest.mark.parametrize("claim", registry.all_claims(), ids=lambda c: c.id)
def test_every_claim_is_documented(claim: Claim) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", claim.id)
    assert claim.title
    assert claim.statement
    assert claim.steps
    assert claim.references, "every formula cites its source"
    assert all(re.fullmatch(r"\d{1,2}:\d{2}", t) for t in claim.lecture_times)
    assert len({s.name for s in claim.steps}) == len(claim.steps)
    assert all(s.rule for s in claim.steps)


@pytest.mark.slow
@pytest.mark.parametrize("claim", registry.all_claims(), ids=lambda c: c.id)
def test_every_true_step_rejects_a_planted_constant(claim: Claim) -> None:
    """The checker cannot pass anything: add 1/7 to the right side of every equality and it must fail."""
    for step in claim.steps:
        if not step.holds or isinstance(step.lhs, sp.Set) or isinstance(step.rhs, sp.Set):
            continue
        if step.relation == "==":
            assert check_step(step.with_rhs(step.rhs + sp.Rational(1, 7))).status == "failed", step.name
        else:  # an inequality pushed far past its bound must not be proved
            assert check_step(step.with_rhs(step.rhs + 10**6)).status != "proved", step.name


@pytest.mark.parametrize("claim", registry.all_claims(), ids=lambda c: c.id)
def test_every_claim_settles_as_intended_step_by_step(claim: Claim) -> None:
    """Every true step proved (not merely checked numerically), every planted wrong step refuted."""
    result = check_claim(claim)
    assert result.status == ("refuted" if claim.refutes else "proved"), result.claim.id
    for r in result.steps:
        assert r.status == ("proved" if r.step.holds else "refuted"), (r.step.name, r.detail)
