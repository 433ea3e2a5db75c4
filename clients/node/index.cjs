'use strict';
// Test harness for the telecom provider simulator: starts the simulator (or
// attaches to a running one), gives each test a tenant of its own and wraps
// the /__sim control API: clock, journal, verification, faults, callbacks.
// No runtime dependencies: Node 18+ (global fetch).

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const MODULE = 'github.com/telecomsim/simulator';
const STDERR_KEEP = 16 * 1024; // bytes of the simulator's stderr kept for error messages

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An answer from the simulator with an unexpected status, or no answer. */
class SimulatorError extends Error {
  constructor(message, { status, body } = {}) {
    super(message);
    this.name = 'SimulatorError';
    this.status = status;
    this.body = body;
  }
}

/** A verification that failed; result holds the matches and near misses. */
class VerificationError extends Error {
  constructor(result) {
    super(result.message || `expected ${result.expected} matching request(s), got ${result.count}`);
    this.name = 'VerificationError';
    this.result = result;
  }
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name) {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}

function findCheckout(start) {
  let dir = path.resolve(start);
  for (;;) {
    const mod = path.join(dir, 'go.mod');
    if (fs.existsSync(mod) && fs.readFileSync(mod, 'utf8').match(new RegExp(`^module ${MODULE}\\s*$`, 'm'))) {
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

// command decides how to run the simulator: the binary option, SIM_BINARY,
// `simulator` on PATH, or `go run ./cmd/simulator` in a checkout.
function command(opts) {
  const binary = opts.binary || process.env.SIM_BINARY;
  if (binary) return { cmd: binary, args: [] };
  const found = onPath('simulator');
  if (found) return { cmd: found, args: [] };
  const checkout = opts.checkout || findCheckout(process.cwd()) || findCheckout(__dirname);
  if (checkout && onPath('go')) return { cmd: 'go', args: ['run', './cmd/simulator'], cwd: checkout };
  throw new SimulatorError(
    'cannot find the simulator: pass {binary} or {url}, set SIM_BINARY or SIM_URL, put `simulator` on PATH, ' +
      'or run from a checkout of the simulator with Go installed',
  );
}

function scenarioFile(scenario) {
  if (!scenario) return null;
  if (!scenario.includes('\n') && fs.existsSync(scenario)) return { file: scenario };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulator-'));
  const file = path.join(dir, 'scenario.yaml');
  fs.writeFileSync(file, scenario);
  return { file, dir };
}

function durationString(by) {
  if (typeof by === 'number') return `${by}ms`;
  return String(by);
}

function digits(s) {
  return String(s).replace(/\D/g, '');
}

/** A running simulator: started by start(), or attached to by URL. */
class Simulator {
  constructor(url, { adminToken, child, tmp } = {}) {
    this.url = url.replace(/\/+$/, '');
    this.adminToken = adminToken;
    this._child = child;
    this._tmp = tmp;
    this._providers = null;
    this._exited = null;
  }

  /**
   * Starts the simulator on a free loopback port and waits until it answers,
   * or attaches to a running one at opts.url (or SIM_URL).
   */
  static async start(opts = {}) {
    const adminToken = opts.adminToken || process.env.SIM_ADMIN_TOKEN || undefined;
    const url = opts.url || (opts.binary ? undefined : process.env.SIM_URL);
    const timeout = opts.startTimeout ?? 120000;
    if (url) {
      const sim = new Simulator(url, { adminToken });
      await sim.waitHealthy(timeout);
      return sim;
    }
    const { cmd, args, cwd } = command(opts);
    const scen = scenarioFile(opts.scenario);
    const argv = [...args, 'serve', '--addr', '127.0.0.1:0'];
    if (scen) argv.push('--scenario', scen.file);
    if (adminToken) argv.push('--admin-token', adminToken);
    argv.push(...(opts.args || []));
    const child = spawn(cmd, argv, {
      cwd,
      env: { ...process.env, ...(opts.env || {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32', // its own process group: stop() reaches `go run`'s child too
    });
    const killOnExit = () => killGroup(child, 'SIGKILL');
    process.once('exit', killOnExit);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let stderr = '';
    child.stderr.on('data', (b) => {
      stderr = (stderr + b.toString()).slice(-STDERR_KEEP);
      if (opts.log) opts.log(b.toString());
    });
    const banner = new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b) => {
        if (opts.log) opts.log(b.toString());
        if (out === null) return; // drained from here on
        out = (out + b.toString()).slice(-STDERR_KEEP);
        const m = out.match(/ on (http:\/\/[^\s]+)/);
        if (m) {
          out = null;
          resolve(m[1]);
        }
      });
      child.once('error', (err) => reject(new SimulatorError(`cannot run ${cmd}: ${err.message}`)));
      exited.then(({ code, signal }) =>
        reject(new SimulatorError(`the simulator exited (${signal || code}) before it listened:\n${stderr}`)),
      );
    });
    let timer;
    const timedOut = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new SimulatorError(`the simulator did not start within ${timeout} ms:\n${stderr}`)), timeout);
    });
    let base;
    try {
      base = await Promise.race([banner, timedOut]);
    } catch (err) {
      killGroup(child, 'SIGKILL');
      process.removeListener('exit', killOnExit);
      if (scen && scen.dir) fs.rmSync(scen.dir, { recursive: true, force: true });
      throw err;
    } finally {
      clearTimeout(timer);
    }
    // A simulator nobody stopped must not keep the test process alive.
    child.unref();
    child.stdout.unref?.();
    child.stderr.unref?.();
    const sim = new Simulator(base, { adminToken, child, tmp: scen && scen.dir });
    sim._exited = exited;
    sim._killOnExit = killOnExit;
    try {
      await sim.waitHealthy(timeout);
    } catch (err) {
      await sim.stop();
      throw err;
    }
    return sim;
  }

  /** Waits until GET /__sim/health answers. */
  async waitHealthy(timeout = 30000) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        await this.health();
        return;
      } catch (err) {
        last = err;
      }
      await sleep(50);
    }
    throw new SimulatorError(`the simulator at ${this.url} did not answer within ${timeout} ms: ${last && last.message}`);
  }

  async health() {
    return this.control('GET', '/health');
  }

  /** Stops a simulator this harness started (an attached one is left running). */
  async stop() {
    const child = this._child;
    if (!child) return;
    this._child = null;
    process.removeListener('exit', this._killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM');
      let timer;
      const done = await Promise.race([
        this._exited.then(() => true),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve(false), 10000);
        }),
      ]);
      clearTimeout(timer);
      if (!done) {
        killGroup(child, 'SIGKILL');
        await this._exited;
      }
      // With `go run` the child is the go command; the simulator it built is
      // its child and may still be shutting down when it exits.
      if (this.url) await untilRefused(new URL(this.url), 5000);
    }
    if (this._tmp) fs.rmSync(this._tmp, { recursive: true, force: true });
  }

  /**
   * Calls the control API: path is below /__sim; a body that is not a
   * string is sent as JSON. Resolves to the decoded JSON answer (or text).
   */
  async control(method, p, body, { tenant, expect } = {}) {
    const prefix = tenant ? `/t/${encodeURIComponent(tenant)}` : '';
    const headers = {};
    if (this.adminToken) headers.Authorization = `Bearer ${this.adminToken}`;
    let payload;
    if (body !== undefined && body !== null) {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        payload = body;
      } else {
        payload = JSON.stringify(body);
        headers['Content-Type'] = 'application/json';
      }
    }
    const target = `${this.url}${prefix}/__sim${p}`;
    let res;
    try {
      res = await fetch(target, { method, headers, body: payload });
    } catch (err) {
      throw new SimulatorError(`${method} ${target}: ${err.cause ? err.cause.message : err.message}`);
    }
    const text = await res.text();
    let data = text;
    if ((res.headers.get('content-type') || '').includes('json') && text) {
      data = JSON.parse(text);
    }
    const ok = expect ? expect.includes(res.status) : res.ok;
    if (!ok) {
      const why = data && data.error ? data.error : text;
      throw new SimulatorError(`${method} /__sim${p}: ${res.status}: ${why}`, { status: res.status, body: data });
    }
    return data === '' ? null : data;
  }

  /** The providers with their mounts and base paths (fetched once). */
  async providers() {
    if (!this._providers) {
      const out = await this.control('GET', '/providers');
      this._providers = out.providers;
    }
    return this._providers;
  }

  /** The live tenants. */
  async tenants() {
    return (await this.control('GET', '/tenants')).tenants;
  }

  /**
   * A fresh tenant: opts.id (default: a unique one), opts.scenario (YAML
   * text), opts.frozen (freeze its clock at the scenario start, or at a
   * given time).
   */
  async tenant(opts = {}) {
    const id = opts.id || `${opts.prefix || 'node'}-${crypto.randomBytes(6).toString('hex')}`;
    const t = new Tenant(this, id, await this.providers());
    if (opts.scenario) await t.loadScenario(opts.scenario);
    await t.reset({ frozen: Boolean(opts.frozen) });
    if (opts.frozen && opts.frozen !== true) await t.clock.set(opts.frozen);
    return t;
  }
}

// untilRefused resolves once nothing accepts connections at url's host and
// port, or after ms.
async function untilRefused(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const sock = net.connect({ host: url.hostname, port: Number(url.port) });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (!open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function killGroup(child, signal) {
  try {
    if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}

/** One tenant: its own world of every provider, clock, journal, faults and inboxes. */
class Tenant {
  constructor(sim, id, providers) {
    this.sim = sim;
    this.id = id;
    this.baseUrl = `${sim.url}/t/${encodeURIComponent(id)}`;
    this.controlUrl = `${this.baseUrl}/__sim`;
    this._providers = providers;
    this._inboxes = 0;
    this.clock = {
      now: async () => new Date((await this.control('GET', '/clock')).now),
      get: () => this.control('GET', '/clock'),
      advance: async (by) => this.control('POST', '/clock/advance', { by: durationString(by) }),
      set: async (when) => this.control('POST', '/clock/set', { now: when instanceof Date ? when.toISOString() : when }),
      freeze: () => this.control('POST', '/clock/mode', { mode: 'frozen' }),
      real: () => this.control('POST', '/clock/mode', { mode: 'real' }),
    };
    this.faults = {
      add: (rule) => this.control('POST', '/faults', rule),
      list: async () => (await this.control('GET', '/faults')).faults,
      remove: (id) => this.control('DELETE', `/faults/${encodeURIComponent(id)}`),
      clear: () => this.control('DELETE', '/faults'),
    };
  }

  control(method, p, body, opts = {}) {
    return this.sim.control(method, p, body, { ...opts, tenant: this.id });
  }

  /** The tenant's equivalent of a provider's real base URL, e.g. .../flowroute/v2. */
  url(name) {
    const p = this._providers.find((x) => x.name === name);
    if (!p) throw new SimulatorError(`no provider ${JSON.stringify(name)}; have ${this._providers.map((x) => x.name).join(', ')}`);
    return this.baseUrl + p.mount + p.basePath;
  }

  /** Back to the scenario; {frozen: true} restarts the clock frozen at the scenario start. */
  reset({ frozen = false } = {}) {
    return this.control('POST', '/reset', frozen ? { mode: 'frozen' } : undefined);
  }

  /** Loads a scenario (YAML text) into this tenant only. */
  loadScenario(yaml) {
    return this.control('PUT', '/scenario', yaml);
  }

  /** Journal entries, newest first: {provider, method, path, status, limit}. */
  async journal(filter = {}) {
    const q = new URLSearchParams();
    for (const k of ['provider', 'method', 'path', 'status', 'limit']) {
      if (filter[k] !== undefined && filter[k] !== null && filter[k] !== '') q.set(k, String(filter[k]));
    }
    const qs = q.toString();
    return (await this.control('GET', `/journal${qs ? `?${qs}` : ''}`)).entries;
  }

  clearJournal() {
    return this.control('DELETE', '/journal');
  }

  /** POST /__sim/verify: the answer, whether it holds or not. */
  verify(expect) {
    return this.control('POST', '/verify', expect);
  }

  /**
   * Throws a VerificationError (with the closest requests and what differed)
   * unless the tenant received such requests. Either (method, path, times)
   * where the request path ends with path's segments (a template or glob works
   * too) and times defaults to "at least once", or one verify object.
   */
  async expectCalled(method, p, times) {
    let expect = method;
    if (typeof method === 'string') {
      expect = { method, path: `/**/${String(p).replace(/^\/+/, '')}` };
      if (times !== undefined) expect.count = { exactly: times };
    }
    const res = await this.verify(expect);
    if (!res.ok) throw new VerificationError(res);
    return res;
  }

  /** An inbox (built-in callback receiver): subscribe inbox.url. */
  inbox(name) {
    this._inboxes += 1;
    return new Inbox(this, name || `node-${this._inboxes}-${crypto.randomBytes(3).toString('hex')}`);
  }

  /** Outbound callbacks with their attempts: {status, tfn, type, cic, respOrg, change, limit}. */
  async callbacks(filter = {}) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== null) q.set(k, String(v));
    const qs = q.toString();
    return (await this.control('GET', `/callbacks${qs ? `?${qs}` : ''}`)).callbacks;
  }

  /** Sends a callback again. */
  replayCallback(id) {
    return this.control('POST', `/callbacks/${encodeURIComponent(id)}/replay`);
  }

  /**
   * Waits (wall clock) until a callback matching {type, tfn, cic, respOrg,
   * change} has been delivered, to an inbox or any receiver, and returns it
   * with its body parsed.
   */
  async waitForCallback(match = {}, { timeout = 5000, status = 'delivered', interval = 20 } = {}) {
    const filter = { status };
    for (const k of ['type', 'cic', 'respOrg', 'change']) if (match[k]) filter[k] = match[k];
    if (match.tfn) filter.tfn = digits(match.tfn);
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = await this.callbacks(filter);
      if (found.length > 0) {
        const cb = found[found.length - 1]; // the list is newest first: the oldest match
        return { ...cb, json: parseJSON(cb.body) };
      }
      if (Date.now() >= deadline) {
        throw new SimulatorError(`no ${status} callback matching ${JSON.stringify(match)} within ${timeout} ms`);
      }
      await sleep(interval);
    }
  }

  /** The tenant's whole world (GET /__sim/state); importState puts one back. */
  state() {
    return this.control('GET', '/state');
  }

  importState(state) {
    return this.control('PUT', '/state', typeof state === 'string' ? state : JSON.stringify(state));
  }

  /** Removes the tenant and everything in it. */
  delete() {
    return this.sim.control('DELETE', `/tenants/${encodeURIComponent(this.id)}`, undefined, { expect: [204, 404] });
  }
}

function parseJSON(s) {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** A built-in callback receiver of a tenant. */
class Inbox {
  constructor(tenant, name) {
    this.tenant = tenant;
    this.name = name;
    this.url = `inbox://${name}`;
    this.httpUrl = `${tenant.controlUrl}/inbox/${encodeURIComponent(name)}`;
    this._seen = 0;
  }

  /** Every message, oldest first: {id, type, receivedAt, headers, body}. */
  async messages() {
    return (await this.tenant.control('GET', `/inbox/${encodeURIComponent(this.name)}`)).messages;
  }

  clear() {
    return this.tenant.control('DELETE', `/inbox/${encodeURIComponent(this.name)}`);
  }

  /**
   * The next message this method has not returned yet that matches
   * {type, tfn}, waiting up to timeout ms (wall clock).
   */
  async next(match = {}, { timeout = 5000, interval = 20 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const msgs = await this.messages();
      if (msgs.length > 0 && msgs[msgs.length - 1].id < this._seen) this._seen = 0; // the tenant was reset
      for (const m of msgs) {
        if (m.id <= this._seen) continue;
        this._seen = m.id;
        if (matches(m, match)) return m;
      }
      if (Date.now() >= deadline) {
        throw new SimulatorError(`inbox ${this.name}: no message matching ${JSON.stringify(match)} within ${timeout} ms`);
      }
      await sleep(interval);
    }
  }
}

function matches(msg, match) {
  if (match.type && msg.type !== match.type) return false;
  if (match.tfn && digits((msg.body && msg.body.tfNum) || '') !== digits(match.tfn)) return false;
  return true;
}

module.exports = { Simulator, Tenant, Inbox, SimulatorError, VerificationError };
