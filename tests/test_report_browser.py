"""The report as a reader meets it: opened in headless Chromium, checked from the rendered DOM.

A copy of the page gets a small probe script (the published page has none) that, after every image has
loaded, writes its findings into the DOM; ``--dump-dom`` returns them. Skips where Chromium is missing:
on Debian, ``apt-get install -y chromium``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_report import PNG_SIGNATURE, example, project_root

import report

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="headless Chromium not installed (apt-get install -y chromium)"
    ),
]

PROBE = r"""<script>
addEventListener("load", () => {
  const maths = [...document.querySelectorAll("math")];
  const images = [...document.images];
  const found = {
    math: maths.length,
    math_rendered: maths.filter(m => m instanceof MathMLElement && m.getBoundingClientRect().width).length,
    unconverted: document.querySelectorAll(".unconverted").length,
    images: images.length,
    images_loaded: images.filter(i => i.complete && i.naturalWidth > 0).length,
    latex_left: document.body.innerText.match(/\$|\\[A-Za-z(\[]+/g) || [],
    claim_ids: [...document.querySelectorAll("article.claim")].map(a => a.id),
    graph_nodes: [...document.querySelectorAll("#graph svg rect.node")].filter(r => r.getBBox().width).length,
    first_claim_color: getComputedStyle(document.querySelector("article.claim > h3")).color,
    remote: performance.getEntriesByType("resource").map(e => e.name).filter(n => !n.startsWith("file:")),
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(found);
  document.body.append(out);
});
</script>"""


def chromium(profile: Path, *args: str) -> str:
    """Run headless Chromium with the flags of a sandboxed CI container; return its stdout."""
    assert CHROMIUM is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
    ]
    flags += [
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--hide-scrollbars",
    ]
    done = subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    tmp = tmp_path_factory.mktemp("report")
    document = example()
    index = report.write_site(document, tmp / "site", project_root(tmp / "project"))
    return document, index


@pytest.fixture(scope="module")
def probe(site: tuple[dict[str, Any], Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    _, index = site
    probed = index.with_name("probe.html")
    probed.write_text(index.read_text().replace("</body>", PROBE + "</body>"))
    dom = chromium(
        tmp_path_factory.mktemp("profile"), "--virtual-time-budget=10000", "--dump-dom", probed.as_uri()
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, "the probe never ran: Chromium did not finish loading the page"
    return dict(json.loads(html.unescape(found.group(1))))


def test_every_formula_renders_as_mathml(probe: dict[str, Any], site: tuple[dict[str, Any], Path]) -> None:
    document, _ = site
    steps = sum(len(c["evidence"]) for c in document["claims"])
    assert probe["math"] >= len(document["claims"]) + steps
    assert probe["math_rendered"] == probe["math"]
    assert probe["unconverted"] == 0


def test_no_raw_latex_remains(probe: dict[str, Any]) -> None:
    assert probe["latex_left"] == []


def test_every_image_loads_from_the_site_itself(probe: dict[str, Any]) -> None:
    assert probe["images"] >= 1
    assert probe["images_loaded"] == probe["images"]
    assert probe["remote"] == []


def test_every_claim_appears_and_the_failed_one_first_in_red(
    probe: dict[str, Any], site: tuple[dict[str, Any], Path]
) -> None:
    document, _ = site
    assert sorted(probe["claim_ids"]) == sorted(f"claim-{c['id']}" for c in document["claims"])
    assert probe["claim_ids"][0] == "claim-planted-failure"
    red, green, blue = map(int, re.findall(r"\d+", probe["first_claim_color"])[:3])
    assert red > 150 > max(green, blue), probe["first_claim_color"]


def test_dependency_graph_draws_every_linked_claim(probe: dict[str, Any]) -> None:
    assert probe["graph_nodes"] == 6  # the example's claims that use or are used by another (by hand)


def test_screenshot_is_taken(site: tuple[dict[str, Any], Path], tmp_path: Path) -> None:
    _, index = site
    shot = tmp_path / "report.png"
    chromium(tmp_path / "profile", "--window-size=1280,900", f"--screenshot={shot}", index.as_uri())
    header = shot.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE
    assert tuple(int.from_bytes(header[i : i + 4], "big") for i in (16, 20)) == (1280, 900)
