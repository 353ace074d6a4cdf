// The wire monitor's page: the list of stories kept live by server-sent events, the
// filters, and a story's own view. Every text from a story is set with textContent,
// never parsed as HTML.
'use strict';

const stories = new Map(); // id -> summary
let selected = null; // id of the row with focus
let openId = null; // id of the story shown in the side view
let renderQueued = false;
let lastRender = 0;
const MAX_ROWS = 100;
// At most one rendering per RENDER_GAP ms (more apart when renderings get slow): a burst
// of a thousand stories a second must not keep the page from answering; each rendering
// reuses the rows that did not change.
const RENDER_GAP = 250;
let renderGap = RENDER_GAP;
const rowCache = new Map(); // id -> { summary, tr }
// Ids in the list's order read backwards: by first arrival, oldest first (a story's
// first_seen_ms never changes). A rendering reads the newest from the end instead of
// sorting every story the page knows.
const order = [];
// Rows are built in slices of at most SLICE_MS, the page answering in between, and put
// in the table at once when all are built: no task grows with the size of a burst.
const SLICE_MS = 8;
let building = null; // the rendering whose rows are being built
let renderAgain = false; // something changed while it was being built

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// Urgency 1 is the most urgent (IPTC); the colour and the word say the same thing.
function urgencyLabel(u) {
  if (u <= 2) return u + ' flash';
  if (u <= 3) return u + ' urgent';
  if (u <= 5) return u + ' normal';
  return u + ' low';
}

// Local HH:MM:SS, without Intl (measurably slower for hundreds of rows at once).
function fmtTime(iso) {
  const d = new Date(iso);
  const two = (n) => (n < 10 ? '0' : '') + n;
  return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
}

function countdown(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (n) => String(n).padStart(2, '0');
  return (h ? h + ':' : '') + two(m) + ':' + two(sec);
}

function embargoed(s, now = Date.now()) {
  return s.embargo_until && Date.parse(s.embargo_until) > now;
}

// ---- filters ---------------------------------------------------------------

function filters() {
  return {
    lang: $('f-lang').value,
    section: $('f-section').value,
    urgency: Number($('f-urgency').value || 0),
    entity: $('f-entity').value.trim().toLowerCase(),
    text: $('f-text').value.trim().toLowerCase(),
  };
}

function matches(s, f) {
  if (f.lang && s.language !== f.lang) return false;
  if (f.section && s.section !== f.section) return false;
  if (f.urgency && s.urgency > f.urgency) return false;
  if (f.entity && !s.entities.some((e) => e.name.toLowerCase().includes(f.entity) || (e.id || '').toLowerCase() === f.entity)) return false;
  if (f.text) {
    const hay = [s.headline, s.byline || '', s.id].join(' ').toLowerCase();
    if (!hay.includes(f.text)) return false;
  }
  return true;
}

function refreshOptions() {
  for (const [id, field] of [['f-lang', 'language'], ['f-section', 'section']]) {
    const select = $(id);
    const have = new Set([...select.options].map((o) => o.value));
    const values = new Set();
    for (const s of stories.values()) if (s[field]) values.add(s[field]);
    for (const v of [...values].sort()) {
      if (!have.has(v)) select.append(el('option', { value: v, text: v }));
    }
  }
}

// ---- the list --------------------------------------------------------------

function statusCell(s) {
  const td = el('td', { class: 'status' });
  if (s.status === 'canceled') td.append(el('span', { class: 'mark killed-mark', text: 'KILLED' }));
  else if (s.status === 'withheld') td.append(el('span', { class: 'mark withheld', text: 'withheld' }));
  else if (s.embargo_until) {
    const m = el('span', { class: 'mark embargo', 'data-embargo': s.embargo_until });
    updateEmbargo(m);
    td.append(m);
  }
  if (s.correction) {
    const what = s.correction.changed.length ? s.correction.changed.join(', ') : 'no visible change';
    td.append(el('span', { class: 'mark corrected', title: 'v' + s.correction.from_version + ' → v' + s.version, text: 'corrected v' + s.version + ': ' + what }));
  }
  if (s.dead_letters) td.append(el('span', { class: 'mark dead', text: s.dead_letters + ' dead letter' + (s.dead_letters > 1 ? 's' : '') }));
  return td;
}

function updateEmbargo(m) {
  const left = Date.parse(m.getAttribute('data-embargo')) - Date.now();
  if (left > 0) {
    m.className = 'mark embargo';
    m.textContent = 'embargoed · ' + countdown(left);
  } else {
    m.className = 'mark released';
    m.textContent = 'released';
    const row = m.closest('tr');
    if (row) row.classList.remove('is-embargoed');
  }
}

function row(s) {
  const tr = el('tr', {
    id: 'row-' + s.id,
    'data-id': s.id,
    tabindex: '0',
    class: ['u' + Math.min(s.urgency, 9), s.urgency <= 2 ? 'is-flash' : '', s.status === 'canceled' ? 'is-killed' : '',
      embargoed(s) ? 'is-embargoed' : '', s.id === selected ? 'selected' : ''].join(' ').trim(),
  });
  tr.append(el('td', { class: 'time', text: fmtTime(s.version_created) }));
  tr.append(el('td', {}, el('span', { class: 'urgency u' + Math.min(s.urgency, 9), text: urgencyLabel(s.urgency) })));
  tr.append(el('td', { class: 'lang', text: s.language || '—' }));
  tr.append(el('td', { class: 'section', text: s.section || '—' }));
  const story = el('td', { class: 'story' });
  if (s.status === 'canceled') story.append(el('div', { class: 'banner', role: 'note', text: 'Killed — do not use' }));
  story.append(el('div', { class: 'headline', text: s.headline }));
  if (s.byline) story.append(el('div', { class: 'byline', text: s.byline }));
  if (s.entities.length) {
    const chips = el('div', { class: 'chips' });
    for (const e of s.entities) chips.append(el('span', { class: 'chip ' + e.type, title: e.id || 'no id', text: e.name }));
    story.append(chips);
  }
  tr.append(story);
  tr.append(statusCell(s));
  return tr;
}

// The row of summary `s`, built again only when the summary changed.
function cachedRow(s) {
  const hit = rowCache.get(s.id);
  if (hit && hit.summary === s) {
    hit.tr.classList.toggle('selected', s.id === selected);
    return hit.tr;
  }
  const tr = row(s);
  rowCache.set(s.id, { summary: s, tr });
  return tr;
}

// Where `s` goes in `order`: after every story first written before it, and among
// those written in the same millisecond (a newsroom's batch), after those the monitor
// read before it.
function compareArrival(a, b) {
  return a.first_seen_ms - b.first_seen_ms || a.arrival - b.arrival || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function insertOrdered(s) {
  const last = order.length ? stories.get(order[order.length - 1]) : null;
  if (!last || compareArrival(s, last) > 0) { order.push(s.id); return; }
  let lo = 0, hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareArrival(s, stories.get(order[mid])) > 0) lo = mid + 1; else hi = mid;
  }
  order.splice(lo, 0, s.id);
}

function render() {
  renderQueued = false;
  // One rendering at a time, finished before the next begins: under a burst a newer one
  // would otherwise abandon every older one before its rows were shown.
  if (building) { renderAgain = true; return; }
  const f = filters();
  const filtering = Boolean(f.lang || f.section || f.urgency || f.entity || f.text);
  const visible = [];
  let shown = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const s = stories.get(order[i]);
    if (filtering && !matches(s, f)) continue;
    shown++;
    if (visible.length < MAX_ROWS) visible.push(s);
    else if (!filtering) { shown = order.length; break; }
  }
  building = { visible, shown, next: 0, spent: 0 };
  guarded(buildRows, building);
}

// Runs a step of a rendering; if it throws, the rendering is given up and the next one
// starts, so one bad summary never leaves the list frozen.
function guarded(step, job) {
  try {
    step(job);
  } catch (e) {
    if (building === job) building = null;
    console.error('rendering the list', e);
    scheduleRender();
  }
}

// Builds the rows of `job` (reusing the unchanged ones) for at most SLICE_MS, then
// yields.
function buildRows(job) {
  const began = performance.now();
  while (job.next < job.visible.length) {
    cachedRow(job.visible[job.next++]);
    if (performance.now() - began > SLICE_MS) {
      job.spent += performance.now() - began;
      setTimeout(() => guarded(buildRows, job), 0);
      return;
    }
  }
  job.spent += performance.now() - began;
  const keep = new Set(job.visible.map((s) => s.id));
  for (const id of rowCache.keys()) if (!keep.has(id)) rowCache.delete(id);
  job.at = $('rows').firstChild;
  job.placing = 0;
  placeRows(job);
}

// Puts the rows of `job` in the table, top down: rows that stay in place are left alone
// (new stories go in above them), and at most ROWS_PER_FRAME rows go in per frame, so
// the browser's style and layout work per frame is bounded too (under a burst every
// row is new at every rendering). The list stays newest first throughout, and never
// longer than MAX_ROWS.
const ROWS_PER_FRAME = 20;
function placeRows(job) {
  const began = performance.now();
  const body = $('rows');
  let placed = 0;
  while (job.placing < job.visible.length) {
    const tr = cachedRow(job.visible[job.placing++]);
    if (tr === job.at) { job.at = job.at.nextSibling; continue; }
    body.insertBefore(tr, job.at);
    if (++placed >= ROWS_PER_FRAME && job.placing < job.visible.length) {
      // Old rows below the ones still to be looked at, beyond MAX_ROWS, go now.
      while (job.at && body.childElementCount > MAX_ROWS && body.lastChild !== job.at) body.lastChild.remove();
      job.spent += performance.now() - began;
      requestAnimationFrame(() => guarded(placeRows, job));
      return;
    }
  }
  while (job.at) {
    const next = job.at.nextSibling;
    job.at.remove();
    job.at = next;
  }
  building = null;
  const shown = job.shown;
  lastRender = performance.now();
  renderGap = Math.max(RENDER_GAP, 5 * (job.spent + lastRender - began));
  $('count').textContent = shown + ' of ' + order.length + ' stories' + (shown > MAX_ROWS ? ' (first ' + MAX_ROWS + ' shown)' : '');
  if (renderAgain) { renderAgain = false; scheduleRender(); }
  if (selected) {
    const r = $('row-' + selected);
    if (r && document.activeElement && document.activeElement.closest && document.activeElement.closest('#rows')) r.focus({ preventScroll: true });
  }
}

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  const wait = Math.max(0, renderGap - (performance.now() - lastRender));
  setTimeout(() => requestAnimationFrame(render), wait);
}

function flash(s) {
  const box = $('flash');
  box.replaceChildren(el('strong', { text: 'FLASH (urgency ' + s.urgency + ')' }), ' ', el('span', { text: s.headline }));
  box.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { box.hidden = true; }, 10000);
}

function upsert(s, live) {
  const before = stories.get(s.id);
  stories.set(s.id, s);
  if (!before) insertOrdered(s);
  if (live && s.urgency <= 2 && s.status === 'usable' && (!before || before.version !== s.version) && !embargoed(s)) flash(s);
  if (openId === s.id && (!before || before.version !== s.version || before.newsml_items !== s.newsml_items || before.posts !== s.posts || before.dead_letters !== s.dead_letters || before.steps !== s.steps)) openStory(s.id, false);
}

async function api(path) {
  const r = await fetch(path, { credentials: 'same-origin' });
  if (r.status === 401) { location.replace('/monitor/'); throw new Error('signed out'); }
  if (!r.ok) throw new Error(path + ': ' + r.status);
  return r.json();
}

async function loadList() {
  const list = await api('/monitor/api/stories?limit=2000');
  for (const s of list) upsert(s, false);
  refreshOptions();
  scheduleRender();
}

function connect() {
  const source = new EventSource('/monitor/api/events');
  source.addEventListener('open', () => {
    $('connection').textContent = 'live';
    $('connection').className = 'conn up';
    loadList();
  });
  source.addEventListener('stories', (e) => {
    for (const s of JSON.parse(e.data)) upsert(s, true);
    if (!connect.optionsQueued) {
      connect.optionsQueued = true;
      setTimeout(() => { connect.optionsQueued = false; refreshOptions(); }, 500);
    }
    scheduleRender();
  });
  source.addEventListener('lagged', () => loadList());
  source.addEventListener('error', () => {
    $('connection').textContent = 'reconnecting…';
    $('connection').className = 'conn down';
    if (source.readyState === EventSource.CLOSED) {
      // Refused (signed out, or the session expired): back to sign in.
      setTimeout(() => location.replace('/monitor/'), 1000);
    }
  });
}

// ---- a story's own view ----------------------------------------------------

// Words added and removed between two texts (longest common subsequence of words).
function diff(a, b) {
  const x = a.split(/(\s+)/), y = b.split(/(\s+)/);
  if (x.length * y.length > 4e6) return [['same', b]];
  const n = x.length, m = y.length;
  const t = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i][j] = x[i] === y[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push(['same', x[i]]); i++; j++; }
    else if (t[i + 1][j] >= t[i][j + 1]) out.push(['del', x[i++]]);
    else out.push(['ins', y[j++]]);
  }
  while (i < n) out.push(['del', x[i++]]);
  while (j < m) out.push(['ins', y[j++]]);
  return out;
}

function diffView(a, b) {
  const p = el('p', { class: 'diff' });
  for (const [kind, text] of diff(a, b)) p.append(kind === 'same' ? document.createTextNode(text) : el(kind, { text }));
  return p;
}

function plain(html) {
  return new DOMParser().parseFromString(html, 'text/html').body.textContent || '';
}

function section(title, ...children) {
  return el('section', { 'aria-label': title }, el('h3', { text: title }), ...children);
}

const STEP_NAMES = {
  published: 'ingest → articles.published',
  enriched: 'enricher → articles.enriched',
  newsml: 'newsml → newsml.items',
  social: 'social → social.posts',
  delivery: 'delivered to a subscriber',
  deadletter: 'dead letter',
};

function journeyView(d) {
  const ol = el('ol', { class: 'journey' });
  const first = d.journey.length ? d.journey[0].at_ms : 0;
  for (const step of d.journey) {
    const at = new Date(step.at_ms);
    ol.append(el('li', { class: 'step ' + step.role, 'data-role': step.role },
      el('time', { datetime: at.toISOString(), text: at.toLocaleTimeString([], { hour12: false }) + '.' + String(at.getMilliseconds()).padStart(3, '0') }),
      el('span', { class: 'delta', text: '+' + (step.at_ms - first) + ' ms' }),
      el('span', { class: 'what', text: STEP_NAMES[step.role] || step.role }),
      step.version ? el('span', { class: 'ver', text: 'v' + step.version }) : null,
      step.detail ? el('span', { class: 'detail', text: step.detail }) : null,
      el('span', { class: 'ids', title: 'trace id / span id', text: (step.trace_id || 'no trace') + (step.span_id ? ' / ' + step.span_id : '') })));
  }
  return ol;
}

function storyView(d) {
  const s = d.summary;
  const aside = $('story');
  const latest = d.versions[d.versions.length - 1];
  const head = el('header', {},
    el('button', { type: 'button', class: 'close', 'aria-label': 'Close', text: '×' }),
    el('h2', { text: s.headline }),
    el('p', { class: 'meta', text: [s.id, 'v' + s.version, s.language, s.section, urgencyLabel(s.urgency), s.status].filter(Boolean).join(' · ') }),
    el('p', { class: 'trace', text: 'trace ' + (s.trace_id || '—') }));
  if (s.status === 'canceled') head.append(el('div', { class: 'banner', text: 'Killed — do not use' }));
  head.querySelector('.close').addEventListener('click', closeStory);

  const versions = section('Versions');
  d.versions.forEach((v, i) => {
    const box = el('article', { class: 'version' }, el('h4', { text: 'v' + v.version + ' · ' + v.status + ' · ' + fmtTime(v.version_created) + (v.embargo_until ? ' · embargo ' + new Date(v.embargo_until).toLocaleString() : '') }));
    if (i === 0) {
      box.append(el('p', { class: 'headline', text: v.headline }), el('p', { text: plain(v.body) }));
    } else {
      const prev = d.versions[i - 1];
      box.append(diffView(prev.headline, v.headline), diffView(plain(prev.body), plain(v.body)));
    }
    versions.append(box);
  });

  const e = latest && latest.enrichment;
  const enrichment = section('Enrichment');
  if (!e) enrichment.append(el('p', { text: 'not enriched yet' }));
  else {
    enrichment.append(el('p', { text: 'language ' + e.language + ' (' + Math.round(e.language_confidence * 100) + '%)' }));
    const table = el('table', { class: 'entities' }, el('tr', {}, el('th', { text: 'entity' }), el('th', { text: 'type' }), el('th', { text: 'id' }), el('th', { text: 'mentions' }), el('th', { text: 'salience' })));
    for (const x of e.entities) table.append(el('tr', {}, el('td', { text: x.name }), el('td', { text: x.type }), el('td', { text: x.id || '—' }), el('td', { text: String(x.count) }), el('td', { text: x.salience.toFixed(2) })));
    enrichment.append(table);
    if (e.subjects.length) enrichment.append(el('p', { text: 'subjects: ' + e.subjects.map((x) => x.label + ' (' + x.code + ')').join(', ') }));
    if (e.dateline) enrichment.append(el('p', { text: 'dateline: ' + [e.dateline.place, e.dateline.place_id, e.dateline.date, e.dateline.source].filter(Boolean).join(' · ') }));
  }

  const outputs = section('Outputs');
  const items = el('div', { class: 'newsml' }, el('h4', { text: 'NewsML-G2 (' + d.newsml.length + ')' }));
  for (const item of d.newsml) {
    items.append(el('details', {}, el('summary', { text: 'item v' + (item.version ?? '?') + ' · ' + (item.content_type || '') }), el('pre', { text: item.document })));
  }
  const posts = el('div', { class: 'posts' }, el('h4', { text: 'Social posts (' + d.posts.length + ')' }));
  for (const p of d.posts) {
    const len = p.length || {};
    posts.append(el('div', { class: 'post' },
      el('p', { class: 'post-head', text: [p.network, p.account, p.action, p.kind, 'v' + p.version].filter(Boolean).join(' · ') + (len.counted !== undefined ? ' · ' + len.counted + ' / ' + len.limit : '') }),
      p.text ? el('pre', { text: p.text }) : null));
  }
  outputs.append(items, posts);

  const dead = d.dead_letters.length ? section('Dead letters', ...d.dead_letters.map((l) => el('p', { class: 'dead', text: [l.kind, l.field, l.reason, 'from ' + (l.origin || '?'), 'by ' + (l.stage || '?')].filter(Boolean).join(' · ') }))) : null;

  aside.replaceChildren(head, section('Journey', journeyView(d)), versions, enrichment, outputs);
  if (dead) aside.append(dead);
}

async function openStory(id, focus = true) {
  openId = id;
  const d = await api('/monitor/api/stories/' + encodeURIComponent(id));
  if (openId !== id) return;
  storyView(d);
  $('story').hidden = false;
  if (focus) $('story').focus();
}

function closeStory() {
  openId = null;
  $('story').hidden = true;
  const r = selected && $('row-' + selected);
  if (r) r.focus();
}

// ---- operations: dead letters and replay ----------------------------------

let opsTimer = null;

async function replay(letter, cell) {
  cell.textContent = 'replaying…';
  const r = await fetch('/monitor/api/deadletters/' + letter.partition + ':' + letter.offset + '/replay', { method: 'POST', credentials: 'same-origin' });
  if (r.status === 401) { location.replace('/monitor/'); return; }
  const body = await r.json();
  cell.textContent = body.replayed ? 'replayed to ' + body.replayed.topic + ' (replay ' + body.replayed.replays + ')'
    : body.refused ? 'refused: ' + body.refused : 'failed: ' + (body.message || r.status);
  cell.classList.add(body.replayed ? 'replay-ok' : 'replay-refused');
}

// A small line or bar chart as inline SVG: `series` is [{name, points: [[x, y]...]}].
const SVG = 'http://www.w3.org/2000/svg';
function chart(title, series, { bars = false, unit = '' } = {}) {
  const w = 360, h = 120, pad = 28;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title);
  const all = series.flatMap((s) => s.points);
  const now = Date.now();
  const x0 = now - 3600e3;
  const ymax = Math.max(1, ...all.map((p) => p[1]));
  const X = (x) => pad + ((x - x0) / 3600e3) * (w - pad - 4);
  const Y = (y) => h - 16 - (y / ymax) * (h - 30);
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  add('line', { x1: pad, y1: h - 16, x2: w - 4, y2: h - 16, class: 'axis' });
  add('text', { x: 2, y: 12, class: 'tick' }, ymax + unit);
  add('text', { x: pad, y: h - 3, class: 'tick' }, '−60 min');
  add('text', { x: w - 30, y: h - 3, class: 'tick' }, 'now');
  series.forEach((s, i) => {
    if (bars) {
      for (const [x, y] of s.points) add('rect', { x: X(x), y: Y(y), width: Math.max(2, (w - pad) / 62), height: h - 16 - Y(y), class: 'bar s' + i });
    } else if (s.points.length) {
      add('polyline', { points: s.points.map(([x, y]) => X(x).toFixed(1) + ',' + Y(y).toFixed(1)).join(' '), class: 'series s' + i });
    }
  });
  const legend = el('p', { class: 'legend' }, ...series.map((s, i) => el('span', { class: 'key s' + i, text: s.name })));
  return el('figure', {}, el('figcaption', { text: title }), svg, series.length > 1 ? legend : null);
}

async function renderOps() {
  const [letters, ops] = await Promise.all([api('/monitor/api/deadletters'), api('/monitor/api/operations')]);
  const stages = el('table', { class: 'stages' }, el('tr', {}, ...['stage', 'group', 'reads', 'lag', 'state'].map((h) => el('th', { text: h }))));
  for (const s of ops.stages) {
    stages.append(el('tr', { 'data-stage': s.stage }, el('td', { text: s.stage }), el('td', { text: s.group }), el('td', { text: s.topic }),
      el('td', { text: s.lag === null ? '?' : String(s.lag) }), el('td', {}, el('span', { class: 'state ' + s.state, text: s.state }))));
  }
  const minutes = ops.minutes;
  const charts = el('div', { class: 'charts' },
    chart('Stories per minute', [{ name: 'stories', points: minutes.map((m) => [m.minute_ms, m.stories]) }], { bars: true }),
    chart('End-to-end latency (ms)', ['p50', 'p95', 'p99'].map((p) => ({ name: p, points: minutes.filter((m) => m[p + '_ms'] !== null).map((m) => [m.minute_ms, m[p + '_ms']]) }))),
    chart('Consumer lag', Object.entries(ops.lag_history).map(([stage, pts]) => ({ name: stage, points: pts.map((p) => [p.at_ms, p.lag]) }))));
  const box = $('ops');
  const table = el('table', { class: 'letters' }, el('tr', {}, ...['time', 'stage', 'kind', 'field', 'reason', 'origin', 'article', 'replays', ''].map((h) => el('th', { text: h }))));
  for (const l of letters) {
    const action = el('td', { class: 'action' });
    if (l.payload_dropped) action.textContent = 'no payload to replay';
    else if (l.replays >= 3) action.textContent = 'replayed 3 times: fix the cause';
    else {
      const b = el('button', { type: 'button', class: 'replay', 'data-locator': l.partition + ':' + l.offset, text: 'Replay' });
      b.addEventListener('click', () => replay(l, action));
      action.append(b);
    }
    table.append(el('tr', { 'data-locator': l.partition + ':' + l.offset },
      el('td', { text: new Date(l.at_ms).toLocaleTimeString([], { hour12: false }) }),
      el('td', { text: l.stage || '?' }), el('td', { text: l.kind || '?' }), el('td', { text: l.field || '' }),
      el('td', { class: 'reason', text: l.reason || '' }), el('td', { text: l.origin || '?' }),
      el('td', { text: l.key || '' }), el('td', { text: String(l.replays) }), action));
  }
  const keep = [...box.querySelectorAll('td.replay-ok, td.replay-refused')];
  box.replaceChildren(
    el('header', {}, el('button', { type: 'button', class: 'close', 'aria-label': 'Close', text: '×' }), el('h2', { text: 'Operations' })),
    section('Stages', stages),
    section('Last hour', charts),
    section('Dead letters (' + letters.length + ')', letters.length ? table : el('p', { text: 'none' })));
  box.querySelector('.close').addEventListener('click', closeOps);
  // A replay's answer stays shown until the next refresh after it.
  for (const c of keep) {
    const row = box.querySelector('tr[data-locator="' + c.parentElement.dataset.locator + '"] td.action');
    if (row) row.replaceWith(c);
  }
}

function openOps() {
  $('ops').hidden = false;
  renderOps();
  clearInterval(opsTimer);
  opsTimer = setInterval(renderOps, 2000);
  $('ops').focus();
}

function closeOps() {
  clearInterval(opsTimer);
  $('ops').hidden = true;
}

$('ops-open').addEventListener('click', openOps);

// ---- keyboard and wiring ---------------------------------------------------

function move(by) {
  const rows = [...$('rows').children];
  if (!rows.length) return;
  let i = rows.findIndex((r) => r.dataset.id === selected);
  i = i < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, i + by));
  for (const r of rows) r.classList.remove('selected');
  rows[i].classList.add('selected');
  selected = rows[i].dataset.id;
  rows[i].focus();
}

document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof Element && e.target.matches('input, select, textarea');
  if (e.key === 'Escape') { if (openId) closeStory(); else if (!$('ops').hidden) closeOps(); else if (typing) e.target.blur(); return; }
  if (typing) return;
  if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); move(1); }
  else if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
  else if (e.key === 'Enter' && selected) { e.preventDefault(); openStory(selected); }
  else if (e.key === '/') { e.preventDefault(); $('f-text').focus(); }
});

$('rows').addEventListener('click', (e) => {
  const tr = e.target.closest('tr');
  if (!tr) return;
  selected = tr.dataset.id;
  openStory(selected);
});

for (const id of ['f-lang', 'f-section', 'f-urgency', 'f-entity', 'f-text']) $(id).addEventListener('input', scheduleRender);

$('sign-out').addEventListener('click', async () => {
  await fetch('/monitor/api/session', { method: 'DELETE', credentials: 'same-origin' });
  location.replace('/monitor/');
});

// Countdowns tick once a second, touching only their own cells.
setInterval(() => { for (const m of document.querySelectorAll('[data-embargo]')) updateEmbargo(m); }, 1000);

connect();
