"""The ledger as its users meet it: the CLI, the JSON document, the registry, and the whole run.

The CLI tests run on planted claims (the registry is monkeypatched), so they do not depend on the claim
modules; the tests over every registry claim follow at the end.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import pytest
import sympy as sp

from derivations import ledger, registry
from derivations.check import check_claim, check_step
from derivations.core import Claim, Conclusion, Hypothesis, Step
from derivations.display import statement

SCHEMA = {"id", "title", "statement", "conclusions", "hypotheses", "uses", "status", "evidence", "seconds"}
ROOT = Path(__file__).resolve().parents[1]
x = sp.Symbol("x", real=True)
z = sp.Symbol("z", real=True)
q = sp.Function("q")
SQUARE = Step("square", (x + 1) ** 2, x**2 + 2 * x + 1, "expand")
GOOD = Claim(
    "planted-good",
    "a square",
    conclusions=(Conclusion(SQUARE.lhs, SQUARE.rhs, chain=("square",)),),
    steps=(SQUARE,),
    references=("algebra",),
)
WRONG = Step("wrong", sp.Integral(1, (z, 0, 1)), sp.Integer(2), "planted")
BAD = Claim(
    "planted-bad",
    "1 = 2",
    conclusions=(Conclusion(WRONG.lhs, 2, chain=("wrong",)),),
    steps=(WRONG,),
    uses=("planted-good",),
)


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "all_claims", lambda: (GOOD, BAD))


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the CLI on ``argv``, assert exit status 2 and one line on stderr; return that line."""
    with pytest.raises(SystemExit) as exc:
        ledger.main(list(argv))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith("python -m derivations: error: ")
    return err


@pytest.mark.usefixtures("planted")
def test_json_document_has_the_promised_schema(tmp_path: Path) -> None:
    out = tmp_path / "ledger.json"
    assert ledger.main(["--only", "planted-good", "--json", str(out), "--quiet"]) == 0
    document = json.loads(out.read_text())
    assert {"python", "sympy", "torch", "commit"} <= set(document["environment"])
    (record,) = document["claims"]
    assert set(record) >= SCHEMA
    assert record["status"] == "proved"
    assert record["statement"] == statement(GOOD)
    assert all(e["status"] == "proved" and e["lhs"] and e["rhs"] for e in record["evidence"])


@pytest.mark.usefixtures("planted")
def test_only_runs_a_claim_and_what_it_rests_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert ledger.main(["--only", "planted-bad", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "planted-good" in out
    assert "planted-bad" in out


@pytest.mark.usefixtures("planted")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--only", "__import__('os').system('true')"], "unknown claim id"),
        (["--only"], "expected at least one argument"),
        (["--colour"], "unrecognized arguments"),
        (["--json", "{tmp}"], "is a directory"),
        (["--json", "{file}/ledger.json"], "is a file"),
        (["--report", "{file}/site"], "is a file"),
        (["--report", "{file}"], "is a file"),
    ],
    ids=[
        "unknown-id",
        "only-nothing",
        "unknown-option",
        "json-at-dir",
        "json-under-file",
        "report-under-file",
        "report-is-file",
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "f").write_text("x")
    before = sorted(tmp_path.rglob("*"))
    filled = [a.format(tmp=tmp_path, file=tmp_path / "f") for a in argv]
    assert message in usage_error(capsys, *filled)
    assert sorted(tmp_path.rglob("*")) == before, "nothing written"


@pytest.mark.usefixtures("planted")
def test_report_that_cannot_be_imported_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "report", None)  # import report -> ImportError
    assert "report package" in usage_error(capsys, "--report", str(tmp_path / "site"), "--quiet")
    assert not (tmp_path / "site").exists()


@pytest.mark.usefixtures("planted")
def test_report_that_refuses_its_directory_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if importlib.util.find_spec("report") is None:
        pytest.skip("the report package (branch report) is not importable yet")
    import report

    def refuse(document: object, site: Path) -> Path:
        raise ValueError("document: not a ledger")

    monkeypatch.setattr(report, "write_site", refuse)
    out = tmp_path / "ledger.json"
    err = usage_error(capsys, "--report", str(tmp_path / "site"), "--json", str(out), "--quiet")
    assert "not a ledger" in err
    assert not out.exists(), "the report fails before the JSON is written"


@pytest.mark.usefixtures("planted")
def test_report_is_written(tmp_path: Path) -> None:
    if importlib.util.find_spec("report") is None:
        pytest.skip("the report package (branch report) is not importable yet")
    assert ledger.main(["--only", "planted-good", "--report", str(tmp_path / "site"), "--quiet"]) == 0
    assert (tmp_path / "site" / "index.html").is_file()


def test_registry_checks_a_claim_once_unless_what_it_rests_on_changed() -> None:
    first = registry.run((GOOD, BAD))
    again = registry.run((GOOD, BAD))
    assert again["planted-bad"] is first["planted-bad"]
    other = Claim("planted-good", "other", conclusions=GOOD.conclusions, steps=GOOD.steps)
    rerun = registry.run((other, BAD))
    assert rerun["planted-bad"] is not first["planted-bad"]
    assert rerun["planted-bad"].status == "failed"


def test_exit_status_is_nonzero_when_a_claim_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "all_claims", lambda: (BAD,))
    assert ledger.main(["--quiet"]) == 1


def test_statement_is_generated_from_conclusions_and_hypotheses() -> None:
    h = Hypothesis("q>0", q(z) > 0)
    c = Claim(
        "c", "c", conclusions=(Conclusion(sp.Integral(q(z), (z, 0, 1)), 0, ">="),), steps=(), hypotheses=(h,)
    )
    shown = statement(c)
    assert shown.startswith(r"\text{for } z \in \mathbb{R}")
    assert r"q{\left(z \right)} > 0\ \text{for all } z" in shown
    assert shown.endswith(r"\geq 0")


def test_nothing_from_outside_reaches_sympify_or_eval() -> None:
    forbidden = {"sympify", "eval", "exec", "parse_expr", "parse_latex", "S"}
    for path in (ROOT / "derivations").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                assert name not in forbidden, f"{path.name}:{node.lineno} calls {name}"


# -- over every registry claim (these need the claim modules converted to conclusions) ---------------------


def registry_claims() -> list[object]:
    """Every registry claim, or one failing case saying why the registry does not build."""
    try:
        return list(registry.all_claims())
    except Exception as exc:  # a claim module that does not build fails these tests, not the whole file
        return [pytest.param(f"{type(exc).__name__}: {exc}", id="registry-does-not-build")]


def built(claim: Claim | str) -> Claim:
    if isinstance(claim, str):
        pytest.fail(f"the registry does not build: {claim}")
    return claim


def test_every_claim_module_is_in_the_ledger() -> None:
    """A module under derivations/claims/ that defines claims() is listed in registry.MODULES, so none is
    silently left out of the ledger (and none listed is missing)."""
    defining = set()
    for path in sorted((ROOT / "derivations" / "claims").glob("*.py")):
        tree = ast.parse(path.read_text())
        if any(isinstance(node, ast.FunctionDef) and node.name == "claims" for node in tree.body):
            defining.add(f"derivations.claims.{path.stem}")
    assert sorted(defining - set(registry.MODULES)) == [], "modules with claims() missing from MODULES"
    assert sorted(set(registry.MODULES) - defining) == [], "MODULES lists modules without claims()"


def test_every_required_claim_exists() -> None:
    ids = {c.id for c in registry.all_claims()}
    missing = [i for i in registry.REQUIRED_IDS if i not in ids]
    assert not missing, f"required claims missing: {missing}"


@pytest.mark.parametrize("claim", registry_claims(), ids=lambda c: c.id)
def test_every_claim_is_documented(claim: Claim) -> None:
    claim = built(claim)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", claim.id)
    assert claim.title
    assert claim.conclusions
    assert claim.steps
    assert statement(claim)
    assert claim.references, "every formula cites its source"
    assert all(re.fullmatch(r"\d{1,2}:\d{2}", t) for t in claim.lecture_times)
    assert all(s.rule for s in claim.steps)


@pytest.mark.slow
@pytest.mark.parametrize("claim", registry_claims(), ids=lambda c: c.id)
def test_every_true_step_rejects_a_planted_constant(claim: Claim) -> None:
    """The checker cannot pass anything: add 1/7 to the right side of every equality and it must fail."""
    claim = built(claim)
    hyps = {h.name: h for h in claim.hypotheses}
    for step in claim.steps:
        if step.by != "tactics" or isinstance(step.lhs, sp.Set) or isinstance(step.rhs, sp.Set):
            continue
        if step.relation == "==":
            assert check_step(step.with_rhs(step.rhs + sp.Rational(1, 7)), hyps).status == "failed", step.name
        else:  # an inequality pushed far past its bound must not be proved
            assert check_step(step.with_rhs(step.rhs + 10**6), hyps).status != "proved", step.name


@pytest.mark.parametrize("claim", registry_claims(), ids=lambda c: c.id)
def test_every_claim_settles_as_intended_step_by_step(claim: Claim) -> None:
    """Every claim proved (or refuted, as it intends); every step proved or a declared definition."""
    claim = built(claim)
    result = check_claim(claim)
    assert result.status == ("refuted" if claim.refutes else "proved"), (claim.id, result.detail)
    for r in result.steps:
        assert r.status == ("definition" if r.step.definition else "proved"), (r.step.name, r.detail)
