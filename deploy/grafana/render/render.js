// Renders deploy/grafana/bridge.json on live data without Grafana (whose server no package source
// here provides): every panel's PromQL is evaluated by a real Prometheus (query_range / query),
// and the panels are drawn as SVG on the dashboard's own grid, into one HTML page that headless
// Chromium can screenshot. Not Grafana's look; the same queries, layout and titles.
//   node render.js http://127.0.0.1:9090 deploy/grafana/bridge.json out.html [minutes]
'use strict';
const fs = require('fs');
const [prom, dashFile, out, minutesArg] = process.argv.slice(2);
const minutes = Number(minutesArg || 10);
const dash = JSON.parse(fs.readFileSync(dashFile, 'utf8'));
const end = Math.floor(Date.now() / 1000), start = end - minutes * 60, step = Math.max(5, Math.floor(minutes * 60 / 120));
const COLORS = ['#73bf69', '#f2cc0c', '#5794f2', '#ff780a', '#b877d9', '#f2495c', '#8ab8ff', '#ffb357'];
const CELL_W = 64, CELL_H = 34;

async function query(expr, instant) {
  const url = instant ? `${prom}/api/v1/query?query=${encodeURIComponent(expr)}`
    : `${prom}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${step}`;
  const r = await (await fetch(url)).json();
  if (r.status !== 'success') throw new Error(`${expr}: ${r.error}`);
  return r.data.result;
}
const legend = (fmt, metric) => (fmt || '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '') || JSON.stringify(metric);
const esc = s => String(s).replace(/[&<>]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;'}[c]));
function fmt(v, unit) {
  if (!isFinite(v)) return '–';
  if (unit === 'bytes') return v >= 1e9 ? (v / 1e9).toFixed(2) + ' GB' : v >= 1e6 ? (v / 1e6).toFixed(1) + ' MB' : (v / 1e3).toFixed(0) + ' kB';
  if (unit === 's') return v >= 1 ? v.toFixed(2) + ' s' : (v * 1000).toFixed(v < 0.01 ? 2 : 1) + ' ms';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

function chart(series, w, h, unit) {
  const pts = series.flatMap(s => s.values);
  if (!pts.length) return `<div class="nodata">No data</div>`;
  let lo = Math.min(0, ...pts.map(p => p[1])), hi = Math.max(...pts.map(p => p[1]));
  if (hi === lo) hi = lo + 1;
  const L = 56, T = 6, W = w - L - 8, H = h - T - 20;
  const x = t => L + (t - start) / (end - start) * W, y = v => T + H - (v - lo) / (hi - lo) * H;
  let svg = `<svg width="${w}" height="${h}">`;
  for (let i = 0; i <= 4; i++) {
    const v = lo + (hi - lo) * i / 4;
    svg += `<line x1="${L}" x2="${L + W}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${L - 4}" y="${y(v) + 4}" class="axis" text-anchor="end">${esc(fmt(v, unit))}</text>`;
  }
  for (let i = 0; i <= 4; i++) {
    const t = start + (end - start) * i / 4, d = new Date(t * 1000);
    svg += `<text x="${x(t)}" y="${h - 4}" class="axis" text-anchor="middle">${d.toISOString().slice(11, 16)}</text>`;
  }
  series.forEach((s, i) => {
    // A missing sample (a node down, a series not yet there) breaks the line, as in Grafana.
    const d = s.values.map((p, j) => `${j && p[0] - s.values[j - 1][0] <= step * 1.5 ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    svg += `<path d="${d}" stroke="${COLORS[i % COLORS.length]}" fill="none" stroke-width="1.5"/>`;
  });
  return svg + '</svg>';
}

(async () => {
  let html = `<!doctype html><meta charset="utf-8"><style>
body{background:#111217;color:#ccccdc;font:12px Inter,Helvetica,Arial,sans-serif;margin:0}
h1{font-size:16px;font-weight:500;margin:10px 12px}.sub{color:#8e8e9e;margin:0 12px 8px}
.p{position:absolute;background:#181b1f;border:1px solid #2a2d33;border-radius:3px;box-sizing:border-box;overflow:hidden}
.t{font-weight:500;padding:6px 8px 2px}.row{position:absolute;font-size:14px;font-weight:500;color:#d8d9da}
.stat{font-size:30px;text-align:center;color:#73bf69;margin-top:6px}.grid{stroke:#2a2d33}.axis{fill:#8e8e9e;font-size:10px}
.lg{padding:0 8px;font-size:10px;line-height:14px}.lg i{display:inline-block;width:10px;height:3px;margin:0 4px 2px 8px}
.nodata{color:#8e8e9e;text-align:center;margin-top:40px}</style>
<h1>${esc(dash.title)}</h1><div class="sub">Panels of deploy/grafana/bridge.json evaluated by the compose Prometheus, last ${minutes} min, ${new Date(end * 1000).toISOString()} (rendered without Grafana)</div><div style="position:relative">`;
  let maxY = 0;
  for (const p of dash.panels) {
    const g = p.gridPos, left = g.x * CELL_W, top = g.y * CELL_H, w = g.w * CELL_W - 6, h = g.h * CELL_H - 6;
    maxY = Math.max(maxY, top + h);
    if (p.type === 'row') { html += `<div class="row" style="left:${left + 4}px;top:${top + 6}px">${esc(p.title)}</div>`; continue; }
    const unit = p.fieldConfig && p.fieldConfig.defaults.unit;
    html += `<div class="p" style="left:${left}px;top:${top}px;width:${w}px;height:${h}px"><div class="t">${esc(p.title)}</div>`;
    if (p.type === 'stat') {
      const r = await query(p.targets[0].expr, true);
      html += `<div class="stat">${r.length ? esc(fmt(Number(r[0].value[1]), unit)) : 'No data'}</div>`;
    } else {
      const series = [];
      for (const t of p.targets) {
        for (const s of await query(t.expr, false)) {
          series.push({name: legend(t.legendFormat, s.metric), values: s.values.map(([ts, v]) => [ts, Number(v)]).filter(q => isFinite(q[1]))});
        }
      }
      const legendRows = Math.min(3, Math.ceil(series.length / 3));
      html += chart(series, w - 2, h - 26 - legendRows * 14, unit);
      html += `<div class="lg">${series.slice(0, 9).map((s, i) => `<i style="background:${COLORS[i % COLORS.length]}"></i>${esc(s.name)}`).join('')}</div>`;
    }
    html += '</div>';
  }
  html += `</div><div style="height:${maxY + 20}px"></div>`;
  fs.writeFileSync(out, html);
  console.log(`rendered ${dash.panels.length} panels to ${out}`);
})().catch(e => { console.error(e); process.exit(1); });
