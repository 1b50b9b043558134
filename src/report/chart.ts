// Goroutines over time as plain text: one column per time bucket (its highest sample), threshold lines, restarts
// marked under the axis, censored stretches ("< warning") drawn as dots on the floor. Readable without colour.
import type { ChalkInstance } from 'chalk';
import { censoredStretches, type Series } from '../analyze/series.js';
import type { Thresholds } from '../config.js';

export interface ChartOptions {
  width?: number;
  height?: number;
  tz: string;
  color?: ChalkInstance;
  /** Labels; English by default. */
  labels?: { restart: string; censored: (w: number) => string; warning: string; critical: string; emergency: string; none: string };
}

const EN = {
  restart: '^ restart',
  censored: (w: number) => `. no warning logged (≤ ${w})`,
  warning: 'warning',
  critical: 'critical',
  emergency: 'emergency',
  none: '(no goroutine samples)',
};

function stamp(ms: number, tz: string): string {
  const p: Record<string, string> = {};
  for (const x of new Intl.DateTimeFormat('en-GB', { timeZone: tz, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms)) {
    p[x.type] = x.value;
  }
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Column values of a series: highest observed count per bucket, and whether a bucket holds censored ticks only. */
export function columns(series: Series, from: number, to: number, width: number): { max: (number | null)[]; censored: boolean[]; restarts: boolean[] } {
  const max: (number | null)[] = Array(width).fill(null);
  const censored: boolean[] = Array(width).fill(false);
  const restarts: boolean[] = Array(width).fill(false);
  const span = Math.max(1, to - from);
  const col = (t: number) => Math.min(width - 1, Math.max(0, Math.floor(((t - from) / span) * width)));
  for (const run of series.runs) {
    const s = run.samples;
    for (let i = 0; i < s.n; i++) {
      const c = col(s.t[i]!);
      if (max[c] === null || s.vMax[i]! > max[c]!) max[c] = s.vMax[i]!;
    }
    for (const [a, b] of censoredStretches(series, run)) for (let c = col(a); c <= col(b); c++) censored[c] = true;
  }
  for (const r of series.restarts) if (r.t >= from && r.t <= to) restarts[col(r.t)] = true;
  return { max, censored, restarts };
}

export function renderChart(series: Series, thresholds: Thresholds, opts: ChartOptions): string {
  const width = Math.max(20, opts.width ?? 64);
  const height = Math.max(5, opts.height ?? 12);
  const L = opts.labels ?? EN;
  const c = opts.color;
  const from = series.from;
  const to = series.to;
  if (from === null || to === null) return `${L.none}\n`;
  const { max, censored, restarts } = columns(series, from, to, width);
  const peak = max.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
  if (peak === 0 && !censored.some(Boolean)) return `${L.none}\n`;
  // Scale: up to the peak, but always show the warning line, and the next threshold when the peak is near it.
  let top = Math.max(peak, thresholds.warning * 1.1);
  for (const t of [thresholds.critical, thresholds.emergency]) if (peak >= t * 0.8) top = Math.max(top, t * 1.05);
  const rowOf = (v: number) => Math.min(height - 1, Math.max(0, Math.round((v / top) * (height - 1))));
  const grid: string[][] = Array.from({ length: height }, () => Array(width).fill(' '));
  const labels: string[] = Array(height).fill('');
  const notes: string[] = Array(height).fill('');
  const lines: [number, string][] = [
    [thresholds.warning, L.warning],
    [thresholds.critical, L.critical],
    [thresholds.emergency, L.emergency],
  ];
  for (const [v, name] of lines) {
    if (v > top) continue;
    const r = rowOf(v);
    for (let x = 0; x < width; x++) if (x % 2 === 0) grid[r]![x] = '-';
    labels[r] = String(v);
    notes[r] = `${name} ${v}`;
  }
  labels[height - 1] = String(Math.round(top));
  labels[0] = '0';
  for (let x = 0; x < width; x++) {
    const v = max[x];
    if (v !== null && v !== undefined) {
      const r = rowOf(v);
      grid[r]![x] = '*';
      // Fill below the point faintly so a climb reads as an area.
      for (let k = 0; k < r; k++) if (grid[k]![x] === ' ') grid[k]![x] = ':';
    } else if (censored[x]) {
      grid[0]![x] = '.';
    }
  }
  const pad = Math.max(...labels.map((s) => s.length), 1);
  const paint = (ch: string) => {
    if (!c) return ch;
    if (ch === '*') return c.bold(ch);
    if (ch === '-') return c.dim(ch);
    return ch;
  };
  const out: string[] = [];
  for (let r = height - 1; r >= 0; r--) {
    const row = grid[r]!.map(paint).join('');
    out.push(`${labels[r]!.padStart(pad)} |${row}|${notes[r] ? ` ${c ? c.dim(notes[r]!) : notes[r]}` : ''}`);
  }
  out.push(`${' '.repeat(pad)} +${'-'.repeat(width)}+`);
  if (restarts.some(Boolean)) out.push(`${' '.repeat(pad)}  ${restarts.map((b) => (b ? '^' : ' ')).join('').trimEnd()}`);
  const left = stamp(from, opts.tz);
  const right = stamp(to, opts.tz);
  out.push(`${' '.repeat(pad)}  ${left}${' '.repeat(Math.max(1, width - left.length - right.length))}${right}`);
  const legend = ['* max per column'];
  if (censored.some(Boolean)) legend.push(L.censored(series.censoredAtMost));
  if (restarts.some(Boolean)) legend.push(L.restart);
  out.push(`${' '.repeat(pad)}  ${legend.join('   ')}`);
  return `${out.join('\n')}\n`;
}
