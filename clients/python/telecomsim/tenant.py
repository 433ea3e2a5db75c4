"""A tenant of the simulator and its built-in callback inboxes."""

from __future__ import annotations

import datetime
import json
import re
import secrets
import time
import urllib.parse
from typing import Any, Dict, List, Optional

from .simulator import Simulator, SimulatorError, VerificationError


def _digits(s: Any) -> str:
    return re.sub(r"\D", "", str(s))


def _duration(by: Any) -> str:
    if isinstance(by, datetime.timedelta):
        return "%dms" % round(by.total_seconds() * 1000)
    if isinstance(by, (int, float)):
        return "%ds" % by if float(by).is_integer() else "%dms" % round(by * 1000)
    return str(by)


def _query(params: Dict[str, Any]) -> str:
    q = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    return "?" + urllib.parse.urlencode(q) if q else ""


class Clock:
    """A tenant's virtual clock."""

    def __init__(self, tenant: "Tenant"):
        self._t = tenant

    def get(self) -> Dict[str, Any]:
        return self._t.control("GET", "/clock")

    def now(self) -> datetime.datetime:
        return _parse_time(self.get()["now"])

    def advance(self, by: Any) -> Dict[str, Any]:
        """Move the clock forward ("4h", "90m", seconds as a number, or a timedelta); every event that
        falls due has run when it returns."""
        return self._t.control("POST", "/clock/advance", {"by": _duration(by)})

    def set(self, when: Any) -> Dict[str, Any]:
        if isinstance(when, datetime.datetime):
            when = when.isoformat().replace("+00:00", "Z")
        return self._t.control("POST", "/clock/set", {"now": when})

    def freeze(self) -> Dict[str, Any]:
        return self._t.control("POST", "/clock/mode", {"mode": "frozen"})

    def real(self) -> Dict[str, Any]:
        return self._t.control("POST", "/clock/mode", {"mode": "real"})


def _parse_time(s: str) -> datetime.datetime:
    # fromisoformat before 3.11 takes neither "Z" nor more than 6 fractional digits.
    s = s.replace("Z", "+00:00")
    m = re.match(r"^(.*?\.\d{6})\d*(.*)$", s)
    if m:
        s = m.group(1) + m.group(2)
    return datetime.datetime.fromisoformat(s)


class Faults:
    """A tenant's fault rules."""

    def __init__(self, tenant: "Tenant"):
        self._t = tenant

    def add(self, rule: Optional[Dict[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """Add a rule, e.g. add(provider="flowroute", route="GET /cnams", status=503, times=1)."""
        return self._t.control("POST", "/faults", dict(rule or {}, **fields))

    def list(self) -> List[Dict[str, Any]]:
        return self._t.control("GET", "/faults")["faults"]

    def remove(self, id: str) -> None:
        self._t.control("DELETE", "/faults/" + urllib.parse.quote(id, safe=""))

    def clear(self) -> None:
        self._t.control("DELETE", "/faults")


class Tenant:
    """One tenant: its own world of every provider, clock, journal, faults and inboxes."""

    def __init__(self, sim: Simulator, id: str):
        self.sim = sim
        self.id = id
        self.base_url = "%s/t/%s" % (sim.url, urllib.parse.quote(id, safe=""))
        self.control_url = self.base_url + "/__sim"
        self.clock = Clock(self)
        self.faults = Faults(self)
        self._inboxes = 0

    def control(self, method: str, path: str, body: Any = None, expect=()) -> Any:
        return self.sim.control(method, path, body, tenant=self.id, expect=expect)

    def url(self, provider: str) -> str:
        """The tenant's equivalent of a provider's real base URL, e.g. .../flowroute/v2."""
        for p in self.sim.providers():
            if p["name"] == provider:
                return self.base_url + p["mount"] + p["basePath"]
        names = ", ".join(p["name"] for p in self.sim.providers())
        raise SimulatorError("no provider %r; have %s" % (provider, names))

    def reset(self, frozen: bool = False) -> Any:
        """Back to the scenario; frozen=True restarts the clock frozen at the scenario start."""
        return self.control("POST", "/reset", {"mode": "frozen"} if frozen else None)

    def load_scenario(self, yaml: str) -> Any:
        """Load a scenario (YAML text) into this tenant only."""
        return self.control("PUT", "/scenario", yaml)

    def journal(self, provider=None, method=None, path=None, status=None, limit=None) -> List[Dict[str, Any]]:
        """Requests received, newest first."""
        q = _query({"provider": provider, "method": method, "path": path, "status": status, "limit": limit})
        return self.control("GET", "/journal" + q)["entries"]

    def clear_journal(self) -> None:
        self.control("DELETE", "/journal")

    def verify(self, path: str, method: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
        """POST /__sim/verify: the answer, whether it holds or not. fields: provider, query, headers,
        body (a JSON subset, or text the body must contain), count ({"atLeast"|"atMost"|"exactly": n} or n)."""
        req = dict(fields, path=path)
        if method:
            req["method"] = method
        return self.control("POST", "/verify", req)

    def expect_called(self, method: str, path: str, times: Optional[int] = None, **fields: Any) -> Dict[str, Any]:
        """Raise VerificationError (an AssertionError listing the closest requests and what differed)
        unless the tenant received such requests. The request path ends with path's segments (a template or
        glob works too); times defaults to at least once."""
        if times is not None:
            fields["count"] = {"exactly": times}
        res = self.verify("/**/" + path.lstrip("/"), method, **fields)
        if not res["ok"]:
            raise VerificationError(res)
        return res

    def inbox(self, name: Optional[str] = None) -> "Inbox":
        """A built-in callback receiver: subscribe inbox.url."""
        self._inboxes += 1
        return Inbox(self, name or "py-%d-%s" % (self._inboxes, secrets.token_hex(3)))

    def callbacks(self, **filter: Any) -> List[Dict[str, Any]]:
        """Outbound callbacks with their attempts, newest first: status, tfn, type, cic, respOrg, change, limit."""
        return self.control("GET", "/callbacks" + _query(filter))["callbacks"]

    def replay_callback(self, id: str) -> Dict[str, Any]:
        return self.control("POST", "/callbacks/%s/replay" % urllib.parse.quote(id, safe=""))

    def wait_for_callback(
        self,
        type: Optional[str] = None,
        tfn: Optional[str] = None,
        timeout: float = 5.0,
        status: str = "delivered",
        interval: float = 0.02,
        **labels: Any,
    ) -> Dict[str, Any]:
        """Wait (wall clock) until a callback matching type, tfn, cic, respOrg or change has been
        delivered, to an inbox or any receiver; return the oldest such, its body parsed as "json"."""
        q: Dict[str, Any] = {"status": status, "type": type, "tfn": _digits(tfn) if tfn else None}
        q.update(labels)
        deadline = time.monotonic() + timeout
        while True:
            found = self.callbacks(**q)
            if found:
                cb = dict(found[-1])
                try:
                    cb["json"] = json.loads(cb.get("body") or "")
                except ValueError:
                    cb["json"] = None
                return cb
            if time.monotonic() >= deadline:
                raise SimulatorError("no %s callback matching %s within %ss" % (status, {k: v for k, v in q.items() if v}, timeout))
            time.sleep(interval)

    def state(self) -> Dict[str, Any]:
        """The tenant's whole world (GET /__sim/state); import_state puts one back."""
        return self.control("GET", "/state")

    def import_state(self, state: Any) -> Any:
        return self.control("PUT", "/state", state if isinstance(state, (str, bytes)) else json.dumps(state))

    def delete(self) -> None:
        """Remove the tenant and everything in it."""
        self.sim.control("DELETE", "/tenants/" + urllib.parse.quote(self.id, safe=""), expect=(204, 404))


class Inbox:
    """A built-in callback receiver of a tenant."""

    def __init__(self, tenant: Tenant, name: str):
        self.tenant = tenant
        self.name = name
        self.url = "inbox://" + name
        self.http_url = "%s/inbox/%s" % (tenant.control_url, urllib.parse.quote(name, safe=""))
        self._seen = 0

    def messages(self) -> List[Dict[str, Any]]:
        """Every message, oldest first: id, type, receivedAt, headers, body."""
        return self.tenant.control("GET", "/inbox/" + urllib.parse.quote(self.name, safe=""))["messages"]

    def clear(self) -> None:
        self.tenant.control("DELETE", "/inbox/" + urllib.parse.quote(self.name, safe=""))

    def next(self, type: Optional[str] = None, tfn: Optional[str] = None, timeout: float = 5.0, interval: float = 0.02) -> Dict[str, Any]:
        """The next message this method has not returned yet that matches type and tfn, waiting up to
        timeout seconds (wall clock)."""
        deadline = time.monotonic() + timeout
        while True:
            msgs = self.messages()
            if msgs and msgs[-1]["id"] < self._seen:
                self._seen = 0  # the tenant was reset
            for m in msgs:
                if m["id"] <= self._seen:
                    continue
                self._seen = m["id"]
                body = m.get("body") or {}
                if type and m.get("type") != type:
                    continue
                if tfn and _digits(body.get("tfNum", "") if isinstance(body, dict) else "") != _digits(tfn):
                    continue
                return m
            if time.monotonic() >= deadline:
                raise SimulatorError("inbox %s: no message matching type=%s tfn=%s within %ss" % (self.name, type, tfn, timeout))
            time.sleep(interval)
