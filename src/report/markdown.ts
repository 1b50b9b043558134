// `goroscope review --format md`: the review as Markdown to paste into a ticket. Pure.
import { Chalk } from 'chalk';
import type { ReviewData } from '../analyze/review.js';
import type { Series } from '../analyze/series.js';
import type { Lang } from '../i18n.js';
import { fmt } from '../i18n.js';
import { renderChart } from './chart.js';
import { ratioText } from '../analyze/channels.js';
import { CHANNEL_MSG, channelCells, channelColumns, windowReason } from './channels.js';
import { REVIEW_MSG, periodLine, restartLines, sourcesLabel, stepText, suspectBlocks } from './review.js';
import { chartLabels, localTime, renderTrendSummary, TREND_MSG, signed } from './trend.js';

const plain = new Chalk({ level: 0 });

/** Escape the characters that break a Markdown table cell or start formatting. */
export function mdCell(s: string | number): string {
  return String(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([*_`[\]<>])/g, '\\$1').replace(/\n/g, ' ');
}

function mdTable(head: readonly string[], rows: (string | number)[][]): string[] {
  return [`| ${head.map(mdCell).join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)];
}

export function renderReviewMarkdown(d: ReviewData, series: Series, o: { lang: Lang; tz: string }): string {
  const M = REVIEW_MSG[o.lang];
  const T = TREND_MSG[o.lang];
  const C = CHANNEL_MSG[o.lang];
  const out: string[] = [];
  out.push(`# ${M.title}: ${mdCell(sourcesLabel(d))}`, '');
  out.push(periodLine(d, o.lang, o.tz, mdCell(sourcesLabel(d))), '');

  out.push(`## ${M.nextSteps}`, '');
  for (const s of d.nextSteps) {
    out.push(`- **${M.severities[s.severity]}** ${mdCell(stepText(s, o.lang, o.tz))}${s.command ? `: \`${s.command}\`` : ''}`);
  }
  out.push('');

  out.push(`## ${M.goroutines}`, '');
  for (const l of renderTrendSummary(d.trend, { ...o, color: plain, dockerRestarts: d.container?.restartCount })) out.push(`- ${mdCell(l)}`);
  if (d.peaks.length > 0) out.push(`- ${M.peaks}: ${d.peaks.map((p) => `${p.count} (${localTime(p.at, o.tz)})`).join(', ')}`);
  out.push('', '```text', renderChart(series, d.thresholds, { tz: o.tz, width: 64, labels: chartLabels(o.lang) }).trimEnd(), '```', '');
  if (d.trend.runs.length > 0) {
    out.push(
      ...mdTable(
        T.runHead,
        d.trend.runs.map((r, i) => [i + 1, localTime(r.from, o.tz), localTime(r.to, o.tz), r.samples, r.censoredTicks, signed(r.slopePerHour), r.peak ?? '-', T.endedBy[r.endedBy], T.verdicts[r.verdict]]),
      ),
      '',
    );
  }

  if (d.suspects && d.suspects.length > 0) {
    out.push(`## ${M.suspects}`, '');
    for (const b of suspectBlocks(d, o.lang)) {
      out.push(mdCell(b.head), '');
      if (b.note) out.push(`_${mdCell(b.note)}_`, '');
      out.push(...mdTable(M.suspectCols, b.rows), '');
    }
  }

  out.push(`## ${M.perDay}`, '');
  const rows: (string | number)[][] = d.days.map((r) => [r.day, r.goroutineWarnings, r.peak ?? '-', r.relayErrors, r.timeouts, r.panics, r.crashes, r.restarts]);
  rows.push([`**${M.total}**`, d.totals.goroutineWarnings, d.trend.peak ?? '-', d.totals.relayErrors, d.totals.timeouts, d.totals.panics, d.totals.crashes, d.totals.restarts]);
  out.push(...mdTable(M.dayHead, rows).map((l) => l.replace('\\*\\*', '**').replace('\\*\\*', '**')), '');

  out.push(`## ${M.panics}`, '');
  if (d.panics.length === 0) out.push(M.panicNone, '');
  for (const p of d.panics) {
    out.push(`### ${mdCell(fmt(M.panicLine, { kind: M.kinds[p.kind], count: p.count, message: p.message }))}`, '');
    out.push(`${M.topFrame}: \`${p.topFrame ?? '-'}\`; ${fmt(M.seen, { first: localTime(p.firstSeen, o.tz), last: localTime(p.lastSeen, o.tz) })}`, '');
    if (p.sampleFrames.length > 0) out.push('```text', ...p.sampleFrames.slice(0, 12), '```', '');
  }

  out.push(`## ${M.channels}`, '');
  const chRows = (list: typeof d.channels) => {
    const head = channelColumns(list, o.lang);
    return mdTable(
      head,
      list.map((r) => channelCells(r, o, head.length, ratioText, C.flagged)),
    );
  };
  if (d.channels.length === 0) out.push(M.channelsNone, '');
  else out.push(...chRows(d.channels), '');

  out.push(`## ${M.spike}`, '');
  if (!d.spike) out.push(M.spikeNone, '');
  else {
    out.push(`${localTime(d.spike.window.from, o.tz)} → ${localTime(d.spike.window.to, o.tz)}: ${mdCell(windowReason(d.spike.window, o.lang, o.tz))}`, '');
    const top = d.spike.channels.filter((r) => r.relayErrors > 0).slice(0, 5);
    if (top.length > 0) out.push(...chRows(top), '');
  }

  out.push(`## ${M.restarts}`, '');
  const [count, ...each] = restartLines(d, o.lang, o.tz);
  out.push(mdCell(count!), '');
  if (each.length > 0) out.push(...each.map((l) => `- ${mdCell(l)}`), '');

  if (d.container) {
    const k = d.container;
    out.push(`## ${M.container}: ${mdCell(k.name)}`, '');
    out.push(`- ${fmt(M.containerLine, { state: k.state ?? M.missing, restarts: k.restartCount ?? M.missing, started: k.startedAt ? localTime(k.startedAt, o.tz) : M.missing })}`);
    out.push(
      `- ${fmt(M.statsLine, {
        cpu: k.cpuPercent == null ? M.missing : `${k.cpuPercent.toFixed(1)}%`,
        mem: k.memoryMb == null ? M.missing : `${Math.round(k.memoryMb)} MB`,
        pids: k.pids ?? M.missing,
        g: k.goroutines ?? M.missing,
      })}`,
    );
    for (const m of k.missing ?? []) out.push(`- ${mdCell(m)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
