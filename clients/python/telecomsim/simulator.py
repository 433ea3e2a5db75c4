"""Starting, attaching to and stopping the simulator, and calling its control API."""

from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional, Sequence

MODULE = "github.com/telecomsim/simulator"
_KEEP = 16 * 1024  # bytes of the simulator's output kept for error messages
_BANNER = re.compile(r" on (http://\S+)")
_SIGKILL = getattr(signal, "SIGKILL", signal.SIGTERM)


class SimulatorError(Exception):
    """An answer from the simulator with an unexpected status, or no answer."""

    def __init__(self, message: str, status: Optional[int] = None, body: Any = None):
        super().__init__(message)
        self.status = status
        self.body = body


class VerificationError(AssertionError):
    """A verification that failed; result holds the matches and near misses."""

    def __init__(self, result: Dict[str, Any]):
        msg = result.get("message") or "expected %s matching request(s), got %s" % (
            result.get("expected"),
            result.get("count"),
        )
        super().__init__(msg)
        self.result = result


def _find_checkout(start: str) -> Optional[str]:
    d = os.path.abspath(start)
    pattern = re.compile(r"^module %s\s*$" % re.escape(MODULE), re.M)
    while True:
        mod = os.path.join(d, "go.mod")
        if os.path.isfile(mod):
            with open(mod, encoding="utf-8") as f:
                if pattern.search(f.read()):
                    return d
        up = os.path.dirname(d)
        if up == d:
            return None
        d = up


def _command(binary: Optional[str], checkout: Optional[str]):
    """How to run the simulator: binary, SIM_BINARY, `simulator` on PATH, or go run in a checkout."""
    binary = binary or os.environ.get("SIM_BINARY")
    if binary:
        return [binary], None
    found = shutil.which("simulator")
    if found:
        return [found], None
    checkout = checkout or _find_checkout(os.getcwd()) or _find_checkout(os.path.dirname(__file__))
    if checkout and shutil.which("go"):
        return ["go", "run", "./cmd/simulator"], checkout
    raise SimulatorError(
        "cannot find the simulator: pass binary= or url=, set SIM_BINARY or SIM_URL, put `simulator` on PATH, "
        "or run from a checkout of the simulator with Go installed"
    )


class _Tail:
    """The last bytes of a stream, read on a daemon thread so the pipe never fills."""

    def __init__(self, stream, on_line=None):
        self.text = ""
        self._lock = threading.Lock()
        self._on_line = on_line
        t = threading.Thread(target=self._read, args=(stream,), daemon=True)
        t.start()

    def _read(self, stream):
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            with self._lock:
                self.text = (self.text + line)[-_KEEP:]
            if self._on_line:
                self._on_line(line)
        stream.close()

    def get(self) -> str:
        with self._lock:
            return self.text


class Simulator:
    """A running simulator: started by start(), or attached to by URL.

    Use it as a context manager, or call stop() when done.
    """

    def __init__(self, url: str, admin_token: Optional[str] = None):
        self.url = url.rstrip("/")
        self.admin_token = admin_token
        self._proc: Optional[subprocess.Popen] = None
        self._tmp: Optional[str] = None
        self._providers: Optional[List[Dict[str, Any]]] = None

    @classmethod
    def start(
        cls,
        scenario: Optional[str] = None,
        binary: Optional[str] = None,
        url: Optional[str] = None,
        admin_token: Optional[str] = None,
        args: Sequence[str] = (),
        checkout: Optional[str] = None,
        start_timeout: float = 120.0,
    ) -> "Simulator":
        """Start the simulator on a free loopback port and wait until it answers.

        With url (or SIM_URL), attach to a running simulator instead (a container, a shared CI service).
        scenario is a file path or YAML text.
        """
        admin_token = admin_token or os.environ.get("SIM_ADMIN_TOKEN") or None
        url = url or (None if binary else os.environ.get("SIM_URL"))
        if url:
            sim = cls(url, admin_token)
            sim.wait_healthy(start_timeout)
            return sim
        cmd, cwd = _command(binary, checkout)
        tmp = None
        argv = cmd + ["serve", "--addr", "127.0.0.1:0"]
        if scenario:
            if "\n" not in scenario and os.path.isfile(scenario):
                argv += ["--scenario", scenario]
            else:
                tmp = tempfile.mkdtemp(prefix="simulator-")
                path = os.path.join(tmp, "scenario.yaml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(scenario)
                argv += ["--scenario", path]
        if admin_token:
            argv += ["--admin-token", admin_token]
        argv += list(args)
        found = threading.Event()
        base: List[str] = []

        def banner(line: str):
            if not found.is_set():
                m = _BANNER.search(line)
                if m:
                    base.append(m.group(1))
                    found.set()

        try:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=(os.name == "posix"),  # its own group: stop() reaches go run's child too
            )
        except OSError as e:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)
            raise SimulatorError("cannot run %s: %s" % (argv[0], e)) from None
        _Tail(proc.stdout, banner)
        err = _Tail(proc.stderr)
        deadline = time.monotonic() + start_timeout
        while not found.wait(0.05):
            if proc.poll() is not None or time.monotonic() > deadline:
                why = "exited (%s)" % proc.returncode if proc.returncode is not None else "did not start within %ss" % start_timeout
                _kill(proc, _SIGKILL)
                if tmp:
                    shutil.rmtree(tmp, ignore_errors=True)
                raise SimulatorError("the simulator %s before it listened:\n%s" % (why, err.get()))
        sim = cls(base[0], admin_token)
        sim._proc, sim._tmp = proc, tmp
        atexit.register(sim._kill_at_exit)
        try:
            sim.wait_healthy(start_timeout)
        except SimulatorError:
            sim.stop()
            raise
        return sim

    def _kill_at_exit(self):
        if self._proc is not None:
            _kill(self._proc, _SIGKILL)

    def wait_healthy(self, timeout: float = 30.0) -> None:
        """Wait until GET /__sim/health answers."""
        deadline = time.monotonic() + timeout
        last: Optional[Exception] = None
        while time.monotonic() < deadline:
            try:
                self.health()
                return
            except SimulatorError as e:
                last = e
            time.sleep(0.05)
        raise SimulatorError("the simulator at %s did not answer within %ss: %s" % (self.url, timeout, last))

    def stop(self) -> None:
        """Stop a simulator this harness started (an attached one is left running)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        atexit.unregister(self._kill_at_exit)
        if proc.poll() is None:
            _kill(proc, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                _kill(proc, _SIGKILL)
                proc.wait()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> "Simulator":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def control(
        self,
        method: str,
        path: str,
        body: Any = None,
        tenant: Optional[str] = None,
        expect: Sequence[int] = (),
    ) -> Any:
        """Call the control API: path is below /__sim; a body that is not str/bytes is sent as JSON.

        Returns the decoded JSON answer (or text, or None for an empty one).
        """
        prefix = "/t/" + urllib.parse.quote(tenant, safe="") if tenant else ""
        target = "%s%s/__sim%s" % (self.url, prefix, path)
        headers = {}
        if self.admin_token:
            headers["Authorization"] = "Bearer " + self.admin_token
        data = None
        if body is not None:
            if isinstance(body, bytes):
                data = body
            elif isinstance(body, str):
                data = body.encode("utf-8")
            else:
                data = json.dumps(body).encode("utf-8")
                headers["Content-Type"] = "application/json"
        req = urllib.request.Request(target, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, ctype, raw = resp.status, resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as e:
            status, ctype, raw = e.code, e.headers.get("Content-Type", ""), e.read()
        except (urllib.error.URLError, OSError) as e:
            raise SimulatorError("%s %s: %s" % (method, target, getattr(e, "reason", e))) from None
        text = raw.decode("utf-8", "replace")
        out: Any = text
        if "json" in ctype and text:
            out = json.loads(text)
        ok = status in expect if expect else 200 <= status < 300
        if not ok:
            why = out.get("error") if isinstance(out, dict) and out.get("error") else text
            raise SimulatorError("%s /__sim%s: %d: %s" % (method, path, status, why), status, out)
        return out if out != "" else None

    def health(self) -> Dict[str, Any]:
        return self.control("GET", "/health")

    def providers(self) -> List[Dict[str, Any]]:
        """The providers with their mounts and base paths (fetched once)."""
        if self._providers is None:
            self._providers = self.control("GET", "/providers")["providers"]
        return self._providers

    def tenants(self) -> List[Dict[str, Any]]:
        return self.control("GET", "/tenants")["tenants"]

    def tenant(
        self,
        id: Optional[str] = None,
        scenario: Optional[str] = None,
        frozen: Any = False,
        prefix: str = "py",
    ):
        """A fresh tenant: a unique id unless given, an optional scenario (YAML text) of its own,
        and frozen=True (or an RFC 3339 time) to freeze its clock at the scenario start (or then)."""
        from .tenant import Tenant

        t = Tenant(self, id or "%s-%s" % (prefix, secrets.token_hex(6)))
        if scenario:
            t.load_scenario(scenario)
        t.reset(frozen=bool(frozen))
        if frozen and frozen is not True:
            t.clock.set(frozen)
        return t


def _kill(proc: subprocess.Popen, sig: int) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, sig)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
