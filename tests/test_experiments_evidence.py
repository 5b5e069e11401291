"""experiments.evidence: the committed results as evidence entries for the ledger, without torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.evidence import RESULT_FILE, RESULTS, empirical_evidence

CLAIMS = ("ablation-kl-only", "ablation-reconstruction-only", "ablation-both", "kl-identity", "elbo-bound")


def write(directory: Path, results: object) -> Path:
    path = directory / RESULT_FILE
    path.write_text(json.dumps(results))
    return path


def test_entries_carry_kind_source_metric_value_and_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"date": "2026-01-02T03:04:05+00:00", "quick": False, "objectives": {"kl-only": {"active_units": 0}}},
    )
    actual = empirical_evidence("ablation-kl-only", tmp_path)
    expected = {
        "kind": "empirical",
        "source": str(path),
        "metric": "objectives.kl-only.active_units",
        "value": 0,
        "date": "2026-01-02T03:04:05+00:00",
        "quick": False,
    }
    assert actual == [expected]  # the metrics absent from the file are left out, not invented


def test_no_results_or_unknown_claim_gives_an_empty_list(tmp_path: Path) -> None:
    assert empirical_evidence("ablation-both", tmp_path / "missing") == []
    write(tmp_path, {"objectives": {"both": {"active_units": 2}}})
    assert empirical_evidence("gaussian-kl-standard", tmp_path) == []


def test_a_corrupt_results_file_is_a_value_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / RESULT_FILE).write_text("{not json")
    with pytest.raises(ValueError, match=RESULT_FILE):
        empirical_evidence("kl-identity", tmp_path)


@pytest.mark.skipif(not (RESULTS / RESULT_FILE).is_file(), reason="no committed full run yet")
@pytest.mark.parametrize("claim_id", CLAIMS)
def test_committed_full_run_gives_evidence_for_each_linked_claim(claim_id: str) -> None:
    entries = empirical_evidence(claim_id)
    assert entries
    assert {e["source"] for e in entries} == {f"experiments/results/{RESULT_FILE}"}
    assert all(e["quick"] is False and isinstance(e["date"], str) for e in entries)


def test_reading_evidence_imports_neither_torch_nor_the_training_code() -> None:
    code = (
        "import sys, experiments.evidence as e; e.empirical_evidence('kl-identity');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'impl', 'sklearn')"
        " or m in ('experiments.train', 'experiments.metrics')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
