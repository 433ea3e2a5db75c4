// The dashboard's story views: the timeline (everything that happened in
// the tenant, in clock order, API calls grouped into flows), a number's life
// across providers, and presenter mode with scripted demo scenes. Like the
// rest of the page it uses only the public APIs: /__sim and, for the
// scenes, the providers' own endpoints.
'use strict';

(() => {
  const ui = window.SimUI;
  if (!ui) return;
  const { h, fill, call, toast, fmtTime, pretty, badge, statusClass, wordClass } = ui;
  const $ = (sel, el = document) => el.querySelector(sel);
  const $$ = (sel, el = document) => Array.from(el.querySelectorAll(sel));

  // ---- timeline ----------------------------------------------------------
  let storyRaw = '';
  let story = { items: [], flows: [] };
  let selected = null;

  const kindLabel = { api: 'API call', lifecycle: 'lifecycle', callback: 'callback', clock: 'clock', event: 'scenario event', tenant: 'tenant' };
  const kindClass = { api: '', lifecycle: 'ok', callback: 'warn', clock: 'clock', event: 'event', tenant: '' };

  async function loadTimeline(force) {
    const q = $('#timeline-number').value.trim();
    const res = await call('GET', '/timeline?limit=1000' + (q ? '&number=' + encodeURIComponent(q) : ''));
    if (!res.ok) {
      fill($('#timeline'), h('li', { class: 'empty' }, res.status === 404 ? 'The timeline is not available in this build.' : 'Could not read the timeline: ' + res.error));
      storyRaw = '';
      return;
    }
    if (!force && res.text === storyRaw) return;
    storyRaw = res.text;
    story = res.data || { items: [], flows: [] };
    renderTimeline();
  }

  function numberChips(nums) {
    return (nums || []).map((n) => h('button', {
      type: 'button', class: 'chip', 'aria-label': 'Show the life of number ' + n,
      onclick: (e) => { e.stopPropagation(); showNumber(n); },
    }, n));
  }

  function itemRow(it) {
    const status = it.kind === 'api' ? badge(String(it.status), statusClass(it.status)) : null;
    const li = h('li', {
      class: 'tl-item kind-' + it.kind + (selected === it.seq ? ' selected' : ''),
      tabindex: 0, dataset: { seq: String(it.seq), kind: it.kind, provider: it.provider || '' },
      'aria-label': (kindLabel[it.kind] || it.kind) + ': ' + it.summary,
    },
    h('time', { class: 'mono tl-time', datetime: it.time }, fmtTime(it.time).replace(' UTC', '')),
    h('span', { class: 'tl-kind' }, badge(kindLabel[it.kind] || it.kind, kindClass[it.kind] || '')),
    h('span', { class: 'tl-provider muted' }, it.provider || ''),
    h('span', { class: 'tl-summary' }, status, ' ', it.kind === 'api' ? h('code', {}, it.method + ' ' + it.path) : it.summary,
      it.kind === 'api' && it.followsFrom ? h('span', { class: 'muted follows' }, ' ← used ' + via(it.via) + ' from call #' + it.followsFrom) : null,
      it.fault ? h('span', { class: 'badge bad' }, '⚡ ' + it.fault) : null),
    h('span', { class: 'tl-numbers' }, numberChips(it.numbers)));
    li.addEventListener('click', () => select(it));
    li.addEventListener('keydown', (e) => { if (e.key === 'Enter') select(it); });
    return li;
  }

  // via names the value a call used: a masked token reads "the token".
  function via(v) {
    return String(v || '').startsWith('[redacted') ? 'the token' : shorten(v);
  }
  function shorten(v) {
    v = String(v || '');
    return v.length > 24 ? v.slice(0, 10) + '…' + v.slice(-8) : v;
  }

  // renderTimeline lists the items in the order they happened. With
  // grouping on, the calls of a flow are shown together where the flow
  // began, in their own order.
  function renderTimeline() {
    const kind = $('#timeline-kind').value;
    const group = $('#timeline-flows').checked;
    const flows = new Map((story.flows || []).map((f) => [f.id, f]));
    const items = (story.items || []).filter((it) => !kind || it.kind === kind);
    const list = $('#timeline');
    const y = window.scrollY;
    fill(list);
    const placed = new Set();
    for (const it of items) {
      if (group && it.kind === 'api' && it.flow && flows.has(it.flow)) {
        if (placed.has(it.flow)) continue;
        placed.add(it.flow);
        const f = flows.get(it.flow);
        const calls = items.filter((x) => x.kind === 'api' && x.flow === it.flow);
        list.append(h('li', { class: 'tl-flow', dataset: { flow: String(f.id) } },
          h('details', { open: true },
            h('summary', {}, badge('flow', 'flow'), ' ', h('span', { class: 'flow-title' }, f.title), h('span', { class: 'muted' }, ' · ' + calls.length + ' calls')),
            h('ol', { class: 'timeline nested' }, calls.map(itemRow)))));
        continue;
      }
      list.append(itemRow(it));
    }
    if (!items.length) list.append(h('li', { class: 'empty' }, 'Nothing has happened yet in this tenant' + (kind ? ' of this kind' : '') + '.'));
    $('#timeline-count').textContent = items.length + ' items · ' + (story.flows || []).length + ' flows';
    window.scrollTo(0, y);
  }

  async function select(it) {
    selected = it.seq;
    $$('#timeline .tl-item.selected').forEach((el) => el.classList.remove('selected'));
    $$('#timeline .tl-item[data-seq="' + it.seq + '"]').forEach((el) => el.classList.add('selected'));
    const box = $('#timeline-detail');
    const head = [h('h3', {}, (kindLabel[it.kind] || it.kind) + (it.provider ? ' · ' + it.provider : '')),
      h('p', { class: 'mono' }, fmtTime(it.time)), h('p', {}, it.summary)];
    if (it.kind !== 'api') {
      const d = it.detail || {};
      fill(box, head, Object.keys(d).length ? h('dl', { class: 'kv' }, Object.entries(d).map(([k, v]) => [h('dt', {}, ui.label(k)),
        h('dd', {}, ui.isSecret(k) ? ui.maskedCell(k, v) : (String(v).length > 60 ? h('pre', { class: 'code' }, pretty(v)) : String(v)))])) : null,
      numberChips(it.numbers));
      return;
    }
    fill(box, head, h('p', { class: 'muted' }, 'Loading the request…'));
    const res = await call('GET', '/journal?provider=' + encodeURIComponent(it.provider) + '&limit=0');
    const e = res.ok ? ui.firstArray(res.data, 'entries').find((x) => x.id === it.journalId) : null;
    if (!e) {
      fill(box, head, h('p', { class: 'muted' }, 'The journal no longer holds this request.'));
      return;
    }
    fill(box, head,
      it.followsFrom ? h('p', {}, 'Follows call #' + it.followsFrom + ', whose answer gave ', h('code', {}, via(it.via)), '.') : null,
      h('h4', {}, 'Request'), h('pre', { class: 'code' }, e.method + ' ' + e.path + (e.query ? '?' + e.query : '') + '\n' +
        Object.entries(e.requestHeaders || {}).map(([k, v]) => k + ': ' + v).join('\n') + '\n\n' + pretty(e.requestBody)),
      h('h4', {}, 'Response ', badge(String(e.status), statusClass(e.status))), h('pre', { class: 'code' }, pretty(e.responseBody)));
  }

  function setupTimeline() {
    $('#timeline-filters').addEventListener('submit', (e) => e.preventDefault());
    $('#timeline-kind').addEventListener('change', renderTimeline);
    $('#timeline-flows').addEventListener('change', renderTimeline);
    let t = null;
    $('#timeline-number').addEventListener('input', () => { clearTimeout(t); t = setTimeout(() => loadTimeline(true), 250); });
  }

  // ---- a number's life ---------------------------------------------------
  function showNumber(n) {
    $('#number-query').value = n;
    ui.showTab('number');
    loadNumber();
  }

  // The fields worth a column in a record card, in this order when there.
  const keyFields = ['id', 'tfn', 'number', 'did', 'did_number', 'value', 'cnam', 'respOrg', 'status', 'account', 'created', 'updated'];

  async function loadNumber() {
    const q = $('#number-query').value.trim();
    const view = $('#number-view');
    if (!q) return;
    const res = await call('GET', '/numbers/' + encodeURIComponent(q));
    if (!res.ok) {
      fill(view, h('p', { class: 'error' }, res.status === 404 ? "A number's life is not available in this build." : res.error));
      $('#number-summary').textContent = '';
      return;
    }
    const d = res.data;
    const provs = d.providers || [];
    $('#number-summary').textContent = (d.number ? 'number ' + d.number : 'text "' + d.query + '"') + ' · held by ' + provs.length +
      ' provider' + (provs.length === 1 ? '' : 's') + ' · ' + (d.timeline || []).length + ' timeline items';
    // The record itself first, then what refers to it (deliveries, events).
    const rank = (r) => (/deliver|event|journal|attempt|history|log/i.test(r.path) ? 2 : 0) + (/^(tfn|number|did|value|cnam)$/i.test(r.field) ? 0 : 1);
    const cards = provs.map((p) => h('section', { class: 'card', dataset: { provider: p.provider } },
      h('h3', {}, p.title || p.provider, ' ', h('span', { class: 'muted mono' }, p.provider)),
      p.records.slice().sort((a, b) => rank(a) - rank(b)).map((r) => {
        const keys = Object.keys(r.record).filter((k) => !ui.isInternal(k) || ui.internalsShown());
        keys.sort((a, b) => ((keyFields.indexOf(a) + 1) || 99) - ((keyFields.indexOf(b) + 1) || 99));
        return h('div', { class: 'record' },
          h('p', {}, h('code', { class: 'muted' }, r.path), ' ', r.status ? badge(r.status, wordClass(r.status)) : null,
            h('span', { class: 'muted' }, ' holds it in ', h('code', {}, r.field))),
          h('dl', { class: 'kv' }, keys.slice(0, 12).map((k) => [h('dt', { title: k }, ui.label(k)),
            h('dd', {}, ui.isSecret(k) ? ui.maskedCell(k, r.record[k]) : ui.cell(r.record[k]))])));
      }),
      p.more ? h('p', { class: 'muted' }, p.more + ' more records') : null));
    const items = d.timeline || [];
    fill(view,
      provs.length ? h('div', { class: 'cards' }, cards) : h('p', { class: 'muted' }, 'No provider holds it in this tenant.'),
      h('h3', {}, 'What happened to it'),
      items.length ? h('ol', { class: 'timeline' }, items.map(itemRow)) : h('p', { class: 'muted' }, 'Nothing on the timeline concerns it yet.'));
  }

  function setupNumber() {
    $('#number-form').addEventListener('submit', (e) => { e.preventDefault(); loadNumber(); });
  }

  // ---- presenter mode and scenes -----------------------------------------
  function setPresenter(on) {
    document.documentElement.classList.toggle('presenter', on);
    $('#presenter-toggle').setAttribute('aria-pressed', String(on));
    $('#presenter').hidden = !on;
    sessionStorage.setItem('sim-presenter', on ? '1' : '0');
    if (on) ui.showTab('timeline');
  }

  // provider calls a provider's API in this tenant, as a client would.
  async function provider(method, path, opts = {}) {
    const headers = Object.assign({}, opts.headers || {});
    let body = opts.body;
    if (opts.json !== undefined) { body = JSON.stringify(opts.json); headers['Content-Type'] = 'application/json'; }
    if (opts.form !== undefined) { body = new URLSearchParams(opts.form).toString(); headers['Content-Type'] = 'application/x-www-form-urlencoded'; }
    const res = await fetch(ui.root + path, { method, headers, body, cache: 'no-store' });
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = text; }
    if (!res.ok) throw new Error(method + ' ' + path + ' answered ' + res.status + ': ' + text.slice(0, 200));
    return data;
  }
  async function control(method, path, body) {
    const res = await call(method, path, body);
    if (!res.ok) throw new Error(method + ' /__sim' + path + ': ' + res.error);
    return res.data;
  }
  const flowrouteAuth = { Authorization: 'Basic ' + btoa('demo-access-key:demo-secret-key') };
  function call48OK(d, what) {
    if (!d || (d.code !== undefined && d.code !== 200)) throw new Error(what + ': ' + JSON.stringify(d && (d.error || d.message || d)));
    return d;
  }

  // Each scene is a short demo flow through the public APIs on the default
  // scenario's demo accounts; each step says what it does.
  const scenes = [
    {
      id: 'buy-and-name', title: 'Buy a number and name it',
      steps: [
        ['Log in to Call48 as the demo customer', async (s) => {
          const d = call48OK(await provider('POST', '/call48/api/v4/login', { json: { user_name: 'mark', password: 'password' } }), 'login');
          s.token = (d.data && d.data.token) || d.token;
        }],
        ['Search local numbers in New York City', async (s) => {
          const d = call48OK(await provider('GET', '/call48/api/v4/search?state=NY&ratecenter=NWYRCYZN01&type=local&limit=5', { headers: { Authorization: s.token } }), 'search');
          const rows = ui.firstArray(d.data || d, 'result');
          if (!rows.length) throw new Error('the search found no number');
          s.row = rows[0];
          return 'found ' + rows.length + ', taking ' + s.row.number;
        }],
        ['Buy it', async (s) => {
          const r = s.row;
          call48OK(await provider('POST', '/call48/api/v4/purchase', { headers: { Authorization: s.token },
            json: { type: 'local', numbers: [{ npa: r.npa, nxx: r.nxx, xxxx: r.xxxx, state: r.state, ratecenter: r.ratecenter }] } }), 'purchase');
          return 'bought ' + r.number;
        }],
        ['Name it: set its caller ID (CNAM)', async (s) => {
          const d = call48OK(await provider('GET', '/call48/api/v4/dids?max=1000', { headers: { Authorization: s.token } }), 'dids');
          const last10 = (v) => String(v || '').replace(/\D/g, '').slice(-10);
          const did = ui.firstArray(d.data || d).find((x) => last10(x.number || x.did) === last10(s.row.number));
          if (!did) throw new Error(s.row.number + ' is not among the account\'s DIDs');
          call48OK(await provider('POST', '/call48/api/v4/did/create-cnam', { headers: { Authorization: s.token },
            json: { did_id: did._id, cnam_type: 'BIZ', cnam_status: true, display_name: 'ACME DEMO', display_number: s.row.number } }), 'create-cnam');
          return s.row.number + ' shows as ACME DEMO';
        }],
        ['Look at the number across providers', async (s) => { showNumber(s.row.number); }],
      ],
    },
    {
      id: 'flowroute-caller-id', title: 'Name a toll-free number on Flowroute',
      steps: [
        ['Create a caller-ID record; it waits for approval', async (s) => {
          const d = await provider('POST', '/flowroute/v2/cnams', { headers: flowrouteAuth, json: { value: 'ACME SUPPORT' } });
          s.id = d.data.id;
          return 'record ' + s.id + ' is pending';
        }],
        ['Four hours pass: Flowroute approves it', async () => { await control('POST', '/clock/advance', { by: '4h' }); }],
        ['Give it to 1-800-990-0001', async (s) => {
          await provider('PATCH', '/flowroute/v2/numbers/18009900001/relationships/cnams/' + s.id, { headers: flowrouteAuth });
        }],
        ['Look at the number across providers', async () => { showNumber('8009900001'); }],
      ],
    },
    {
      id: 'port-in', title: 'Port a number in',
      steps: [
        ['Log in to Call48 as the demo customer', async (s) => {
          const d = call48OK(await provider('POST', '/call48/api/v4/login', { json: { user_name: 'mark', password: 'password' } }), 'login');
          s.token = (d.data && d.data.token) || d.token;
        }],
        ['Check that 701-200-4711 can be ported', async (s) => {
          const d = call48OK(await provider('POST', '/call48/api/v4/port-in/check-ports', { headers: { Authorization: s.token },
            json: { did_type: 'LCL', numbers: ['7012004711'] } }), 'check-ports');
          return d.message || '';
        }],
        ['Submit the port request with the subscriber\'s details', async (s) => {
          // The FOC date asked for is three days ahead on the tenant clock.
          const c = await control('GET', '/clock');
          const foc = new Date(Date.parse(c.now) + 3 * 86400000).toISOString().slice(0, 10);
          const d = call48OK(await provider('POST', '/call48/api/v4/port-in/submit-port-details', { headers: { Authorization: s.token }, json: {
            did_type: 'LCL', numbers: ['7012004711'], port_req_detail: {
              cust_acc_name: 'Acme Labs', cust_authorized_name: 'Dana Whitfield', cust_acc_type: 'BIZ', cust_acc_number: 'A-100200',
              address_number: '100', address_street_name: 'Broadway', address_loc_designator: 'Suite 4', city: 'Fargo', state: 'ND',
              postal_code: '58102', btn: '7012004711', activation_type: 'Auto', desired_foc_date: foc + 'T00:00:00Z',
              activation_date: foc + 'T12:00:00-05:00',
            } } }), 'submit-port-details');
          return 'port request ' + ((d.data && d.data.port_req_id) || '') + ' submitted';
        }],
        ['Days pass: reviewed, FOC received, activated', async () => { await control('POST', '/clock/advance', { by: '4d' }); }],
        ['Look at the number across providers', async () => { showNumber('7012004711'); }],
      ],
    },
    {
      id: 'carrier-change', title: 'A carrier change reaches the Resp Org',
      steps: [
        ['The registry adds carrier 0222 to 1-800-990-0001', async () => {
          await control('POST', '/tnregistry/records/8009900001/changes', { change: 'cic-addition', cic: '0222' });
        }],
        ['Five minutes pass: the UNS message is delivered', async () => { await control('POST', '/clock/advance', { by: '5m' }); }],
        ['The Resp Org\'s inbox holds it', async () => {
          const d = await control('GET', '/inbox/demo');
          const n = ui.firstArray(d, 'messages', 'entries').length;
          return n + ' message' + (n === 1 ? '' : 's') + ' in inbox "demo"';
        }],
        ['Look at the number across providers', async () => { showNumber('8009900001'); }],
      ],
    },
  ];

  let running = false;
  async function runScene(scene) {
    if (running) return;
    running = true;
    const btn = $('#scenes button[data-scene="' + scene.id + '"]');
    btn.setAttribute('aria-busy', 'true');
    btn.dataset.state = 'running';
    const caption = $('#scene-caption');
    const state = {};
    let i = 0;
    try {
      for (const [what, step] of scene.steps) {
        i++;
        caption.textContent = scene.title + ' · ' + i + '/' + scene.steps.length + ': ' + what + '…';
        const said = await step(state);
        caption.textContent = scene.title + ' · ' + i + '/' + scene.steps.length + ': ' + what + (said ? ' — ' + said : '') + '.';
        await ui.loadClock();
        if ($('#tab-timeline').hidden === false) await loadTimeline(false);
        await new Promise((r) => setTimeout(r, 400));
      }
      caption.textContent = scene.title + ': done.';
      btn.dataset.state = 'done';
    } catch (err) {
      btn.dataset.state = 'failed';
      caption.textContent = scene.title + ' stopped at step ' + i + ': ' + err.message;
      toast(caption.textContent, true);
    } finally {
      btn.removeAttribute('aria-busy');
      running = false;
      ui.refreshAll();
    }
  }

  function setupPresenter() {
    fill($('#scenes'), scenes.map((sc) => h('button', { type: 'button', class: 'scene', dataset: { scene: sc.id }, onclick: () => runScene(sc) }, sc.title)));
    $('#presenter-toggle').addEventListener('click', () => setPresenter(!document.documentElement.classList.contains('presenter')));
    for (const b of $$('[data-present-advance]')) b.addEventListener('click', () => ui.advance(b.dataset.presentAdvance));
    setInterval(() => { $('#presenter-now').textContent = $('#clock-now').textContent; }, 500);
    if (sessionStorage.getItem('sim-presenter') === '1') document.addEventListener('DOMContentLoaded', () => setPresenter(true));
  }

  setupTimeline();
  setupNumber();
  setupPresenter();
  ui.addView('timeline', { load: (now) => loadTimeline(now), poll: true });
  ui.addView('number', { load: (now) => { if (now) loadNumber(); }, poll: false });
})();
