// `summary.md`: the bundle read by a person — container state, restarts, goroutine peak and trend, top
// channels, panics by signature, timeouts, resources, health, leak suspects, and what could not be collected.
// Pure: a function of what was collected.
import type { Summary } from '../analyze/summary.js';
import { computeStats, isEmptySample, bytesSize, type RawStats } from '../analyze/stats.js';
import type { HealthResult } from '../sources/health.js';
import type { DockerEvent } from '../docker/events.js';
import type { ItemStatus } from './manifest.js';
import type { AnalysisResult } from '../analyze/analysis.js';
import { channelReport, ratioText, type ChannelRow } from '../analyze/channels.js';
import { spikeWindow } from '../analyze/spike.js';
import { TREND_MSG } from '../report/trend.js';
import { reviewOf } from '../analyze/review.js';
import type { LeakSuspects } from '../analyze/suspects.js';
import { REVIEW_MSG, stepText } from '../report/review.js';

export interface SummaryMdInput {
  name: string;
  id: string;
  inspect: {
    State?: { Status?: string; StartedAt?: string; FinishedAt?: string; ExitCode?: number; OOMKilled?: boolean; Health?: { Status?: string } } | null;
    RestartCount?: number;
    Config?: { Image?: string } | null;
  };
  summary: unknown;
  health: HealthResult | null;
  stats: unknown[] | null;
  events: DockerEvent[] | null;
  compare: { markdown: string } | null;
  items: Record<string, ItemStatus>;
  /** Goroutine counts from the log, in time order (for the trend line). */
  goroutines?: { time: string | null; count: number }[];
  /**
   * The analysis `trend`, `channels` and `review` make of the same events (src/analyze/analysis.ts): the verdict,
   * headline slope, restarts and channel ratios here are theirs.
   */
  analysis?: AnalysisResult | null;
  /** Leak suspects of the bundle's two goroutine dumps (src/analyze/suspects.ts), for the next steps. */
  suspects?: LeakSuspects | null;
  /** The pprof URL the bundle used (pprofUrlFor), for the leak step's live command. */
  pprofUrl?: string | null;
  startedAt: number;
}

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const clip = (s: string, n = 120): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Up to `n` bucket peaks over time: `1000 → 5000 → 10000`. */
export function trendLine(samples: { time: string | null; count: number }[], n = 10): string | null {
  if (samples.length === 0) return null;
  if (samples.length <= n) return samples.map((s) => s.count).join(' → ');
  const size = Math.ceil(samples.length / n);
  const peaks: number[] = [];
  for (let i = 0; i < samples.length; i += size) {
    let m = -Infinity;
    for (const s of samples.slice(i, i + size)) m = Math.max(m, s.count);
    peaks.push(m);
  }
  return peaks.join(' → ');
}

/** The leak verdict and headline slope of the analysis (the words of `trend`). */
function verdictLines(a: AnalysisResult): string[] {
  const t = a.trend;
  const M = TREND_MSG.en;
  const out = [`- verdict: **${M.verdicts[t.verdict]}** (${t.reason})${t.runs.length > 1 ? `; latest run: ${M.verdicts[t.latest]}` : ''}`];
  if (t.slopePerHour !== null) out.push(`- slope: ${t.slopePerHour > 0 ? '+' : ''}${Math.round(t.slopePerHour)}/h (run ${t.slopeRun} of ${t.runs.length})`);
  if (t.projection) out.push(`- projection: crosses ${t.projection.threshold} (${t.projection.level}) at ${t.projection.at} at the current rate`);
  return out;
}

/** The channels of the window before the spike, with their ratios (the same function as `channels --spike`). */
function spikeLines(a: AnalysisResult): string[] {
  const w = spikeWindow(a.series, a.trend.runs, a.channels, 15 * 60_000, a.trend.thresholds);
  if (!w) return [];
  const rep = channelReport(a.channels, w);
  const rows = rep.channels.filter((r: ChannelRow) => r.relayErrors > 0).slice(0, 5);
  const out = ['## Channels before the spike', '', `${rep.window.from ?? '-'} → ${rep.window.to ?? '-'}: ${esc(rep.window.reason)}`, ''];
  if (rows.length === 0) return [...out, '- no relay errors in the window', ''];
  out.push('| channel | errors | rate/h | usual/h | ratio | flag |', '| ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) out.push(`| ${r.channel === null ? '(none)' : `#${r.channel}`} | ${r.relayErrors} | ${r.windowRate} | ${r.baselineRate ?? '-'} | ${ratioText(r)} | ${r.flagged ? 'JUMPED' : ''} |`);
  return [...out, ''];
}

export function renderSummaryMd(x: SummaryMdInput): string {
  const out: string[] = [];
  const s = x.summary as Summary | null;
  const st = x.inspect.State ?? {};
  out.push(`# Incident bundle: ${x.name}`, '');
  out.push(`Collected ${new Date(x.startedAt).toISOString()} by goroscope. Container \`${x.id.slice(0, 12)}\`, image \`${x.inspect.Config?.Image ?? '?'}\`.`, '');

  out.push('## Container', '');
  out.push(`- state: **${st.Status ?? 'unknown'}**${st.Health?.Status ? ` (health: ${st.Health.Status})` : ''}${st.OOMKilled ? ', **OOM killed**' : ''}`);
  out.push(`- started: ${st.StartedAt ?? '?'}${st.FinishedAt && !st.FinishedAt.startsWith('0001') ? `; last exit: ${st.FinishedAt} (code ${st.ExitCode ?? '?'})` : ''}`);
  const logRestarts = x.analysis?.trend.restartCount ?? s?.restarts;
  out.push(`- restarts in the log: ${logRestarts ?? '?'} (a start after earlier records of the same source); Docker RestartCount: ${x.inspect.RestartCount ?? '?'}`);
  if (x.events) {
    const counts = new Map<string, number>();
    for (const e of x.events) {
      const a = String(e.Action ?? e.status ?? '?').split(':')[0]!;
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    const list = [...counts].sort((a, b) => b[1] - a[1]).map(([a, n]) => `${a} ×${n}`);
    out.push(`- Docker events in the window: ${list.length ? list.join(', ') : 'none'}`);
  }
  out.push('');

  out.push('## Goroutines', '');
  if (s && s.goroutines.samples > 0) {
    out.push(`- peak **${s.goroutines.max}** at ${s.goroutines.maxAt ?? '?'}; lowest ${s.goroutines.min}; last ${s.goroutines.last} at ${s.goroutines.lastAt ?? '?'} (${s.goroutines.samples} samples in the log)`);
    const t = x.goroutines ? trendLine(x.goroutines) : null;
    if (t) out.push(`- trend: ${t}`);
  } else out.push('- no goroutine counts in the log');
  if (x.analysis) out.push(...verdictLines(x.analysis));
  if (x.health?.goroutines != null) out.push(`- health endpoint now: **${x.health.goroutines}** goroutines`);
  out.push('');
  if (x.compare) out.push('## Leak suspects (goroutine dumps compared)', '', x.compare.markdown.trimEnd(), '');

  if (s) {
    out.push('## Top channels (relay errors)', '');
    if (s.relayErrors.byChannel.length === 0) out.push(`- none${s.relayErrors.total ? ` (${s.relayErrors.total} relay errors name no channel)` : ''}`);
    else {
      out.push('| channel | errors | timeouts |', '| ---: | ---: | ---: |');
      for (const c of s.relayErrors.byChannel.slice(0, 10)) out.push(`| #${c.channel} | ${c.count} | ${c.timeouts} |`);
    }
    out.push('', `Relay errors: ${s.relayErrors.total} (${s.relayErrors.timeouts} timeouts); retries: ${s.retries}.`, '');
    if (x.analysis) out.push(...spikeLines(x.analysis));

    out.push('## Panics by signature', '');
    if (s.panics.signatures.length === 0) out.push('- none');
    else {
      out.push('| kind | count | message | first | last |', '| --- | ---: | --- | --- | --- |');
      for (const g of s.panics.signatures.slice(0, 20)) out.push(`| ${g.kind} | ${g.count} | ${esc(clip(g.message))} | ${g.firstAt ?? ''} | ${g.lastAt ?? ''} |`);
    }
    out.push('');

    out.push('## Timeouts', '');
    const tc = Object.entries(s.timeouts).sort((a, b) => b[1] - a[1]);
    out.push(`- relay errors that timed out: ${s.relayErrors.timeouts}`);
    out.push(`- other timeouts: ${tc.length ? tc.map(([k, n]) => `${k} ×${n}`).join(', ') : 'none'}`);
    out.push('');
    out.push(`Log: ${s.lines} lines, ${s.unparsed} unparsed, ${s.oversized} oversized; events from ${s.from ?? '?'} to ${s.to ?? '?'}.`, '');
  }

  const samples = (x.stats ?? []) as RawStats[];
  if (samples.length > 0) {
    out.push('## Resources (docker stats)', '');
    out.push('| sample | CPU % | memory | net rx / tx | block read / write | pids |', '| --- | ---: | --- | --- | --- | ---: |');
    samples.forEach((raw, i) => {
      if (isEmptySample(raw)) {
        out.push(`| ${i + 1} | – | – | – | – | – |`);
        return;
      }
      const c = computeStats(raw);
      out.push(
        `| ${i + 1} | ${c.cpuPercent.toFixed(2)} | ${bytesSize(c.memory.usageBytes)} / ${bytesSize(c.memory.limitBytes)} (${c.memory.percent.toFixed(2)}%) | ${bytesSize(c.net.rxBytes)} / ${bytesSize(c.net.txBytes)} | ${bytesSize(c.block.readBytes)} / ${bytesSize(c.block.writeBytes)} | ${c.pids} |`,
      );
    });
    out.push('');
  }

  out.push('## What was collected', '');
  for (const [name, it] of Object.entries(x.items)) {
    const detail = it.status === 'ok' ? '' : it.status === 'failed' ? `: ${it.error}` : `: ${it.reason}`;
    out.push(`- ${name}: **${it.status}**${detail}`);
  }
  out.push('', ...nextStepLines(x));
  return out.join('\n');
}

/**
 * "What to do next": `review`'s next steps (src/analyze/review.ts nextSteps) over this bundle's analysis, with the
 * bundle as the source: the counts are those of the moment it was collected, and it never advises collecting one.
 */
function nextStepLines(x: SummaryMdInput): string[] {
  const out = ['## What to do next', ''];
  if (!x.analysis) return [...out, '- the log could not be analysed (see "What was collected"): run `goroscope review` on this bundle once it can', ''];
  const data = reviewOf(x.analysis, {
    thresholds: x.analysis.trend.thresholds,
    tz: 'UTC',
    from: null,
    to: null,
    sources: [{ spec: '.', kind: 'bundle', name: x.name }],
    container: { name: x.name, ...(x.inspect.RestartCount !== undefined ? { restartCount: x.inspect.RestartCount } : {}), goroutines: x.health?.goroutines ?? null },
    ...(x.suspects ? { suspects: [x.suspects] } : {}),
    pprofUrl: x.pprofUrl ?? null,
  });
  const M = REVIEW_MSG.en;
  for (const s of data.nextSteps) {
    out.push(`- **${M.severities[s.severity]}** ${esc(stepText(s, 'en', 'UTC'))}`);
    if (s.command) out.push(`  \`${s.command}\``);
  }
  return [...out, ''];
}
