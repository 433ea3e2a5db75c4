// TFNRegistry UNS callbacks received in the simulator's built-in inboxes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator, SimulatorError } from '../index.mjs';

describe('callbacks', () => {
  let sim;
  before(async () => {
    sim = await Simulator.start();
  });
  after(async () => {
    await sim.stop();
  });

  it('delivers the scenario\'s scheduled change to the demo inbox', async () => {
    const t = await sim.tenant({ frozen: true });
    const inbox = t.inbox('demo');
    assert.deepEqual(await inbox.messages(), [], 'nothing before the clock moves');
    await assert.rejects(t.waitForCallback({ type: 'uns-sna' }, { timeout: 100 }), SimulatorError);

    await t.clock.advance('5m'); // the default scenario adds CIC 0222 to 833-990-0238 at +5m
    const cb = await t.waitForCallback({ type: 'uns-sna', tfn: '833-990-0238' });
    assert.equal(cb.status, 'delivered');
    assert.equal(cb.target.url, 'inbox://demo/v3/ext/uns/sna');
    assert.equal(cb.json.tfNum, '833-990-0238');
    assert.equal(cb.json.cicCode, '0222');

    const msg = await inbox.next({ type: 'uns-sna', tfn: '8339900238' });
    assert.equal(msg.body.cicCode, '0222');
    await assert.rejects(inbox.next({}, { timeout: 100 }), /no message/, 'next returns each message once');
    await inbox.clear();
    assert.deepEqual(await inbox.messages(), []);
    await t.delete();
  });

  it('delivers a change to an inbox of the test\'s own', async () => {
    const t = await sim.tenant({ frozen: true });
    const inbox = t.inbox();
    assert.match(inbox.url, /^inbox:\/\/node-/);
    await t.control('POST', '/tnregistry/subscriptions', { cic: '0777', url: inbox.url });
    await t.control('POST', '/tnregistry/records/8339900238/changes', { change: 'cic-addition', cic: '0777' });

    const msg = await inbox.next({ type: 'uns-sna' });
    assert.equal(msg.body.tfNum, '833-990-0238');
    assert.equal(msg.body.cicCode, '0777');
    const [cb] = await t.callbacks({ cic: '0777' });
    assert.equal(cb.status, 'delivered');
    const replayed = await t.replayCallback(cb.id);
    assert.equal(replayed.id, cb.id);
    const again = await inbox.next({ tfn: '8339900238' });
    assert.equal(again.headers['X-Sim-Delivery-Id'], cb.id, 'the replay arrives with the same delivery id');
    await t.delete();
  });
});
