"""unittest helpers: one simulator per test process, a fresh tenant per test."""

from __future__ import annotations

import atexit
import threading
import unittest
from typing import Any, Optional

from .simulator import Simulator, VerificationError
from .tenant import Tenant

_lock = threading.Lock()
_shared: Optional[Simulator] = None


def shared_simulator() -> Simulator:
    """The process's simulator, started on first use (SIM_URL, SIM_BINARY and friends apply) and
    stopped when the process exits."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = Simulator.start()
            atexit.register(_shared.stop)
        return _shared


class SimulatorTestCase(unittest.TestCase):
    """A TestCase whose every test gets self.tenant, a fresh tenant of the shared simulator.

    Class attributes: frozen (freeze the tenant's clock at the scenario start), scenario (YAML text
    for the tenant).
    """

    frozen: Any = False
    scenario: Optional[str] = None
    sim: Simulator
    tenant: Tenant

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.sim = shared_simulator()

    def setUp(self) -> None:
        super().setUp()
        self.tenant = self.sim.tenant(scenario=self.scenario, frozen=self.frozen, prefix="unittest")
        self.addCleanup(self.tenant.delete)

    def assertCalled(self, method: str, path: str, times: Optional[int] = None, **fields: Any) -> dict:
        """Fail unless the tenant received such requests, printing the closest ones and what differed."""
        try:
            return self.tenant.expect_called(method, path, times, **fields)
        except VerificationError as e:
            raise self.failureException(str(e)) from None
