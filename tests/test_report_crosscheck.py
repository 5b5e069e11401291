"""Where each claim is computed: impl names resolved to the tests that use them, with JUnit outcomes."""

from __future__ import annotations

from pathlib import Path

from report.crosscheck import impl_view, outcomes


def test_impl_names_resolve_to_the_tests_that_use_them_and_their_outcomes(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_uses.py").write_text(
        "import derivations.claims.moments as M\n"
        "from derivations.claims.moments import gaussian_expectation as ge, normal_pdf\n"
        "def helper():\n    return ge\n"
        "def test_via_helper():\n    helper()\n"
        "def test_via_module():\n    M.gaussian_expectation\n"
        "def test_other_function():\n    normal_pdf\n"
    )
    junit = (
        '<testsuites><testsuite><testcase classname="tests.test_uses" name="test_via_helper[a]" time="0.5"/>'
        '<testcase classname="tests.test_uses" name="test_via_helper[b]" time="0.25"><failure/></testcase>'
        "</testsuite></testsuites>"
    )
    (tmp_path / "tests.xml").write_text(junit)
    view = impl_view(
        "derivations.claims.moments.gaussian_expectation", tmp_path, outcomes(tmp_path / "tests.xml")
    )
    assert view.found
    assert view.tests == (
        ("tests/test_uses.py::test_via_helper", "FAILED 1 of 2 failed (0.75 s)"),
        ("tests/test_uses.py::test_via_module", ""),
    )
    missing = impl_view("impl.nowhere.kl", tmp_path, {})
    assert not missing.found
    assert "does not resolve" in missing.summary


def test_outcomes_count_parametrised_cases_and_tolerate_a_missing_file(tmp_path: Path) -> None:
    assert outcomes(tmp_path / "absent.xml") == {}
    case = '<testcase classname="tests.test_k" name="{}" time="0.125">{}</testcase>'
    cases = [("test_a[1]", ""), ("test_a[2]", "<skipped/>"), ("test_b", "<skipped/>"), ("test_c", "<error/>")]
    (tmp_path / "t.xml").write_text("<testsuite>" + "".join(case.format(*c) for c in cases) + "</testsuite>")
    assert outcomes(tmp_path / "t.xml") == {
        "tests/test_k.py::test_a": "passed 1/2 (0.25 s)",
        "tests/test_k.py::test_b": "skipped 0/1 (0.12 s)",
        "tests/test_k.py::test_c": "FAILED 1 of 1 failed (0.12 s)",
    }
