"""The report in headless Chromium: rendering, phone width, hostile documents, the policy."""

from __future__ import annotations

from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By

from dedup.index import IndexStore
from dedup.model import (
    ChangeKind,
    Comparison,
)
from dedup.report.folder import ReportFolder
from dedup.report.page import CONTENT_SECURITY_POLICY, comparison_html
from tests.report.helpers import (
    _BOXES_JS,
    HOSTILE_IMAGE,
    HOSTILE_SCRIPT,
    _highlighted,
    _hostile_comparison,
    _open,
)


def test_seeds_report_in_chromium(browser: webdriver.Chrome, seeds: Comparison, tmp_path: Path) -> None:
    _open(browser, comparison_html(seeds), tmp_path / "seeds.html")
    highlighted = _highlighted(browser).items()

    def sides_of(kind: str) -> list[dict[str, str]]:
        return [sides for (_, found_kind), sides in highlighted if found_kind == kind]

    assert any("We have not seen that to date" in sides["original"] for sides in sides_of("omitted"))
    assert any(
        "64%" in sides["original"] and "significant growth" in sides.get("derivative", "")
        for sides in sides_of("softened")
    )
    assert any(
        "is now, or will be, flowing" in sides["original"]
        and "currently flowing" in sides.get("derivative", "")
        for sides in sides_of("hardened")
    )
    legend = browser.execute_script("return document.querySelector('.legend').textContent")
    assert all(str(kind) in legend for kind in ChangeKind)
    target = browser.execute_script(
        "const link = document.querySelector('.changes a.quote');"
        "return document.getElementById(link.getAttribute('href').slice(1)).tagName"
    )
    assert target == "MARK"

    boxes = browser.execute_script(_BOXES_JS)
    assert boxes["right"][0] > boxes["left"][0]
    assert boxes["right"][1] == boxes["left"][1]
    screenshot = tmp_path / "seeds-desktop.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert screenshot.stat().st_size > 10_000


def test_seeds_report_stacks_at_phone_width(
    browser: webdriver.Chrome, seeds: Comparison, tmp_path: Path
) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        _open(browser, comparison_html(seeds), tmp_path / "seeds-phone.html")
        boxes = browser.execute_script(_BOXES_JS)
        assert boxes["client"] == 390
        assert boxes["scroll"] <= boxes["client"]
        assert boxes["overflowing"] == 0
        assert boxes["right"][0] == boxes["left"][0]
        assert boxes["right"][1] >= boxes["left"][2]
        screenshot = tmp_path / "seeds-phone.png"
        assert browser.save_screenshot(str(screenshot))
        assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_hostile_document_runs_nothing_and_shows_literally(browser: webdriver.Chrome, tmp_path: Path) -> None:
    _open(browser, comparison_html(_hostile_comparison()), tmp_path / "hostile.html")
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    shown = browser.execute_script("return document.body.textContent")
    assert HOSTILE_SCRIPT in shown
    assert HOSTILE_IMAGE in shown
    assert browser.execute_script("return document.images.length + document.scripts.length") == 0
    assert HOSTILE_SCRIPT in browser.title


def test_report_dir_index_lists_newest_first_and_links_to_pages(
    browser: webdriver.Chrome, seeds: Comparison, flagged_index: IndexStore, tmp_path: Path
) -> None:
    ReportFolder(tmp_path / "reports", flagged_index).sync(flagged_index.flags())
    browser.get((tmp_path / "reports" / "index.html").as_uri())
    entries = browser.execute_script(
        "return Array.from(document.querySelectorAll('.flags li')).map(li => li.textContent)"
    )
    assert [entry.split(" \u2014 ")[0] for entry in entries] == [
        'Rewrite "quoted" & <b>bold</b>',
        seeds.b.title,
        seeds.a.title,  # this flag's item is the original, so its source is the derivative named first
    ]
    assert "light_edit" in entries[0] and "partial" in entries[2]
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    # A WebDriver click waits for the navigation it starts, unlike a click from script.
    browser.find_elements(By.CSS_SELECTOR, ".flags a")[1].click()
    heading = browser.execute_script("return document.querySelector('h1').textContent")
    assert heading == "dedup flag seeds"
    assert _highlighted(browser)


def test_policy_blocks_a_script_that_slipped_past_escaping(
    browser: webdriver.Chrome, seeds: Comparison, tmp_path: Path
) -> None:
    slipped = comparison_html(seeds).replace("<main>", "<main><script>window.probe = 1</script>", 1)
    _open(browser, slipped, tmp_path / "slipped.html")
    assert browser.execute_script("return typeof window.probe") == "undefined"
    # The same page without the policy runs the probe, so the check above can tell the difference.
    unprotected = slipped.replace(CONTENT_SECURITY_POLICY, "default-src *; script-src 'unsafe-inline'")
    _open(browser, unprotected, tmp_path / "unprotected.html")
    assert browser.execute_script("return window.probe") == 1
