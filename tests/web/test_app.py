"""`detente serve` on the server side (Starlette's TestClient): pages, inline validation
errors, jobs and stored runs, and the guards (CSRF and origin, body limit, hosts, paths)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from detente import api
from detente.scenario import load
from detente.web import create_app

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def client(data_dir: Path) -> TestClient:
    return TestClient(create_app(data_dir, max_upload=200_000), base_url="http://127.0.0.1")


def token(client: TestClient, page: str = "/") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(page).text)
    assert found
    return found.group(1)


def wait_for_run(client: TestClient, response: object) -> str:
    """Follow a job to its stored run (bounded: at most 120 s)."""
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert location.startswith("/jobs/")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"{location}/status").json()
        if status["state"] == "done":
            return str(status["run"])
        assert status["state"] != "failed", status["error"]
        time.sleep(0.2)
    raise AssertionError("job did not finish in 120 s")


def test_index_lists_the_built_in_scenarios(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/s/ukraine-2022"' in page.text and 'href="/s/ec-emissions-1994"' in page.text


def test_every_value_is_a_field_with_its_evidence(client: TestClient) -> None:
    s = load("ukraine-2022")
    page = client.get("/s/ukraine-2022").text
    quantities = list(s.quantities())
    assert page.count('<input type="text"') == len(quantities)
    assert 'name="crisis.war.p_win"' in page and 'name="actors[0].capability"' in page
    quote = s.actors[0].capability.evidence[0].quote.replace("’", "’")
    assert quote in page


def test_a_bad_value_is_shown_at_its_field_and_nothing_is_saved(client: TestClient,
                                                                  data_dir: Path) -> None:
    form = {"csrf": token(client), "crisis.war.p_win": "1.5",
            "actors[0].capability": "{triangular: [90, 80, 100]}"}
    page = client.post("/s/ukraine-2022/edit", data=form)
    assert page.status_code == 422
    assert re.search(r'data-field="crisis.war.p_win">1.5 is outside 0..1', page.text)
    assert re.search(r'data-field="actors\[0\].capability">triangular needs low', page.text)
    assert 'value="1.5"' in page.text  # what was typed stays in the field
    assert not list((data_dir / "scenarios").iterdir())


def test_a_good_value_is_saved_and_the_answer_changes(client: TestClient,
                                                      data_dir: Path) -> None:
    """Run the crisis analysis, make war ruinous for the challenger, run again: the stored
    answers match the API's on the same values, and they differ."""
    csrf = token(client)
    before = wait_for_run(client, client.post(
        "/s/ukraine-2022/run/crisis", data={"csrf": csrf, "draws": "300", "seed": "2"},
        follow_redirects=False))
    saved = client.post("/s/ukraine-2022/edit",
                        data={"csrf": csrf, "crisis.war.costs.russia": "0.9"},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert (data_dir / "scenarios" / "ukraine-2022.yaml").is_file()
    page = client.get("/s/ukraine-2022").text
    assert 'value="0.9"' in page and 'id="no-answer"' in page  # the old answer is stale
    after = wait_for_run(client, client.post(
        "/s/ukraine-2022/run/crisis", data={"csrf": csrf, "draws": "300", "seed": "2"},
        follow_redirects=False))
    p_before = client.get(f"/runs/{before}/result.json").json()["p_war"]
    p_after = client.get(f"/runs/{after}/result.json").json()["p_war"]
    assert p_before == api.crisis_analysis("ukraine-2022", draws=300, seed=2).p_war
    edited = load(data_dir / "scenarios" / "ukraine-2022.yaml")
    assert edited.crisis is not None and edited.crisis.war.costs["russia"].point == 0.9
    assert p_after == api.crisis_analysis(edited, draws=300, seed=2).p_war
    assert p_after != p_before
    assert f"P(war) = {p_after:.2f}" in client.get("/s/ukraine-2022").text
    compare = client.get(f"/compare?run={before}&run={after}").text
    assert f"{p_before:.3f}" in compare and f"{p_after:.3f}" in compare
    client.post("/s/ukraine-2022/reset", data={"csrf": csrf})
    assert not (data_dir / "scenarios" / "ukraine-2022.yaml").exists()


def test_report_job_gives_a_download(client: TestClient) -> None:
    run = wait_for_run(client, client.post(
        "/s/ec-emissions-1994/run/report", data={"csrf": token(client), "draws": "200"},
        follow_redirects=False))
    page = client.get(f"/runs/{run}").text
    assert 'id="download-report"' in page
    report = client.get(f"/runs/{run}/report.html")
    assert report.status_code == 200
    assert "attachment" in report.headers["content-disposition"]
    assert report.text.startswith("<!DOCTYPE html>")


def test_upload_stores_a_valid_file_and_locates_problems_in_a_bad_one(
        client: TestClient, data_dir: Path) -> None:
    csrf = token(client)
    good = (DATA / "whatif-toy.yaml").read_bytes()
    ok = client.post("/upload", data={"csrf": csrf},
                     files={"file": ("../../escape.yaml", good, "application/x-yaml")},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/s/whatif-toy"
    assert sorted(p.name for p in (data_dir / "scenarios").iterdir()) == ["whatif-toy.yaml"]
    assert not (data_dir.parent / "escape.yaml").exists()
    bad = yaml.safe_load(good)
    bad["crisis"]["war"]["p_win"] = 2
    page = client.post("/upload", data={"csrf": csrf},
                       files={"file": ("bad.yaml", yaml.safe_dump(bad).encode(), "text/yaml")})
    assert page.status_code == 422
    assert re.search(r"bad.yaml:\d+: crisis.war.p_win: 2 is outside 0..1", page.text)


def test_upload_over_the_limit_is_refused(client: TestClient) -> None:
    page = client.post("/upload", data={"csrf": token(client)},
                       files={"file": ("big.yaml", b"#" * 300_000, "text/yaml")})
    assert page.status_code == 413


@pytest.mark.parametrize("path", [
    "/s/..%2F..%2Fetc%2Fpasswd", "/s/%2e%2e", "/s/ukraine-2022%2F..%2F..%2Fx",
    "/runs/..%2Fscenarios%2Fx", "/runs/..%2F..%2F..%2Fetc%2Fpasswd/report.html",
    "/runs/a.b/result.json", "/jobs/..%2Fx"])
def test_paths_outside_the_data_dir_are_not_found(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_state_changes_need_the_token_and_the_same_origin(client: TestClient,
                                                          data_dir: Path) -> None:
    form = {"crisis.war.costs.russia": "0.9"}
    assert client.post("/s/ukraine-2022/edit", data=form).status_code == 403
    assert client.post("/s/ukraine-2022/edit",
                       data={**form, "csrf": "guess"}).status_code == 403
    forged = client.post("/s/ukraine-2022/edit", data={**form, "csrf": token(client)},
                         headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403
    assert not list((data_dir / "scenarios").iterdir())


def test_only_local_host_names_are_answered(data_dir: Path) -> None:
    """Against DNS rebinding: a page on another name that resolves here gets nothing."""
    client = TestClient(create_app(data_dir), base_url="http://evil.example")
    assert client.get("/").status_code == 400


def test_bad_run_settings_are_clear(client: TestClient) -> None:
    page = client.post("/s/ukraine-2022/run/crisis",
                       data={"csrf": token(client), "draws": "5", "seed": "0"})
    assert page.status_code == 400 and "between 100 and" in page.text
    assert client.post("/s/ukraine-2022/run/nothing",
                       data={"csrf": token(client)}).status_code == 404


def test_simulate_job_stores_p_war_by_week(client: TestClient) -> None:
    run = wait_for_run(client, client.post(
        "/s/ukraine-2022/run/simulate", data={"csrf": token(client), "draws": "200"},
        follow_redirects=False))
    result = client.get(f"/runs/{run}/result.json").json()
    expected = api.simulate("ukraine-2022", runs=200, seed=0)
    assert result["p_war_by_week"] == expected.p_war_by_week
