// Dashboard for the telecom provider simulator. Plain JavaScript, no build
// step: everything here goes through the public JSON control API (/__sim).
// The page works for any tenant: it is opened at /t/{tenant}/__sim/ui/ (or
// /__sim/ui/ for the default tenant) and calls the API below the same prefix.
'use strict';

(() => {
  // ---- where we are ------------------------------------------------------
  const here = window.location.pathname;
  const uiAt = here.indexOf('/__sim/ui');
  const root = uiAt >= 0 ? here.slice(0, uiAt) : '';
  const tm = root.match(/^(.*?)\/t\/([^/]+)$/);
  const site = tm ? tm[1] : root; // prefix before any tenant (a reverse proxy's, usually "")
  const tenant = tm ? decodeURIComponent(tm[2]) : 'default';
  const api = root + '/__sim';
  const tokenKey = 'sim-admin-token';

  const $ = (sel, el = document) => el.querySelector(sel);
  const $$ = (sel, el = document) => Array.from(el.querySelectorAll(sel));

  // h builds an element: h('td', {class: 'x', onclick: f}, 'text', child...).
  // Text is always set as text, never parsed as HTML.
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    return appendKids(el, kids);
  }
  // appendKids appends children, flattening lists, skipping null, undefined
  // and false, and turning other values into text.
  function appendKids(el, kids) {
    for (const kid of kids.flat(Infinity)) {
      if (kid === undefined || kid === null || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }

  // fill replaces an element's children, like h.
  function fill(el, ...kids) {
    el.replaceChildren();
    return appendKids(el, kids);
  }

  // ---- control API -------------------------------------------------------
  // base is the control API to call: this tenant's (api) unless told, e.g.
  // the root one (site + '/__sim') that lists every tenant.
  async function call(method, path, body, type, base = api) {
    const headers = {};
    const tok = sessionStorage.getItem(tokenKey);
    if (tok) headers.Authorization = 'Bearer ' + tok;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['Content-Type'] = type || 'application/json';
    }
    let res;
    try {
      res = await fetch(base + path, { method, headers, body: payload, cache: 'no-store' });
    } catch (err) {
      return { status: 0, ok: false, data: null, text: '', error: 'the simulator did not answer (' + err.message + ')' };
    }
    const replica = res.headers.get('X-Sim-Replica');
    if (replica) {
      const el = $('#replica');
      el.hidden = false;
      el.textContent = 'replica ' + replica;
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = text; }
    const out = { status: res.status, ok: res.ok, data, text };
    if (!res.ok) out.error = (data && data.error) || (res.status + ' ' + res.statusText);
    if (res.status === 401) $('#auth-banner').hidden = false;
    return out;
  }

  function toast(msg, bad) {
    const el = h('div', { class: bad ? 'bad' : '' }, msg);
    $('#toast').append(el);
    setTimeout(() => el.remove(), bad ? 7000 : 3500);
  }

  // report shows a failed call and tells whether it failed.
  function failed(res, what) {
    if (res.ok) return false;
    toast(what + ': ' + res.error, true);
    return true;
  }

  // ---- formatting --------------------------------------------------------
  function fmtTime(v) {
    if (!v) return '';
    const d = new Date(v);
    if (isNaN(d)) return String(v);
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace('Z', ' UTC');
  }
  const isoRe = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
  function pretty(body) {
    if (body === undefined || body === null || body === '') return '(empty)';
    if (typeof body !== 'string') return JSON.stringify(body, null, 2);
    try { return JSON.stringify(JSON.parse(body), null, 2); } catch { return body; }
  }
  function statusClass(code) {
    if (!code) return 'bad';
    if (code < 300) return 'ok';
    if (code < 500) return 'warn';
    return 'bad';
  }
  function wordClass(s) {
    s = String(s).toLowerCase();
    if (/^(approved|delivered|working|active|linked|ok|completed|complete|success|activated)$/.test(s)) return 'ok';
    if (/^(rejected|dead|failed|error|disconnect|cancelled|canceled|conflict)$/.test(s)) return 'bad';
    if (/^(pending|queued|reserved|transitional|in-progress|processing|submitted)$/.test(s)) return 'warn';
    return '';
  }
  function badge(text, cls) { return h('span', { class: 'badge ' + (cls || '') }, text); }
  // sourceLabel marks answers that no emulated route gave: a stub or the proxy.
  function sourceLabel(src) { return (src.startsWith('stub') ? '◆ ' : '⇄ ') + src; }
  // firstArray finds the list in an answer whose shape is not fixed yet.
  function firstArray(data, ...keys) {
    if (Array.isArray(data)) return data;
    if (!data || typeof data !== 'object') return [];
    for (const k of keys) if (Array.isArray(data[k])) return data[k];
    for (const v of Object.values(data)) if (Array.isArray(v)) return v;
    return [];
  }

  // ---- tabs --------------------------------------------------------------
  const tabs = ['overview', 'timeline', 'number', 'journal', 'callbacks', 'state', 'faults', 'scenario'];
  // Views added by other scripts (story.js): name -> {load(now), poll}.
  const extraViews = {};
  let active = 'overview';
  function showTab(name) {
    if (!tabs.includes(name)) name = 'overview';
    active = name;
    for (const t of tabs) {
      $('#tab-' + t).hidden = t !== name;
      const b = $('#tabbtn-' + t);
      b.setAttribute('aria-selected', String(t === name));
      b.tabIndex = t === name ? 0 : -1;
    }
    if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
    refreshActive(true);
  }
  function setupTabs() {
    for (const b of $$('.tabs [role=tab]')) {
      b.addEventListener('click', () => showTab(b.dataset.tab));
      b.addEventListener('keydown', (e) => {
        const i = tabs.indexOf(b.dataset.tab);
        let j = -1;
        if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
        if (e.key === 'ArrowLeft') j = (i + tabs.length - 1) % tabs.length;
        if (j >= 0) { showTab(tabs[j]); $('#tabbtn-' + tabs[j]).focus(); }
      });
    }
    window.addEventListener('hashchange', () => showTab(location.hash.slice(1)));
  }

  // ---- dialog ------------------------------------------------------------
  // ask shows a modal with fields and resolves to their values, or null.
  function ask(title, fields, okText) {
    const dlg = $('#dialog');
    $('#dialog-title').textContent = title;
    const body = $('#dialog-body');
    fill(body);
    for (const f of fields || []) {
      if (f.text) { body.append(h('p', {}, f.text)); continue; }
      const input = f.multiline
        ? h('textarea', { name: f.name, rows: 6, class: 'mono', spellcheck: 'false' })
        : h('input', { name: f.name, size: 40, placeholder: f.placeholder || '' });
      input.value = f.value || '';
      body.append(h('label', {}, f.label, input));
    }
    $('#dialog-ok').textContent = okText || 'OK';
    return new Promise((resolve) => {
      dlg.addEventListener('close', function done() {
        dlg.removeEventListener('close', done);
        if (dlg.returnValue !== 'ok') return resolve(null);
        const out = {};
        for (const el of $$('input, textarea', body)) out[el.name] = el.value;
        resolve(out);
      });
      dlg.returnValue = '';
      dlg.showModal();
      const first = $('input, textarea', body);
      if (first) first.focus();
    });
  }

  // ---- header: tenant, clock, reset, text size ---------------------------
  let clockView = null; // {now(ms), mode, pending, at(ms of performance.now)}
  function tenantURL(id) {
    const prefix = id === 'default' ? site : site + '/t/' + encodeURIComponent(id);
    return prefix + '/__sim/ui/' + location.hash;
  }
  function setupHeader() {
    $('#tenant-input').value = tenant;
    $('#tenant-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const id = $('#tenant-input').value.trim();
      if (id && id !== tenant) location.href = tenantURL(id);
    });
    for (const b of $$('[data-advance]')) b.addEventListener('click', () => advance(b.dataset.advance));
    $('#advance-form').addEventListener('submit', (e) => {
      e.preventDefault();
      advance($('#advance-by').value.trim());
    });
    $('#mode-toggle').addEventListener('click', async () => {
      if (!clockView) return;
      const mode = clockView.mode === 'frozen' ? 'real' : 'frozen';
      const res = await call('POST', '/clock/mode', { mode });
      if (failed(res, 'Clock mode')) return;
      setClock(res.data);
      toast(mode === 'frozen' ? 'Clock frozen' : 'Clock running in real time');
    });
    $('#reset').addEventListener('click', async () => {
      const ok = await ask('Reset tenant ' + tenant + '?', [{ text: 'Its whole world (state, clock, journal, faults) goes back to the start of its scenario.' }], 'Reset');
      if (!ok) return;
      const res = await call('POST', '/reset');
      if (failed(res, 'Reset')) return;
      toast('Tenant reset');
      journalSeen = '';
      stateRaw = '';
      refreshAll();
    });
    const large = localStorage.getItem('sim-large') === '1';
    setLarge(large);
    $('#text-size').addEventListener('click', () => setLarge(!document.documentElement.classList.contains('large')));
    $('#auth-form').addEventListener('submit', (e) => {
      e.preventDefault();
      sessionStorage.setItem(tokenKey, $('#auth-token').value);
      $('#auth-banner').hidden = true;
      refreshAll();
    });
    $('#control-link').href = api + '/';
  }
  function setLarge(on) {
    document.documentElement.classList.toggle('large', on);
    $('#text-size').setAttribute('aria-pressed', String(on));
    localStorage.setItem('sim-large', on ? '1' : '0');
  }
  async function advance(by) {
    if (!by) return;
    const res = await call('POST', '/clock/advance', { by });
    if (failed(res, 'Advance')) return;
    setClock(res.data);
    toast('Clock advanced by ' + by);
    refreshActive(true);
  }
  function setClock(c) {
    if (!c || !c.now) return;
    clockView = { now: Date.parse(c.now), mode: c.mode, pending: c.pendingTimers, at: performance.now() };
    paintClock();
  }
  function paintClock() {
    if (!clockView) return;
    let now = clockView.now;
    if (clockView.mode !== 'frozen') now += performance.now() - clockView.at;
    $('#clock-now').textContent = fmtTime(now);
    $('#clock-now').setAttribute('datetime', new Date(now).toISOString());
    const m = $('#clock-mode');
    m.textContent = clockView.mode;
    m.className = 'badge ' + (clockView.mode === 'frozen' ? 'warn' : 'ok');
    $('#mode-toggle').textContent = clockView.mode === 'frozen' ? 'Unfreeze' : 'Freeze';
    $('#clock-pending').textContent = clockView.pending ? clockView.pending + ' pending timer' + (clockView.pending === 1 ? '' : 's') : '';
  }
  async function loadClock() {
    const res = await call('GET', '/clock');
    if (res.ok) setClock(res.data);
  }

  // ---- overview ----------------------------------------------------------
  let providers = [];
  let endpoints = [];
  async function loadProviders() {
    const res = await call('GET', '/providers');
    if (!res.ok) {
      fill($('#providers-table tbody'), h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'Could not list providers: ' + res.error)));
      return;
    }
    providers = firstArray(res.data, 'providers');
    const body = $('#providers-table tbody');
    fill(body);
    for (const p of providers) {
      const url = location.origin + root + (p.url || (p.mount || '') + (p.basePath || ''));
      const spec = root + (p.specUrl || '/__sim/openapi/' + p.name);
      // A provider the documents give no inbound API (TFNRegistry calls
      // you) is driven through its levers: show those, not a dead URL.
      const levers = providerLevers(p.name);
      const where = p.routes === 0
        ? h('td', { class: 'levers-cell' }, h('span', { class: 'muted' }, 'No inbound API: it calls you. '),
          h('button', { type: 'button', class: 'small', onclick: () => { localStorage.setItem('sim-state-provider', p.name); stateProvider = p.name; showTab('state'); } }, 'Open its levers'),
          h('details', {}, h('summary', {}, levers.length + ' control levers'),
            h('ul', { class: 'lever-list' }, levers.map((lv) => h('li', {}, h('span', { class: 'method' }, lv.method), ' ', h('code', {}, '/__sim' + lv.path))))))
        : h('td', { class: 'path' }, h('a', { href: url }, url), ' ',
          h('button', { type: 'button', class: 'small', 'aria-label': 'Copy the ' + p.name + ' base URL', onclick: () => copy(url) }, 'Copy'));
      body.append(h('tr', { dataset: { provider: p.name } },
        h('td', {}, h('strong', {}, p.title || p.name), h('br'), h('span', { class: 'muted mono' }, p.name)),
        where,
        h('td', { class: 'path' }, p.realBase || ''),
        h('td', { class: 'num' }, p.routes === undefined ? '' : String(p.routes)),
        h('td', {}, h('a', { href: spec }, 'OpenAPI'),
          p.docsUrl ? h('span', { class: 'muted' }, ' · ', h('a', { href: root + p.docsUrl, title: p.docs || '' }, 'Docs'))
            : p.docs ? h('span', { class: 'muted' }, ' · ', h('code', { title: 'in the project repository' }, p.docs)) : null)));
    }
    if (!providers.length) body.append(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No providers are served.')));
    const sel = $('#journal-provider');
    const fsel = $('#fault-provider');
    const keepJ = sel.value;
    fill(sel, h('option', { value: '' }, 'all'));
    fill(fsel, h('option', { value: '*' }, '* (every provider)'));
    for (const p of providers) {
      sel.append(h('option', { value: p.name }, p.name));
      fsel.append(h('option', { value: p.name }, p.name));
    }
    sel.value = keepJ;
    fsel.value = providers.length ? providers[0].name : '*';
    updateFaultJSON();
  }
  async function copy(text) {
    try { await navigator.clipboard.writeText(text); toast('Copied ' + text); } catch { toast('Copy: ' + text); }
  }
  async function loadEndpoints() {
    const res = await call('GET', '/');
    if (res.ok) endpoints = firstArray(res.data, 'endpoints');
  }
  let tenantList = [];
  let tenantPage = 0;
  const tenantsPerPage = 25;
  async function loadTenants() {
    // A tenant's own control path lists only that tenant; the root lists all.
    const res = await call('GET', '/tenants', undefined, undefined, site + '/__sim');
    if (!res.ok) return;
    tenantList = firstArray(res.data, 'tenants');
    tenantList.sort((a, b) => (b.id === tenant) - (a.id === tenant) || String(b.lastUsed).localeCompare(String(a.lastUsed)));
    fill($('#tenant-list'), ...tenantList.slice(0, 200).map((t) => h('option', { value: t.id })));
    renderTenants();
  }
  // renderTenants shows one page of the tenants whose id or scenario holds
  // the filter, this page's tenant first, then the most recently used.
  function renderTenants() {
    const filter = $('#tenants-filter').value.trim().toLowerCase();
    const list = tenantList.filter((t) => !filter || t.id.toLowerCase().includes(filter) || String(t.scenario || '').toLowerCase().includes(filter));
    const pages = Math.max(1, Math.ceil(list.length / tenantsPerPage));
    tenantPage = Math.min(tenantPage, pages - 1);
    $('#tenants-prev').disabled = tenantPage === 0;
    $('#tenants-next').disabled = tenantPage >= pages - 1;
    $('#tenants-count').textContent = list.length + ' of ' + tenantList.length + ' tenants · page ' + (tenantPage + 1) + ' of ' + pages;
    const body = $('#tenants-table tbody');
    fill(body);
    for (const t of list.slice(tenantPage * tenantsPerPage, (tenantPage + 1) * tenantsPerPage)) {
      body.append(h('tr', { 'aria-current': t.id === tenant ? 'true' : null },
        h('td', {}, t.id === tenant ? h('strong', {}, t.id + ' (this page)') : h('a', { href: tenantURL(t.id) }, t.id)),
        h('td', {}, t.scenario || ''),
        h('td', { class: 'mono' }, fmtTime(t.now)),
        h('td', {}, t.mode ? badge(t.mode, t.mode === 'frozen' ? 'warn' : 'ok') : ''),
        h('td', { class: 'num' }, String(t.journalEntries ?? ''),
          t.panics ? h('span', {}, ' ', badge(t.panics + ' panic' + (t.panics === 1 ? '' : 's'), 'bad')) : null),
        h('td', { class: 'mono' }, fmtTime(t.lastUsed))));
    }
  }
  function setupTenants() {
    $('#tenants-filter-form').addEventListener('submit', (e) => e.preventDefault());
    $('#tenants-filter').addEventListener('input', () => { tenantPage = 0; renderTenants(); });
    $('#tenants-prev').addEventListener('click', () => { tenantPage--; renderTenants(); });
    $('#tenants-next').addEventListener('click', () => { tenantPage++; renderTenants(); });
  }
  async function loadScenarioName() {
    const res = await call('GET', '/scenario');
    if (res.ok && res.data) {
      $('#scenario-name').textContent = 'tenant ' + tenant + ' · scenario ' + (res.data.name || '(unnamed)');
      return res.data;
    }
    return null;
  }

  // ---- journal -----------------------------------------------------------
  let journalSeen = '';
  let journalEntries = [];
  let journalSelected = null;
  function journalQuery() {
    const f = $('#journal-filters');
    const q = new URLSearchParams({ limit: '300' });
    for (const k of ['provider', 'status', 'method', 'path']) {
      const v = f.elements[k].value.trim();
      if (v) q.set(k, v);
    }
    return '/journal?' + q;
  }
  async function loadJournal(force) {
    if (!force && !$('#journal-live').checked) return;
    const res = await call('GET', journalQuery());
    const body = $('#journal-table tbody');
    if (!res.ok) {
      fill(body, h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'Could not read the journal: ' + res.error)));
      journalSeen = '';
      return;
    }
    journalEntries = firstArray(res.data, 'entries');
    const key = journalEntries.map((e) => e.id).join(',');
    if (key === journalSeen) return;
    journalSeen = key;
    $('#journal-count').textContent = journalEntries.length + ' request' + (journalEntries.length === 1 ? '' : 's') + ' shown, newest first';
    fill(body);
    for (const e of journalEntries) {
      const tr = h('tr', { tabindex: 0, dataset: { id: e.id }, 'aria-selected': String(e.id === journalSelected) },
        h('td', { class: 'mono' }, fmtTime(e.time).replace(' UTC', '')),
        h('td', { class: 'method' }, e.method),
        h('td', {}, e.provider),
        h('td', { class: 'path' }, e.path + (e.query ? '?' + e.query : '')),
        h('td', {}, badge(String(e.status), statusClass(e.status))),
        h('td', { class: 'num' }, e.durationMs !== undefined ? e.durationMs.toFixed(1) : ''),
        h('td', {}, e.fault ? badge('⚡ ' + e.fault, 'bad') : '', e.source ? badge(sourceLabel(e.source), 'warn') : ''));
      tr.addEventListener('click', () => selectJournal(e.id));
      tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); selectJournal(e.id); } });
      body.append(tr);
    }
    if (!journalEntries.length) body.append(h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No requests yet. Calls to any provider URL of this tenant appear here.')));
  }
  function selectJournal(id) {
    journalSelected = id;
    for (const tr of $$('#journal-table tbody tr')) tr.setAttribute('aria-selected', String(Number(tr.dataset.id) === id));
    const e = journalEntries.find((x) => x.id === id);
    const d = $('#journal-detail');
    if (!e) return;
    const headers = e.requestHeaders ? Object.entries(e.requestHeaders).map(([k, v]) => k + ': ' + v).join('\n') : '';
    fill(d, 
      h('h3', {}, e.method + ' ' + e.path + (e.query ? '?' + e.query : '')),
      h('dl', { class: 'kv' },
        h('dt', {}, 'Provider'), h('dd', {}, e.provider),
        h('dt', {}, 'Route'), h('dd', { class: 'mono' }, e.route || '(no route matched)'),
        h('dt', {}, 'Status'), h('dd', {}, badge(String(e.status), statusClass(e.status))),
        h('dt', {}, 'Time'), h('dd', { class: 'mono' }, fmtTime(e.time)),
        h('dt', {}, 'Duration'), h('dd', {}, (e.durationMs || 0).toFixed(2) + ' ms (wall clock)'),
        e.fault ? [h('dt', {}, 'Fault'), h('dd', {}, badge('⚡ ' + e.fault, 'bad'))] : null,
        e.source ? [h('dt', {}, 'Answered by'), h('dd', {}, badge(sourceLabel(e.source), 'warn'))] : null),
      headers ? [h('h3', {}, 'Request headers'), h('pre', { class: 'code' }, headers)] : null,
      h('h3', {}, 'Request body', e.requestBodyTruncated ? h('span', { class: 'muted' }, ' (truncated)') : null),
      h('pre', { class: 'code', 'aria-label': 'Request body' }, pretty(e.requestBody)),
      h('h3', {}, 'Response body', e.responseBodyTruncated ? h('span', { class: 'muted' }, ' (truncated)') : null),
      h('pre', { class: 'code', 'aria-label': 'Response body' }, pretty(e.responseBody)));
  }
  function setupJournal() {
    const f = $('#journal-filters');
    f.addEventListener('submit', (e) => e.preventDefault());
    f.addEventListener('input', () => { journalSeen = ''; loadJournal(true); });
    f.addEventListener('change', () => { journalSeen = ''; loadJournal(true); });
    $('#journal-clear').addEventListener('click', async () => {
      const res = await call('DELETE', '/journal');
      if (failed(res, 'Clear journal')) return;
      journalSeen = '';
      journalSelected = null;
      fill($('#journal-detail'), h('p', { class: 'muted' }, 'Select a request to see its bodies.'));
      loadJournal(true);
    });
  }

  // ---- callbacks ---------------------------------------------------------
  let deliveries = [];
  let deliverySelected = null;
  let callbacksSeen = '';
  async function loadCallbacks() {
    const f = $('#callback-filters');
    const q = new URLSearchParams();
    if (f.elements.status.value) q.set('status', f.elements.status.value);
    if (f.elements.tfn.value.trim()) q.set('tfn', f.elements.tfn.value.trim());
    const res = await call('GET', '/callbacks' + (q.toString() ? '?' + q : ''));
    const missing = $('#callbacks-missing');
    const body = $('#callbacks-table tbody');
    if (res.status === 404 || res.status === 405) {
      missing.hidden = false;
      missing.textContent = 'Callbacks are not available in this build: GET /__sim/callbacks is not served.';
      fill(body);
      callbacksSeen = '';
      return;
    }
    missing.hidden = true;
    if (!res.ok) {
      fill(body, h('tr', {}, h('td', { colspan: 9, class: 'empty' }, 'Could not list deliveries: ' + res.error)));
      callbacksSeen = '';
      return;
    }
    deliveries = firstArray(res.data, 'deliveries', 'callbacks');
    if (res.text === callbacksSeen) return;
    callbacksSeen = res.text;
    $('#callbacks-count').textContent = deliveries.length + ' deliver' + (deliveries.length === 1 ? 'y' : 'ies');
    fill(body);
    for (const d of deliveries) {
      const attempts = d.attempts || [];
      const last = attempts[attempts.length - 1];
      const labels = d.labels || {};
      const tr = h('tr', { tabindex: 0, dataset: { id: d.id }, 'aria-selected': String(d.id === deliverySelected) },
        h('td', { class: 'mono' }, d.id),
        h('td', { class: 'mono' }, fmtTime(d.createdAt).replace(' UTC', '')),
        h('td', {}, labels.type || ''),
        h('td', { class: 'mono' }, labels.tfn || d.key || ''),
        h('td', { class: 'path' }, (d.target && d.target.url) || ''),
        h('td', {}, badge(d.status || '?', wordClass(d.status || ''))),
        h('td', {}, String(attempts.length), last ? h('span', { class: 'muted' }, ' · last ', last.status ? String(last.status) : (last.error || 'no answer')) : null),
        h('td', { class: 'mono' }, d.nextAttemptAt ? fmtTime(d.nextAttemptAt).replace(' UTC', '') : ''),
        h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': 'Replay delivery ' + d.id, onclick: (ev) => { ev.stopPropagation(); replay(d.id); } }, 'Replay')));
      tr.addEventListener('click', () => selectDelivery(d.id));
      tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') selectDelivery(d.id); });
      body.append(tr);
    }
    if (!deliveries.length) body.append(h('tr', {}, h('td', { colspan: 9, class: 'empty' }, 'No deliveries yet.')));
    noteInboxes();
    if (deliverySelected) selectDelivery(deliverySelected, true);
  }
  function selectDelivery(id, quiet) {
    deliverySelected = id;
    for (const tr of $$('#callbacks-table tbody tr')) tr.setAttribute('aria-selected', String(tr.dataset.id === id));
    const d = deliveries.find((x) => x.id === id);
    if (!d) return;
    const attempts = d.attempts || [];
    const det = $('#callback-detail');
    fill(det, 
      h('h3', {}, 'Delivery ' + d.id, ' ', badge(d.status || '?', wordClass(d.status || ''))),
      h('dl', { class: 'kv' },
        h('dt', {}, 'Target'), h('dd', { class: 'mono' }, (d.method || 'POST') + ' ' + ((d.target && d.target.url) || '')),
        h('dt', {}, 'Queued'), h('dd', { class: 'mono' }, fmtTime(d.createdAt)),
        d.deliveredAt ? [h('dt', {}, 'Delivered'), h('dd', { class: 'mono' }, fmtTime(d.deliveredAt))] : null,
        d.deadAt ? [h('dt', {}, 'Gave up'), h('dd', { class: 'mono' }, fmtTime(d.deadAt))] : null,
        d.nextAttemptAt ? [h('dt', {}, 'Next attempt'), h('dd', { class: 'mono' }, fmtTime(d.nextAttemptAt))] : null,
        h('dt', {}, 'Attempts left'), h('dd', {}, String(d.attemptsLeft ?? '')),
        d.replays ? [h('dt', {}, 'Replays'), h('dd', {}, String(d.replays))] : null,
        d.labels ? [h('dt', {}, 'Labels'), h('dd', { class: 'mono' }, Object.entries(d.labels).map(([k, v]) => k + '=' + v).join(' '))] : null),
      h('p', {}, h('button', { type: 'button', onclick: () => replay(d.id) }, 'Replay this delivery')),
      h('h3', {}, 'Payload'),
      h('pre', { class: 'code' }, pretty(d.body)),
      h('h3', {}, 'Attempts'),
      attempts.length ? h('div', { class: 'scroll' }, h('table', { class: 'data' },
        h('thead', {}, h('tr', {}, ['#', 'Time', 'Status', 'ms', 'Note'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, attempts.map((a) => h('tr', {},
          h('td', {}, String(a.n)),
          h('td', { class: 'mono' }, fmtTime(a.time).replace(' UTC', '')),
          h('td', {}, a.status ? badge(String(a.status), statusClass(a.status)) : badge('none', 'bad')),
          h('td', { class: 'num' }, (a.durationMs || 0).toFixed(1)),
          h('td', {}, [a.error, a.fault ? 'fault: ' + a.fault : '', a.responseBody ? h('details', {}, h('summary', {}, 'response'), h('pre', { class: 'code' }, pretty(a.responseBody))) : null].filter(Boolean))))))) : h('p', { class: 'muted' }, 'No attempt yet.'));
    if (!quiet) det.focus?.();
  }
  async function replay(id) {
    const res = await call('POST', '/callbacks/' + encodeURIComponent(id) + '/replay');
    if (failed(res, 'Replay')) return;
    toast('Delivery ' + id + ' queued again');
    callbacksSeen = '';
    loadCallbacks();
  }
  // inboxNames lists the built-in inboxes the deliveries went to: their
  // targets are inbox://{name}/...
  let knownInboxes = '';
  function noteInboxes() {
    const names = [...new Set(deliveries.map((d) => ((d.target && d.target.url) || '').match(/^inbox:\/\/([^/]+)/)).filter(Boolean).map((m) => m[1]))].sort();
    if (names.join(',') === knownInboxes) return;
    knownInboxes = names.join(',');
    fill($('#inbox-list'), ...names.map((n) => h('option', { value: n })));
    if (names.length && !$('#inbox-name').value) {
      $('#inbox-name').value = names[0];
      loadInbox();
    }
  }
  async function loadInbox() {
    const name = $('#inbox-name').value.trim();
    const view = $('#inbox-view');
    if (!name) {
      fill(view, h('p', { class: 'muted' }, 'Name an inbox to see the callbacks it received.'));
      return;
    }
    localStorage.setItem('sim-inbox', name);
    const res = await call('GET', '/inbox/' + encodeURIComponent(name));
    if (res.status === 404 && !(res.data && res.data.messages)) {
      inboxSeen = '';
      fill(view, h('p', { class: 'notice' }, 'Inbox "' + name + '" is not available (' + res.error + ').'));
      return;
    }
    if (!res.ok) {
      inboxSeen = '';
      fill(view, h('p', { class: 'error' }, 'Could not read the inbox: ' + res.error));
      return;
    }
    const msgs = firstArray(res.data, 'messages').slice().reverse();
    const seen = name + '\u0000' + res.text;
    if (seen === inboxSeen) return;
    inboxSeen = seen;
    fill(view, 
      h('p', {}, msgs.length + ' message' + (msgs.length === 1 ? '' : 's') + ' in "' + name + '", newest first ',
        h('button', { type: 'button', class: 'small danger', onclick: () => clearInbox(name) }, 'Empty this inbox')),
      h('div', { class: 'scroll' }, h('table', { class: 'data', id: 'inbox-table' },
      h('thead', {}, h('tr', {}, ['Id', 'Received', 'Type', 'Message'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, msgs.length ? msgs.map((m) => h('tr', {},
        h('td', {}, String(m.id)),
        h('td', { class: 'mono' }, fmtTime(m.receivedAt).replace(' UTC', '')),
        h('td', {}, m.type || ''),
        h('td', {}, h('details', {}, h('summary', {}, summarize(m.body)), h('pre', { class: 'code' }, pretty(m.body))))))
        : h('tr', {}, h('td', { colspan: 4, class: 'empty' }, 'No messages in "' + name + '" yet.'))))));
  }
  let inboxSeen = '';
  async function clearInbox(name) {
    const res = await call('DELETE', '/inbox/' + encodeURIComponent(name));
    if (failed(res, 'Empty inbox')) return;
    toast('Inbox ' + name + ' emptied');
    inboxSeen = '';
    loadInbox();
  }
  function summarize(v) {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return s.length > 90 ? s.slice(0, 90) + '…' : s;
  }
  function setupCallbacks() {
    const f = $('#callback-filters');
    f.addEventListener('submit', (e) => e.preventDefault());
    f.addEventListener('change', () => { callbacksSeen = ''; loadCallbacks(); });
    f.addEventListener('input', () => { callbacksSeen = ''; loadCallbacks(); });
    $('#inbox-name').value = localStorage.getItem('sim-inbox') || '';
    $('#inbox-form').addEventListener('submit', (e) => { e.preventDefault(); inboxSeen = ''; loadInbox(); });
  }

  // ---- state browsers ----------------------------------------------------
  let stateDoc = null;
  let stateRaw = '';
  let stateProvider = localStorage.getItem('sim-state-provider') || '';
  let stateShown = '';
  let stateBarShown = '';

  // Row decorators: extra columns and buttons for collections with levers.
  // Keys are "provider/collection".
  const decorators = {
    'flowroute/cnams': {
      columns: [{ name: 'status', cell: (r) => badge(flowrouteStatus(r), wordClass(flowrouteStatus(r))) }],
      actions: (r) => flowrouteStatus(r) !== 'pending' ? [] : [
        h('button', { type: 'button', class: 'small', 'aria-label': 'Approve CNAM ' + r.id, onclick: () => lever('POST', '/flowroute/cnams/' + r.id + '/approve', undefined, 'CNAM ' + r.id + ' approved') }, 'Approve'),
        h('button', { type: 'button', class: 'small danger', 'aria-label': 'Reject CNAM ' + r.id, onclick: () => rejectCNAM(r) }, 'Reject')],
      handled: /^\/flowroute\/cnams\/\{id\}\/(approve|reject)$/,
    },
  };
  function flowrouteStatus(r) {
    if (r.status) return r.status;
    if (r.approved) return 'approved';
    if (r.rejection !== undefined && r.rejection !== null) return 'rejected';
    return 'pending';
  }
  async function rejectCNAM(r) {
    const v = await ask('Reject CNAM ' + r.id + ' (' + r.value + ')', [{ name: 'reason', label: 'Reason (optional)', placeholder: 'profanity' }], 'Reject');
    if (!v) return;
    lever('POST', '/flowroute/cnams/' + r.id + '/reject', v.reason ? { reason: v.reason } : undefined, 'CNAM ' + r.id + ' rejected');
  }
  async function lever(method, path, body, okMsg) {
    const res = await call(method, path, body);
    if (failed(res, method + ' ' + path)) return res;
    toast(okMsg || method + ' ' + path + ': ' + res.status);
    stateRaw = '';
    loadState();
    loadClock();
    return res;
  }

  async function loadState() {
    const res = await call('GET', '/state');
    const view = $('#state-view');
    if (!res.ok) {
      fill(view, h('p', { class: 'error' }, 'Could not export the tenant state: ' + res.error));
      stateRaw = '';
      stateShown = '';
      return;
    }
    $('#state-updated').textContent = 'as of ' + fmtTime(res.data && res.data.clock && res.data.clock.now);
    if (res.text === stateRaw) return;
    stateRaw = res.text;
    stateDoc = res.data;
    renderState();
  }
  function stateNames() {
    const names = Object.keys((stateDoc && stateDoc.providers) || {});
    const order = providers.map((p) => p.name);
    names.sort((a, b) => ((order.indexOf(a) + 1) || 99) - ((order.indexOf(b) + 1) || 99) || a.localeCompare(b));
    if (stateDoc && stateDoc.engine) names.push('engine');
    return names;
  }
  function renderState(force) {
    if (!stateDoc) return;
    const names = stateNames();
    if (!names.includes(stateProvider)) stateProvider = names[0] || '';
    // The buttons are rebuilt only when they change: a poll that replaced
    // them under the pointer or the keyboard focus would lose the click.
    const barKey = names.join('\u0000') + '\u0000' + stateProvider;
    if (barKey !== stateBarShown) {
      stateBarShown = barKey;
      const focused = document.activeElement && document.activeElement.closest('#state-providers') ? document.activeElement.dataset.provider : null;
      fill($('#state-providers'), ...names.map((n) => h('button', {
        type: 'button', 'aria-pressed': String(n === stateProvider), dataset: { provider: n },
        onclick: () => { stateProvider = n; localStorage.setItem('sim-state-provider', n); renderState(true); },
      }, n)));
      if (focused) $('#state-providers button[data-provider="' + focused + '"]')?.focus();
    }
    const value = stateProvider === 'engine' ? stateDoc.engine : stateDoc.providers[stateProvider];
    const filter = $('#state-filter').value.trim().toLowerCase();
    const key = stateProvider + '\u0000' + filter + '\u0000' + JSON.stringify(value);
    if (!force && key === stateShown) return;
    stateShown = key;
    const view = $('#state-view');
    // Keep the reader's place: the page is rebuilt in place.
    const y = window.scrollY;
    fill(view, renderValue(stateProvider, stateProvider, value, filter, 0));
    window.scrollTo(0, y);
    renderLevers();
  }
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

  // label turns a JSON key into a heading: accessKey, decide_at and
  // DecideAt read "Access key", "Decide at".
  function label(k) {
    const words = String(k).replace(/[_-]+/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').trim();
    if (!words) return String(k);
    const lower = words.split(' ').map((w) => (/^[A-Z0-9]{2,}$/.test(w) ? w : w.toLowerCase())).join(' ');
    return lower.charAt(0).toUpperCase() + lower.slice(1);
  }
  // Secrets are masked until revealed; internals (the engine's counters and
  // seeds) are hidden unless asked for.
  const secretRe = /(secret|password|passwd|token|apikey|api_key|accesskey|access_key|privatekey|private_key|signingkey|hmac|^pin$|^key$|credential)/i;
  const internalRe = /^(rng|rngseed|draws|nextid|next_id|seq|cancels|nextseq|nonce)/i;
  const isSecret = (k) => secretRe.test(String(k));
  const isInternal = (k) => internalRe.test(String(k)) || String(k).startsWith('_');
  const internalsShown = () => localStorage.getItem('sim-internals') === '1';
  function maskedCell(k, v) {
    if (v === null || v === undefined || v === '') return cell(v);
    const shown = h('span', { class: 'mono secret-value', hidden: true }, typeof v === 'object' ? JSON.stringify(v) : String(v));
    const dots = h('span', { class: 'masked', 'aria-label': label(k) + ' hidden' }, '••••••••');
    const btn = h('button', { type: 'button', class: 'small reveal', 'aria-label': 'Reveal ' + label(k), 'aria-pressed': 'false' }, 'Reveal');
    btn.addEventListener('click', () => {
      const on = shown.hidden;
      shown.hidden = !on;
      dots.hidden = on;
      btn.textContent = on ? 'Hide' : 'Reveal';
      btn.setAttribute('aria-pressed', String(on));
    });
    return h('span', { class: 'secret' }, dots, shown, ' ', btn);
  }
  function valueCell(k, v) { return isSecret(k) ? maskedCell(k, v) : cell(v); }
  // At most this many columns in a table; the rest open from a "More" cell,
  // so no table is wider than the page.
  const maxCols = 7;
  function cell(v) {
    if (v === null || v === undefined) return h('span', { class: 'muted' }, '—');
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v === 'string' && v.startsWith('0001-01-01T')) return h('span', { class: 'muted', title: 'not set' }, '—');
    if (typeof v === 'string' && isoRe.test(v)) return h('span', { class: 'mono' }, fmtTime(v).replace(' UTC', ''));
    if (typeof v === 'string' && wordClass(v) && v.length < 20) return badge(v, wordClass(v));
    if (typeof v === 'string' && v.length > 80) return h('details', {}, h('summary', {}, v.slice(0, 60) + '…'), h('pre', { class: 'code' }, pretty(v)));
    if (typeof v !== 'object') return String(v);
    if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join(', ');
    const n = Array.isArray(v) ? v.length + ' item' + (v.length === 1 ? '' : 's') : Object.keys(v).length + ' field' + (Object.keys(v).length === 1 ? '' : 's');
    return h('details', {}, h('summary', {}, n), h('pre', { class: 'code' }, JSON.stringify(v, null, 2)));
  }
  function rowMatches(row, filter) {
    return !filter || JSON.stringify(row).toLowerCase().includes(filter);
  }
  // renderValue turns any JSON into headings, key/value lists and tables.
  function renderValue(prov, path, v, filter, depth) {
    const wrap = h('div', { class: 'section' });
    if (Array.isArray(v)) {
      wrap.append(renderTable(prov, path, v.map((x, i) => ({ key: String(i), row: x })), filter, false));
      return wrap;
    }
    if (!isObj(v)) {
      wrap.append(h('p', {}, cell(v)));
      return wrap;
    }
    const scalars = Object.entries(v).filter(([, x]) => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => typeof y !== 'object')));
    const nested = Object.entries(v).filter(([, x]) => !(x === null || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => typeof y !== 'object'))));
    const kv = scalars.filter(([k]) => internalsShown() || !isInternal(k));
    if (kv.length) {
      wrap.append(h('dl', { class: 'kv' }, kv.map(([k, x]) => [h('dt', { title: k }, label(k)), h('dd', {}, valueCell(k, x))])));
    }
    for (const [k, x] of nested) {
      const sub = path + '/' + k;
      const title = depth === 0 ? h('h3', { title: k }, label(k)) : h('h4', { title: k }, label(k));
      if (Array.isArray(x)) {
        const t = renderTable(prov, sub, x.map((r, i) => ({ key: String(i), row: r })), filter, false);
        title.append(' ', h('span', { class: 'muted' }, '(' + x.length + ')'));
        wrap.append(h('div', { class: 'section', dataset: { path: sub } }, title, t));
      } else if (Object.values(x).length && Object.values(x).every(isObj)) {
        // A map keyed by id: one row per entry.
        const rows = Object.entries(x).map(([kk, r]) => ({ key: kk, row: r }));
        title.append(' ', h('span', { class: 'muted' }, '(' + rows.length + ')'));
        wrap.append(h('div', { class: 'section', dataset: { path: sub } }, title, renderTable(prov, sub, rows, filter, true)));
      } else if (depth < 3) {
        wrap.append(h('div', { class: 'section', dataset: { path: sub } }, title, renderValue(prov, sub, x, filter, depth + 1)));
      } else {
        wrap.append(title, h('pre', { class: 'code' }, JSON.stringify(x, null, 2)));
      }
    }
    if (!scalars.length && !nested.length) wrap.append(h('p', { class: 'muted' }, 'empty'));
    return wrap;
  }
  function renderTable(prov, path, rows, filter, keyed) {
    if (!rows.length) return h('p', { class: 'muted' }, 'none');
    const coll = path.split('/').pop();
    const dec = decorators[prov + '/' + coll] || decorators[path] || null;
    if (!rows.every((r) => isObj(r.row))) {
      return h('p', {}, rows.map((r) => r.row).join(', '));
    }
    const all = [];
    for (const r of rows) for (const k of Object.keys(r.row)) if (!all.includes(k)) all.push(k);
    const rowLevers = leversFor(prov, coll, all, dec);
    const visible = all.filter((k) => internalsShown() || !isInternal(k));
    const cols = visible.slice(0, maxCols);
    const more = visible.slice(maxCols);
    const shown = rows.filter((r) => rowMatches(r.row, filter));
    const extra = dec ? dec.columns || [] : [];
    const hasActions = !!(dec && dec.actions) || rowLevers.length > 0;
    const head = h('tr', {},
      keyed ? h('th', { scope: 'col' }, 'key') : null,
      extra.map((c) => h('th', { scope: 'col' }, c.name)),
      cols.map((c) => h('th', { scope: 'col', title: c, dataset: { key: c } }, label(c))),
      more.length ? h('th', { scope: 'col' }, 'More') : null,
      hasActions ? h('th', { scope: 'col' }, 'Actions') : null);
    const body = h('tbody', {}, shown.map((r) => {
      const id = r.row.id ?? r.row.tfn ?? r.row.number ?? r.row.msisdn ?? r.key;
      const acts = [];
      if (dec && dec.actions) acts.push(...dec.actions(r.row));
      for (const lv of rowLevers) {
        const val = r.row[lv.field];
        if (val === undefined || val === null) continue;
        acts.push(h('button', { type: 'button', class: 'small', onclick: () => leverDialog(lv, { [lv.variable]: String(val) }) }, lv.label));
      }
      return h('tr', { dataset: { id: String(id), key: r.key } },
        keyed ? h('td', { class: 'mono' }, r.key) : null,
        extra.map((c) => h('td', { dataset: { col: c.name } }, c.cell(r.row))),
        cols.map((c) => h('td', { dataset: { col: c } }, valueCell(c, r.row[c]))),
        more.length ? h('td', { class: 'more' }, h('details', {}, h('summary', {}, more.length + ' more'),
          h('dl', { class: 'kv' }, more.map((c) => [h('dt', { title: c }, label(c)), h('dd', { dataset: { col: c } }, valueCell(c, r.row[c]))])))) : null,
        hasActions ? h('td', {}, h('div', { class: 'actions' }, acts)) : null);
    }));
    if (!shown.length) body.append(h('tr', {}, h('td', { colspan: cols.length + extra.length + 3, class: 'empty' }, 'No row matches the filter.')));
    return h('div', { class: 'scroll' }, h('table', { class: 'data', dataset: { path } }, h('thead', {}, head), body));
  }

  // pathVar matches a route template's variables: {id} or {file:.+}.
  const pathVar = /\{([^}:]+)(:[^}]*)?\}/g;
  // fillPath puts each variable's value (from get), URL-encoded, into a
  // route template.
  function fillPath(path, get) {
    return path.replace(pathVar, (_, v) => encodeURIComponent(get(v)));
  }
  // Levers: the provider's own control endpoints, listed by GET /__sim/.
  function providerLevers(prov) {
    const out = [];
    for (const ep of endpoints) {
      const [method, full] = ep.split(' ');
      if (!full || !full.startsWith('/__sim/' + prov + '/')) continue;
      const path = full.slice('/__sim'.length);
      out.push({ method, path, vars: [...path.matchAll(pathVar)].map((m) => m[1]) });
    }
    return out;
  }
  // leversFor finds levers that act on one row of a collection: a path with
  // the collection's name followed by one variable the rows carry.
  function leversFor(prov, coll, cols, dec) {
    const out = [];
    for (const lv of providerLevers(prov)) {
      if (lv.method === 'GET' || lv.vars.length !== 1) continue;
      if (dec && dec.handled && dec.handled.test(lv.path)) continue;
      const segs = lv.path.split('/');
      const i = segs.indexOf(coll);
      if (i < 0 || !segs[i + 1] || !segs[i + 1].startsWith('{')) continue;
      const v = lv.vars[0];
      const field = cols.includes(v) ? v : (v === 'id' && cols.includes('id') ? 'id' : null);
      if (!field) continue;
      const rest = segs.slice(i + 2).join(' ');
      out.push({ ...lv, variable: v, field, label: (lv.method === 'DELETE' ? 'clear ' : '') + (rest || lv.method.toLowerCase()) });
    }
    return out;
  }
  async function leverDialog(lv, vals) {
    const fields = lv.vars.map((v) => ({ name: 'var:' + v, label: v, value: vals[v] || '' }));
    if (lv.method !== 'GET' && lv.method !== 'DELETE') fields.push({ name: 'body', label: 'JSON body (optional)', multiline: true });
    const got = await ask(lv.method + ' /__sim' + lv.path, fields, 'Send');
    if (!got) return;
    const path = fillPath(lv.path, (v) => got['var:' + v] || '');
    const body = got.body && got.body.trim() ? got.body : undefined;
    const res = await lever(lv.method, path, body);
    if (res.ok) showLeverResult(lv.method + ' ' + path, res);
  }
  function showLeverResult(title, res) {
    const out = $('#lever-result');
    if (out) fill(out, h('h4', {}, title + ' → ' + res.status), h('pre', { class: 'code' }, pretty(res.text)));
  }
  function renderLevers() {
    const box = $('#levers');
    const list = stateProvider === 'engine' ? [] : providerLevers(stateProvider);
    if (!list.length) { fill(box); return; }
    fill(box, h('h3', {}, 'Control levers for ' + stateProvider),
      list.map((lv) => {
        const inputs = lv.vars.map((v) => h('label', {}, v + ' ', h('input', { name: v, size: 14, required: true, spellcheck: 'false' })));
        const bodyBox = lv.method === 'GET' || lv.method === 'DELETE' ? null : h('label', { class: 'grow' }, 'JSON body ', h('textarea', { name: 'body', rows: 1, cols: 40, class: 'mono', spellcheck: 'false' }));
        const form = h('form', { autocomplete: 'off' },
          h('span', { class: 'method' }, lv.method), h('code', {}, '/__sim' + lv.path), inputs, bodyBox, h('button', { type: 'submit' }, 'Send'));
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          const path = fillPath(lv.path, (v) => form.elements[v].value.trim());
          const b = form.elements.body && form.elements.body.value.trim() ? form.elements.body.value : undefined;
          const res = await call(lv.method, path, b);
          showLeverResult(lv.method + ' ' + path, res);
          if (!res.ok) toast(lv.method + ' ' + path + ': ' + res.error, true);
          stateRaw = '';
          loadState();
          loadClock();
        });
        return h('div', { class: 'lever' }, form);
      }),
      h('div', { id: 'lever-result', 'aria-live': 'polite' }));
  }
  function setupState() {
    const box = $('#state-internals');
    box.checked = internalsShown();
    box.addEventListener('change', () => { localStorage.setItem('sim-internals', box.checked ? '1' : '0'); renderState(true); });
    $('#state-filter-form').addEventListener('submit', (e) => e.preventDefault());
    $('#state-filter').addEventListener('input', () => renderState(true));
  }

  // ---- faults ------------------------------------------------------------
  let faultsSeen = '';
  function describeAction(r) {
    if (r.latency) return 'latency ' + (r.latency.uniform ? r.latency.uniform.join('–') : r.latency.lognormal ? 'lognormal ' + r.latency.lognormal.median : JSON.stringify(r.latency));
    if (r.reset) return 'connection reset';
    if (r.malformed) return 'malformed body' + (r.status ? ' (' + r.status + ')' : '');
    if (r.retryAfter) return '429, Retry-After ' + r.retryAfter;
    if (r.hang) return 'hang';
    if (r.status) return 'status ' + r.status + (r.body ? ' with body' : '');
    return '?';
  }
  async function loadFaults() {
    const res = await call('GET', '/faults');
    const body = $('#faults-table tbody');
    if (!res.ok) {
      fill(body, h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'Could not list fault rules: ' + res.error)));
      faultsSeen = '';
      return;
    }
    if (res.text === faultsSeen) return;
    faultsSeen = res.text;
    const list = firstArray(res.data, 'faults');
    fill(body);
    for (const r of list) {
      const when = [];
      if (r.probability !== undefined) when.push('p=' + r.probability);
      if (r.times) when.push(r.times + '×');
      if (r.after) when.push('after ' + r.after);
      if (r.until) when.push('until ' + fmtTime(r.until));
      if (r.match) when.push('match ' + [r.match.header, r.match.body].filter(Boolean).join(' / '));
      if (r.tenant) when.push('tenant ' + r.tenant);
      body.append(h('tr', { dataset: { id: r.id } },
        h('td', { class: 'mono' }, r.id),
        h('td', {}, r.provider),
        h('td', { class: 'path' }, r.route),
        h('td', {}, describeAction(r)),
        h('td', {}, when.join(', ') || 'always'),
        h('td', { class: 'num' }, String((r.stats && r.stats.matches) || 0)),
        h('td', { class: 'num' }, String((r.stats && r.stats.fired) || 0)),
        h('td', {}, h('button', { type: 'button', class: 'small danger', 'aria-label': 'Remove fault rule ' + r.id, onclick: () => removeFault(r.id) }, 'Remove'))));
    }
    if (!list.length) body.append(h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No fault rules: every request gets its normal answer.')));
  }
  async function removeFault(id) {
    const res = await call('DELETE', '/faults/' + encodeURIComponent(id));
    if (failed(res, 'Remove fault')) return;
    toast('Fault rule ' + id + ' removed');
    faultsSeen = '';
    loadFaults();
  }
  function faultFromForm() {
    const f = $('#fault-form').elements;
    const rule = { provider: f.provider.value, route: f.route.value.trim() };
    const action = f.action.value;
    if (action === 'status') rule.status = Number(f.status.value) || 500;
    if (action === 'latency') rule.latency = f.latency.value.trim() || '1s';
    if (action === 'retryAfter') { rule.status = 429; rule.retryAfter = f.retryAfter.value.trim() || '30s'; }
    if (action === 'reset') rule.reset = true;
    if (action === 'malformed') rule.malformed = true;
    if (action === 'hang') rule.hang = true;
    if (f.probability.value !== '') rule.probability = Number(f.probability.value);
    if (f.times.value !== '' && Number(f.times.value) > 0) rule.times = Number(f.times.value);
    if (f.until.value.trim()) rule.until = f.until.value.trim();
    return rule;
  }
  function updateFaultJSON() {
    const f = $('#fault-form');
    const action = f.elements.action.value;
    for (const l of $$('[data-for]', f)) l.hidden = l.dataset.for !== action;
    $('#fault-json').value = JSON.stringify(faultFromForm(), null, 2);
  }
  function setupFaults() {
    const f = $('#fault-form');
    f.addEventListener('input', (e) => { if (e.target.name !== 'json') updateFaultJSON(); });
    f.addEventListener('change', (e) => { if (e.target.name !== 'json') updateFaultJSON(); });
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const err = $('#fault-error');
      err.textContent = '';
      const res = await call('POST', '/faults', $('#fault-json').value);
      if (!res.ok) { err.textContent = res.error; return; }
      toast('Fault rule ' + (res.data && res.data.id) + ' added');
      faultsSeen = '';
      loadFaults();
    });
    $('#faults-clear').addEventListener('click', async () => {
      const ok = await ask('Remove every fault rule of tenant ' + tenant + '?', [], 'Remove all');
      if (!ok) return;
      const res = await call('DELETE', '/faults');
      if (failed(res, 'Remove all faults')) return;
      faultsSeen = '';
      loadFaults();
    });
    updateFaultJSON();
  }

  // ---- scenario ----------------------------------------------------------
  let scenarioSource = '';
  async function loadScenario() {
    const sc = await loadScenarioName();
    if (!sc) return;
    scenarioSource = sc.source || '';
    const dl = $('#scenario-info');
    fill(dl, 
      h('dt', {}, 'Name'), h('dd', {}, sc.name || '(unnamed)'),
      sc.description ? [h('dt', {}, 'Description'), h('dd', {}, sc.description)] : null,
      h('dt', {}, 'File'), h('dd', { class: 'mono' }, sc.file || '(none)'),
      h('dt', {}, 'Version'), h('dd', {}, String(sc.version ?? '')),
      h('dt', {}, 'Seed'), h('dd', {}, String(sc.seed ?? '')),
      sc.clock ? [h('dt', {}, 'Clock'), h('dd', { class: 'mono' }, typeof sc.clock === 'object' ? Object.entries(sc.clock).map(([k, v]) => k + ': ' + v).join(', ') : String(sc.clock))] : null);
    fill($('#scenario-source'), ...numbered(scenarioSource, []));
  }
  // numbered renders text with line numbers and, under a line with
  // problems, their messages.
  function numbered(text, problems) {
    const byLine = {};
    for (const p of problems) if (p.line) (byLine[p.line] = byLine[p.line] || []).push(p);
    const out = [];
    text.split('\n').forEach((line, i) => {
      const n = i + 1;
      const bad = byLine[n];
      out.push(h('span', { class: bad ? 'problem-line' : '', id: bad ? 'problem-line-' + n : null }, h('span', { class: 'ln' }, String(n)), line), '\n');
      for (const p of bad || []) {
        out.push(h('span', { class: 'problem-msg' }, h('span', { class: 'ln' }, ''), ' '.repeat(Math.max(0, (p.col || 1) - 1)) + '^ ' + (p.path ? p.path + ': ' : '') + p.message), '\n');
      }
    });
    return out;
  }
  function setupScenario() {
    $('#scenario-copy').addEventListener('click', () => { $('#scenario-yaml').value = scenarioSource; $('#scenario-yaml').focus(); });
    $('#scenario-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const yaml = $('#scenario-yaml').value;
      const box = $('#scenario-problems');
      fill(box);
      const res = await call('PUT', '/scenario', yaml, 'application/yaml');
      if (res.ok) {
        toast('Scenario ' + (res.data && res.data.scenario) + ' loaded into tenant ' + tenant);
        stateRaw = '';
        journalSeen = '';
        refreshAll();
        return;
      }
      const problems = (res.data && Array.isArray(res.data.problems)) ? res.data.problems : [];
      box.append(h('h3', { class: 'error' }, problems.length ? problems.length + ' problem' + (problems.length === 1 ? '' : 's') + ': nothing was loaded' : 'Not loaded: ' + res.error));
      if (problems.length) {
        box.append(h('ul', { class: 'problems' }, problems.map((p) => h('li', {},
          p.line ? h('a', { href: '#', onclick: (ev) => { ev.preventDefault(); goToLine(p.line, p.col); } }, 'line ' + p.line + (p.col ? ':' + p.col : '')) : null,
          p.line ? ' ' : null, p.path ? h('code', {}, p.path) : null, p.path ? ': ' : null, p.message))));
        box.append(h('pre', { class: 'code numbered', 'aria-label': 'The YAML with its problems' }, numbered(yaml, problems)));
      }
    });
  }
  function goToLine(line, col) {
    const ta = $('#scenario-yaml');
    const lines = ta.value.split('\n');
    let pos = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    pos += Math.max(0, (col || 1) - 1);
    ta.focus();
    ta.setSelectionRange(pos, pos);
    const lh = ta.scrollHeight / Math.max(lines.length, 1);
    ta.scrollTop = Math.max(0, (line - 3) * lh);
  }

  // ---- polling -----------------------------------------------------------
  let tickN = 0;
  const busy = {};
  async function once(name, f) {
    if (busy[name]) return;
    busy[name] = true;
    try { await f(); } finally { busy[name] = false; }
  }
  function refreshActive(now) {
    switch (active) {
      case 'overview': once('providers', loadProviders); once('tenants', loadTenants); break;
      case 'journal': once('journal', () => loadJournal(now)); break;
      case 'callbacks': once('callbacks', loadCallbacks); if (now) once('inbox', loadInbox); break;
      case 'state': once('state', loadState); break;
      case 'faults': once('faults', loadFaults); break;
      case 'scenario': if (now) once('scenario', loadScenario); break;
      default: if (extraViews[active]) once(active, () => extraViews[active].load(now));
    }
  }
  function refreshAll() {
    once('clock', loadClock);
    once('scenarioName', loadScenarioName);
    refreshActive(true);
  }
  function tick() {
    tickN++;
    paintClock();
    if (document.hidden) return;
    if (tickN % 4 === 0) once('clock', loadClock);
    if (active === 'journal') { if (tickN % 3 === 0) once('journal', () => loadJournal(false)); return; }
    if (tickN % 4 !== 0) return;
    if (active === 'overview') once('tenants', loadTenants);
    if (active === 'callbacks') { once('callbacks', loadCallbacks); if ($('#inbox-name').value) once('inbox', loadInbox); }
    if (active === 'state') once('state', loadState);
    if (active === 'faults') once('faults', loadFaults);
    if (extraViews[active] && extraViews[active].poll) once(active, () => extraViews[active].load(false));
  }

  async function start() {
    document.title = 'Simulator · ' + tenant;
    setupTabs();
    setupHeader();
    setupTenants();
    setupJournal();
    setupCallbacks();
    setupState();
    setupFaults();
    setupScenario();
    await loadEndpoints(); // the overview lists levers from it
    await Promise.all([loadClock(), loadProviders(), loadScenarioName()]);
    showTab(location.hash.slice(1) || 'overview');
    setInterval(tick, 500);
    document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshAll(); });
  }
  // The dashboard's other scripts (loaded after this one) use these.
  window.SimUI = {
    h, fill, call, toast, failed, fmtTime, pretty, badge, statusClass, wordClass, firstArray, ask, copy,
    tenant, root, api, showTab, advance, loadClock, refreshAll,
    isSecret, isInternal, label, maskedCell, internalsShown, cell,
    providers: () => providers,
    addView(name, view) { extraViews[name] = view; },
  };
  document.addEventListener('DOMContentLoaded', start);
})();
