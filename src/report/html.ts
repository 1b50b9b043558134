// Self-contained HTML pages (inline CSS and SVG, no script, nothing fetched): the trend page and the review. Pure.
import type { ReviewData } from '../analyze/review.js';
import type { TrendResult, Comparison, Verdict } from '../analyze/rules.js';
import { censoredStretches, type Series } from '../analyze/series.js';
import type { Thresholds } from '../config.js';
import type { Lang } from '../i18n.js';
import { fmt } from '../i18n.js';
import { Chalk } from 'chalk';
import { ratioText } from '../analyze/channels.js';
import { CHANNEL_MSG, channelCells, channelColumns, windowReason } from './channels.js';
import { REVIEW_MSG, periodLine, restartLines, sourcesLabel, stepText, suspectBlocks } from './review.js';
import { localTime, renderTrendSummary, signed, TREND_MSG } from './trend.js';

const plain = new Chalk({ level: 0 });

export function esc(s: string | number | null | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

export interface SvgOptions {
  tz: string;
  lang: Lang;
  width?: number;
  height?: number;
}

/** The goroutine series as an SVG line chart: one line per run, threshold lines, restarts, censored stretches. */
export function goroutineSvg(series: Series, th: Thresholds, o: SvgOptions): string {
  const W = o.width ?? 960;
  const H = o.height ?? 300;
  // The bottom margin holds the time labels and, under them, the legend.
  const m = { l: 56, r: 110, t: 14, b: 66 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const T = TREND_MSG[o.lang];
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="goroutines over time">`);
  if (series.from === null || series.to === null) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" class="muted">${esc(T.noSamples)}</text></svg>`);
    return parts.join('');
  }
  const from = series.from;
  const span = Math.max(1, series.to - from);
  let peak = 0;
  for (const r of series.runs) if (r.peak && r.peak.count > peak) peak = r.peak.count;
  let top = Math.max(peak, th.warning * 1.1);
  for (const t of [th.critical, th.emergency]) if (peak >= t * 0.8) top = Math.max(top, t * 1.05);
  const ticks = niceTicks(top);
  const x = (t: number) => m.l + ((t - from) / span) * pw;
  const y = (v: number) => m.t + ph - (v / top) * ph;
  const f = (n: number) => n.toFixed(1);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" class="plot"/>`);
  for (const v of ticks) if (v > 0) parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${f(y(v))}" y2="${f(y(v))}" class="grid"/>`);
  // Censored stretches: a band below the warning line over the pixel columns that hold censored ticks only.
  const sampled = new Set<number>();
  for (const r of series.runs) for (let i = 0; i < r.samples.n; i++) sampled.add(Math.floor(x(r.samples.t[i]!)));
  const band = new Set<number>();
  for (const r of series.runs) {
    for (const [a, b] of censoredStretches(series, r)) for (let c = Math.floor(x(a)); c <= Math.floor(x(b)); c++) if (!sampled.has(c)) band.add(c);
  }
  const bandPath = [...band].sort((p, q) => p - q).map((c) => `M${c} ${f(y(series.censoredAtMost))}h1V${f(y(0))}h-1Z`);
  if (bandPath.length > 0) parts.push(`<path class="censored" d="${bandPath.join('')}"><title>${esc(fmt(T.censoredMark, { w: series.censoredAtMost }).replace(/^\. /, ''))}</title></path>`);
  const lines: [number, string, string][] = [
    [th.warning, T.warning, 'warn'],
    [th.critical, T.critical, 'crit'],
    [th.emergency, T.emergency, 'emerg'],
  ];
  for (const [v, name, cls] of lines) {
    if (v > top) continue;
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${f(y(v))}" y2="${f(y(v))}" class="th ${cls}"/>`);
    parts.push(`<text x="${m.l + pw + 6}" y="${f(y(v) + 4)}" class="lbl ${cls}">${esc(name)} ${v}</text>`);
  }
  // y labels: round steps (1, 2 or 5 × 10^n) with thousands separated, each on a grid line
  for (const v of ticks) parts.push(`<text x="${m.l - 6}" y="${f(y(v) + 4)}" text-anchor="end" class="lbl">${tickText(v)}</text>`);
  // x labels: 5 evenly spaced times
  for (let k = 0; k <= 4; k++) {
    const t = from + (span * k) / 4;
    parts.push(`<text x="${f(x(t))}" y="${m.t + ph + 16}" text-anchor="${k === 0 ? 'start' : k === 4 ? 'end' : 'middle'}" class="lbl">${esc(localTime(new Date(t).toISOString(), o.tz))}</text>`);
  }
  // Runs: the highest sample per pixel column, joined.
  for (const r of series.runs) {
    const byCol = new Map<number, { t: number; v: number }>();
    const s = r.samples;
    for (let i = 0; i < s.n; i++) {
      const c = Math.round(x(s.t[i]!));
      const cur = byCol.get(c);
      if (!cur || s.vMax[i]! > cur.v) byCol.set(c, { t: s.t[i]!, v: s.vMax[i]! });
    }
    const pts = [...byCol.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => `${f(x(p.t))},${f(y(p.v))}`);
    if (pts.length === 1) parts.push(`<circle cx="${pts[0]!.split(',')[0]}" cy="${pts[0]!.split(',')[1]}" r="2.5" class="pt"/>`);
    else if (pts.length > 1) parts.push(`<polyline class="series" points="${pts.join(' ')}"/>`);
  }
  for (const r of series.restarts) {
    parts.push(`<line x1="${f(x(r.t))}" x2="${f(x(r.t))}" y1="${m.t}" y2="${m.t + ph}" class="restart"><title>${esc(`${localTime(new Date(r.t).toISOString(), o.tz)} ${r.detail}`)}</title></line>`);
  }
  for (const c of series.crashes) {
    parts.push(`<line x1="${f(x(c.t))}" x2="${f(x(c.t))}" y1="${m.t}" y2="${m.t + ph}" class="crash"><title>${esc(`${localTime(new Date(c.t).toISOString(), o.tz)} ${c.kind}: ${c.message}`)}</title></line>`);
  }
  // The legend: what each mark is, only the marks this chart has.
  const L = HTML_LEGEND[o.lang];
  const items: [string, string][] = [[`<line x1="0" x2="18" y1="0" y2="0" class="series"/>`, L.series]];
  if (bandPath.length > 0) items.push([`<rect x="0" y="-5" width="18" height="10" class="censored"/>`, fmt(L.censored, { w: series.censoredAtMost })]);
  for (const [v, name, cls] of lines) if (v <= top) items.push([`<line x1="0" x2="18" y1="0" y2="0" class="th ${cls}"/>`, `${name} ${v}`]);
  if (series.restarts.length > 0) items.push([`<line x1="9" x2="9" y1="-6" y2="6" class="restart"/>`, L.restart]);
  if (series.crashes.length > 0) items.push([`<line x1="9" x2="9" y1="-6" y2="6" class="crash"/>`, L.crash]);
  // Two rows at most; an item that would pass the right edge starts the next row.
  let lx = m.l;
  let ly = 0;
  parts.push(`<g class="legend" transform="translate(0 ${m.t + ph + 34})">`);
  for (const [mark, label] of items) {
    const w = 24 + Math.ceil([...label].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 11 : 6.2), 0)) + 18; // 11px text: ~6 px a character, 11 a CJK one
    if (lx > m.l && lx + w > W - 8) {
      lx = m.l;
      ly += 18;
    }
    parts.push(`<g transform="translate(${lx} ${ly})">${mark}<text x="24" y="4" class="lbl">${esc(label)}</text></g>`);
    lx += w;
  }
  parts.push('</g>');
  parts.push('</svg>');
  return parts.join('');
}

const HTML_LEGEND = {
  en: { series: 'goroutines (highest per pixel column)', censored: 'no warning logged (≤ {w})', restart: 'restart', crash: 'crash' },
  zh: { series: 'goroutine 数（每个像素列的最大值）', censored: '未记录告警（≤ {w}）', restart: '重启', crash: '崩溃' },
} as const;

/** Tick values from 0 up to `top`, a round step apart (1, 2 or 5 × 10^n), four to seven of them. */
export function niceTicks(top: number): number[] {
  const raw = Math.max(1, top) / 6;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v <= top; v += step) out.push(v);
  return out;
}

/** `12000` → `12,000`: a tick readable at a glance. */
function tickText(v: number): string {
  return String(v).replace(/\B(?=(\d{3})+$)/g, ',');
}

const CSS = `
:root{--fg:#1d2327;--muted:#667;--bg:#fff;--line:#e3e6ea;--warn:#c98a00;--crit:#d4461b;--emerg:#9b0d0d;--ok:#237a3b}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg);margin:24px auto;max-width:1040px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:14px 0 4px}
.muted{color:var(--muted)}table{border-collapse:collapse;margin:6px 0;font-size:13px}th,td{border:1px solid var(--line);padding:3px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f6f7f9}.verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:600}
.v-leak{background:var(--crit)}.v-rising{background:var(--crit)}.v-spike{background:var(--warn)}.v-stable{background:var(--ok)}.v-insufficient-data{background:#888}
.sev{font-weight:600;margin-right:6px}.sev-emergency{color:#fff;background:var(--emerg);padding:0 5px}.sev-critical{color:var(--crit)}.sev-warning{color:var(--warn)}.sev-info{color:#2b6cb0}
code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}pre{background:#f6f7f9;padding:8px;overflow:auto}
.chart{max-width:100%;height:auto}.chart .plot{fill:#fbfbfc;stroke:var(--line)}.chart .lbl{font-size:11px;fill:var(--muted)}
.chart .th{stroke-dasharray:5 4;stroke-width:1}.chart .warn{stroke:var(--warn);fill:var(--warn)}.chart .crit{stroke:var(--crit);fill:var(--crit)}.chart .emerg{stroke:var(--emerg);fill:var(--emerg)}
.chart text.lbl.warn,.chart text.lbl.crit,.chart text.lbl.emerg{stroke:none}
.chart .series{fill:none;stroke:#2b6cb0;stroke-width:1.5}.chart .pt{fill:#2b6cb0}.chart .censored{fill:#2b6cb0;fill-opacity:.12}
.chart .restart{stroke:#555;stroke-dasharray:2 3}.chart .crash{stroke:var(--crit);stroke-width:1.5}.chart .grid{stroke:var(--line);stroke-width:1}
td.t{white-space:nowrap}
.flag{color:var(--crit);font-weight:600}
`;

function page(title: string, lang: Lang, body: string): string {
  return `<!DOCTYPE html>\n<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${esc(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}

// A date or time cell, kept on one line: `2026-11-20`, `2026-11-20 17:59`, `2026-11-20 17:59 → 2026-11-20 18:14`.
const TIME_CELL = /^\d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?(?: → \d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?)?$/;
const isTime = (c: string | number): boolean => typeof c === 'string' && TIME_CELL.test(c);

function htmlTable(head: readonly string[], rows: (string | number)[][], rawCols: ReadonlySet<number> = new Set()): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${typeof c === 'number' ? ' class="n"' : isTime(c) ? ' class="t"' : ''}>${rawCols.has(i) ? c : esc(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${tr}\n</tbody>\n</table>`;
}

function verdictBadge(v: Verdict, lang: Lang): string {
  return `<span class="verdict v-${v}">${esc(TREND_MSG[lang].verdicts[v])}</span>`;
}

function trendBlock(r: TrendResult, series: Series, o: { lang: Lang; tz: string; dockerRestarts?: number | null }): string {
  const T = TREND_MSG[o.lang];
  const parts: string[] = [];
  parts.push(`<p>${verdictBadge(r.verdict, o.lang)}</p>`);
  parts.push(`<ul>${renderTrendSummary(r, { ...o, color: plain }).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`);
  parts.push(goroutineSvg(series, r.thresholds, o));
  if (r.runs.length > 0) {
    parts.push(
      htmlTable(
        T.runHead,
        r.runs.map((run, i) => [i + 1, localTime(run.from, o.tz), localTime(run.to, o.tz), run.samples, run.censoredTicks, signed(run.slopePerHour), run.peak ?? '-', T.endedBy[run.endedBy], T.verdicts[run.verdict]]),
      ),
    );
  }
  return parts.join('\n');
}

export function renderTrendHtml(
  r: TrendResult,
  series: Series,
  o: { lang: Lang; tz: string; sources: string; baseline?: { result: TrendResult; series: Series; comparison: Comparison; label: string } | null; dockerRestarts?: number | null },
): string {
  const T = TREND_MSG[o.lang];
  const parts: string[] = [];
  parts.push(`<h1>${esc(T.title)}: ${esc(o.sources)}</h1>`);
  parts.push(`<p class="muted">${esc(localTime(r.from, o.tz))} → ${esc(localTime(r.to, o.tz))} (${esc(o.tz)})</p>`);
  parts.push(trendBlock(r, series, o));
  if (o.baseline) {
    const b = o.baseline;
    parts.push(`<h2>${esc(T.baseline)}: ${esc(b.label)}</h2>`);
    parts.push(
      htmlTable(
        T.cmpHead,
        b.comparison.rows.map((row) => [
          T.metrics[row.metric],
          row.metric === 'verdict' ? T.verdicts[row.baseline as Verdict] : (row.baseline ?? '-'),
          row.metric === 'verdict' ? T.verdicts[row.current as Verdict] : (row.current ?? '-'),
        ]),
      ),
    );
    parts.push(`<h3>${esc(b.label)}</h3>`);
    parts.push(trendBlock(b.result, b.series, { ...o, dockerRestarts: null }));
  }
  return page(`${T.title}: ${o.sources}`, o.lang, parts.join('\n'));
}

export function renderReviewHtml(d: ReviewData, series: Series, o: { lang: Lang; tz: string }): string {
  const M = REVIEW_MSG[o.lang];
  const C = CHANNEL_MSG[o.lang];
  const parts: string[] = [];
  parts.push(`<h1>${esc(M.title)}: ${esc(sourcesLabel(d))}</h1>`);
  parts.push(
    `<p class="muted">${esc(periodLine(d, o.lang, o.tz, sourcesLabel(d)))}</p>`,
  );
  parts.push(`<h2>${esc(M.nextSteps)}</h2>\n<ul>`);
  for (const s of d.nextSteps) {
    parts.push(`<li><span class="sev sev-${s.severity}">${esc(M.severities[s.severity])}</span>${esc(stepText(s, o.lang, o.tz))}${s.command ? `<br><code>${esc(s.command)}</code>` : ''}</li>`);
  }
  parts.push('</ul>');
  parts.push(`<h2>${esc(M.goroutines)}</h2>`);
  parts.push(trendBlock(d.trend, series, { ...o, dockerRestarts: d.container?.restartCount }));
  if (d.peaks.length > 0) parts.push(`<p>${esc(M.peaks)}: ${d.peaks.map((p) => esc(`${p.count} (${localTime(p.at, o.tz)})`)).join(', ')}</p>`);
  if (d.suspects && d.suspects.length > 0) {
    parts.push(`<h2>${esc(M.suspects)}</h2>`);
    for (const b of suspectBlocks(d, o.lang)) {
      parts.push(`<p>${esc(b.head)}</p>`);
      if (b.note) parts.push(`<p class="muted">${esc(b.note)}</p>`);
      parts.push(htmlTable(M.suspectCols, b.rows));
    }
  }
  parts.push(`<h2>${esc(M.perDay)}</h2>`);
  const rows: (string | number)[][] = d.days.map((r) => [r.day, r.goroutineWarnings, r.peak ?? '-', r.relayErrors, r.timeouts, r.panics, r.crashes, r.restarts]);
  rows.push([M.total, d.totals.goroutineWarnings, d.trend.peak ?? '-', d.totals.relayErrors, d.totals.timeouts, d.totals.panics, d.totals.crashes, d.totals.restarts]);
  parts.push(htmlTable(M.dayHead, rows));
  parts.push(`<h2>${esc(M.panics)}</h2>`);
  if (d.panics.length === 0) parts.push(`<p>${esc(M.panicNone)}</p>`);
  for (const p of d.panics) {
    parts.push(`<h3>${esc(fmt(M.panicLine, { kind: M.kinds[p.kind], count: p.count, message: p.message }))}</h3>`);
    parts.push(`<p>${esc(M.topFrame)}: <code>${esc(p.topFrame ?? '-')}</code>; ${esc(fmt(M.seen, { first: localTime(p.firstSeen, o.tz), last: localTime(p.lastSeen, o.tz) }))}</p>`);
    if (p.sampleFrames.length > 0) parts.push(`<details><summary>${esc(M.sampleStack)}</summary><pre>${esc(p.sampleFrames.join('\n'))}</pre></details>`);
  }
  const chTable = (list: typeof d.channels) => {
    const head = channelColumns(list, o.lang);
    return htmlTable(
      head,
      list.map((r) => channelCells(r, o, head.length, ratioText, `<span class="flag">${esc(C.flagged)}</span>`)),
      new Set([11]),
    );
  };
  parts.push(`<h2>${esc(M.channels)}</h2>`);
  parts.push(d.channels.length === 0 ? `<p>${esc(M.channelsNone)}</p>` : chTable(d.channels));
  parts.push(`<h2>${esc(M.spike)}</h2>`);
  if (!d.spike) parts.push(`<p>${esc(M.spikeNone)}</p>`);
  else {
    parts.push(`<p>${esc(`${localTime(d.spike.window.from, o.tz)} → ${localTime(d.spike.window.to, o.tz)}: ${windowReason(d.spike.window, o.lang, o.tz)}`)}</p>`);
    const top = d.spike.channels.filter((r) => r.relayErrors > 0).slice(0, 5);
    if (top.length > 0) parts.push(chTable(top));
  }
  parts.push(`<h2>${esc(M.restarts)}</h2>`);
  const [count, ...each] = restartLines(d, o.lang, o.tz);
  parts.push(`<p>${esc(count)}</p>`);
  if (each.length > 0) parts.push(`<ul>${each.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`);
  if (d.container) {
    const k = d.container;
    parts.push(`<h2>${esc(M.container)}: ${esc(k.name)}</h2>`);
    parts.push(`<p>${esc(fmt(M.containerLine, { state: k.state ?? M.missing, restarts: k.restartCount ?? M.missing, started: k.startedAt ? localTime(k.startedAt, o.tz) : M.missing }))}</p>`);
    parts.push(
      `<p>${esc(
        fmt(M.statsLine, {
          cpu: k.cpuPercent == null ? M.missing : `${k.cpuPercent.toFixed(1)}%`,
          mem: k.memoryMb == null ? M.missing : `${Math.round(k.memoryMb)} MB`,
          pids: k.pids ?? M.missing,
          g: k.goroutines ?? M.missing,
        }),
      )}</p>`,
    );
    for (const m of k.missing ?? []) parts.push(`<p class="muted">${esc(m)}</p>`);
  }
  return page(`${M.title}: ${sourcesLabel(d)}`, o.lang, parts.join('\n'));
}
