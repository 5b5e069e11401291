"""audit.conventions: each of the 12 conventions is found from its own output, and nothing else is."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from audit import conventions
from audit.conventions import Convention

Q = np.arange(1.0, 13.0).reshape(3, 4) ** 1.5  # distinct positive per-element values, (B, D) = (3, 4)
ALL = [Convention(s, d, b) for s, d, b in itertools.product((1, -1), conventions.DIMS, conventions.BATCH)]


def by_hand(q: np.ndarray, c: Convention) -> np.ndarray:
    """The expected output written out independently of ``conventions.predict``."""
    rows = [sum(r) / (len(r) if c.over_dims == "mean" else 1) for r in q.tolist()]
    if c.over_batch == "none":
        return c.sign * np.array(rows)
    return c.sign * np.array(sum(rows) / (len(rows) if c.over_batch == "mean" else 1))


@pytest.mark.parametrize("conv", ALL, ids=lambda c: c.label("KL"))
def test_each_convention_is_found_from_its_output(conv: Convention) -> None:
    assert conventions.infer(torch.tensor(by_hand(Q, conv)), Q) == conv


@pytest.mark.parametrize("conv", ALL, ids=lambda c: c.label("KL"))
def test_only_plus_sum_over_dims_has_no_problems(conv: Convention) -> None:
    assert (conv.problems("KL") == []) == (conv.sign == 1 and conv.over_dims == "sum")


def test_a_misreading_is_named() -> None:
    wrong = Q * 2.5
    found = conventions.infer(torch.tensor(wrong.sum(1)), Q, {"reads logvar as log sigma": wrong})
    assert isinstance(found, Convention)
    assert found.problems("KL") == ["reads logvar as log sigma"]


@pytest.mark.parametrize(
    ("out", "says"),
    [
        (torch.tensor(Q), "no reduction over latent dims"),
        (torch.tensor(Q.sum(1) * 1.01), "no known convention"),
        (torch.tensor(Q.sum()).repeat(2), "no known convention"),
        ((torch.tensor(Q.sum(1)),), "returns a tuple"),
        ("text", "not a tensor"),
    ],
    ids=["elementwise", "off by 1%", "wrong shape", "tuple", "string"],
)
def test_anything_else_is_unrecognised(out: object, says: str) -> None:
    found = conventions.infer(out, Q)
    assert isinstance(found, str)
    assert says in found


def test_per_sample_undoes_a_batch_mean_by_calling_row_by_row() -> None:
    calls = []

    def batch_mean(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        calls.append(a.shape[0])
        return (a + b).mean(1).mean()

    a, b = torch.ones(3, 4, dtype=torch.float64), torch.full((3, 4), 2.0, dtype=torch.float64)
    values, _ = conventions.per_sample(batch_mean, Convention(-1, "mean", "mean"), a, b)
    assert calls == [1, 1, 1]
    np.testing.assert_array_equal(values, [-12.0, -12.0, -12.0])
