// `goroscope review` as terminal text, plus the words every review format shares (en / zh). Pure.
import type { ChalkInstance } from 'chalk';
import type { NextStep, ReviewData } from '../analyze/review.js';
import type { Series } from '../analyze/series.js';
import { spanText } from '../analyze/suspects.js';
import type { Lang } from '../i18n.js';
import { fmt, timesWord } from '../i18n.js';
import { renderChart } from './chart.js';
import { renderChannelTable, windowReason } from './channels.js';
import { chartLabels, localTime, renderRunsTable, renderTrendSummary } from './trend.js';
import { duration, textTable } from './text.js';

export const REVIEW_MSG = {
  en: {
    title: 'goroscope review',
    period: 'period {from} → {to} ({span}, {zone}), {events} events from {sources}',
    nextSteps: 'Next steps',
    goroutines: 'Goroutines and memory',
    peaks: 'peaks',
    runs: 'runs',
    perDay: 'Events per day',
    dayHead: ['day', 'goroutine warnings', 'peak', 'relay errors', 'timeouts', 'panics', 'crashes', 'restarts'],
    total: 'total',
    panics: 'Panics and crashes',
    panicNone: 'none',
    panicLine: '{kind} ×{count}: {message}',
    topFrame: 'top frame',
    seen: 'first {first}, last {last}',
    sampleStack: 'sample stack',
    kinds: { panic: 'panic', crash: 'crash' },
    channels: 'Channels (whole period)',
    channelsNone: 'no relay errors',
    spike: 'Before the spike',
    spikeNone: 'no goroutine excursion or relay-error burst to look at',
    restarts: 'Restarts',
    suspects: 'Leak suspects (goroutine dumps of the bundle)',
    suspectsHead: '{source}: goroutines {before} → {after}{span}',
    suspectsSpan: ' in {span}',
    suspectsFlat: 'the total did not grow: the groups below changed places, which is not a leak by itself',
    suspectCols: ['growth', 'before', 'after', 'per minute', 'function', 'created by'],
    restartsCount: '{count} in the logs (a start after earlier records of the same source)',
    restartsDocker: '; Docker RestartCount {count}',
    restartAfter: { crash: 'after a crash: {message}', fatal: 'after a FATAL line: {message}' },
    restartsMore: '… {n} more',
    container: 'Container',
    containerLine: 'state {state}, Docker RestartCount {restarts}, started {started}',
    statsLine: 'CPU {cpu}, memory {mem}, pids {pids}, goroutines now {g}',
    missing: 'not available',
    severities: { emergency: 'EMERGENCY', critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' },
    steps: {
      bundle_now: 'goroutines are at {count} (emergency level {level}): collect an emergency bundle before restarting the service',
      watch: 'goroutines are at {count} (critical level {level}): watch it and collect a bundle if it keeps rising',
      bundle_held:
        'goroutines were at {count} (emergency level {level}) when the bundle was collected: its logs, stats and dumps hold the evidence, so the service can be restarted; check it first if time has passed',
      watch_after_bundle: 'goroutines were at {count} (critical level {level}) when the bundle was collected: watch the gateway to see whether it is still rising',
      bundle_next_time: 'goroutines reached the emergency level ({peak} at {at}); next time collect a bundle before the restart',
      leak: 'goroutines leak ({slope} per hour in run {run}{projection}): take two goroutine dumps an hour apart and compare them to find the leaking stack',
      leak_live: 'goroutines leak ({slope} per hour in run {run}{projection}): take two goroutine dumps a minute apart from the live gateway; the stacks that grew are the leak',
      leakProjection: '; at this rate it crosses {threshold} at {projectedAt}',
      rising: 'goroutines are rising fast ({from} → {to} in {minutes} min{projection}): watch it and take a goroutine dump now',
      suspect: 'a leak suspect: {top} (+{growth}{span}) — look at that function',
      suspectSpan: ' in {span}',
      suspectNoSpan: ' between the dumps',
      channel: 'channel {channel} failed {errors} times in the window before the spike ({ratio}): disable it or check its upstream',
      channel_disabled: 'channel {channel} failed {errors} times in the window before the spike ({ratio}) and was auto-disabled: keep it off until its upstream is fixed',
      ratio: '{ratio} its usual rate',
      ratioNew: 'no error before it',
      panic: 'panic ×{count} "{message}": fix {frame}',
      crash: 'crash ×{count} "{message}": fix {frame}',
      docker_restarts: 'Docker restarted the container {count} {times} and the logs hold no crash: look for OOM kills and the exit code',
      nothing: 'nothing to do: no leak, no emergency, no flagged channel, no panic',
    },
  },
  zh: {
    title: 'goroscope 周报',
    period: '时间 {from} → {to}（{span}，{zone}），{events} 个事件，来源 {sources}',
    nextSteps: '下一步',
    goroutines: 'Goroutine 与内存',
    peaks: '峰值',
    runs: '运行',
    perDay: '每日事件',
    dayHead: ['日期', 'goroutine 告警', '峰值', '中继错误', '超时', 'panic', '崩溃', '重启'],
    total: '合计',
    panics: 'Panic 与崩溃',
    panicNone: '无',
    panicLine: '{kind} ×{count}：{message}',
    topFrame: '顶层帧',
    seen: '首次 {first}，最后 {last}',
    sampleStack: '示例调用栈',
    kinds: { panic: 'panic', crash: '崩溃' },
    channels: '渠道（整个时段）',
    channelsNone: '没有中继错误',
    spike: '尖峰之前',
    spikeNone: '没有可分析的 goroutine 上升或中继错误爆发',
    restarts: '重启',
    suspects: '泄漏嫌疑（应急包中的 goroutine 转储）',
    suspectsHead: '{source}：goroutine {before} → {after}{span}',
    suspectsSpan: '（{span}）',
    suspectsFlat: '总数没有增长：下列调用栈组只是此消彼长，本身不是泄漏',
    suspectCols: ['增长', '之前', '之后', '每分钟', '函数', '创建者'],
    restartsCount: '日志中 {count} 次（同一来源已有记录之后的启动）',
    restartsDocker: '；Docker RestartCount {count}',
    restartAfter: { crash: '崩溃之后：{message}', fatal: 'FATAL 之后：{message}' },
    restartsMore: '… 另有 {n} 次',
    container: '容器',
    containerLine: '状态 {state}，Docker RestartCount {restarts}，启动于 {started}',
    statsLine: 'CPU {cpu}，内存 {mem}，进程数 {pids}，当前 goroutine {g}',
    missing: '无法获取',
    severities: { emergency: '紧急', critical: '严重', warning: '警告', info: '提示' },
    steps: {
      bundle_now: 'goroutine 数为 {count}（紧急阈值 {level}）：重启服务之前先收集应急包',
      watch: 'goroutine 数为 {count}（严重阈值 {level}）：持续观察，若继续上升请收集应急包',
      bundle_held: '收集应急包时 goroutine 数为 {count}（紧急阈值 {level}）：日志、stats 和转储都已在包中，可以重启服务；若已过了一段时间，先检查一下',
      watch_after_bundle: '收集应急包时 goroutine 数为 {count}（严重阈值 {level}）：观察网关，看它是否仍在上升',
      bundle_next_time: 'goroutine 曾达到紧急阈值（{peak}，{at}）；下次请在重启前收集应急包',
      leak: 'goroutine 泄漏（第 {run} 次运行每小时 {slope}{projection}）：间隔一小时抓取两次 goroutine 转储并对比，找出泄漏的调用栈',
      leak_live: 'goroutine 泄漏（第 {run} 次运行每小时 {slope}{projection}）：从运行中的网关间隔一分钟抓取两次 goroutine 转储，增长的调用栈就是泄漏点',
      leakProjection: '；按此速度将在 {projectedAt} 超过 {threshold}',
      rising: 'goroutine 正在快速上升（{minutes} 分钟内 {from} → {to}{projection}）：持续观察并立即抓取 goroutine 转储',
      suspect: '泄漏嫌疑：{top}（{span}+{growth}）——检查这个函数',
      suspectSpan: '{span} 内 ',
      suspectNoSpan: '两次转储之间 ',
      channel: '渠道 {channel} 在尖峰前的窗口内失败 {errors} 次（{ratio}）：禁用它或检查其上游',
      channel_disabled: '渠道 {channel} 在尖峰前的窗口内失败 {errors} 次（{ratio}），已被自动禁用：上游修复之前保持禁用',
      ratio: '平常速率的 {ratio}',
      ratioNew: '此前没有错误',
      panic: 'panic ×{count}「{message}」：修复 {frame}',
      crash: '崩溃 ×{count}「{message}」：修复 {frame}',
      docker_restarts: 'Docker 重启了容器 {count} 次，但日志中没有崩溃：检查 OOM 与退出码',
      nothing: '无需处理：没有泄漏、紧急情况、被标记的渠道或 panic',
    },
  },
} as const;

/** The advice in the report's language, with times in the report's zone. */
export function stepText(s: NextStep, lang: Lang, tz: string): string {
  const M = REVIEW_MSG[lang].steps;
  const vars: Record<string, string | number> = { ...s.vars };
  for (const k of ['at', 'projectedAt']) if (typeof vars[k] === 'string') vars[k] = localTime(vars[k] as string, tz);
  if (s.id === 'leak' || s.id === 'leak_live' || s.id === 'rising') vars.projection = vars.threshold !== undefined ? fmt(M.leakProjection, vars) : '';
  if (s.id === 'channel' || s.id === 'channel_disabled') vars.ratio = vars.ratio === 'new' ? M.ratioNew : fmt(M.ratio, { ratio: vars.ratio! });
  if (s.id === 'docker_restarts') vars.times = timesWord(vars.count); // (the Chinese has no plural)
  if (s.id === 'suspect') vars.span = vars.span ? fmt(M.suspectSpan, { span: vars.span }) : M.suspectNoSpan;
  return fmt(M[s.id], vars);
}

/** The suspects section of every format: per bundle a heading line, an optional note, and table rows. */
export function suspectBlocks(d: ReviewData, lang: Lang): { head: string; note: string | null; rows: (string | number)[][] }[] {
  const M = REVIEW_MSG[lang];
  return (d.suspects ?? []).map((b) => {
    const span = spanText(b);
    return {
      head: fmt(M.suspectsHead, { before: b.totalBefore, after: b.totalAfter, span: span ? fmt(M.suspectsSpan, { span }) : '', source: b.source }),
      note: b.totalAfter > b.totalBefore ? null : M.suspectsFlat,
      rows: b.suspects.map((r) => [`+${r.growth}`, r.before, r.after, r.perMinute ?? '-', r.top, r.createdBy ?? '-']),
    };
  });
}

/**
 * The restarts section of every format: the count (src/analyze/restarts.ts) with Docker's RestartCount beside it when
 * a container is known, then each restart with what it followed.
 */
export function restartLines(d: ReviewData, lang: Lang, tz: string): string[] {
  const M = REVIEW_MSG[lang];
  const docker = d.container?.restartCount;
  const out = [fmt(M.restartsCount, { count: d.trend.restartCount }) + (docker !== undefined ? fmt(M.restartsDocker, { count: docker }) : '')];
  for (const r of d.trend.restarts) out.push(`${localTime(r.time, tz)}  ${r.detail}${r.after ? `, ${fmt(M.restartAfter[r.after.kind], { message: r.after.message })}` : ''}`);
  if (d.trend.restartCount > d.trend.restarts.length) out.push(fmt(M.restartsMore, { n: d.trend.restartCount - d.trend.restarts.length }));
  return out;
}

export interface ReviewTextOptions {
  lang: Lang;
  tz: string;
  color: ChalkInstance;
  width?: number;
}

/** The period line of every format: from → to, how long (a bundle's few seconds show as such), zone, events. */
export function periodLine(d: ReviewData, lang: Lang, tz: string, sources: string): string {
  const { from, to } = d.period;
  const span = from !== null && to !== null ? duration((Date.parse(to) - Date.parse(from)) / 1000) : '-';
  return fmt(REVIEW_MSG[lang].period, { from: localTime(from, tz), to: localTime(to, tz), span, zone: tz, events: d.totals.events, sources });
}

export function sourcesLabel(d: ReviewData): string {
  return d.sources.map((s) => s.name).join(', ') || '-';
}

export function renderReviewText(d: ReviewData, series: Series, o: ReviewTextOptions): string {
  const M = REVIEW_MSG[o.lang];
  const c = o.color;
  const out: string[] = [];
  const h = (s: string) => {
    out.push('');
    out.push(c.bold.underline(s));
  };
  out.push(c.bold(`${M.title}: ${sourcesLabel(d)}`));
  out.push(periodLine(d, o.lang, o.tz, sourcesLabel(d)));

  h(M.nextSteps);
  const sev = { emergency: c.bgRed.white.bold, critical: c.red.bold, warning: c.yellow.bold, info: c.cyan } as const;
  for (const s of d.nextSteps) {
    out.push(`  ${sev[s.severity](`[${M.severities[s.severity]}]`)} ${stepText(s, o.lang, o.tz)}`);
    if (s.command) out.push(`      $ ${s.command}`);
  }

  h(M.goroutines);
  for (const l of renderTrendSummary(d.trend, { ...o, dockerRestarts: d.container?.restartCount })) out.push(`  ${l}`);
  if (d.peaks.length > 0) out.push(`  ${M.peaks}: ${d.peaks.map((p) => `${p.count} (${localTime(p.at, o.tz)})`).join(', ')}`);
  out.push('');
  for (const l of renderChart(series, d.thresholds, { tz: o.tz, color: c, width: o.width ?? 64, labels: chartLabels(o.lang) }).trimEnd().split('\n')) out.push(`  ${l}`);
  if (d.trend.runs.length > 0) {
    out.push('');
    for (const l of renderRunsTable(d.trend, o).trimEnd().split('\n')) out.push(`  ${l}`);
  }

  if (d.suspects && d.suspects.length > 0) {
    h(M.suspects);
    for (const b of suspectBlocks(d, o.lang)) {
      out.push(`  ${b.head}`);
      if (b.note) out.push(c.dim(`  (${b.note})`));
      for (const l of textTable(M.suspectCols, b.rows, { right: 'numeric', color: c }).trimEnd().split('\n')) out.push(`  ${l}`);
    }
  }

  h(M.perDay);
  const rows: (string | number)[][] = d.days.map((r) => [r.day, r.goroutineWarnings, r.peak ?? '-', r.relayErrors, r.timeouts, r.panics, r.crashes, r.restarts]);
  rows.push([M.total, d.totals.goroutineWarnings, d.trend.peak ?? '-', d.totals.relayErrors, d.totals.timeouts, d.totals.panics, d.totals.crashes, d.totals.restarts]);
  for (const l of textTable(M.dayHead, rows, { right: 'numeric', color: c }).trimEnd().split('\n')) out.push(`  ${l}`);

  h(M.panics);
  if (d.panics.length === 0) out.push(`  ${M.panicNone}`);
  for (const p of d.panics) {
    out.push(`  ${(p.kind === 'crash' ? c.red.bold : c.yellow)(fmt(M.panicLine, { kind: M.kinds[p.kind], count: p.count, message: p.message }))}`);
    out.push(`    ${M.topFrame}: ${p.topFrame ?? '-'}; ${fmt(M.seen, { first: localTime(p.firstSeen, o.tz), last: localTime(p.lastSeen, o.tz) })}`);
    if (p.sampleFrames.length > 0) {
      out.push(`    ${M.sampleStack}:`);
      for (const f of p.sampleFrames.slice(0, 8)) out.push(c.dim(`      ${f}`));
      if (p.sampleFrames.length > 8) out.push(c.dim(`      … ${p.sampleFrames.length - 8}`));
    }
  }

  h(M.channels);
  if (d.channels.length === 0) out.push(`  ${M.channelsNone}`);
  else for (const l of renderChannelTable(d.channels, { ...o, color: c }).trimEnd().split('\n')) out.push(`  ${l}`);

  h(M.spike);
  if (!d.spike) out.push(`  ${M.spikeNone}`);
  else {
    out.push(`  ${localTime(d.spike.window.from, o.tz)} → ${localTime(d.spike.window.to, o.tz)}: ${windowReason(d.spike.window, o.lang, o.tz)}`);
    const top = d.spike.channels.filter((r) => r.relayErrors > 0).slice(0, 5);
    if (top.length > 0) for (const l of renderChannelTable(top, { ...o, color: c }).trimEnd().split('\n')) out.push(`  ${l}`);
  }

  h(M.restarts);
  for (const l of restartLines(d, o.lang, o.tz)) out.push(`  ${l}`);

  if (d.container) {
    const k = d.container;
    h(`${M.container}: ${k.name}`);
    out.push(`  ${fmt(M.containerLine, { state: k.state ?? M.missing, restarts: k.restartCount ?? M.missing, started: k.startedAt ? localTime(k.startedAt, o.tz) : M.missing })}`);
    out.push(
      `  ${fmt(M.statsLine, {
        cpu: k.cpuPercent == null ? M.missing : `${k.cpuPercent.toFixed(1)}%`,
        mem: k.memoryMb == null ? M.missing : `${Math.round(k.memoryMb)} MB${k.memoryLimitMb ? ` / ${Math.round(k.memoryLimitMb)} MB` : ''}`,
        pids: k.pids ?? M.missing,
        g: k.goroutines ?? M.missing,
      })}`,
    );
    for (const m of k.missing ?? []) out.push(c.dim(`  (${m})`));
  }
  return `${out.join('\n')}\n`;
}

export { duration };
