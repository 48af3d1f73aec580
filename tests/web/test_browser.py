"""The web app and the report in a real browser (headless Chromium through Playwright)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from detente.htmlreport import ReportOptions, report

pytestmark = pytest.mark.slow

Page = Any  # playwright.sync_api.Page (imported lazily: the plugin is a dev dependency)


def _watch(page: Page) -> tuple[list[str], list[str]]:
    """Console errors and requests the page makes."""
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    return errors, requests


def _open_offline(browser: Any, path: Path, shot: Path) -> None:
    """Open a report file with the network off: it renders, loads nothing, logs no error."""
    context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors, requests = _watch(page)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert errors == []
    assert requests == [path.as_uri()]
    assert page.locator("h1").first.is_visible()
    svgs = page.locator("figure svg")
    assert svgs.count() >= 1
    for i in range(svgs.count()):
        box = svgs.nth(i).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 50
    page.screenshot(path=str(shot), full_page=False)
    context.close()


def test_report_renders_offline_without_errors(browser: Any, tmp_path: Path,
                                               screenshots: Path) -> None:
    path = report("ukraine-2022", tmp_path / "report.html",
                  ReportOptions(draws=1_000, whatif_draws=200, whatif_effort=0.2,
                                sensitivity_trajectories=4, curve_points=11,
                                simulate_runs=300))
    _open_offline(browser, path, screenshots / "report.png")


def test_load_edit_run_and_download(page: Page, browser: Any, server: str, tmp_path: Path,
                                    screenshots: Path) -> None:
    page.set_viewport_size({"width": 1200, "height": 900})
    errors, _ = _watch(page)
    page.goto(server)
    page.screenshot(path=str(screenshots / "serve-index.png"))
    page.click("text=ukraine-2022")
    page.wait_for_selector("#no-answer")

    def run_crisis() -> str:
        page.fill("input[name=draws]", "400")
        page.click("#run-crisis")
        page.wait_for_url("**/runs/*", timeout=120_000)
        page.click("text=ukraine-2022")
        return str(page.inner_text("#p-war"))

    before = run_crisis()
    assert before.startswith("P(war) = ")
    page.screenshot(path=str(screenshots / "serve-scenario.png"))

    page.fill('[name="crisis.war.costs.russia"]', "0.9")
    page.click("#save-top")
    page.wait_for_selector("#saved")
    after = run_crisis()
    assert after != before

    page.fill('[name="crisis.war.p_win"]', "1.5")
    page.click("#save-top")
    error = page.locator('[data-field="crisis.war.p_win"]')
    error.wait_for()
    assert "1.5 is outside 0..1" in error.inner_text()
    assert page.locator('[name="crisis.war.p_win"]').get_attribute("aria-invalid") == "true"
    error.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "serve-inline-error.png"))

    page.goto(f"{server}/s/ukraine-2022")
    page.fill("input[name=draws]", "300")
    page.click("#run-report")
    page.wait_for_selector("#download-report", timeout=180_000)
    with page.expect_download() as download:
        page.click("#download-report")
    saved = tmp_path / "downloaded.html"
    download.value.save_as(saved)
    # The page refusing the bad value answers 422 on purpose; Chromium logs that status.
    assert [e for e in errors if "status of 422" not in e] == []
    _open_offline(browser, saved, screenshots / "serve-downloaded-report.png")
