// What `goroscope check` prints (docs/check.md): the text per container and overall (chalk instance passed in), the
// JSON (`--json`, also what --notify reads), and the memory texts watch shows too. Pure functions of the check's result.
import type { ChalkInstance } from 'chalk';
import { goroutineLevel, type Thresholds } from '../config.js';
import type { Level, Reason } from '../analyze/verdict.js';
import { bytesSize, percent, type ContainerStats } from '../analyze/stats.js';
import { reasonText, levelNames, messages } from '../i18n/check.js';
import { fmt, type Lang } from '../i18n.js';
import { duration, pad } from './text.js';
import type { Collected } from '../sources/facts.js';

/** A check's result for one container: the facts collected, the verdict on them and the thresholds it used. */
export interface CheckedContainer extends Collected {
  level: Level;
  emergency: boolean;
  reasons: Reason[];
  thresholds: Thresholds;
}

/** The issue's shape, plus a few fields named in docs/check.md. */
export function checkJson(level: Level, checked: CheckedContainer[]) {
  return {
    level,
    containers: checked.map((c) => ({
      name: c.name,
      id: c.id,
      level: c.level,
      emergency: c.emergency,
      reasons: c.reasons.map((r) => reasonText(r, 'en')),
      reasonCodes: c.reasons.map((r) => r.code),
      didYouMean: c.suggestions,
      state: c.state?.status ?? null,
      oomKilled: c.state?.oomKilled ?? null,
      exitCode: c.state?.exitCode ?? null,
      startedAt: c.state?.startedAt ?? null,
      uptimeSeconds: c.uptimeSeconds,
      restartCount: c.state ? c.facts.restartCount : null,
      dockerHealth: c.state?.health ?? null,
      goroutines: c.facts.goroutines,
      goroutineSource: c.facts.goroutineSource,
      goroutineLevel: c.facts.goroutines === null ? null : goroutineLevel(c.facts.goroutines, c.thresholds),
      memory: goMemory(c),
      cpuPercent: c.stats?.cpuPercent ?? null,
      containerMemory: c.stats?.memory ?? null,
      health: c.health
        ? {
            url: c.health.url,
            urlSource: c.urlSource,
            ok: c.health.ok,
            status: c.health.status,
            latencyMs: c.health.latencyMs,
            error: c.health.error,
            errorKind: c.health.errorKind,
            format: c.health.format,
            note: c.health.note,
          }
        : null,
      thresholds: c.thresholds,
    })),
  };
}

/** The text of a check: a block per container, then the overall verdict when there are several. */
export function renderCheckText(overall: Level, checked: CheckedContainer[], o: { lang: Lang; color: ChalkInstance }): string {
  const { lang, color: k } = o;
  const m = messages[lang];
  const paint = (l: Level | 'emergency', s: string) =>
    l === 'ok' ? k.green(s) : l === 'warning' ? k.yellow(s) : l === 'unknown' ? k.magenta(s) : k.red.bold(s);
  const out: string[] = [];
  for (const c of checked) {
    const head = c.emergency ? levelNames[lang].emergency : levelNames[lang][c.level];
    out.push(`${paint(c.emergency ? 'emergency' : c.level, pad(head, 10))}${k.bold(c.name)}`);
    if (c.state) {
      const up = c.uptimeSeconds !== null ? `, ${m.uptime} ${duration(c.uptimeSeconds)}` : '';
      const oom = c.state.oomKilled ? ', OOMKilled' : '';
      const hc = c.state.health ? `, healthcheck ${c.state.health}` : '';
      const exit = c.state.running ? '' : `, exit ${c.state.exitCode}`;
      out.push(`  ${pad(m.state)} ${c.state.status}${up}${oom}${hc}, ${m.restarts} ${c.facts.restartCount}${exit}`);
    }
    if (c.health) {
      const h = c.health;
      const how = c.urlSource ? ` (${c.urlSource})` : '';
      const res = h.ok ? `HTTP ${h.status}, ${h.latencyMs} ms` : `${h.errorKind}: ${h.error}`;
      out.push(`  ${pad(m.health)} ${h.url}${how}: ${res}`);
      if (h.note) out.push(`  ${''.padEnd(11)} ${h.note}`);
    } else if (c.state?.running) out.push(`  ${pad(m.health)} ${c.urlSource ?? m.noUrl}`);
    if (c.facts.goroutines !== null) {
      const gl = goroutineLevel(c.facts.goroutines, c.thresholds);
      const src = c.facts.goroutineSource === 'log' ? ` (${m.fromLog} ${c.facts.goroutineTime ?? ''})` : '';
      const gm = goMemory(c);
      const mem = gm ? `   ${m.memory} ${memText(gm)}` : '';
      out.push(`  ${pad(m.goroutines)} ${paint(gl === 'ok' ? 'ok' : gl === 'warning' ? 'warning' : 'critical', String(c.facts.goroutines))}${src}${mem}`);
    }
    if (c.stats) out.push(`  ${pad(m.cpu)} ${percent(c.stats.cpuPercent)}   ${m.containerMemory} ${statsMem(c.stats)}`);
    for (const r of c.reasons) if (r.level !== 'ok' || r.code === 'goroutines_from_log') out.push(`  - ${paint(r.level, reasonText(r, lang))}`);
    if (c.lookupHint) out.push(`    ${c.lookupHint}`);
    if (c.emergency) out.push(`  ${k.bold(fmt(m.bundleHint, { name: c.name }))}`);
  }
  if (checked.length > 1) out.push(`${m.overall}: ${paint(overall, levelNames[lang][overall])}`);
  return out.join('\n') + '\n';
}

/** Go runtime memory: from the endpoint, else from the newest `Memory: Alloc=…` debug line read with the count. */
function goMemory(c: CheckedContainer): { allocMb: number; totalAllocMb: number | null; sysMb: number | null; numGc: number | null } | null {
  if (c.health?.memory) return c.health.memory;
  const e = c.facts.goroutineSource === 'log' ? c.logMemory : null;
  return e ? { allocMb: e.allocMb, totalAllocMb: e.totalAllocMb, sysMb: e.sysMb, numGc: e.numGc } : null;
}

export function memText(mem: { allocMb: number; sysMb: number | null; numGc: number | null }): string {
  return `${mem.allocMb} MB alloc${mem.sysMb !== null ? ` / ${mem.sysMb} MB sys` : ''}${mem.numGc !== null ? `, GC ${mem.numGc}` : ''}`;
}

export function statsMem(s: ContainerStats): string {
  return `${bytesSize(s.memory.usageBytes)} / ${bytesSize(s.memory.limitBytes)} (${percent(s.memory.percent)})`;
}
