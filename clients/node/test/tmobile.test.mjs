// The partner side of T-Mobile Your Number Anywhere linking, with PoP tokens
// built by T-Mobile's own npm builder (tmo-poptoken-builder).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
// The package's "main" names a file it does not ship; its Node builder is this one.
import popBuilder from 'tmo-poptoken-builder/poptoken-builder-node.js';
import { Simulator } from '../index.mjs';

const key = fs.readFileSync(fileURLToPath(new URL('../../../fixtures/tmobile/demo-client-key.pem', import.meta.url)), 'utf8');
const client = { id: 'demo-client', secret: 'demo-secret', redirect: 'http://127.0.0.1:3000/callback' };

const decodeEntities = (s) => s.replace(/&amp;/g, '&').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

// submit fills the page's first form the way a browser would (hidden fields
// as they are, a radio group from fill or its checked button) and posts it.
async function submit(pageUrl, page, fill) {
  const form = page.match(/<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/);
  assert.ok(form, `no form on the page:\n${page}`);
  const fields = new URLSearchParams();
  for (const [, attrText] of form[2].matchAll(/<input ([^>]*)>/g)) {
    const attrs = {};
    for (const [, k, v] of attrText.matchAll(/(\w+)(?:="([^"]*)")?/g)) attrs[k] = v === undefined ? '' : decodeEntities(v);
    const name = attrs.name;
    if (attrs.type === 'hidden') fields.set(name, attrs.value);
    else if (attrs.type === 'radio') {
      if (name in fill ? fill[name] === attrs.value : 'checked' in attrs) fields.set(name, attrs.value);
    } else fields.set(name, fill[name] ?? '');
  }
  const action = new URL(decodeEntities(form[1]), pageUrl);
  return fetch(action, { method: 'POST', body: fields, redirect: 'manual' });
}

// The partner app's API call: Basic or Bearer auth plus a PoP token over
// Authorization, uri (path and query, the query not URL-encoded) and method.
async function popCall(method, url, authorization) {
  const u = new URL(url);
  const uri = u.pathname + (u.search ? '?' + decodeURIComponent(u.search.slice(1).replace(/\+/g, ' ')) : '');
  const ehts = new Map([
    ['Authorization', authorization],
    ['uri', uri],
    ['http-method', method],
  ]);
  const pop = popBuilder.buildPopToken(ehts, key);
  const res = await fetch(url, { method, headers: { Authorization: authorization, 'X-Authorization': pop } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('tmobile', () => {
  let sim;
  before(async () => {
    sim = await Simulator.start();
  });
  after(async () => {
    await sim.stop();
  });

  it('links a line, waits for registration on the clock and unlinks', async () => {
    const t = await sim.tenant({ frozen: true });
    const base = t.url('tmobile');
    const link = `${base}/account-mgmt/linkAccount?` + new URLSearchParams({ client_id: client.id, redirect_uri: client.redirect, state: 'st-1' });

    let res = await fetch(link);
    assert.equal(res.status, 200);
    res = await submit(link, await res.text(), { username: 'demo-user', password: 'demo-pass' });
    assert.equal(res.status, 200);
    res = await submit(link, await res.text(), { msisdn: '4251234568' });
    assert.equal(res.status, 302);
    const back = new URL(res.headers.get('location'));
    assert.equal(back.origin + back.pathname, client.redirect);
    assert.equal(back.searchParams.get('state'), 'st-1');

    const basic = 'Basic ' + Buffer.from(`${client.id}:${client.secret}`).toString('base64');
    const tokenUrl = `${base}/oauth/token?` + new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: client.redirect, code: back.searchParams.get('code') });
    const tok = await popCall('POST', tokenUrl, basic);
    assert.equal(tok.status, 200, JSON.stringify(tok.body));
    assert.equal(tok.body.token_type, 'Bearer');
    assert.equal(tok.body.expires_in, 86400);

    const bearer = `Bearer ${tok.body.access_token}`;
    assert.equal((await popCall('GET', `${base}/account/status`, bearer)).status, 202, 'registration takes a minute');
    await t.clock.advance('1m');
    const status = await popCall('GET', `${base}/account/status`, bearer);
    assert.equal(status.status, 200, JSON.stringify(status.body));
    assert.deepEqual(status.body.lines.map((l) => [l.msisdn, l.regStatus]), [['4251234568', true]]);

    // A PoP token is single-use: the same one sent twice is refused.
    const statusUrl = `${base}/account/status`;
    const pop = popBuilder.buildPopToken(new Map([['Authorization', bearer], ['uri', new URL(statusUrl).pathname], ['http-method', 'GET']]), key);
    const send = () => fetch(statusUrl, { headers: { Authorization: bearer, 'X-Authorization': pop } });
    assert.equal((await send()).status, 200);
    const replay = await send();
    assert.equal(replay.status, 403);
    assert.equal((await replay.json()).errors[0].reasonCode, 'POP_TOKEN_REPLAYED');

    assert.equal((await popCall('DELETE', `${base}/account/unlink`, bearer)).status, 200);
    const after = await popCall('GET', `${base}/account/status`, bearer);
    assert.equal(after.status, 403, 'unlinking revokes the token');
    assert.equal(after.body.errors[0].reasonCode, 'TOKEN_REVOKED');

    await t.expectCalled({ provider: 'tmobile', method: 'POST', path: '/oauth/token', query: { grant_type: 'authorization_code' }, count: 1 });
    await t.expectCalled('GET', '/account/status', 5);
    await t.delete();
  });
});
