"""The fixture that runs an impl test module twice: through the native operators and the pure path.

``pytestmark = pytest.mark.usefixtures("kernel_path")`` in a test module (with this fixture imported)
runs each of its tests on both paths, so every accuracy, gradient and error test holds for both. The
native run skips where the operators could not be built (no compiler): the pure run still runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from impl import _native


@pytest.fixture(params=["native", "pure"])
def kernel_path(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "pure":
        with _native.pure():
            yield "pure"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the build's warn-once, tested in test_impl_native
        built = _native.load()
    if not built:
        pytest.skip("impl's native operators could not be built here")
    yield "native"
