"""Test harness for the telecom provider simulator (standard library only, Python 3.9+).

    from telecomsim import Simulator

    with Simulator.start() as sim:
        t = sim.tenant(frozen=True)
        base = t.url("flowroute")          # like https://api.flowroute.com/v2
        ...                                # your client against base
        t.clock.advance("4h")
        t.expect_called("POST", "/v2/cnams", 1)
"""

from .simulator import Simulator, SimulatorError, VerificationError
from .tenant import Clock, Faults, Inbox, Tenant
from .testcase import SimulatorTestCase, shared_simulator

__all__ = [
    "Clock",
    "Faults",
    "Inbox",
    "Simulator",
    "SimulatorError",
    "SimulatorTestCase",
    "Tenant",
    "VerificationError",
    "shared_simulator",
]
