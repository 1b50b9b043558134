// Collecting a bundle: what runs when, what each step's status is, and what is written. The outside world
// (Docker, HTTP, the scan pipeline) comes in through `BundleDeps`, so this file only decides and writes.
//
// Order: the bundle opens (an unwritable --out fails first), health and pprof at given URLs start (they need no
// Docker); inspect (retried by the caller while Docker does not answer; it names the bundle, tells TTY from framed
// logs and which env values are secrets); then logs stream to disk while stats, health, pprof and Docker events run
// beside them (src/bundle/items.ts), and the scan reads the bundle's own log bytes as they are written (the
// container is read once, the scan costs no second pass); then summary, redactions, manifest, rename.
import { hostname, platform, release } from 'node:os';
import { EXIT, GoroscopeError } from '../errors.js';
import type { ContainerEvents } from '../docker/events.js';
import { BundleWriter, safeName, utcStamp } from './writer.js';
import { Redactions, StreamRedactor, redactArgs, redactInspect, redactValue } from '../redact/index.js';
import { LogSink } from './logsink.js';
import { LiveLogs } from './livescan.js';
import type { AnalysisResult } from '../analyze/analysis.js';
import type { ItemStatus, Manifest } from './manifest.js';
import { renderSummaryMd, type SummaryMdInput } from './summary-md.js';
import { leakSuspectsOf } from '../analyze/suspects.js';
import { collectEvents, collectHealth, collectPprof, collectStats, json, message, redacted } from './items.js';
import type { AnalysisSink, BundleDeps, BundleOptions, BundleResult, GoroutineDumpCompare, InspectLike, LogWindow } from './types.js';

export type { AnalysisSink, BundleDeps, BundleOptions, BundleResult, GoroutineDumpCompare, InspectLike, LogWindow };

/** Docker did not answer (paused, overloaded, restarting), as opposed to an answer (no such container) or a refusal. */
function dockerDown(err: unknown): boolean {
  return err instanceof GoroscopeError && err.exitCode === EXIT.UNAVAILABLE;
}

export async function collectBundle(deps: BundleDeps, opts: BundleOptions): Promise<BundleResult> {
  const startedAt = opts.now();
  const items: Record<string, ItemStatus> = {};
  const signal = opts.signal;
  const table = new Redactions();
  const interrupted = () => signal.aborted;

  // 1. The bundle opens under the name the user gave: an unwritable --out fails before anything else, and Docker
  // may be slow to answer. It takes the container's own name once inspect has answered.
  const provisional = `${safeName(opts.target)}-${utcStamp(startedAt)}`;
  const writer = new BundleWriter(opts.outDir, provisional, opts.format);
  await writer.open();
  const started: Promise<unknown>[] = [];
  try {
    const t0 = opts.now();
    const took = <T extends object>(p: Promise<T>, pick: (x: T) => ItemStatus): Promise<T> => {
      const timed = p.then((x) => {
        const st = pick(x) as Record<string, unknown>;
        st.ms = opts.now() - t0;
        return x;
      });
      started.push(timed.catch(() => undefined));
      return timed;
    };
    // Health and pprof at URLs the user gave need no Docker: they start now, whatever Docker does.
    const givenHealth = opts.healthUrl?.(null) ?? null;
    const givenPprof = opts.pprofUrl?.(null, givenHealth?.url ?? null) ?? null;
    const earlyHealth = givenHealth ? took(collectHealth(deps, writer, givenHealth, opts, table), (x) => x.status) : null;
    const earlyPprof = givenPprof ? took(collectPprof(deps, writer, givenPprof, opts, table), (x) => x.status) : null;

    // 2. inspect: it names the bundle, tells TTY from framed logs and which env values are secrets. Docker calls are
    // retried within the deadline (deps); a daemon that still does not answer leaves the Docker items failed and the
    // bundle is written with the rest. No such container, or no permission, is the command's error.
    let inspect: InspectLike | null = null;
    try {
      inspect = await deps.inspect();
    } catch (err) {
      // Docker gone and nothing else to keep (no health or pprof URL given): the command's error, no bundle.
      if (!dockerDown(err) || (!earlyHealth && !earlyPprof)) throw err;
      items.inspect = { status: 'failed', error: message(err) };
    }
    const name = inspect ? inspect.Name.replace(/^\//, '') : opts.target;
    const base = inspect ? `${safeName(name)}-${utcStamp(startedAt)}` : provisional;
    if (inspect) {
      await writer.write('inspect.json', json(opts.redact ? redactInspect(inspect, table, 'inspect.json') : inspect));
      items.inspect = { status: 'ok', files: ['inspect.json'] };
    }

    // 3. everything else that reads the outside, side by side; the scan reads the bundle's own log bytes as written
    const window: LogWindow = { until: startedAt, signal, ...(opts.since !== undefined ? { since: opts.since } : {}) };
    const noDocker = <T>(what: T): Promise<T> => Promise.resolve(what);
    const notAsked = { status: 'failed' as const, error: `not collected: Docker did not answer inspect (${items.inspect?.status === 'failed' ? items.inspect.error : ''})` };
    const live = inspect ? new LiveLogs(name, inspect.Id) : null;
    const scanStep = live ? runScan(deps, writer, live, signal, opts.redact ? table : null) : null;
    scanStep?.catch(() => undefined); // awaited after the logs; an early failure must not count as unhandled
    const logsStep = inspect && live ? took(collectLogs(deps, writer, inspect, window, opts, table, live), (x) => x.status) : noDocker({ status: notAsked as ItemStatus });
    const statsStep = inspect ? took(collectStats(deps, writer, opts), (x) => x) : noDocker({ ...notAsked } as ItemStatus & { samples?: unknown[] });
    const healthInfo = givenHealth ?? (inspect ? (opts.healthUrl?.(inspect) ?? null) : null);
    const healthStep =
      earlyHealth ??
      (inspect || healthInfo
        ? took(collectHealth(deps, writer, healthInfo, opts, table), (x) => x.status)
        : noDocker({ status: { status: 'skipped', reason: 'no health URL given (--health-url), and Docker did not answer inspect to derive one' } as ItemStatus, result: null }));
    const pprofInfo = givenPprof ?? (inspect ? (opts.pprofUrl?.(inspect, healthInfo?.url ?? null) ?? null) : null);
    const pprofStep =
      earlyPprof ??
      (inspect || pprofInfo
        ? took(collectPprof(deps, writer, pprofInfo, opts, table), (x) => x.status)
        : noDocker<{ status: ItemStatus; first?: string; second?: string }>({ status: { status: 'skipped', reason: 'no pprof URL given (--pprof-url), and Docker did not answer inspect to derive one' } }));
    const eventsStep = inspect ? took(collectEvents(deps, writer, inspect, opts, startedAt, table), (x) => x) : noDocker({ ...notAsked } as ItemStatus & { events?: ContainerEvents['events'] });
    const [logs, stats, health, pprof, events] = await Promise.all([logsStep, statsStep, healthStep, pprofStep, eventsStep]);
    const { samples: _s, ...statsItem } = stats;
    const { events: _e, ...eventsItem } = events;
    Object.assign(items, { logs: logs.status, stats: statsItem, health: health.status, pprof: pprof.status, events: eventsItem });

    // 4. the scan of the bundle's own log bytes (it ran while they were written)
    const scan: ScanOutcome = scanStep ? await scanStep : { summary: null, analysis: null, goroutines: [], count: 0, files: [], error: notAsked.error, ms: 0 };
    const summary = scan.summary;
    const goroutines = scan.goroutines;
    if (scan.error !== null) items.scan = { status: 'failed', error: scan.error };
    else if (interrupted()) items.scan = { status: 'failed', error: 'interrupted: events of the logs collected so far', files: scan.files, events: scan.count };
    else if (logs.status.status !== 'ok') items.scan = { status: 'failed', error: 'the logs were cut short: events of what was collected', files: scan.files, events: scan.count };
    else items.scan = { status: 'ok', files: scan.files, events: scan.count, ms: scan.ms };
    if (summary !== null) await writer.write('summary.json', redacted(summary, table, 'summary.json', opts.redact));

    // 5. summary.md (always: it says what is missing too)
    const compare = pprof.first && pprof.second && deps.compareDumps ? safeCompare(deps, pprof.first, pprof.second) : null;
    const mdInput: SummaryMdInput = {
      name,
      id: inspect?.Id ?? 'unknown (Docker did not answer)',
      inspect: inspect ?? {},
      summary,
      health: health.result,
      stats: stats.samples ?? null,
      events: events.events ?? null,
      compare,
      items,
      goroutines,
      analysis: await finishAnalysis(scan.analysis, writer.staging, name, startedAt),
      // the dumps' suspects and the pprof URL feed summary.md's next steps, as review's
      suspects: pprof.first && pprof.second ? safeSuspects(name, pprof.first, pprof.second, opts.pprofIntervalMs) : null,
      pprofUrl: pprofInfo?.url ?? null,
      startedAt,
    };
    let md: string;
    try {
      md = renderSummaryMd(mdInput);
    } catch (err) {
      // a report bug must not cost the bundle: say so in the file and the manifest
      md = `# Incident bundle: ${name}\n\nThe summary could not be written (${message(err)}); see summary.json and manifest.json.\n`;
      items.summaryMd = { status: 'failed', error: message(err) };
    }
    await writer.write('summary.md', opts.redact ? table.redactString(md, 'summary.md') : md);
    if (compare) await writer.write('pprof/compare.json', redacted(compare.json, table, 'pprof/compare.json', opts.redact));

    // 6. redactions, manifest, rename. The manifest is redacted (its URLs, errors and command line) before
    // redactions.json is written, so that its counts are in it; only its file list comes after.
    const complete = !interrupted() && logs.status.status === 'ok';
    const described: Omit<Manifest, 'files'> = {
      tool: 'goroscope',
      version: opts.version,
      commandLine: opts.redact ? (redactArgs(opts.commandLine, table, 'manifest.json') as string[]) : opts.commandLine,
      host: { hostname: hostname(), platform: `${platform()} ${release()}`, docker: opts.dockerHost },
      container: {
        id: inspect?.Id ?? null,
        name,
        image: inspect?.Config?.Image ?? null,
        state: inspect?.State?.Status ?? null,
        restartCount: inspect?.RestartCount ?? null,
        tty: inspect?.Config?.Tty === true,
      },
      window: { since: opts.since !== undefined ? new Date(opts.since).toISOString() : null, until: new Date(startedAt).toISOString() },
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(opts.now()).toISOString(),
      complete,
      redacted: opts.redact,
      ...(interrupted() ? { interrupted: true } : {}),
      items,
    };
    const { tool, version, commandLine, ...rest } = described;
    const head = opts.redact ? (redactValue(rest, table, 'manifest.json') as typeof rest) : rest;
    if (opts.redact) {
      await writer.write('redactions.json', json({ redactions: table.report(), distinctSecrets: table.distinct(), total: table.total() }));
    }
    const manifest: Manifest = { tool, version, commandLine, ...head, files: writer.entries() };
    await writer.write('manifest.json', json(manifest));
    // Interrupted: kept as a directory at once (packing could outlast the Ctrl-C; the process ends 1 s after it).
    const finished = await writer.finish(complete, base, interrupted() ? 'dir' : opts.format);
    return { finished, manifest, interrupted: interrupted() };
  } catch (err) {
    await Promise.all(started); // nothing may still be writing into what is removed
    await writer.discard();
    throw err;
  }
}

interface ScanOutcome {
  summary: unknown;
  /** The trend/channels/restarts analysis of the same events (summary.md), not finished yet. */
  analysis: AnalysisSink | null;
  goroutines: { time: string | null; count: number }[];
  count: number;
  files: string[];
  error: string | null;
  ms: number;
}

/** Run the pipeline over the live log feed; events go to events.jsonl as they come. Never rejects, except for an unwritable output. */
async function runScan(deps: BundleDeps, writer: BundleWriter, live: LiveLogs, signal: AbortSignal, table: Redactions | null): Promise<ScanOutcome> {
  const start = Date.now();
  const goroutines: { time: string | null; count: number }[] = [];
  const out = await writer.create('events.jsonl');
  let pending: Promise<void> = Promise.resolve();
  let lines: string[] = [];
  let count = 0;
  const flush = () => {
    if (lines.length === 0) return;
    // The events come from the redacted log bytes; this pass only catches what the log redaction could not see.
    const text = lines.join('');
    const chunk = Buffer.from(table ? table.redactString(text, 'events.jsonl') : text, 'utf8');
    lines = [];
    pending = pending.then(() => out.write(chunk));
    pending.catch(() => undefined); // the error is thrown where `pending` is awaited below
  };
  let summary: unknown = null;
  let analysis: AnalysisSink | null = null;
  let error: string | null = null;
  try {
    ({ summary, analysis } = await deps.scan(
      live.source(),
      (e) => {
        count++;
        if (e.kind === 'goroutine' && goroutines.length < 200_000) goroutines.push({ time: e.time, count: e.count });
        lines.push(`${JSON.stringify(e)}\n`);
        if (lines.length >= 2000) flush();
      },
      signal,
    ));
  } catch (err) {
    if (err instanceof GoroscopeError && err.exitCode === 73) throw err;
    error = message(err);
  }
  flush();
  await pending;
  await out.close();
  return { summary, analysis, goroutines, count, files: summary === null ? ['events.jsonl'] : ['events.jsonl', 'summary.json'], error, ms: Date.now() - start };
}

/**
 * The analysis with the health snapshot added as the bundle reader adds it (src/sources/bundle.ts): summary.md then
 * tells what `trend`/`review` of the bundle tell. A failure leaves summary.md without the analysis, never fails.
 */
async function finishAnalysis(a: AnalysisSink | null, staging: string, name: string, startedAt: number): Promise<AnalysisResult | null> {
  if (!a) return null;
  try {
    const { healthSnapshotEvents } = await import('../sources/bundle.js');
    for (const e of await healthSnapshotEvents(staging, name, { startedAt: new Date(startedAt).toISOString() })) a.add(e);
    return a.finish();
  } catch {
    return null;
  }
}

function safeCompare(deps: BundleDeps, a: string, b: string): GoroutineDumpCompare | null {
  try {
    return deps.compareDumps!(a, b);
  } catch {
    return null;
  }
}

/** The suspects of the two dumps; a dump that cannot be read must not cost the bundle (summary.md says less). */
function safeSuspects(name: string, a: string, b: string, intervalMs: number) {
  try {
    return leakSuspectsOf(name, [{ text: a }, { text: b }], intervalMs / 1000);
  } catch {
    return null;
  }
}

async function collectLogs(
  deps: BundleDeps,
  writer: BundleWriter,
  inspect: InspectLike,
  window: LogWindow,
  opts: BundleOptions,
  table: Redactions,
  live: LiveLogs,
): Promise<{ status: ItemStatus; sinks: Record<'stdout' | 'stderr', LogSink> }> {
  const files = { stdout: 'logs/stdout.log', stderr: 'logs/stderr.log' } as const;
  const sinks = {
    stdout: new LogSink(await writer.create(files.stdout), opts.redact ? new StreamRedactor(table, files.stdout) : null, (b) => live.feed('stdout', b)),
    stderr: new LogSink(await writer.create(files.stderr), opts.redact ? new StreamRedactor(table, files.stderr) : null, (b) => live.feed('stderr', b)),
  };
  const progress = () => {
    opts.onProgress?.({ bytes: sinks.stdout.bytesIn + sinks.stderr.bytesIn, lines: sinks.stdout.lines + sinks.stderr.lines, done: false });
  };
  const timer = opts.onProgress ? setInterval(progress, 250) : null;
  let error: unknown = null;
  try {
    await deps.logs(inspect, window, (stream, payload) => sinks[stream].push(payload));
  } catch (err) {
    error = err;
  } finally {
    if (timer) clearInterval(timer);
  }
  // Closing is what makes the files final; a write error here is an unwritable output.
  try {
    const closed = await Promise.allSettled([sinks.stdout.close(), sinks.stderr.close()]);
    for (const c of closed) if (c.status === 'rejected') throw c.reason;
  } finally {
    live.end();
  }
  opts.onProgress?.({ bytes: sinks.stdout.bytesIn + sinks.stderr.bytesIn, lines: sinks.stdout.lines + sinks.stderr.lines, done: true });
  const detail = {
    files: [files.stdout, files.stderr],
    tty: inspect.Config?.Tty === true,
    stdout: { bytes: sinks.stdout.bytesIn, lines: sinks.stdout.lines, frames: sinks.stdout.frames, first: sinks.stdout.firstTime, last: sinks.stdout.lastTime },
    stderr: { bytes: sinks.stderr.bytesIn, lines: sinks.stderr.lines, frames: sinks.stderr.frames, first: sinks.stderr.firstTime, last: sinks.stderr.lastTime },
  };
  if (error instanceof GoroscopeError && error.exitCode === 73) throw error;
  if (window.signal.aborted) return { status: { status: 'failed', error: 'interrupted: the logs stop early', ...detail }, sinks };
  if (error) return { status: { status: 'failed', error: message(error), ...detail }, sinks };
  return { status: { status: 'ok', ...detail }, sinks };
}
