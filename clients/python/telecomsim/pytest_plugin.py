"""pytest fixtures: `simulator` (one per session) and `sim_tenant` (a fresh tenant per test).

pytest loads this module through the package's pytest11 entry point when both are installed (or with
`-p telecomsim.pytest_plugin`); nothing else imports it, so pytest is never required.
"""

from __future__ import annotations

import pytest

from .simulator import Simulator


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sim_tenant(frozen=False, scenario=None): options for the sim_tenant fixture of this test"
    )


@pytest.fixture(scope="session")
def simulator():
    """The simulator for the whole session (SIM_URL attaches to a running one)."""
    sim = Simulator.start()
    yield sim
    sim.stop()


@pytest.fixture
def sim_tenant(simulator, request):
    """A fresh tenant, deleted after the test; @pytest.mark.sim_tenant(frozen=True) freezes its clock."""
    marker = request.node.get_closest_marker("sim_tenant")
    opts = dict(marker.kwargs) if marker else {}
    tenant = simulator.tenant(prefix="pytest", **opts)
    yield tenant
    tenant.delete()
