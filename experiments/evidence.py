"""Empirical evidence for the ledger's claims, read from the committed results of ``experiments.ablation``.

Reading only: this module imports neither torch nor the training code, so the ledger can show the evidence
beside a proof without training anything. Evidence never changes a claim's status.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Where ``python -m experiments.ablation`` writes its committed full run.
RESULTS = Path(__file__).parent / "results"
RESULT_FILE = "ablation.json"

#: claim id -> the (section, key, metric) entries of the results JSON that bear on it.
_METRICS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ablation-kl-only": (
        ("objectives", "kl-only", "kl_per_dim_mean"),
        ("objectives", "kl-only", "active_units"),
        ("objectives", "kl-only", "recon_to_data_mean_max_abs"),
    ),
    "ablation-reconstruction-only": (
        ("objectives", "reconstruction-only", "posterior_variance_mean"),
        ("objectives", "reconstruction-only", "code_second_moment"),
        ("objectives", "reconstruction-only", "active_units"),
    ),
    "ablation-both": (
        ("objectives", "both", "kl_per_dim_mean"),
        ("objectives", "both", "active_units"),
        ("objectives", "both", "posterior_variance_mean"),
        ("objectives", "both", "knn_accuracy"),
    ),
    "kl-identity": (
        ("gap", "identity", "max_abs_residual"),
        ("gap", "exact_posterior", "max_abs_gap"),
    ),
    "elbo-bound": (
        ("gap", "identity", "min_gap"),
        ("gap", "iwae", "gap_to_log_px"),
        ("gap", "iwae", "min_step_increase"),
    ),
}


def empirical_evidence(claim_id: str, results_dir: Path = RESULTS) -> list[dict[str, object]]:
    """Entries {"kind": "empirical", "source", "metric", "value", "date"} for ``claim_id``.

    Returns [] when the claim has no empirical counterpart or no results have been written yet; a metric
    absent from the file is left out. Raises ValueError if the results file exists but is not valid JSON.
    """
    path = Path(results_dir) / RESULT_FILE
    if claim_id not in _METRICS or not path.is_file():
        return []
    try:
        results: dict[str, Any] = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from error
    entries: list[dict[str, object]] = []
    for section, key, metric in _METRICS[claim_id]:
        value = results.get(section, {}).get(key, {}).get(metric)
        if value is not None:
            entries.append(
                {
                    "kind": "empirical",
                    "source": _display(path),
                    "metric": f"{section}.{key}.{metric}",
                    "value": value,
                    "date": results.get("date"),
                    "quick": results.get("quick"),
                }
            )
    return entries


def _display(path: Path) -> str:
    """The path relative to the repository root when it lies inside it, else as given."""
    root = Path(__file__).resolve().parent.parent
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
