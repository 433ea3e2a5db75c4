// Without SIM_BINARY or a binary on PATH, the harness runs `go run
// ./cmd/simulator` in the checkout it finds upward from the working directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Simulator } from '../index.mjs';

function hasGo() {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('falls back to go run in the checkout', { skip: !hasGo() && 'go is not installed' }, async () => {
  const saved = process.env.SIM_BINARY;
  delete process.env.SIM_BINARY;
  try {
    const sim = await Simulator.start({ startTimeout: 300000 });
    try {
      assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const t = await sim.tenant();
      assert.equal((await t.clock.get()).mode, 'real');
    } finally {
      await sim.stop();
    }
    await assert.rejects(sim.health(), /ECONNREFUSED|fetch failed/, 'stop() ends go run and the simulator it started');
  } finally {
    if (saved !== undefined) process.env.SIM_BINARY = saved;
  }
});
