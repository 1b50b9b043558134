// `goroscope stats CONTAINER…`: `docker stats` numbers plus restart count, state, OOMKilled, exit code and start
// time. Streams until Ctrl-C (a TTY redraws in place, other outputs get one table per interval) unless --no-stream.
import type { CommandContext } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { parseDuration, sleep } from '../time.js';
import { dockerFor, mapDockerError, type DockerRuntime } from '../docker/index.js';
import { inspectRaw } from '../docker/containers.js';
import { sampleStats, EMPTY_STATS, type StatsSample } from '../docker/stats.js';
import { write } from '../cli/output.js';
import { renderStatsTable, statsJson, type StatsRow } from '../report/stats.js';

export interface StatsOptions {
  stream?: boolean;
  interval?: string;
  json?: boolean;
}

const ZERO_DATE = '0001-01-01T00:00:00Z';

/** One row per container: inspect and a stats sample (in parallel; ~1 s for running ones, at once for stopped ones). */
export async function sampleRows(docker: DockerRuntime, names: string[]): Promise<StatsRow[]> {
  return Promise.all(
    names.map(async (name) => {
      const raw = await inspectRaw(docker, name);
      let sample: StatsSample = { ...EMPTY_STATS, read: null };
      if (raw.State.Running) {
        try {
          sample = await sampleStats(docker, raw.Id);
        } catch (err) {
          throw mapDockerError(err, docker);
        }
      }
      const { read: _read, ...numbers } = sample;
      return {
        name: raw.Name.replace(/^\//, ''),
        id: raw.Id,
        state: raw.State.Status,
        restartCount: raw.RestartCount,
        oomKilled: raw.State.OOMKilled,
        exitCode: raw.State.ExitCode,
        startedAt: raw.State.StartedAt && raw.State.StartedAt !== ZERO_DATE ? raw.State.StartedAt : null,
        ...numbers,
      };
    }),
  );
}

export async function run(names: string[], opts: StatsOptions, ctx: CommandContext): Promise<void> {
  const intervalMs = opts.interval === undefined ? 2000 : parseDuration(opts.interval);
  if (intervalMs === null || intervalMs <= 0) throw new UsageError('--interval must be a duration such as 2s or 1m', opts.interval);
  if (opts.stream !== false) ctx.endsOnSignal(); // streaming ends on Ctrl-C, exit 0
  const docker = await dockerFor(ctx.globals.host?.[0]);
  const tty = ctx.stdout.isTTY === true && !opts.json;
  for (let first = true; ; first = false) {
    const started = ctx.now();
    const rows = await sampleRows(docker, names);
    const text = opts.json
      ? JSON.stringify(statsJson(ctx.now(), rows), null, opts.stream === false ? 2 : undefined) + '\n'
      : renderStatsTable(rows, ctx.lang);
    // A terminal is redrawn in place (cursor home, clear below), like docker stats; other outputs append.
    await write(ctx.stdout, tty && opts.stream !== false ? `\x1b[H\x1b[2J${text}` : opts.stream === false || opts.json || first ? text : `\n${text}`);
    if (opts.stream === false) return;
    const wait = Math.max(0, intervalMs - (ctx.now() - started));
    if (!(await sleep(wait, ctx.signal))) return;
  }
}

