// `goroscope trend` output: text (summary, chart, runs table, baseline comparison) and JSON. Pure.
import type { ChalkInstance } from 'chalk';
import type { Comparison, Series, TrendResult, Verdict } from '../analyze/trend.js';
import type { Lang } from '../i18n.js';
import { fmt } from '../i18n.js';
import { renderChart } from './chart.js';
import { duration, textTable } from './text.js';
import { spanText, suspectLine, type LeakSuspects } from '../analyze/suspects.js';

/** `2026-03-05 14:39` in the zone. */
const timeFormats = new Map<string, Intl.DateTimeFormat>();

export function localTime(iso: string | null, tz: string, withDate = true): string {
  if (!iso) return '-';
  let f = timeFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(Date.parse(iso))) {
    p[x.type] = x.value;
  }
  return withDate ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : `${p.hour}:${p.minute}`;
}

export function signed(x: number | null, digits = 0): string {
  if (x === null) return '-';
  const v = digits ? x.toFixed(digits) : String(Math.round(x));
  return x > 0 ? `+${v}` : v;
}

export const TREND_MSG = {
  en: {
    title: 'goroutine trend',
    verdict: 'verdict',
    latest: 'latest run',
    samples: '{observed} samples + {censored} censored ticks (no warning logged: ≤ {bound}, the gateway logs above {bound})',
    samplesOnly: '{observed} samples',
    peak: 'peak {peak} at {at}',
    peakNone: 'peak ≤ {bound} (no warning logged)',
    peakEmpty: 'no peak',
    slope: 'slope {slope}/h (run {run})',
    period: 'monitor period {period} ({source})',
    periodSource: { flag: '--monitor-interval', detected: 'from the samples', default: 'default: too few samples to read it from' },
    restartsLine: 'restarts: {count} in the logs',
    restartsDocker: '; Docker RestartCount {count}',
    above: 'time above',
    projection: 'projection',
    projectionNone: 'none (the latest run is not rising towards a threshold)',
    projectionAt: 'crosses {threshold} ({level}) at {at} at the current rate',
    memory: 'memory',
    memoryLine: '{samples} samples, {first} MB → {last} MB, peak {peak} MB at {at}',
    memoryOne: '1 sample, {peak} MB at {at} (a slope needs more)',
    memorySlope: ', {slope} MB/h',
    runs: 'runs',
    runHead: ['#', 'from', 'to', 'samples', 'censored', 'slope/h', 'peak', 'ended by', 'verdict'],
    baseline: 'baseline comparison',
    suspects: 'leak suspects of {source} (goroutines {before} → {after}{span}):',
    suspectsSpan: ' in {span}',
    suspectsMore: '; {n} more in --json',
    cmpHead: ['', 'baseline', 'current'],
    metrics: { verdict: 'verdict', peak: 'peak', median: 'median', slopePerHour: 'slope/h', runs: 'runs', samples: 'samples', restarts: 'restarts', dockerRestartCount: 'Docker RestartCount' },
    verdicts: { leak: 'LEAK', rising: 'RISING FAST', stable: 'STABLE', spike: 'SPIKE', 'insufficient-data': 'INSUFFICIENT DATA' },
    why: {
      no_samples: 'no goroutine samples in the input: the ezlinkai monitor logs only above 2000 unless DEBUG=true, other gateways log none; for ezlinkai without DEBUG pass --assume-monitor',
      too_few: 'too few samples: a run needs 6 points over 20 monitor ticks',
      leak: '{leaks} of {runs} runs grew steadily',
      rising: 'rising fast: {from} → {to} in {minutes} min, still climbing',
      spike: '{spikes} of {runs} runs had an excursion that came back down',
      stable: '{runs} runs without sustained growth',
    },
    endedBy: { restart: 'restart', crash: 'crash', gap: 'gap', end: 'end' },
    warning: 'warning',
    critical: 'critical',
    emergency: 'emergency',
    restartMark: '^ restart',
    censoredMark: '. no warning logged (≤ {w})',
    noSamples: '(no goroutine samples)',
  },
  zh: {
    title: 'goroutine 趋势',
    verdict: '结论',
    latest: '最近一次运行',
    samples: '{observed} 个样本 + {censored} 个删失时刻（未记录告警：≤ {bound}，网关在 {bound} 以上才记录）',
    samplesOnly: '{observed} 个样本',
    peak: '峰值 {peak}，时间 {at}',
    peakNone: '峰值 ≤ {bound}（未记录告警）',
    peakEmpty: '无峰值',
    slope: '斜率 {slope}/小时（第 {run} 次运行）',
    period: '监控周期 {period}（{source}）',
    periodSource: { flag: '--monitor-interval', detected: '由样本间隔得出', default: '默认值：样本太少无法得出' },
    restartsLine: '重启：日志中 {count} 次',
    restartsDocker: '；Docker RestartCount {count}',
    above: '超过阈值的时间',
    projection: '预测',
    projectionNone: '无（最近一次运行没有朝阈值上升）',
    projectionAt: '按当前速度将在 {at} 超过 {threshold}（{level}）',
    memory: '内存',
    memoryLine: '{samples} 个样本，{first} MB → {last} MB，峰值 {peak} MB（{at}）',
    memoryOne: '1 个样本，{peak} MB（{at}）（样本太少，无斜率）',
    memorySlope: '，{slope} MB/小时',
    runs: '运行',
    runHead: ['#', '开始', '结束', '样本', '删失', '斜率/小时', '峰值', '结束原因', '结论'],
    baseline: '基线对比',
    suspects: '{source} 的泄漏嫌疑（goroutine {before} → {after}{span}）：',
    suspectsSpan: '，{span}',
    suspectsMore: '；另有 {n} 个见 --json',
    cmpHead: ['', '基线', '当前'],
    metrics: { verdict: '结论', peak: '峰值', median: '中位数', slopePerHour: '斜率/小时', runs: '运行次数', samples: '样本', restarts: '重启', dockerRestartCount: 'Docker RestartCount' },
    verdicts: { leak: '泄漏', rising: '快速上升', stable: '稳定', spike: '尖峰', 'insufficient-data': '数据不足' },
    why: {
      no_samples: '输入中没有 goroutine 样本：ezlinkai 监控在未开启 DEBUG 时只记录 2000 以上的数量，其他网关不记录；未开启 DEBUG 的 ezlinkai 请加 --assume-monitor',
      too_few: '样本太少：一次运行至少需要 20 个监控周期内的 6 个点',
      leak: '{runs} 次运行中有 {leaks} 次持续增长',
      rising: '快速上升：{minutes} 分钟内 {from} → {to}，仍在上升',
      spike: '{runs} 次运行中有 {spikes} 次出现回落的尖峰',
      stable: '{runs} 次运行没有持续增长',
    },
    endedBy: { restart: '重启', crash: '崩溃', gap: '中断', end: '输入结束' },
    warning: '警告',
    critical: '严重',
    emergency: '紧急',
    restartMark: '^ 重启',
    censoredMark: '. 未记录告警（≤ {w}）',
    noSamples: '（没有 goroutine 样本）',
  },
} as const;

export function verdictWord(v: Verdict, lang: Lang): string {
  return TREND_MSG[lang].verdicts[v];
}

export interface TrendTextOptions {
  lang: Lang;
  tz: string;
  color: ChalkInstance;
  width?: number;
  baseline?: { result: TrendResult; comparison: Comparison; label: string } | null;
  /** Leak suspects of bundle sources (one line each). */
  suspects?: readonly LeakSuspects[];
  /** Docker's RestartCount of the container source, shown beside the log's restarts. */
  dockerRestarts?: number | null;
}

/** `30 s`, `200 ms`, `2 min`. */
export function periodText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000 || ms % 60_000 !== 0) return `${Math.round(ms / 100) / 10} s`;
  return `${ms / 60_000} min`;
}

/** The verdict, samples, period, restarts, time above, projection and memory lines (trend and review). */
export function renderTrendSummary(r: TrendResult, o: { lang: Lang; tz: string; color: ChalkInstance; dockerRestarts?: number | null }): string[] {
  const M = TREND_MSG[o.lang];
  const c = o.color;
  const lines: string[] = [];
  const vcol = r.verdict === 'leak' || r.verdict === 'rising' ? c.red.bold : r.verdict === 'spike' ? c.yellow.bold : r.verdict === 'stable' ? c.green.bold : c.bold;
  const why = o.lang === 'en' ? r.reason : fmt(M.why[r.why.code], r.why);
  lines.push(`${M.verdict}: ${vcol(M.verdicts[r.verdict])} (${why})${r.runs.length > 1 ? `; ${M.latest}: ${M.verdicts[r.latest]}` : ''}`);
  const peak =
    r.peak !== null
      ? fmt(M.peak, { peak: r.peak, at: localTime(r.peakAt, o.tz) })
      : r.censoredTicks > 0
        ? fmt(M.peakNone, { bound: r.censoredAtMost })
        : M.peakEmpty;
  const counted = fmt(r.censoredTicks > 0 ? M.samples : M.samplesOnly, { observed: r.samples, censored: r.censoredTicks, bound: r.censoredAtMost });
  lines.push(`${counted}; ${peak}${r.slopePerHour === null ? '' : `; ${fmt(M.slope, { slope: signed(r.slopePerHour), run: r.slopeRun ?? '-' })}`}`);
  if (r.samples > 0 || r.censoredTicks > 0) lines.push(fmt(M.period, { period: periodText(r.monitorPeriodMs), source: M.periodSource[r.monitorPeriodSource] }));
  lines.push(fmt(M.restartsLine, { count: r.restartCount }) + (o.dockerRestarts != null ? fmt(M.restartsDocker, { count: o.dockerRestarts }) : ''));
  const t = r.timeAboveSeconds;
  lines.push(
    `${M.above}: ${M.warning} ${r.thresholds.warning} ${duration(t.warning)}, ${M.critical} ${r.thresholds.critical} ${duration(t.critical)}, ${M.emergency} ${r.thresholds.emergency} ${duration(t.emergency)}`,
  );
  lines.push(
    `${M.projection}: ${
      r.projection
        ? fmt(M.projectionAt, { threshold: r.projection.threshold, level: M[r.projection.level], at: localTime(r.projection.at, o.tz) })
        : M.projectionNone
    }`,
  );
  if (r.memory) {
    const m = r.memory;
    // One sample (a bundle's health snapshot) has no "from → to" and no slope; a slope that cannot be fitted is left out.
    const vars = { samples: m.samples, first: m.firstMb, last: m.lastMb, peak: m.peakMb, at: localTime(m.peakAt, o.tz) };
    const text = m.samples === 1 ? fmt(M.memoryOne, vars) : fmt(M.memoryLine, vars) + (m.slopeMbPerHour === null ? '' : fmt(M.memorySlope, { slope: signed(m.slopeMbPerHour, 1) }));
    lines.push(`${M.memory}: ${text}`);
  }
  return lines;
}

export function renderRunsTable(r: TrendResult, o: { lang: Lang; tz: string; color?: ChalkInstance }): string {
  const M = TREND_MSG[o.lang];
  return textTable(
    M.runHead,
    r.runs.map((run, i) => [
      i + 1,
      localTime(run.from, o.tz),
      localTime(run.to, o.tz),
      run.samples,
      run.censoredTicks,
      signed(run.slopePerHour),
      run.peak ?? '-',
      M.endedBy[run.endedBy],
      M.verdicts[run.verdict],
    ]),
    { right: 'numeric', color: o.color },
  );
}

export function chartLabels(lang: Lang) {
  const M = TREND_MSG[lang];
  return {
    restart: M.restartMark,
    censored: (w: number) => fmt(M.censoredMark, { w }),
    warning: M.warning,
    critical: M.critical,
    emergency: M.emergency,
    none: M.noSamples,
  };
}

export function renderTrendText(r: TrendResult, series: Series, o: TrendTextOptions): string {
  const M = TREND_MSG[o.lang];
  const c = o.color;
  const out: string[] = [];
  out.push(c.bold(`${M.title}  ${localTime(r.from, o.tz)} → ${localTime(r.to, o.tz)} (${o.tz})`));
  out.push(...renderTrendSummary(r, o));
  out.push('');
  out.push(renderChart(series, r.thresholds, { tz: o.tz, color: c, width: o.width ?? 64, labels: chartLabels(o.lang) }).trimEnd());
  if (r.runs.length > 0) {
    out.push('');
    out.push(c.bold(M.runs));
    out.push(renderRunsTable(r, o).trimEnd());
  }
  for (const b of o.suspects ?? []) {
    if (b.suspects.length === 0) continue;
    // one short line per bundle: the top suspects of its two goroutine dumps
    const span = spanText(b);
    out.push('');
    out.push(
      c.bold(fmt(M.suspects, { source: b.source, before: b.totalBefore, after: b.totalAfter, span: span ? fmt(M.suspectsSpan, { span }) : '' })) +
        ' ' +
        suspectLine(b.suspects[0]!, o.lang) +
        (b.suspects.length > 1 ? fmt(M.suspectsMore, { n: b.suspects.length - 1 }) : ''),
    );
  }
  if (o.baseline) {
    out.push('');
    out.push(c.bold(`${M.baseline} (${o.baseline.label})`));
    out.push(
      textTable(
        M.cmpHead,
        o.baseline.comparison.rows.map((row) => [
          M.metrics[row.metric],
          row.metric === 'verdict' ? M.verdicts[row.baseline as Verdict] : fmtCell(row.baseline),
          row.metric === 'verdict' ? M.verdicts[row.current as Verdict] : fmtCell(row.current),
        ]),
        { right: 'numeric', color: c },
      ).trimEnd(),
    );
  }
  return `${out.join('\n')}\n`;
}

function fmtCell(v: string | number | null): string {
  if (v === null) return '-';
  return typeof v === 'number' ? String(Math.round(v * 10) / 10) : v;
}

/** The `--json` document: the issue's shape (`verdict`, `samples`, `runs`, `slopePerHour`, `peak`, `projection`) plus extras. */
export function trendJson(
  r: TrendResult,
  baseline?: { result: TrendResult; comparison: Comparison; label: string } | null,
  suspects?: readonly LeakSuspects[],
  dockerRestarts?: ReadonlyMap<string, number>,
): unknown {
  const doc: Record<string, unknown> = { ...r };
  // Docker's own count, per container source, beside the log's `restartCount` (never instead of it).
  if (dockerRestarts && dockerRestarts.size > 0) doc.dockerRestartCount = Object.fromEntries(dockerRestarts);
  if (suspects && suspects.length > 0) doc.suspects = suspects;
  if (baseline) {
    doc.baseline = { source: baseline.label, ...baseline.result };
    doc.comparison = baseline.comparison.rows;
  }
  return doc;
}
