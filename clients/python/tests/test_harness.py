"""The Python harness against the real simulator binary (SIM_BINARY, or go run in this checkout)."""

import base64
import json
import os
import subprocess
import sys
import unittest
import urllib.error
import urllib.request

from telecomsim import Simulator, SimulatorError, SimulatorTestCase, VerificationError, shared_simulator

AUTH = "Basic " + base64.b64encode(b"demo-access-key:demo-secret-key").decode()


class Flowroute:
    """The "application code": a tiny Flowroute client that only knows a base URL."""

    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": AUTH, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def create(self, value):
        return self.call("POST", "/cnams", {"value": value})

    def get(self, id):
        return self.call("GET", "/cnams/" + id)

    def list(self):
        return self.call("GET", "/cnams")


class FlowrouteTest(SimulatorTestCase):
    frozen = True

    def test_approval_follows_the_clock(self):
        client = Flowroute(self.tenant.url("flowroute"))
        self.assertTrue(self.tenant.url("flowroute").endswith("/t/%s/flowroute/v2" % self.tenant.id))
        status, body = client.create("Acme Labs")
        self.assertEqual(201, status, body)
        rid = body["data"]["id"]
        self.assertFalse(client.get(rid)[1]["data"]["attributes"]["is_approved"])
        before = self.tenant.clock.now()
        self.tenant.clock.advance("4h")
        self.assertEqual(4 * 3600, (self.tenant.clock.now() - before).total_seconds())
        self.assertTrue(client.get(rid)[1]["data"]["attributes"]["is_approved"])

        self.assertCalled("POST", "/v2/cnams", 1)
        self.assertCalled("GET", "/cnams/{id}", 2)
        res = self.tenant.expect_called("POST", "/cnams", provider="flowroute", body={"value": "Acme Labs"})
        self.assertEqual(1, res["count"])
        entries = self.tenant.journal(provider="flowroute", method="GET")
        self.assertEqual(["/v2/cnams/" + rid] * 2, [e["path"] for e in entries])

    def test_near_misses_explain_a_missing_call(self):
        Flowroute(self.tenant.url("flowroute")).create("Acme Labs")
        with self.assertRaises(VerificationError) as cm:
            self.tenant.expect_called("POST", "/v2/cnams", body={"value": "ACME LABS"})
        self.assertEqual(0, cm.exception.result["count"])
        self.assertEqual("body.value", cm.exception.result["nearMisses"][0]["differences"][0]["field"])
        self.assertIn('body.value: expected "ACME LABS", got "Acme Labs"', str(cm.exception))
        with self.assertRaises(AssertionError) as cm:
            self.assertCalled("DELETE", "/v2/cnams/{id}")
        self.assertIn("method: expected DELETE, got POST", str(cm.exception))
        with self.assertRaisesRegex(AssertionError, r"expected exactly 2 request\(s\).*got 1"):
            self.assertCalled("POST", "/v2/cnams", 2)

    def test_a_fault_the_client_rides_out(self):
        client = Flowroute(self.tenant.url("flowroute"))
        rule = self.tenant.faults.add(provider="flowroute", route="GET /cnams", status=503, times=1)
        status, body = client.list()
        self.assertEqual(503, status)
        self.assertIn("errors", body, "the fault answers in Flowroute's error envelope")
        self.assertEqual(200, client.list()[0])
        self.assertEqual([rule["id"]], [f["id"] for f in self.tenant.faults.list()])
        self.tenant.faults.clear()
        self.assertEqual([], self.tenant.faults.list())
        latest, faulted = self.tenant.journal(path="/v2/cnams")
        self.assertEqual(200, latest["status"])
        self.assertTrue(faulted["fault"].startswith(rule["id"]), faulted["fault"])

    def test_reset_state_and_isolation(self):
        other = self.sim.tenant()
        self.addCleanup(other.delete)
        Flowroute(self.tenant.url("flowroute")).create("Only Here")

        def values(t):
            return [r["attributes"]["value"].lower() for r in Flowroute(t.url("flowroute")).list()[1]["data"]]

        self.assertIn("only here", values(self.tenant))
        self.assertNotIn("only here", values(other))
        self.assertIn("only here", json.dumps(self.tenant.state()).lower())
        self.tenant.reset(frozen=True)
        self.assertEqual([], self.tenant.journal())
        self.assertEqual("frozen", self.tenant.clock.get()["mode"])
        self.assertNotIn("only here", values(self.tenant))

    def test_a_bad_scenario_is_refused_with_its_problems(self):
        with self.assertRaises(SimulatorError) as cm:
            self.tenant.load_scenario("version: 1\nflowroute:\n  acounts: []\n")
        self.assertEqual(422, cm.exception.status)
        self.assertIn("did you mean", json.dumps(cm.exception.body["problems"]))


class CallbackTest(SimulatorTestCase):
    frozen = True

    def test_scheduled_change_reaches_the_demo_inbox(self):
        inbox = self.tenant.inbox("demo")
        self.assertEqual([], inbox.messages())
        with self.assertRaises(SimulatorError):
            self.tenant.wait_for_callback(type="uns-sna", timeout=0.1)
        self.tenant.clock.advance("5m")  # the default scenario adds CIC 0222 to 833-990-0238 at +5m
        cb = self.tenant.wait_for_callback(type="uns-sna", tfn="833-990-0238")
        self.assertEqual("delivered", cb["status"])
        self.assertEqual("0222", cb["json"]["cicCode"])
        msg = inbox.next(type="uns-sna", tfn="8339900238")
        self.assertEqual("833-990-0238", msg["body"]["tfNum"])
        with self.assertRaises(SimulatorError):
            inbox.next(timeout=0.1)
        inbox.clear()
        self.assertEqual([], inbox.messages())

    def test_change_reaches_an_inbox_of_the_tests_own(self):
        inbox = self.tenant.inbox()
        self.assertTrue(inbox.url.startswith("inbox://py-"))
        self.tenant.control("POST", "/tnregistry/subscriptions", {"cic": "0777", "url": inbox.url})
        self.tenant.control("POST", "/tnregistry/records/8339900238/changes", {"change": "cic-addition", "cic": "0777"})
        self.assertEqual("0777", inbox.next(type="uns-sna")["body"]["cicCode"])
        (cb,) = self.tenant.callbacks(cic="0777")
        self.tenant.replay_callback(cb["id"])
        again = inbox.next(tfn="833-990-0238")
        self.assertEqual(cb["id"], again["headers"]["X-Sim-Delivery-Id"])


class LifecycleTest(unittest.TestCase):
    def test_attach_by_url_leaves_the_simulator_running(self):
        shared = shared_simulator()
        with Simulator.start(url=shared.url) as attached:
            t = attached.tenant(id="py-attached-check")
            self.assertEqual("real", t.clock.get()["mode"])
        self.assertEqual("ok", shared.health()["status"])
        self.assertIn("py-attached-check", [x["id"] for x in shared.tenants()])
        t.delete()
        self.assertNotIn("py-attached-check", [x["id"] for x in shared.tenants()])

    def test_a_scenario_for_the_whole_simulator_and_stop(self):
        scenario = "version: 1\nname: py-own\nflowroute:\n  accounts: [{name: ci, accessKey: k, secretKey: s}]\n"
        with Simulator.start(scenario=scenario) as sim:
            self.assertEqual("py-own", sim.tenant().control("GET", "/scenario")["name"])
            url = sim.url
        with self.assertRaises(SimulatorError):
            Simulator(url).health()

    def test_a_simulator_that_cannot_start_says_why(self):
        with self.assertRaisesRegex(SimulatorError, "cannot run"):
            Simulator.start(binary="/nonexistent/simulator", start_timeout=5)

    def test_pytest_is_not_needed(self):
        # In a fresh interpreter: the package imports neither pytest nor its plugin.
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        code = "import sys, telecomsim; print(sorted(m for m in sys.modules if 'pytest' in m))"
        out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
        self.assertEqual("[]", out.stdout.strip())


if __name__ == "__main__":
    unittest.main()
