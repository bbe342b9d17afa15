"""The page and API never read a server path for a client, answer only their own Host,
bound the work of each request, and never label a download with client-chosen syntax."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the page's tests need the [app] extra")
pytest.importorskip("httpx", reason="FastAPI's test client needs httpx ([test])")
from fastapi.testclient import TestClient

from compellence.app import server
from compellence.app.server import Limiter, allowed_hosts, create_app, download_name
from compellence.scenario.loader import MAX_DEPTH

client = TestClient(create_app(), base_url="http://127.0.0.1")


@pytest.fixture
def secret(tmp_path):
    """A TOML file on the server whose name and description must never reach a client."""
    path = tmp_path / "secret.toml"
    path.write_text('name = "TOPSECRET-NAME"\ndescription = "TOPSECRET-TEXT"\n')
    return path


def _extends_refs(secret) -> list[str]:
    return [str(secret), str(secret.relative_to(secret.anchor)), "secret.toml",
            f"../../../../../../..{secret}", "/etc/passwd", "../../etc/hostname",
            "no/such/file.toml"]


@pytest.mark.parametrize("endpoint", ["/api/scenario", "/api/run", "/api/scenario.toml"])
def test_an_upload_may_extend_only_builtins(secret, endpoint, monkeypatch):
    monkeypatch.chdir(secret.parent)
    answers = set()
    for ref in _extends_refs(secret):
        r = client.post(endpoint, json={"toml": f"extends = {json.dumps(ref)}\n",
                                        "filename": "up.toml", "runs": 100})
        assert r.status_code == 400, (ref, r.text)
        assert "TOPSECRET" not in r.text
        msg = r.json()["error"]
        assert "may extend only a built-in" in msg and "up.toml" in msg
        answers.add(msg)
    # the same answer whether the path exists, is malformed TOML or is missing
    assert len(answers) == 1


def test_an_upload_extending_a_builtin_still_works():
    r = client.post("/api/scenario", json={"toml": 'extends = "iran-2015-jcpoa"\nname = "x"\n'})
    assert r.status_code == 200 and r.json()["name"] == "x"


def test_compare_strategy_must_be_builtin(tmp_path):
    strat = tmp_path / "s.toml"
    strat.write_text('name = "TOPSECRET"\n[coercer]\ndemand = 0.1\n')
    for ref in (str(strat), "../s.toml", "s.toml"):
        r = client.post("/api/run", json={"runs": 100, "compare_strategy": ref})
        assert r.status_code == 400 and "built-in strategy" in r.json()["error"]
        assert "TOPSECRET" not in r.text


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8050", "127.0.0.1.evil.com",
                                  "", "attacker.localhost.example"])
def test_a_foreign_host_is_refused(host):
    r = client.get("/api/catalog", headers={"host": host})
    assert r.status_code == 400 and "not served here" in r.json()["error"]
    assert client.post("/api/run", headers={"host": host}, json={"runs": 100}).status_code \
        == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8050", "localhost:8050", "localhost",
                                  "[::1]:8050"])
def test_localhost_names_are_served(host):
    assert client.get("/api/catalog", headers={"host": host}).status_code == 200


def test_a_cross_site_origin_is_refused():
    r = client.post("/api/run", headers={"origin": "http://evil.example"}, json={"runs": 100})
    assert r.status_code == 403
    ok = client.post("/api/run", headers={"origin": "http://127.0.0.1:8050"},
                     json={"runs": 100})
    assert ok.status_code == 200


def test_binding_wider_serves_only_the_named_hosts():
    assert allowed_hosts("0.0.0.0") == set()
    wide = TestClient(create_app("0.0.0.0", ["lab.example.org"]),
                      base_url="http://lab.example.org")
    assert wide.get("/api/catalog").status_code == 200
    assert wide.get("/api/catalog", headers={"host": "localhost"}).status_code == 400


def test_cli_refuses_a_wide_bind_without_allowed_host():
    from typer.testing import CliRunner

    from compellence.cli import app

    res = CliRunner().invoke(app, ["app", "--host", "0.0.0.0"])
    assert res.exit_code == 2 and "--allowed-host" in res.output


@pytest.mark.parametrize("name", ['x"; filename="evil.sh', "a\r\nSet-Cookie: x=1", "../../x",
                                  "ü名", ""])
def test_download_names_are_safe(name):
    safe = download_name(name, ".toml")
    assert safe.endswith(".toml") and all(c.isalnum() or c in "._-" for c in safe)
    assert not safe.startswith(".") and ".." not in safe.removesuffix(".toml")


def test_a_quote_in_the_scenario_name_cannot_inject_a_file_name():
    toml = 'extends = "iran-2025-surrender"\nname = \'x"; filename="evil.sh\'\n'
    for ep in ("/api/scenario.toml", "/api/results.csv"):
        r = client.post(ep, json={"toml": toml, "runs": 100})
        assert r.status_code == 200
        disp = r.headers["content-disposition"]
        assert disp.count('"') == 2 and "evil.sh\"" not in disp


def test_runs_times_horizon_is_bounded():
    r = client.post("/api/run", json={"runs": 100_000, "overrides": {"horizon": 600}})
    assert r.status_code == 400 and "run-rounds exceeds" in r.json()["error"]
    r = client.post("/api/results.csv", json={"runs": 100_000, "overrides": {"horizon": 600}})
    assert r.status_code == 400


def test_runs_above_the_page_cap_and_a_negative_seed_are_4xx():
    for body in ({"runs": 10**9}, {"seed": -1}, {"seed": 2**70}, {"runs": "many"}):
        r = client.post("/api/run", json=body)
        assert r.status_code == 422, body
        assert "request field" in r.json()["error"]


def test_upload_size_is_bounded():
    big = "a = 1\n" + "# filler\n" * 300_000
    r = client.post("/api/run", json={"toml": big})
    assert r.status_code == 413 and "larger than" in r.json()["error"]


def test_deep_nesting_is_a_clear_400():
    for text in ("a = " + "[" * 500 + "]" * 500,
                 "\n".join("[" + ".".join(["a"] * k) + "]" for k in range(1, 40))):
        r = client.post("/api/run", json={"toml": text, "filename": "deep.toml"})
        assert r.status_code == 400 and f"nested more than {MAX_DEPTH}" in r.json()["error"]


def test_a_time_limit_stops_a_long_simulation():
    slow = TestClient(create_app(limiter=Limiter(2, 0.0)), base_url="http://127.0.0.1")
    r = slow.post("/api/run", json={"runs": 20_000})
    assert r.status_code == 400
    assert "longer than the page's limit" in r.json()["error"]


def test_concurrent_heavy_runs_are_limited():
    busy = Limiter(1, 30.0)
    assert busy.sem.acquire(blocking=False)  # one simulation in flight
    try:
        c = TestClient(create_app(limiter=busy), base_url="http://127.0.0.1")
        r = c.post("/api/run", json={"runs": 100})
        assert r.status_code == 429 and "try again" in r.json()["error"]
    finally:
        busy.sem.release()


def test_nan_in_an_upload_is_refused():
    r = client.post("/api/run", json={"toml": "[coercer]\ndemand = nan\n", "runs": 100})
    assert r.status_code == 400 and "coercer.demand" in r.json()["error"]


def test_the_run_answer_is_stamped_and_strict_json():
    r = client.post("/api/run", json={"runs": 200})
    json.loads(r.text, parse_constant=lambda c: pytest.fail(f"non-standard {c}"))
    prov = r.json()["provenance"]
    assert set(prov) >= {"package_version", "model_version", "rng_scheme"}


def test_server_limits_are_consistent():
    assert server.MAX_RUN_ROUNDS >= server.MAX_RUNS * 24  # the built-ins' horizon fits
