// `goroscope channels` output: a ranked table and the window it covers. Pure.
import type { ChalkInstance } from 'chalk';
import { ratioText, type ChannelReport, type ChannelRow } from '../analyze/channels.js';
import type { Cause } from '../events.js';
import type { Lang } from '../i18n.js';
import { fmt } from '../i18n.js';
import { localTime } from './trend.js';
import { textTable } from './text.js';

export const CHANNEL_MSG = {
  en: {
    title: 'channels by relay errors',
    window: 'window',
    head: ['channel', 'errors', 'timeouts', 'causes', 'retried away', 'disabled', 'first', 'last', 'rate/h', 'usual/h', 'ratio', 'flag'],
    flagged: 'JUMPED',
    none: 'no relay errors, retries or channel state changes in the window',
    rule: 'flagged: at least {minErrors} relay errors in the window and at least {minRatio}× the channel\'s rate in the rest of the input (or none there)',
    noBaseline: {
      whole: 'the window is the whole input, so there is no baseline to compare with: pick a window with --spike or --around TIME',
      nothing: 'no goroutine samples and no relay errors to find a spike in: the whole input, without a baseline',
      covered: 'the input covers less than a minute outside the window, so there is no baseline to compare with: read a longer stretch of the log (an earlier --since, the rotated files)',
    },
    unknown: '(none)',
    why: {
      whole: 'the whole input',
      spike: 'spike: goroutines peaked at {peak}; the window runs from {minutes} min before the climb began to the peak',
      burst: 'relay-error burst: {count} relay errors within {minutes} min (no goroutine samples)',
      around: 'around {at} (±{minutes} min)',
      nothing: 'no goroutine samples and no relay errors: the whole input',
    },
    causes: { timeout: 'timeout', rate_limit: 'rate limit', auth: 'auth', quota: 'quota', upstream_5xx: '5xx', network: 'network', other: 'other' },
  },
  zh: {
    title: '按中继错误排序的渠道',
    window: '时间窗口',
    head: ['渠道', '错误', '超时', '原因', '重试转走', '禁用', '首次', '最后', '速率/小时', '平常/小时', '倍数', '标记'],
    flagged: '激增',
    none: '窗口内没有中继错误、重试或渠道状态变化',
    rule: '标记规则：窗口内至少 {minErrors} 个中继错误，且速率至少是该渠道在其余输入中的 {minRatio} 倍（或其余输入中没有错误）',
    noBaseline: {
      whole: '窗口就是全部输入，没有可比较的基线：请用 --spike 或 --around TIME 选择窗口',
      nothing: '没有 goroutine 样本也没有中继错误可用于寻找尖峰：全部输入，没有基线',
      covered: '输入在窗口之外覆盖的时间不足一分钟，没有可比较的基线：请读取更长的日志（更早的 --since 或轮转的文件）',
    },
    unknown: '（无）',
    why: {
      whole: '全部输入',
      spike: '尖峰：goroutine 峰值 {peak}；窗口从上升开始前 {minutes} 分钟到峰值',
      burst: '中继错误爆发：{minutes} 分钟内 {count} 个中继错误（没有 goroutine 样本）',
      around: '{at} 前后（±{minutes} 分钟）',
      nothing: '没有 goroutine 样本也没有中继错误：全部输入',
    },
    causes: { timeout: '超时', rate_limit: '限流', auth: '认证', quota: '额度', upstream_5xx: '5xx', network: '网络', other: '其他' },
  },
} as const;

export function causeSummary(causes: Record<Cause, number>, lang: Lang): string {
  const M = CHANNEL_MSG[lang];
  return (Object.entries(causes) as [Cause, number][])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${M.causes[k]} ${n}`)
    .join(', ');
}

export function channelName(r: ChannelRow, lang: Lang): string {
  if (r.channel === null) return CHANNEL_MSG[lang].unknown;
  return `#${r.channel}${r.name ? ` ${r.name}` : ''}`;
}

/** True when no row has a baseline (the window is the whole input): the rate columns would say nothing. */
export function noBaseline(rows: readonly ChannelRow[]): boolean {
  return rows.every((r) => r.baselineRate === null);
}

/**
 * The cells of one channel row in `CHANNEL_MSG.head` order, cut to `keep` columns. Every renderer (text, Markdown,
 * HTML) uses it; only the ratio and the flag cell differ in how they are drawn.
 */
export function channelCells(
  r: ChannelRow,
  o: { lang: Lang; tz: string },
  keep: number,
  ratio: (r: ChannelRow) => string,
  flag: string,
): (string | number)[] {
  return [
    channelName(r, o.lang),
    r.relayErrors,
    r.timeouts,
    causeSummary(r.causes, o.lang) || '-',
    r.retriesAway,
    r.disabled,
    localTime(r.firstError, o.tz),
    localTime(r.lastError, o.tz),
    r.windowRate,
    r.baselineRate ?? '-',
    ratio(r),
    r.flagged ? flag : '',
  ].slice(0, keep);
}

/** Columns to show: without a baseline (the window is the whole input) the rate columns say nothing. */
export function channelColumns(rows: readonly ChannelRow[], lang: Lang): string[] {
  const head = CHANNEL_MSG[lang].head;
  return head.slice(0, noBaseline(rows) ? 8 : head.length);
}

export function renderChannelTable(rows: readonly ChannelRow[], o: { lang: Lang; tz: string; color?: ChalkInstance }): string {
  const M = CHANNEL_MSG[o.lang];
  const c = o.color;
  const head = channelColumns(rows, o.lang);
  return textTable(
    head,
    rows.map((r) => channelCells(r, o, head.length, ratioText, c ? c.red.bold(M.flagged) : M.flagged)),
    { right: 'numeric', color: c },
  );
}

/** The window's reason in the report's language, times in its zone. */
export function windowReason(w: ChannelReport['window'], lang: Lang, tz: string): string {
  if (!w.why) return w.reason;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(w.why)) if (k !== 'code' && v !== undefined) vars[k] = k === 'at' ? localTime(String(v), tz) : (v as string | number);
  return fmt(CHANNEL_MSG[lang].why[w.why.code], vars);
}

/** Why there is no baseline, in words that never ask for a flag the user already gave (the window says which). */
export function noBaselineHint(rep: ChannelReport, lang: Lang): string {
  const M = CHANNEL_MSG[lang].noBaseline;
  const code = rep.window.why?.code;
  return code === 'whole' ? M.whole : code === 'nothing' ? M.nothing : M.covered;
}

export function renderChannelsText(rep: ChannelReport, o: { lang: Lang; tz: string; color: ChalkInstance }): string {
  const M = CHANNEL_MSG[o.lang];
  const c = o.color;
  const out: string[] = [];
  out.push(c.bold(M.title));
  out.push(`${M.window}: ${localTime(rep.window.from, o.tz)} → ${localTime(rep.window.to, o.tz)} (${o.tz}); ${windowReason(rep.window, o.lang, o.tz)}`);
  out.push('');
  if (rep.channels.length === 0) out.push(M.none);
  else out.push(renderChannelTable(rep.channels, o).trimEnd());
  out.push('');
  const hasBaseline = rep.channels.some((r) => r.baselineRate !== null);
  out.push(c.dim(hasBaseline || rep.channels.length === 0 ? fmt(M.rule, rep.rule) : noBaselineHint(rep, o.lang)));
  return `${out.join('\n')}\n`;
}

/** The `--json` document: `{window, channels}` as the issue shapes it, plus `input` and `rule`. */
export function channelsJson(rep: ChannelReport): unknown {
  return rep;
}
