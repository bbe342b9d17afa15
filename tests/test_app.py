"""The interactive page: its JSON API, and the page itself in a real headless Chromium."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the page's tests need the [app] extra")
pytest.importorskip("httpx", reason="FastAPI's test client needs httpx ([test])")
from fastapi.testclient import TestClient

from compellence.app.server import create_app

client = TestClient(create_app(), base_url="http://127.0.0.1")


def test_catalog_and_run():
    cat = client.get("/api/catalog").json()
    assert "iran-2025-surrender" in cat["scenarios"] and "limited-deal" in cat["strategies"]
    r = client.post("/api/run", json={"runs": 2000})
    assert r.status_code == 200
    data = r.json()
    assert abs(sum(o["share"] for o in data["a"]["outcomes"]) - 1) < 1e-9
    assert set(data["a"]["trajectories"]) == {"economy", "unrest", "base", "trust"}
    assert "not a forecast" in data["note"]


def test_slider_override_changes_the_result_and_compare():
    base = client.post("/api/run", json={"runs": 2000}).json()["a"]["outcomes"]
    moved = client.post("/api/run", json={"runs": 2000, "overrides": {
        "coercer.aims.core_value": 0.2}}).json()["a"]["outcomes"]
    deal = lambda rows: next(o["share"] for o in rows if o["outcome"] == "deal")  # noqa: E731
    assert deal(moved) > deal(base) + 0.2
    both = client.post("/api/run", json={"runs": 1000, "compare_strategy": "limited-deal"})
    assert "b" in both.json() and "limited-deal" in both.json()["b_label"]


def test_bad_upload_gives_the_clear_error_and_the_api_keeps_working():
    r = client.post("/api/run", json={"toml": "[leader]\nidentity_weigth = 1\n",
                                      "filename": "mine.toml"})
    assert r.status_code == 400
    msg = r.json()["error"]
    assert "mine.toml" in msg and "leader.identity_weigth" in msg and "did you mean" in msg
    r = client.post("/api/run", json={"toml": "[leader\n", "filename": "broken.toml"})
    assert r.status_code == 400 and "malformed TOML" in r.json()["error"]
    assert client.post("/api/run", json={"runs": 500}).status_code == 200


def test_download_toml_round_trips_and_csv():
    r = client.post("/api/scenario.toml", json={"overrides": {"coercer.demand": 0.4}})
    assert r.status_code == 200
    text = r.text
    data = tomllib.loads(text)
    assert data["coercer"]["demand"] == 0.4
    again = client.post("/api/run", json={"toml": text, "filename": "saved.toml", "runs": 300})
    assert again.status_code == 200
    csv = client.post("/api/results.csv", json={"runs": 300})
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("run,")
    assert len(csv.text.splitlines()) == 301


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "compellence.cli", "app", "--port",
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("headless Chromium and chromedriver are not installed here "
                    "(apt-get install chromium chromium-driver; .ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1500,1000",
                "--disable-dev-shm-usage"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=opts)


def test_page_in_a_real_browser(server, tmp_path):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser = _browser()
    # the page redraws its tables while we read them: a cell read mid-redraw is stale, so
    # the waits retry instead of failing on it
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))
    shots = Path(__file__).resolve().parents[1] / "tests" / "artifacts"
    shots.mkdir(exist_ok=True)
    try:
        browser.get(server)
        Select(wait.until(ec.presence_of_element_located((By.ID, "scenario")))) \
            .select_by_value("iran-2025-surrender")
        cell = '#outcomes td[data-outcome="deal"]'
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, cell)))
        wait.until(lambda b: "runs in" in b.find_element(By.ID, "status").text)
        before = browser.find_element(By.CSS_SELECTOR, cell).text
        assert browser.find_elements(By.CSS_SELECTOR, "#plot-outcomes .main-svg")
        bars_before = browser.execute_script(
            "return document.getElementById('plot-outcomes').data[0].y.join(',')")
        slider = browser.find_element(By.CSS_SELECTOR,
                                      'input[data-path="coercer.aims.core_value"]')
        slider.click()
        for _ in range(8):
            slider.send_keys(Keys.ARROW_LEFT)   # a coercer wanting less beyond the core settles
        wait.until(lambda b: b.find_element(By.CSS_SELECTOR, cell).text != before)
        after = browser.find_element(By.CSS_SELECTOR, cell).text
        assert float(after) > float(before)
        wait.until(lambda b: b.execute_script(
            "return document.getElementById('plot-outcomes').data[0].y.join(',')")
            != bars_before)
        seconds = float(browser.find_element(By.ID, "status").get_attribute("data-seconds"))
        assert seconds < 10
        bad = tmp_path / "broken.toml"
        bad.write_text("[coercer]\ndemand = 7\n")
        browser.find_element(By.ID, "upload").send_keys(str(bad))
        wait.until(lambda b: b.find_element(By.ID, "error").is_displayed())
        err = browser.find_element(By.ID, "error").text
        assert "broken.toml" in err and "coercer.demand" in err
        browser.save_screenshot(str(shots / "app-error.png"))
        # the page keeps working after the bad upload
        current = browser.find_element(By.CSS_SELECTOR, cell).text
        slider.send_keys(*[Keys.ARROW_RIGHT] * 16)   # back to a coercer that wants the core
        wait.until(lambda b: b.find_element(By.CSS_SELECTOR, cell).text != current)
        browser.save_screenshot(str(shots / "app.png"))
        assert (shots / "app.png").stat().st_size > 10_000
    finally:
        browser.quit()
