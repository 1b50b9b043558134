// What `goroscope stats` prints (docs/check.md): a table like `docker stats` with the docker CLI's units, and the JSON
// document of one sample. Pure functions of the sampled rows; the language is passed in.
import { bytesSize, humanSize, percent, type ContainerStats } from '../analyze/stats.js';
import type { Lang } from '../i18n.js';
import { textTable } from './text.js';

/** One container as `goroscope stats` shows it: inspect's state beside a stats sample (a row of the table and of the JSON). */
export interface StatsRow {
  name: string;
  id: string;
  state: string;
  restartCount: number;
  oomKilled: boolean;
  exitCode: number;
  startedAt: string | null;
  cpuPercent: number;
  memory: ContainerStats['memory'];
  net: ContainerStats['net'];
  block: ContainerStats['block'];
  pids: number;
}

const HEADERS: Record<Lang, string[]> = {
  en: ['CONTAINER', 'STATE', 'RESTARTS', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS', 'OOM', 'EXIT', 'STARTED'],
  zh: ['容器', '状态', '重启', 'CPU %', '内存用量 / 上限', '内存 %', '网络 I/O', '磁盘 I/O', '进程数', 'OOM', '退出码', '启动时间'],
};

/** A table like `docker stats`, numbers printed with the docker CLI's units. */
export function renderStatsTable(rows: readonly StatsRow[], lang: Lang): string {
  const cells = rows.map((r) => [
    r.name,
    r.state,
    String(r.restartCount),
    percent(r.cpuPercent),
    `${bytesSize(r.memory.usageBytes)} / ${bytesSize(r.memory.limitBytes)}`,
    percent(r.memory.percent),
    `${humanSize(r.net.rxBytes)} / ${humanSize(r.net.txBytes)}`,
    `${humanSize(r.block.readBytes)} / ${humanSize(r.block.writeBytes)}`,
    String(r.pids),
    r.oomKilled ? 'yes' : 'no',
    String(r.exitCode),
    r.startedAt ? r.startedAt.replace(/\.\d+Z$/, 'Z') : '-',
  ]);
  const head = HEADERS[lang];
  return textTable(head, cells, { gap: '   ' });
}

/** `--json`: one document per sample, the time it was taken and the rows. */
export function statsJson(time: number, rows: readonly StatsRow[]): { time: string; containers: readonly StatsRow[] } {
  return { time: new Date(time).toISOString(), containers: rows };
}
