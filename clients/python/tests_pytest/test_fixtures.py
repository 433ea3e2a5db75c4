"""The pytest plugin's fixtures against the real simulator (run with pytest when it is installed)."""

import json
import urllib.request

import pytest


def test_sim_tenant_is_fresh_and_isolated(simulator, sim_tenant):
    assert sim_tenant.id.startswith("pytest-")
    assert sim_tenant.sim is simulator
    assert sim_tenant.journal() == []
    assert sim_tenant.id in [t["id"] for t in simulator.tenants()]


@pytest.mark.sim_tenant(frozen=True)
def test_marker_freezes_the_clock(sim_tenant):
    before = sim_tenant.clock.now()
    assert sim_tenant.clock.get()["mode"] == "frozen"
    sim_tenant.clock.advance("90m")
    assert (sim_tenant.clock.now() - before).total_seconds() == 90 * 60


def test_expect_called_through_the_fixture(sim_tenant):
    req = urllib.request.Request(sim_tenant.url("call48") + "/login", method="POST",
                                 data=json.dumps({"username": "mark", "password": "password"}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
    sim_tenant.expect_called("POST", "/login", 1, body={"username": "mark"})
    with pytest.raises(AssertionError, match='body.username: expected "spadmin", got "mark"'):
        sim_tenant.expect_called("POST", "/login", body={"username": "spadmin"})
