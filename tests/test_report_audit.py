"""The report's audit section, from hand-made results (tests/fixtures/audit-results.json) and committed ones.

Expected cells are read off the fixture by hand; for the committed results they are read off
``audit/results/kl.md``, which ``audit/publish.py`` wrote from the same JSON: the report must show the same
figures, never others.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_report import PNG_SIGNATURE, audit_results, example

import report
from report.audit import RESULTS
from report.markdown import render_markdown
from report.page import render_html

ROOT = Path(__file__).resolve().parents[1]


def both(root: Path) -> tuple[report.Report, str, str]:
    """The report built over ``root``, its page and its Markdown."""
    r = report.build(example(), root)
    return r, render_html(r, lambda f: f"figures/{f.path.name}"), render_markdown(r, lambda f: f.path.name)


def test_kl_rows_show_the_recorded_figures_where_and_verdict(tmp_path: Path) -> None:
    r, page, markdown = both(audit_results(tmp_path))
    rows = {k.target: k for k in r.audit.kl}
    assert list(rows) == ["impl", "textbook", "flipped", "pyro"]
    assert rows["impl"].cells == (
        "+KL, sum over dims, per sample (B,)",
        *("1.9e-07", "9.1e-16", "5.4e-08", "0.0e+00"),  # passed: no "at"
        *("none", "pass"),
    )
    assert rows["textbook"].cells[1:6] == (
        "1.0e+00 at mu=0, logvar=1e-09 ✗",
        "6.0e+00 at mu=0, logvar=7.94e-09 ✗",
        "inf at mu=-1e+04, logvar=-100 ✗",
        "8.0e-13",
        "5 ✗",  # 3 in float32 + 2 in float64
    )
    assert rows["flipped"].cells[1:6] == ("raised TypeError: no float32 ✗", "—", "—", "—", "—")
    assert [k.status for k in rows.values()] == ["pass", "fail", "fail", "skipped"]
    cells = "</td><td>".join(rows["textbook"].cells[:-1])
    assert cells in page
    assert "| " + " | ".join(rows["textbook"].cells[:-1]) + " |" in markdown
    assert '<td class="skipped">skipped (pyro not installed (dependency group audit))</td>' in page


def test_transcribed_implementations_are_labelled(tmp_path: Path) -> None:
    r, page, markdown = both(audit_results(tmp_path))
    assert [k.target for k in r.audit.kl if k.transcribed] == ["textbook"]
    assert '<code>textbook</code> <span class="badge transcribed">transcribed</span>' in page
    assert page.count("badge transcribed") == 1
    assert "| `textbook` (transcribed) | transcribed: example/vae main.py @ 0123456789ab" in markdown


def test_other_kernels_machine_and_versions_as_recorded(tmp_path: Path) -> None:
    r, page, markdown = both(audit_results(tmp_path))
    assert r.audit.kernels is not None
    assert [row[:2] for row in r.audit.kernels.rows] == [
        ("reparameterize", "impl"),
        ("bernoulli-nll", "torch-bce"),
        ("neg-elbo", "impl"),
        ("neg-elbo", "pythae"),
    ]
    assert "<td>bernoulli-nll</td><td>torch-bce</td>" in page
    machine = "x86_64, Example CPU (2 CPUs), Linux 6.1, Python 3.11.7"
    assert f"<code>audit/results/kl.json</code>: measured on {machine}; versions pyro-ppl 1.9.2" in page
    assert "- `audit/results/neg-elbo.json`: measured on x86\\_64, Example CPU" in markdown
    assert "versions pythae 0.1.2, torch 2.13.0+cpu." in markdown
    assert "audit" not in r.notes


def test_the_figure_is_copied_beside_the_page_and_states_the_machine(tmp_path: Path) -> None:
    root = audit_results(tmp_path / "project")
    index = report.write_site(example(), tmp_path / "site", root)
    copied = (tmp_path / "site" / "figures" / "kl.png").read_bytes()
    assert copied[:8] == PNG_SIGNATURE
    assert copied == (root / RESULTS / "kl.png").read_bytes()
    page = index.read_text()
    assert '<img src="figures/kl.png"' in page
    caption = page[page.index("<figcaption>Relative error of each implementation") :]
    assert "at mu = 0 and mu = 0.001" in caption[: caption.index("</figcaption>")]
    assert "Measured on x86_64, Example CPU (2 CPUs)" in caption[: caption.index("</figcaption>")]
    out = report.write_markdown(example(), tmp_path / "docs" / "REPORT.md", root)
    assert "](../project/audit/results/kl.png)" in out.read_text()


def test_text_from_the_results_is_escaped(tmp_path: Path) -> None:
    root = audit_results(tmp_path)
    path = root / RESULTS / "kl.json"
    document = json.loads(path.read_text())
    document["audits"][0]["target"] = "<b>mine</b>"
    path.write_text(json.dumps(document))
    _, page, markdown = both(root)
    assert "<b>mine</b>" not in page
    assert "<code>&lt;b&gt;mine&lt;/b&gt;</code>" in page
    assert "`\\<b\\>mine\\</b\\>`" in markdown


def test_missing_results_are_one_line_notes(tmp_path: Path) -> None:
    r, page, markdown = both(tmp_path)
    note = r.notes["audit"]
    assert "\n" not in note
    assert "No KL audit shown: audit/results/kl.json not found" in note
    assert all(f"audit/results/{k}.json not found" in note for k in report.audit.KERNELS)
    assert r.audit == report.audit.AuditPart()
    assert f'<p class="note">{note}</p>' in page.replace("&#39;", "'")
    assert "The KL: " not in page
    assert "*No KL audit shown: audit/results/kl.json not found" in markdown


def test_a_missing_figure_is_a_note_and_the_table_stays(tmp_path: Path) -> None:
    root = audit_results(tmp_path)
    (root / RESULTS / "kl.png").write_text("not a PNG")
    r, page, _ = both(root)
    assert r.notes["audit"] == "The KL figure (audit/results/kl.png) is missing or not a PNG."
    assert r.audit.figure is None
    assert len(r.audit.kl) == 4
    assert '<figure><img src="figures/kl.png"' not in page


def _set(document: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``document`` with the dotted ``key`` (``audits.0.checks``) set to ``value``."""
    *path, last = key.split(".")
    node: Any = document
    for k in path:
        node = node[int(k)] if isinstance(node, list) else node[k]
    node[int(last) if isinstance(node, list) else last] = value
    return document


MALFORMED = {
    "not-json": (b"{", "is not JSON"),
    "not-utf8": (b"\xff\xfe{}", "is not JSON"),
    "a-list": (b"[]", "is not an audit result of kernel 'kl'"),
    "another-kernel": ({"kernel": "neg-elbo"}, "is not an audit result of kernel 'kl'"),
    "no-machine": ({"machine": None}, "records no machine or no versions"),
    "checks-not-a-list": ({"audits.0.checks": "none"}, "is malformed (TypeError"),
    "audit-without-source": ({"audits.1": {"target": "x"}}, "is malformed (KeyError"),
    "worst-not-a-number": ({"audits.1.checks.1.worst": "big"}, "is malformed (ValueError"),
    "finite-not-a-count": ({"audits.1.checks.3.detail": "many"}, "is malformed (ValueError"),
    "curves-not-an-object": ({"audits.0.curves": [1]}, "is malformed (AttributeError"),
}


@pytest.mark.parametrize(("change", "why"), MALFORMED.values(), ids=list(MALFORMED))
def test_a_malformed_kl_result_is_a_one_line_note(change: Any, why: str, tmp_path: Path) -> None:
    root = audit_results(tmp_path)
    path = root / RESULTS / "kl.json"
    if isinstance(change, bytes):
        path.write_bytes(change)
    else:
        document = json.loads(path.read_text())
        for key, value in change.items():
            _set(document, key, value)
        path.write_text(json.dumps(document))
    r, page, markdown = both(root)
    note = r.notes["audit"]
    assert note.startswith(f"No KL audit shown: audit/results/kl.json {why}"), note
    assert "\n" not in note
    assert r.audit.kl == ()
    assert r.audit.figure is None
    assert r.audit.kernels is not None
    assert len(r.audit.kernels.rows) == 4, "the other kernels are still shown"
    assert "The KL: " not in page
    assert "### The KL" not in markdown


def test_a_malformed_kernel_result_leaves_the_rest(tmp_path: Path) -> None:
    root = audit_results(tmp_path)
    (root / RESULTS / "neg-elbo.json").write_text('{"kernel": "neg-elbo", "machine": "m", "versions": {}}')
    r, _, _ = both(root)
    why = "audit/results/neg-elbo.json is not an audit result of kernel 'neg-elbo'."
    assert r.notes["audit"] == f"No neg-elbo audit shown: {why}"
    assert len(r.audit.kl) == 4
    assert r.audit.kernels is not None
    assert [row[0] for row in r.audit.kernels.rows] == ["reparameterize", "bernoulli-nll"]


def _md_rows(text: str) -> list[list[str]]:
    """The cells of a Markdown table's body rows (those naming an implementation in backticks)."""
    return [line[2:-2].split(" | ") for line in text.splitlines() if line.startswith("| `")]


def test_the_committed_kl_result_shows_the_figures_kl_md_shows() -> None:
    r = report.build(example(), ROOT)
    expected = _md_rows((ROOT / RESULTS / "kl.md").read_text(encoding="utf-8"))
    actual = [[f"`{k.target}`", k.source, *k.cells] for k in r.audit.kl]
    assert actual == expected
    assert r.audit.figure is not None
    assert "audit" not in r.notes


def test_the_readme_table_is_copied_from_kl_md() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Audit") :]
    section = section[: section.index("\n## ", 1)]
    expected = _md_rows((ROOT / RESULTS / "kl.md").read_text(encoding="utf-8"))
    # README: implementation (labelled where transcribed), sign and reduction, float32, float64, verdict
    label = {e[0]: e[0] + (" (transcribed)" if e[1].startswith("transcribed") else "") for e in expected}
    assert _md_rows(section) == [[label[e[0]], e[2], e[3], e[4], e[-1]] for e in expected]
    assert re.search(r"!\[[^]]+\]\(audit/results/kl\.png\)", section)
    assert "python -m audit my_file.py:my_kl" in section
    assert "python3 -m nox -s audit" in section
    assert "(docs/audit.md)" in section


def test_two_figures_of_one_name_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    root = audit_results(tmp_path / "project")
    (root / "experiments" / "results").mkdir(parents=True)
    (root / "experiments" / "results" / "kl.png").write_bytes((root / RESULTS / "kl.png").read_bytes())
    with pytest.raises(ValueError, match=r"^two figures would be copied to the same name"):
        report.write_site(example(), tmp_path / "site", root)
    assert not (tmp_path / "site" / "index.html").exists()
