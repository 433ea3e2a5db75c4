// The CommonJS entry point exports the same classes as the ESM one.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const harness = require('..');

test('require() gives the harness', async () => {
  const esm = await import('../index.mjs');
  for (const name of ['Simulator', 'Tenant', 'Inbox', 'SimulatorError', 'VerificationError']) {
    assert.equal(typeof harness[name], 'function', name);
    assert.equal(esm[name], harness[name], `${name} is the same class from import and require`);
  }
  assert.equal(esm.default, harness);
});

test('a simulator that cannot start says why', async () => {
  await assert.rejects(
    harness.Simulator.start({ binary: '/nonexistent/simulator', startTimeout: 5000 }),
    (err) => err instanceof harness.SimulatorError && /cannot run|exited/.test(err.message),
  );
});
