// The Lockstep fleet dashboard: draws the history the monitor kept (GET api/history), then
// follows its event stream (GET events, one fleet frame a second) to keep the table, the fleet
// line, the last firing and the two plots current without reloading. Offsets are device clock −
// reference clock, in ns on the wire and ms on screen.
'use strict';
(function () {
  const PALETTE = ['#2b6cb0', '#c05621', '#2f855a', '#b83280', '#6b46c1', '#d69e2e', '#319795',
    '#e53e3e', '#4a5568', '#805ad5', '#38a169', '#dd6b20'];
  const STATUS_TEXT = {
    ok: 'ok', out_of_tolerance: 'out of tolerance', stale: 'stale', unsynced: 'not synced',
    error: 'error', unreachable: 'unreachable'
  };
  const VERDICT_TEXT = {
    in_sync: 'IN SYNC', out_of_tolerance: 'OUT OF TOLERANCE', not_proven: 'NOT PROVEN (bound exceeds tolerance)',
    device_problem: 'DEVICE PROBLEM', no_devices: 'NO DEVICES'
  };

  // Columns for the plots, aligned with x (seconds since the epoch, monitor wall time).
  const hist = { windowSec: 300, x: [], spread: [], spreadBound: [], tol: [], devices: new Map() };
  let offsetPlot = null;
  let spreadPlot = null;
  let offsetPlotKey = '';
  let lastFrameWallNs = -1;
  let lastFrameAt = 0;

  function el(id) { return document.getElementById(id); }

  function colorOf(index) {
    return index < PALETTE.length ? PALETTE[index] : 'hsl(' + ((index * 137) % 360) + ', 55%, 45%)';
  }

  function withAlpha(color, alpha) {
    if (color.startsWith('#')) {
      const n = parseInt(color.slice(1), 16);
      return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
    }
    return color.replace('hsl(', 'hsla(').replace(')', ', ' + alpha + ')');
  }

  function ms(ns, digits) {
    return ns == null ? '—' : (ns / 1e6).toFixed(digits === undefined ? 3 : digits) + ' ms';
  }

  function signedMs(ns) {
    return ns == null ? '—' : (ns >= 0 ? '+' : '−') + ms(Math.abs(ns));
  }

  function seconds(ns) {
    return ns == null ? '—' : (ns / 1e9).toFixed(1) + ' s';
  }

  function isoTime(ns) {
    return new Date(ns / 1e6).toISOString().replace('T', ' ').replace('Z', ' UTC');
  }

  function deviceColumns(target, name) {
    let d = hist.devices.get(target);
    if (!d) {
      d = { name: name, index: hist.devices.size, off: new Array(hist.x.length).fill(null),
        bound: new Array(hist.x.length).fill(null) };
      hist.devices.set(target, d);
    }
    d.name = name;
    return d;
  }

  function loadHistory(h) {
    hist.windowSec = h.window_ns / 1e9;
    hist.x = h.local_wall_ns.map(function (ns) { return ns / 1e9; });
    hist.spread = h.spread_ns.slice();
    hist.spreadBound = h.spread_bound_ns.slice();
    hist.tol = h.tolerance_ns.slice();
    h.devices.forEach(function (dev) {
      const d = deviceColumns(dev.target, dev.name);
      d.off = dev.offset_ns.slice();
      d.bound = dev.error_bound_ns.slice();
    });
    if (h.local_wall_ns.length > 0) {
      lastFrameWallNs = h.local_wall_ns[h.local_wall_ns.length - 1];
    }
    el('window').textContent = '(last ' + Math.round(hist.windowSec / 60 * 10) / 10 + ' min)';
  }

  function appendFrame(f) {
    hist.x.push(f.local_wall_ns / 1e9);
    hist.spread.push(f.spread_ns);
    hist.spreadBound.push(f.spread_bound_ns);
    hist.tol.push(f.tolerance_ns);
    const seen = new Set();
    f.devices.forEach(function (row) {
      const d = deviceColumns(row.target, row.name);
      d.off.push(row.offset_ns);
      d.bound.push(row.error_bound_ns);
      seen.add(row.target);
    });
    hist.devices.forEach(function (d, target) {
      if (!seen.has(target)) {
        d.off.push(null);
        d.bound.push(null);
      }
    });
    const cutoff = hist.x[hist.x.length - 1] - hist.windowSec;
    let drop = 0;
    while (drop < hist.x.length && hist.x[drop] < cutoff) {
      drop++;
    }
    if (drop > 0) {
      hist.x.splice(0, drop);
      hist.spread.splice(0, drop);
      hist.spreadBound.splice(0, drop);
      hist.tol.splice(0, drop);
      hist.devices.forEach(function (d) {
        d.off.splice(0, drop);
        d.bound.splice(0, drop);
      });
    }
  }

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) {
      td.className = cls;
    }
    tr.appendChild(td);
    return td;
  }

  const COLUMNS = ['swatch', 'name', 'target', 'via', 'state', 'num offset', 'num bound', 'num drift', 'num age',
    'status'];

  const WARNING_TEXT = { low_battery: 'LOW BATTERY', low_storage: 'LOW STORAGE', stale_offset: 'STALE OFFSET',
    status_unreadable: 'STATUS UNREADABLE' };

  function clockText(ns) {
    const s = Math.max(0, Math.floor(ns / 1e9));
    const two = function (n) { return (n < 10 ? '0' : '') + n; };
    return Math.floor(s / 3600) + ':' + two(Math.floor(s / 60) % 60) + ':' + two(s % 60);
  }

  // A Companion phone's health in one line; the warnings go in their own span, so they can stand out.
  function phoneText(p) {
    if (!p) {
      return { text: '', warnings: '' };
    }
    const parts = [];
    if (p.status_error) {
      parts.push('status: ' + p.status_error);
    } else {
      if (p.device_name) { parts.push(p.device_name); }
      parts.push('battery ' + (p.battery_percent == null ? '?' : p.battery_percent + '%'));
      parts.push(p.storage_free_bytes == null ? 'storage ?' : (p.storage_free_bytes / 1e9).toFixed(1) + ' GB free');
      if (p.hardware) { parts.push(p.hardware + (p.app_version ? ' app ' + p.app_version : '')); }
      if (p.glasses_connected != null) { parts.push(p.glasses_connected ? 'glasses connected' : 'no glasses'); }
      parts.push(p.recording ? '● REC ' + (p.recording_duration_ns == null ? '' : clockText(p.recording_duration_ns))
        : 'not recording');
    }
    if (p.last_event) {
      parts.push('last event ' + p.last_event.name
        + (p.last_event.age_ns == null ? '' : ' ' + Math.round(p.last_event.age_ns / 1e9) + ' s ago'));
    }
    const warnings = (p.warnings || []).filter(function (w) { return w !== 'status_unreadable'; })
      .map(function (w) { return WARNING_TEXT[w] || w; }).join(' · ');
    return { text: parts.join(' · '), warnings: warnings };
  }

  function renderPhone(td, p) {
    const t = phoneText(p);
    const key = t.text + '|' + t.warnings;
    if (td.dataset.key === key) {
      return;
    }
    td.dataset.key = key;
    td.textContent = t.text;
    if (t.warnings) {
      const w = document.createElement('span');
      w.className = 'warn';
      w.textContent = t.warnings;
      td.appendChild(document.createTextNode(' '));
      td.appendChild(w);
    }
    td.classList.toggle('recording', !!(p && p.recording));
  }

  function statusText(r) {
    const word = STATUS_TEXT[r.mark] || r.mark;
    if (!r.error) {
      return word;
    }
    // The monitor's reasons often start with the same word ("unreachable: connection refused").
    return r.error.toLowerCase().startsWith(word) ? r.error : word + ': ' + r.error;
  }

  function rowTexts(r) {
    return [null, r.name, r.target, r.via || '', r.state || '', signedMs(r.offset_ns), ms(r.error_bound_ns),
      r.drift_ppm == null ? '—' : r.drift_ppm.toFixed(2) + ' ppm', seconds(r.last_sample_age_ns),
      statusText(r) + chronyText(r)];
  }

  // The device's chronyd beside its agent (absent where none runs), flagged when they disagree.
  function chronyText(r) {
    const c = r.chrony;
    if (!c) {
      return '';
    }
    if (c.leap === 'unsynchronised') {
      return ' · chrony unsynchronised';
    }
    return ' · chrony ' + signedMs(c.offset_ns) + ' ± ' + ms(c.error_bound_ns)
      + (c.disagrees ? ' DISAGREES with the agent (' + signedMs(c.system_offset_ns) + ')' : '');
  }

  // Rows are kept per target and updated in place, so a selection or a hover survives the
  // next second's update. A Companion phone's health goes in a row of its own under its device.
  const tableRows = new Map();
  const phoneRows = new Map();

  function phoneRow(target) {
    let pr = phoneRows.get(target);
    if (!pr) {
      pr = document.createElement('tr');
      pr.className = 'phone-row';
      pr.dataset.phoneOf = target;
      cell(pr, '', 'swatch');
      const td = cell(pr, '', 'phone');
      td.colSpan = COLUMNS.length - 1;
      phoneRows.set(target, pr);
    }
    return pr;
  }

  function renderTable(f) {
    const tbody = el('devices').tBodies[0];
    const present = new Set();
    let next = tbody.firstChild;
    f.devices.forEach(function (r) {
      present.add(r.target);
      let tr = tableRows.get(r.target);
      if (!tr) {
        tr = document.createElement('tr');
        tr.dataset.target = r.target;
        COLUMNS.forEach(function (cls) { cell(tr, '', cls); });
        const span = document.createElement('span');
        span.style.background = colorOf(deviceColumns(r.target, r.name).index);
        tr.cells[0].appendChild(span);
        tableRows.set(r.target, tr);
      }
      tr.className = 'device mark-' + r.mark + (r.phone ? ' has-phone' : '');
      tr.dataset.mark = r.mark;
      rowTexts(r).forEach(function (text, i) {
        if (text !== null && tr.cells[i].textContent !== text) {
          tr.cells[i].textContent = text;
        }
      });
      if (next !== tr) {
        tbody.insertBefore(tr, next);
      }
      next = tr.nextSibling;
      if (r.phone) {
        const pr = phoneRow(r.target);
        pr.className = 'phone-row mark-' + r.mark;
        renderPhone(pr.cells[1], r.phone);
        if (next !== pr) {
          tbody.insertBefore(pr, next);
        }
        next = pr.nextSibling;
      } else if (phoneRows.has(r.target)) {
        phoneRows.get(r.target).remove();
        phoneRows.delete(r.target);
      }
    });
    tableRows.forEach(function (tr, target) {
      if (!present.has(target)) {
        tr.remove();
        tableRows.delete(target);
        if (phoneRows.has(target)) {
          phoneRows.get(target).remove();
          phoneRows.delete(target);
        }
      }
    });
  }

  function renderFleet(f) {
    const fleet = el('fleet');
    fleet.className = 'fleet ' + (f.within_tolerance ? 'ok' : 'bad');
    el('spread').textContent = f.spread_ns == null ? '—'
      : ms(f.spread_ns) + ' ± ' + ms(f.spread_bound_ns);
    el('tolerance').textContent = ms(f.tolerance_ns);
    el('verdict').textContent = VERDICT_TEXT[f.verdict] || (f.within_tolerance ? 'IN SYNC' : 'NOT IN SYNC');
    const tol = Math.max(1, f.tolerance_ns);
    const spreadPct = f.spread_ns == null ? 0 : Math.min(100, 100 * f.spread_ns / tol);
    const boundPct = f.spread_ns == null ? 0 : Math.min(100, 100 * (f.spread_ns + f.spread_bound_ns) / tol);
    el('meter-spread').style.width = spreadPct + '%';
    el('meter-bound').style.width = boundPct + '%';
    const counts = {};
    f.devices.forEach(function (r) { counts[r.mark] = (counts[r.mark] || 0) + 1; });
    el('counts').textContent = f.devices.length + ' devices: ' + Object.keys(STATUS_TEXT)
      .filter(function (k) { return counts[k]; })
      .map(function (k) { return counts[k] + ' ' + STATUS_TEXT[k]; }).join(', ');
    el('updated').textContent = 'updated ' + isoTime(f.local_wall_ns);
  }

  function renderFiring(f) {
    const section = el('last-firing');
    const lf = f.last_firing;
    if (!lf) {
      section.hidden = true;
      return;
    }
    section.hidden = false;
    const fired = lf.devices.filter(function (d) { return d.fired_reference_ns != null; }).length;
    el('firing-summary').textContent = lf.action + ' at ' + isoTime(lf.reference_ns) + ' (reference): '
      + fired + ' of ' + lf.devices.length + ' fired, spread '
      + (lf.spread_ns == null ? '—' : ms(lf.spread_ns) + ' ± ' + ms(lf.spread_bound_ns))
      + ' against ' + ms(lf.tolerance_ns) + ', '
      + (lf.within_tolerance ? 'within tolerance' : 'OUT OF TOLERANCE');
    const tbody = el('firing-devices').tBodies[0];
    tbody.replaceChildren.apply(tbody, lf.devices.map(function (d) {
      const tr = document.createElement('tr');
      tr.className = d.fired_reference_ns == null ? 'outcome-bad' : '';
      cell(tr, d.name, 'name');
      cell(tr, d.outcome, 'outcome');
      cell(tr, d.fired_reference_ns == null ? '—' : signedMs(d.fired_reference_ns - lf.reference_ns), 'num');
      cell(tr, ms(d.error_bound_ns), 'num');
      cell(tr, ms(d.lateness_ns), 'num');
      cell(tr, d.error || '', 'status');
      return tr;
    }));
  }

  // Whole seconds and up on the time axis: sub-second ticks say nothing at one frame a second.
  const TIME_AXIS = { space: 60, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200] };

  function plotWidth(container) {
    return Math.max(320, container.clientWidth - 2);
  }

  function toMs(column) {
    return column.map(function (v) { return v == null ? null : v / 1e6; });
  }

  function drawOffsetPlot() {
    const container = el('offset-plot');
    const targets = Array.from(hist.devices.keys());
    const series = [{}];
    const bands = [];
    const data = [hist.x];
    targets.forEach(function (target) {
      const d = hist.devices.get(target);
      const color = colorOf(d.index);
      const mid = data.length;
      data.push(d.off.map(function (v) { return v == null ? null : v / 1e6; }));
      data.push(d.off.map(function (v, i) { return v == null ? null : (v + d.bound[i]) / 1e6; }));
      data.push(d.off.map(function (v, i) { return v == null ? null : (v - d.bound[i]) / 1e6; }));
      series.push({ label: d.name, stroke: color, width: 1.5, points: { show: false } });
      series.push({ label: d.name + ' +bound', stroke: withAlpha(color, 0.25), width: 1, points: { show: false } });
      series.push({ label: d.name + ' −bound', stroke: withAlpha(color, 0.25), width: 1, points: { show: false } });
      bands.push({ series: [mid + 1, mid + 2], fill: withAlpha(color, 0.15) });
    });
    const key = targets.join('\n');
    if (offsetPlot && key === offsetPlotKey) {
      offsetPlot.setData(data);
      return;
    }
    if (offsetPlot) {
      offsetPlot.destroy();
    }
    offsetPlotKey = key;
    offsetPlot = new uPlot({
      width: plotWidth(container), height: 300, series: series, bands: bands,
      legend: { show: false }, cursor: { drag: { x: false, y: false } },
      axes: [TIME_AXIS, { label: 'offset (ms)', size: 70 }]
    }, data, container);
  }

  function drawSpreadPlot() {
    const container = el('spread-plot');
    const data = [hist.x, toMs(hist.spread),
      hist.spread.map(function (v, i) { return v == null ? null : (v + hist.spreadBound[i]) / 1e6; }),
      hist.spread.map(function (v, i) { return v == null ? null : Math.max(0, v - hist.spreadBound[i]) / 1e6; }),
      toMs(hist.tol)];
    if (spreadPlot) {
      spreadPlot.setData(data);
      return;
    }
    spreadPlot = new uPlot({
      width: plotWidth(container), height: 160,
      series: [{}, { label: 'spread', stroke: '#2b6cb0', width: 1.5, points: { show: false } },
        { label: 'spread + bound', stroke: 'rgba(43,108,176,0.25)', width: 1, points: { show: false } },
        { label: 'spread − bound', stroke: 'rgba(43,108,176,0.25)', width: 1, points: { show: false } },
        { label: 'tolerance', stroke: '#d23c3c', width: 1.5, dash: [6, 4], points: { show: false } }],
      bands: [{ series: [2, 3], fill: 'rgba(43,108,176,0.15)' }],
      legend: { show: false }, cursor: { drag: { x: false, y: false } },
      scales: { y: { range: function (u, min, max) { return [0, Math.max(max, 1e-3) * 1.1]; } } },
      axes: [TIME_AXIS, { label: 'ms', size: 70 }]
    }, data, container);
  }

  function onFrame(f) {
    if (f.local_wall_ns <= lastFrameWallNs) {
      renderTable(f);
      renderFleet(f);
      renderFiring(f);
      return;
    }
    lastFrameWallNs = f.local_wall_ns;
    lastFrameAt = Date.now();
    appendFrame(f);
    renderTable(f);
    renderFleet(f);
    renderFiring(f);
    drawOffsetPlot();
    drawSpreadPlot();
  }

  function setConnection(cls, text) {
    const c = el('connection');
    c.className = 'connection ' + cls;
    c.textContent = text;
  }

  function follow() {
    const source = new EventSource('events');
    source.onopen = function () { setConnection('live', 'live'); };
    source.onerror = function () { setConnection('lost', 'reconnecting…'); };
    source.onmessage = function (e) {
      lastFrameAt = Date.now();
      setConnection('live', 'live');
      onFrame(JSON.parse(e.data));
    };
  }

  // A monitor that stops publishing (hung, or the network in between) must not look live.
  setInterval(function () {
    if (lastFrameAt > 0 && Date.now() - lastFrameAt > 3000) {
      setConnection('lost', 'no update for ' + Math.round((Date.now() - lastFrameAt) / 1000) + ' s');
    }
  }, 1000);

  window.addEventListener('resize', function () {
    if (offsetPlot) {
      offsetPlot.setSize({ width: plotWidth(el('offset-plot')), height: 300 });
    }
    if (spreadPlot) {
      spreadPlot.setSize({ width: plotWidth(el('spread-plot')), height: 160 });
    }
  });

  // Read-only figures for scripts and tests driving the page (how much history the plot holds).
  window.lockstepDashboard = {
    points: function () { return hist.x.length; },
    plottedDevices: function () { return hist.devices.size; }
  };

  fetch('api/history')
    .then(function (r) { return r.json(); })
    .then(function (h) {
      loadHistory(h);
      if (hist.x.length > 0) {
        drawOffsetPlot();
        drawSpreadPlot();
      }
    })
    .catch(function () { /* the event stream still brings the present */ })
    .then(follow);
})();
