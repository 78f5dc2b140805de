// The coach's page: listens to /events (server-sent events) and draws. Plain JS, no build step.
'use strict';

const SPAN = 10; // seconds of trace shown
const COLOURS = ['#58a6ff', '#3fb950', '#f0883e', '#d2a8ff', '#ff7b72', '#79c0ff'];
const traces = new Map(); // sensor id -> { t: [], g: [], canvas, name }
let newest = 0; // newest trace time (host clock, s)
let lastAction = null;
let jumps = 0;
let started = 0;

const $ = (id) => document.getElementById(id);

function traceOf(id, placement) {
  let tr = traces.get(id);
  if (tr === undefined) {
    const name = document.createElement('div');
    name.className = 'trace-name';
    const place = document.createElement('b');
    place.textContent = placement || 'not worn by the model';
    const sensor = document.createElement('span');
    sensor.textContent = id;
    const now = document.createElement('span');
    now.className = 'trace-now';
    name.append(place, sensor, now);
    const canvas = document.createElement('canvas');
    canvas.dataset.sensor = id;
    $('traces').append(name, canvas);
    tr = { t: [], g: [], canvas, now, colour: COLOURS[traces.size % COLOURS.length], points: 0 };
    traces.set(id, tr);
  }
  return tr;
}

function draw() {
  for (const tr of traces.values()) {
    const c = tr.canvas;
    const w = (c.width = c.clientWidth * devicePixelRatio);
    const h = (c.height = c.clientHeight * devicePixelRatio);
    const ctx = c.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    // Scale to the bulk of what is on screen (at least 0-3 g): a landing's 20 g spike would flatten
    // everything else, so the top 2 % of values are clipped at the top edge.
    const sorted = [...tr.g].sort((a, b) => a - b);
    const bulk = sorted.length > 0 ? sorted[Math.floor(0.98 * (sorted.length - 1))] : 0;
    const top = Math.max(3, Math.ceil(bulk * 1.2));
    const y = (g) => h - 2 - (Math.min(g, top) / top) * (h - 4);
    ctx.font = `${10 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.lineWidth = 1;
    const step = top <= 4 ? 1 : top <= 10 ? 2 : 5;
    for (let g = 1; g < top; g = g === 1 && step > 1 ? step : g + step) {
      ctx.strokeStyle = g === 1 ? '#3a4756' : '#232c36';
      ctx.beginPath();
      ctx.moveTo(0, y(g));
      ctx.lineTo(w, y(g));
      ctx.stroke();
      ctx.fillStyle = '#6e7b88';
      if (y(g) > 14 * devicePixelRatio) ctx.fillText(`${g} g`, 4, y(g) - 3);
    }
    // One-second ticks along the bottom.
    ctx.fillStyle = '#2a3440';
    for (let s = 1; s < SPAN; s++) ctx.fillRect(w - (s / SPAN) * w, h - 6, 1, 6);
    ctx.strokeStyle = tr.colour;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (let i = 0; i < tr.t.length; i++) {
      const x = w - ((newest - tr.t[i]) / SPAN) * w;
      if (i === 0) ctx.moveTo(x, y(tr.g[i]));
      else ctx.lineTo(x, y(tr.g[i]));
    }
    ctx.stroke();
    if (tr.g.length > 0) tr.now.textContent = `${tr.g[tr.g.length - 1].toFixed(2)} g`;
  }
}

function logLine(text, kind) {
  const li = document.createElement('li');
  if (kind) li.className = kind;
  const when = document.createElement('span');
  when.className = 'when';
  when.textContent = new Date().toLocaleTimeString();
  li.append(when, document.createTextNode(text));
  $('log').prepend(li);
  while ($('log').children.length > 200) $('log').lastChild.remove();
}

function showPrediction(p) {
  $('action').textContent = p.action.replace(/_/g, ' ');
  $('confidence-bar').style.width = `${(p.confidence * 100).toFixed(0)}%`;
  $('confidence').textContent = `confidence ${(p.confidence * 100).toFixed(0)} % · window ${p.index}`;
  $('top').innerHTML = '';
  for (const t of p.top) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = t.action.replace(/_/g, ' ');
    li.append(name, document.createTextNode(`${(t.p * 100).toFixed(0)} %`));
    $('top').append(li);
  }
  $('windows').textContent = p.index;
  if (p.action !== lastAction) {
    logLine(`${p.action.replace(/_/g, ' ')} (${(p.confidence * 100).toFixed(0)} %)`, 'change');
    lastAction = p.action;
  }
}

function showStatus(s) {
  $('reason').textContent = s.predicting ? '' : s.reason || '';
  const body = $('sensors');
  body.innerHTML = '';
  for (const x of s.sensors) {
    const tr = document.createElement('tr');
    const cells = [
      x.sensorId,
      x.placement || '—',
      x.rate == null ? '–' : `${x.rate.toFixed(0)} Hz`,
      x.received,
      x.gaps,
      x.lost,
    ];
    for (const v of cells) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    if (x.silentFor != null && x.silentFor > 1) tr.children[2].className = 'bad';
    body.append(tr);
  }
  if (s.latency.count > 0) {
    $('p50').textContent = `${s.latency.p50.toFixed(1)} ms`;
    $('p99').textContent = `${s.latency.p99.toFixed(1)} ms`;
  }
}

const events = new EventSource('events');
events.addEventListener('open', () => {
  $('connection').textContent = 'live';
  $('connection').className = 'pill on';
});
events.addEventListener('error', () => {
  $('connection').textContent = 'reconnecting…';
  $('connection').className = 'pill off';
});
events.addEventListener('hello', (e) => {
  const h = JSON.parse(e.data);
  $('title').textContent = h.title;
  document.title = h.title;
  started = Date.now();
  showStatus(h.status);
  if (h.last) showPrediction(h.last);
  const camera = $('camera');
  if (h.camera && camera.hidden) {
    camera.src = 'camera.mjpg';
    camera.hidden = false;
  }
});
events.addEventListener('trace', (e) => {
  for (const s of JSON.parse(e.data).sensors) {
    const tr = traceOf(s.id, s.placement);
    tr.t.push(...s.t);
    tr.g.push(...s.g);
    tr.points += s.t.length;
    tr.canvas.dataset.points = String(tr.points);
    if (s.t.length > 0) newest = Math.max(newest, s.t[s.t.length - 1]);
  }
  for (const tr of traces.values()) {
    let drop = 0;
    while (drop < tr.t.length && tr.t[drop] < newest - SPAN) drop++;
    tr.t.splice(0, drop);
    tr.g.splice(0, drop);
  }
  requestAnimationFrame(draw);
});
events.addEventListener('prediction', (e) => showPrediction(JSON.parse(e.data)));
events.addEventListener('status', (e) => showStatus(JSON.parse(e.data)));
events.addEventListener('jump', (e) => {
  const j = JSON.parse(e.data);
  jumps++;
  $('jumps').textContent = jumps;
  logLine(
    `jump ${(j.height * 100).toFixed(1)} cm · flight ${(j.flightTime * 1000).toFixed(0)} ms (${j.placement})`,
    'jump',
  );
});
setInterval(() => {
  if (started) $('clock').textContent = `${Math.round((Date.now() - started) / 1000)} s`;
}, 1000);
