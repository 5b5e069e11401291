"""The reviewer's report built from a hand-made ledger document (tests/fixtures/ledger-example.json).

The example has eight claims: five proved (elbo-bound for a special case only), one refuted on purpose,
one planted failure, one definition; two steps hold by definition. Every expected value below is read off
that file by hand, never computed by the code under test.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest

import report
from report.bench import CASE
from report.records import STRUCTURE

EXAMPLE = Path(__file__).parent / "fixtures" / "ledger-example.json"
#: A hand-made audit/results/: file name -> the JSON document ``nox -s audit`` would write there.
AUDIT = Path(__file__).parent / "fixtures" / "audit-results.json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def example() -> dict[str, Any]:
    """A fresh copy of the hand-made ledger document."""
    return dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))


def old_example() -> dict[str, Any]:
    """The example as a ledger written before conclusions: no structure fields, no step role or cites."""
    document = copy.deepcopy(example())
    for claim in document["claims"]:
        for key in STRUCTURE:
            claim.pop(key)
        for e in claim["evidence"]:
            e.pop("role", None)
            e.pop("cites", None)
    return document


def audit_results(root: Path) -> Path:
    """Write the hand-made audit results and a KL figure under ``root/audit/results``; return ``root``."""
    results = root / "audit" / "results"
    results.mkdir(parents=True)
    for name, document in json.loads(AUDIT.read_text(encoding="utf-8")).items():
        (results / name).write_text(json.dumps(document), encoding="utf-8")
    plt.imsave(results / "kl.png", np.linspace(1, 0, 600).reshape(20, 30))
    return root


def project_root(tmp: Path) -> Path:
    """A project tree with an ablation figure and its JSON, a pytest-benchmark result, a stray JSON, and
    the audit results."""
    results = tmp / "experiments" / "results"
    results.mkdir(parents=True)
    plt.imsave(results / "latent.png", np.linspace(0, 1, 800).reshape(20, 40))
    objectives = {"kl-only": {"kl": 0.01, "active_units": 0}, "both": {"kl": 2.5, "active_units": 2}}
    meta = {
        "figure": "latent.png",
        "caption": "Left, the prior.\nRight, $\\beta = 1$.",
        "objectives": objectives,
    }
    meta["gap"] = {"identity": {"max_abs_residual": 1e-12}}
    (results / "ablation.json").write_text(json.dumps(meta))
    case = dict(zip(CASE, ("reparameterize_kl", "fwdbwd", "128x20", "cpu", "float32"), strict=True))
    runs = [
        {"stats": {"min": t}, "extra_info": {**case, "impl": i, "floor_s": 2e-6, "ratio_to_floor": r}}
        for i, t, r in (("impl", 5e-6, 2.5), ("eager", 2e-5, 10.0))
    ]
    (tmp / "benchmarks" / "results").mkdir(parents=True)
    (tmp / "benchmarks" / "results" / "cpu.json").write_text(json.dumps({"benchmarks": runs}))
    (tmp / "benchmarks" / "results" / "scaling.json").write_text("[1, 2]")
    return audit_results(tmp)


def test_counts_by_status_keep_definitions_apart_from_proofs(tmp_path: Path) -> None:
    r = report.build(example(), tmp_path)
    assert r.counts == {"proved": 5, "checked-numerically": 0, "refuted": 1, "failed": 1, "definition": 1}
    assert r.definition_steps == 2
    assert r.total_seconds == pytest.approx(0.42 + 3.1 + 0.7 + 1.1 + 0.0 + 0.05 + 0.3 + 0.3)


def test_special_case_claims_are_listed_apart_from_those_proved_in_general(tmp_path: Path) -> None:
    r = report.build(example(), tmp_path)
    assert [c.id for c in r.special] == ["elbo-bound"]
    expected = ["gaussian-moments", "gaussian-kl-standard", "gibbs-inequality", "bernoulli-likelihood"]
    assert [c.id for c in r.general] == expected
    assert {c.id: c.scope for c in r.claims}["kl-sign-flipped"] == ""  # refuted: neither


def test_failed_claims_come_first_then_ledger_order(tmp_path: Path) -> None:
    r = report.build(example(), tmp_path)
    assert [c.id for c in r.claims][:2] == ["planted-failure", "gaussian-moments"]
    assert [c.id for c in r.failed] == ["planted-failure"]


def test_claim_views_carry_hypotheses_domains_uses_and_conclusions(tmp_path: Path) -> None:
    claims = {c.id: c for c in report.build(example(), tmp_path).claims}
    bound = claims["elbo-bound"]
    assert [h.name for h in bound.hypotheses] == ["w-nonzero", "s-positive"]
    assert bound.domains == (r"\sigma > 0", "s > 0")
    assert bound.uses == ("gaussian-kl-standard", "gibbs-inequality", "kl-identity")
    assert [(k.name, k.relation, k.chain) for k in bound.conclusions] == [
        ("gap-nonnegative", ">=", ("gap-as-kl", "kl-nonnegative"))
    ]
    kl = claims["gaussian-kl-standard"]
    assert [(s.name, s.role, s.cites) for s in kl.steps][1:] == [
        ("kl-integrated", "chain", ("log-ratio-quadratic",)),
        ("log-ratio-quadratic", "lemma", ()),
    ]
    assert claims["kl-sign-flipped"].conclusions[0].holds is False


def test_an_old_document_renders_with_a_one_line_note(tmp_path: Path) -> None:
    r = report.build(old_example(), tmp_path)
    note = r.notes["structure"]
    assert "\n" not in note
    assert all(key in note for key in STRUCTURE)
    assert all(c.uses is None and not c.conclusions for c in r.claims)
    assert "structure" not in report.build(example(), tmp_path).notes


@pytest.mark.parametrize(
    "document",
    [
        {"claims": "none"},
        [],
        {"claims": [{"id": "x"}]},
        {"claims": [{**example()["claims"][0], "uses": "a"}]},
        {"claims": [{**example()["claims"][0], "evidence": ["a step"]}]},
        {"claims": [{**example()["claims"][0], "impl": "impl.kl"}]},
        {"claims": [], "environment": ["python", "3.11"]},
    ],
    ids=[
        "claims-not-a-list",
        "not-an-object",
        "record-without-fields",
        "uses-not-a-list",
        "evidence-not-objects",
        "impl-not-a-list",
        "environment-not-an-object",
    ],
)
def test_a_document_that_is_not_a_ledger_is_a_one_line_value_error(document: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^document: [^\n]*$"):
        report.build(document, tmp_path)


def test_site_is_self_contained_and_figures_are_copied(tmp_path: Path) -> None:
    root, site = project_root(tmp_path / "project"), tmp_path / "site"
    index = report.write_site(example(), site, root)
    page = index.read_text()
    assert not re.search(r"<script|<link|@import|url\((?!#)|(src|href)=[\"']?(https?:)?//", page)
    figure = (site / "figures" / "latent.png").read_bytes()
    assert figure[:8] == PNG_SIGNATURE
    assert figure == (root / "experiments/results/latent.png").read_bytes()
    assert 'src="figures/latent.png"' in page
    assert "figures/latent.png" in (site / "REPORT.md").read_text()
    assert "<figcaption>Left, the prior.<br>Right, <math" in page
    assert "<th>metric</th><th>kl-only</th><th>both</th>" in page
    assert "<tr><td>kl</td><td>0.01</td><td>2.5</td></tr>" in page
    assert "<td>gap.identity.max_abs_residual</td><td>1e-12</td>" in page
    case = ["reparameterize_kl", "fwdbwd", "128x20", "cpu", "float32"]
    cells = [*case, "2 µs", "5 µs (2.50×)", "20 µs (10.00×)"]
    assert "<td>" + "</td><td>".join(cells) + "</td>" in page, "min time per call (time / floor as recorded)"
    assert sorted(p.name for p in site.iterdir()) == ["REPORT.md", "figures", "index.html"], "no temp file"


def test_markdown_links_figures_from_where_it_is_written(tmp_path: Path) -> None:
    root = project_root(tmp_path / "project")
    out = report.write_markdown(example(), tmp_path / "docs" / "REPORT.md", root)
    assert "](../project/experiments/results/latent.png)" in out.read_text()


def test_missing_optional_parts_are_one_line_notes(tmp_path: Path) -> None:
    r = report.build(example(), tmp_path)
    assert {"figures", "benchmarks", "audit"} <= set(r.notes)
    assert all("\n" not in note for note in r.notes.values())


def test_nothing_the_report_reads_reaches_sympify_or_eval() -> None:
    forbidden = {"sympify", "eval", "exec", "parse_expr", "parse_latex", "S", "literal_eval"}
    for path in (Path(report.__file__).parent).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                assert name not in forbidden, f"{path.name}:{node.lineno} calls {name}"
