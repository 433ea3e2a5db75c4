// A Flowroute client flow against the real simulator binary, with the
// harness's clock, faults, journal and verification.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator, VerificationError, SimulatorError } from '../index.mjs';

const auth = 'Basic ' + Buffer.from('demo-access-key:demo-secret-key').toString('base64');

// The "application code": a tiny Flowroute client that only knows a base URL.
function flowroute(base) {
  const call = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    create: (value) => call('POST', '/cnams', { value }),
    get: (id) => call('GET', `/cnams/${id}`),
    list: () => call('GET', '/cnams'),
  };
}

describe('flowroute', () => {
  let sim;
  before(async () => {
    sim = await Simulator.start();
  });
  after(async () => {
    await sim.stop();
  });

  it('approves a CNAM record when the clock moves', async () => {
    const t = await sim.tenant({ frozen: true });
    const client = flowroute(t.url('flowroute'));
    assert.match(t.url('flowroute'), new RegExp(`/t/${t.id}/flowroute/v2$`));

    const created = await client.create('Acme Labs');
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.data.id;
    assert.equal((await client.get(id)).body.data.attributes.is_approved, false);

    const before = await t.clock.now();
    const clock = await t.clock.advance('4h');
    assert.equal(new Date(clock.now) - before, 4 * 3600 * 1000);
    assert.equal((await client.get(id)).body.data.attributes.is_approved, true);

    await t.expectCalled('POST', '/v2/cnams', 1);
    await t.expectCalled('GET', '/cnams/{id}', 2);
    const v = await t.expectCalled({ provider: 'flowroute', method: 'POST', path: '/cnams', body: { value: 'Acme Labs' } });
    assert.equal(v.count, 1);

    const entries = await t.journal({ provider: 'flowroute', method: 'GET' });
    assert.equal(entries.length, 2);
    assert.equal(entries[0].path, `/v2/cnams/${id}`);
    await t.delete();
  });

  it('reports near misses when an expected call is missing', async () => {
    const t = await sim.tenant();
    await flowroute(t.url('flowroute')).create('Acme Labs');
    await assert.rejects(
      t.expectCalled({ method: 'POST', path: '/v2/cnams', body: { value: 'ACME LABS' } }),
      (err) => {
        assert.ok(err instanceof VerificationError);
        assert.equal(err.result.count, 0);
        assert.equal(err.result.nearMisses[0].differences[0].field, 'body.value');
        assert.match(err.message, /body\.value: expected "ACME LABS", got "Acme Labs"/);
        return true;
      },
    );
    await assert.rejects(t.expectCalled('DELETE', '/v2/cnams/{id}'), /method: expected DELETE, got POST/);
    await assert.rejects(t.expectCalled('POST', '/v2/cnams', 2), /expected exactly 2 request\(s\).*got 1/);
    await t.delete();
  });

  it('injects a fault the client has to ride out', async () => {
    const t = await sim.tenant();
    const client = flowroute(t.url('flowroute'));
    const rule = await t.faults.add({ provider: 'flowroute', route: 'GET /cnams', status: 503, times: 1 });
    assert.ok(rule.id);
    const first = await client.list();
    assert.equal(first.status, 503);
    assert.ok(first.body.errors, 'the fault answers in Flowroute\'s error envelope');
    assert.equal((await client.list()).status, 200);
    const [stored] = await t.faults.list();
    assert.equal(stored.id, rule.id);
    await t.faults.clear();
    assert.deepEqual(await t.faults.list(), []);
    const [latest, faulted] = await t.journal({ path: '/v2/cnams' });
    assert.equal(latest.status, 200);
    assert.ok(faulted.fault.startsWith(rule.id), faulted.fault);
    await t.delete();
  });

  it('keeps tenants apart and resets one to its scenario', async () => {
    const a = await sim.tenant();
    const b = await sim.tenant();
    assert.notEqual(a.id, b.id);
    await flowroute(a.url('flowroute')).create('Only In A');
    const listed = async (t) => (await flowroute(t.url('flowroute')).list()).body.data.map((r) => r.attributes.value);
    assert.ok((await listed(a)).some((v) => /only in a/i.test(v)));
    assert.ok(!(await listed(b)).some((v) => /only in a/i.test(v)));
    assert.match(JSON.stringify(await a.state()), /only in a/i);
    await a.reset();
    assert.deepEqual(await a.journal(), [], 'reset empties the journal');
    assert.ok(!(await listed(a)).some((v) => /only in a/i.test(v)));
    await a.delete();
    await b.delete();
  });

  it('loads a tenant scenario and refuses a bad one', async () => {
    const t = await sim.tenant({
      frozen: true,
      scenario: 'version: 1\nflowroute:\n  accounts: [{name: ci, accessKey: k, secretKey: s}]\n',
    });
    const res = await fetch(t.url('flowroute') + '/cnams', {
      headers: { Authorization: 'Basic ' + Buffer.from('k:s').toString('base64') },
    });
    assert.equal(res.status, 200);
    await assert.rejects(t.loadScenario('version: 1\nflowroute:\n  acounts: []\n'), (err) => {
      assert.ok(err instanceof SimulatorError);
      assert.equal(err.status, 422);
      assert.match(JSON.stringify(err.body.problems), /did you mean/);
      return true;
    });
    await t.delete();
  });

  it('attaches to a running simulator by URL', async () => {
    const attached = await Simulator.start({ url: sim.url });
    const t = await attached.tenant();
    assert.equal((await t.clock.get()).mode, 'real');
    await attached.stop(); // leaves the simulator running
    assert.equal((await sim.health()).status, 'ok');
    assert.ok((await sim.tenants()).some((x) => x.id === t.id));
    await t.delete();
  });
});
