// Collecting a bundle: what runs when, what each step's status is, and what is written. The outside world
// (Docker, HTTP, the scan pipeline) comes in through `BundleDeps`, so this file only decides and writes.
//
// Order: inspect first (it names the bundle, tells TTY from framed logs and which env values are secrets);
// then logs stream to disk while stats, health, pprof and Docker events run beside them, and the scan reads
// the bundle's own log bytes as they are written (the container is read once, the scan costs no second pass);
// then summary, redactions, manifest, rename.
import { hostname, platform, release } from 'node:os';
import type { GEvent } from '../events.js';
import { EXIT, GoroscopeError } from '../errors.js';
import type { HealthResult } from '../sources/health.js';
import type { ContainerEvents } from '../docker/events.js';
import { BundleWriter, safeName, utcStamp, type BundleFormat, type Finished } from './writer.js';
import { Redactions, StreamRedactor, redactArgs, redactDockerEvents, redactHeaders, redactInspect, redactValue } from '../redact/index.js';
import { LogSink } from './logsink.js';
import { LiveLogs } from './livescan.js';
import type { AnalysisResult } from '../analyze/analysis.js';
import type { Source } from '../sources/types.js';
import type { ItemStatus, Manifest } from './manifest.js';
import { renderSummaryMd, type SummaryMdInput } from './summary-md.js';
import { leakSuspectsOf } from '../analyze/suspects.js';

/** The parts of `docker inspect` a bundle reads. */
export interface InspectLike {
  Id: string;
  Name: string;
  Created?: string;
  Config?: { Tty?: boolean; Image?: string; Env?: string[] | null } | null;
  State?: { Status?: string; StartedAt?: string; Running?: boolean } | null;
  RestartCount?: number;
  [k: string]: unknown;
}

export interface LogWindow {
  /** Epoch ms, inclusive; undefined = the whole history. */
  since?: number;
  /** Epoch ms, inclusive: the moment the bundle started, so a running container's log has an end. */
  until: number;
  signal: AbortSignal;
}

export interface GoroutineDumpCompare {
  /** Lines of Markdown describing leak suspects (stack groups that grew between the two dumps). */
  markdown: string;
  /** Same as JSON for the manifest / summary.json. */
  json: unknown;
}

export interface BundleDeps {
  inspect(): Promise<InspectLike>;
  /** Stream the log frames of the window; TTY containers deliver everything as `stdout`. */
  logs(inspect: InspectLike, window: LogWindow, onFrame: (stream: 'stdout' | 'stderr', payload: Buffer) => void | Promise<void>): Promise<void>;
  /** One stats sample (the Engine API object, `stream: false`). */
  stats(signal: AbortSignal): Promise<unknown>;
  events(inspect: InspectLike, window: { since: number; until: number; signal: AbortSignal }): Promise<ContainerEvents>;
  health(url: string, derived: boolean, signal: AbortSignal): Promise<HealthResult>;
  /** GET a URL as text (pprof), bounded by a timeout; throws on network failure or non-2xx. */
  fetchText(url: string, signal: AbortSignal): Promise<string>;
  /** Run the scan pipeline over a source (the bundle's log bytes as they are written); `onEvent` gets each event. */
  scan(source: Source, onEvent: (e: GEvent) => void, signal: AbortSignal): Promise<{ summary: unknown; analysis: AnalysisSink | null }>;
  /** Compare two goroutine dumps (leak suspects); null when unavailable. */
  compareDumps?(first: string, second: string): GoroutineDumpCompare | null;
}

export interface BundleOptions {
  /** The container as the user named it: the bundle's name until inspect answers (or if it never does). */
  target: string;
  outDir: string;
  format: BundleFormat;
  since?: number;
  redact: boolean;
  /** Health URL, and whether it was derived from inspect; asked first with null (only a given URL then). */
  healthUrl?: (inspect: InspectLike | null) => { url: string; derived: boolean; how: string } | null;
  pprofUrl?: (inspect: InspectLike | null, health: string | null) => { url: string; derived: boolean } | null;
  pprofIntervalMs: number;
  statsIntervalMs: number;
  version: string;
  commandLine: string[];
  dockerHost: string;
  now: () => number;
  signal: AbortSignal;
  /** Called about 4 times a second while logs stream (bytes and lines so far). */
  onProgress?: (p: { bytes: number; lines: number; done: boolean }) => void;
}

export interface BundleResult {
  finished: Finished;
  manifest: Manifest;
  interrupted: boolean;
}

class Interrupted extends Error {}

/** Sleep that ends early (rejecting) when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Interrupted('interrupted'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Interrupted('interrupted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function message(err: unknown): string {
  if (err instanceof GoroscopeError) return err.headline().replace(/^error: /, '') + (err.hint ? `: ${err.hint}` : '');
  return (err as Error)?.message ?? String(err);
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A JSON document for `file`, through the redactor unless --no-redact (fields by name, every string by the text rules). */
function redacted(value: unknown, table: Redactions, file: string, redact: boolean): string {
  return json(redact ? redactValue(value, table, file) : value);
}

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
      if (!dockerDown(err)) throw err;
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

/** The trend/channels/restarts analysis of the log's events (src/analyze/analysis.ts), finished here. */
export interface AnalysisSink {
  add(e: GEvent): void;
  finish(): AnalysisResult;
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


async function collectStats(deps: BundleDeps, writer: BundleWriter, opts: BundleOptions): Promise<ItemStatus & { samples?: unknown[] }> {
  const samples: unknown[] = [];
  try {
    samples.push(await deps.stats(opts.signal));
    const read = (samples[0] as { read?: string } | null)?.read;
    if (!read || read.startsWith('0001-01-01')) {
      // a stopped container answers with zeros at once: a second sample would say nothing more
      await writer.write('stats.json', json({ samples }));
      return { status: 'ok', files: ['stats.json'], samples, note: 'the container is not running: Docker reports zeros' };
    }
    await sleep(opts.statsIntervalMs, opts.signal);
    samples.push(await deps.stats(opts.signal));
  } catch (err) {
    if (samples.length > 0) await writer.write('stats.json', json({ samples }));
    const why = err instanceof Interrupted || opts.signal.aborted ? 'interrupted' : message(err);
    return samples.length > 0
      ? { status: 'failed', error: `only ${samples.length} of 2 samples: ${why}`, files: ['stats.json'], samples }
      : { status: 'failed', error: why };
  }
  await writer.write('stats.json', json({ samples }));
  return { status: 'ok', files: ['stats.json'], samples };
}

async function collectHealth(
  deps: BundleDeps,
  writer: BundleWriter,
  info: { url: string; derived: boolean; how: string } | null,
  opts: BundleOptions,
  table: Redactions,
): Promise<{ status: ItemStatus; result: HealthResult | null }> {
  if (!info) return { status: { status: 'skipped', reason: 'no health URL given (--health-url) and none could be derived from the container' }, result: null };
  const r = await deps.health(info.url, info.derived, opts.signal);
  const snapshot = {
    url: opts.redact ? table.redactString(r.url, 'health.json') : r.url,
    status: r.status,
    headers: opts.redact ? redactHeaders(r.headers, table, 'health.json') : r.headers,
    body: r.body === null ? null : opts.redact ? table.redactString(r.body, 'health.json') : r.body,
    latencyMs: r.latencyMs,
    error: opts.redact && r.error !== null ? table.redactString(r.error, 'health.json') : r.error,
    // extras: when the answer came (trend and review place the snapshot's sample there), what goroscope read from it
    time: new Date(opts.now()).toISOString(),
    ok: r.ok,
    errorKind: r.errorKind,
    format: r.format,
    goroutines: r.goroutines,
    memory: r.memory,
    urlFrom: info.derived ? info.how : 'given',
  };
  await writer.write('health.json', json(snapshot));
  return {
    // What health.json says is what the manifest says: an answer goroscope could not read (too large, not JSON, no
    // count) is a failed item with the saved answer, never `ok`.
    status: r.ok
      ? { status: 'ok', files: ['health.json'], url: r.url }
      : { status: 'failed', error: `${r.errorKind ?? 'error'}: ${r.error ?? `HTTP ${r.status}`}`, files: ['health.json'], url: r.url },
    result: r,
  };
}

async function collectPprof(
  deps: BundleDeps,
  writer: BundleWriter,
  info: { url: string; derived: boolean } | null,
  opts: BundleOptions,
  table: Redactions,
): Promise<{ status: ItemStatus; first?: string; second?: string }> {
  if (!info) return { status: { status: 'skipped', reason: 'no pprof URL given (--pprof-url) and none could be derived' } };
  const dumps: string[] = [];
  const files: string[] = [];
  try {
    for (let i = 1; i <= 2; i++) {
      if (i === 2) await sleep(opts.pprofIntervalMs, opts.signal);
      const text = await deps.fetchText(info.url, opts.signal);
      dumps.push(text);
      const path = `pprof/goroutine-${i}.txt`;
      await writer.write(path, opts.redact ? table.redactString(text, path) : text);
      files.push(path);
    }
  } catch (err) {
    if (err instanceof GoroscopeError && err.exitCode === 73) throw err;
    const why = err instanceof Interrupted || opts.signal.aborted ? 'interrupted' : message(err);
    if (dumps.length === 0 && info.derived) {
      return { status: { status: 'skipped', reason: `no pprof endpoint answered at ${info.url} (${why})` } };
    }
    return {
      status: { status: 'failed', error: dumps.length > 0 ? `only ${dumps.length} of 2 dumps: ${why}` : why, url: info.url, ...(files.length ? { files } : {}) },
      ...(dumps[0] !== undefined ? { first: dumps[0] } : {}),
    };
  }
  return { status: { status: 'ok', files, url: info.url, intervalMs: opts.pprofIntervalMs }, first: dumps[0]!, second: dumps[1]! };
}

async function collectEvents(
  deps: BundleDeps,
  writer: BundleWriter,
  inspect: InspectLike,
  opts: BundleOptions,
  until: number,
  table: Redactions,
): Promise<ItemStatus & { events?: ContainerEvents['events'] }> {
  const created = inspect.Created ? Date.parse(inspect.Created) : NaN;
  const since = opts.since ?? (Number.isFinite(created) ? created : until - 7 * 86_400_000);
  try {
    const r = await deps.events(inspect, { since, until, signal: opts.signal });
    await writer.write('docker-events.json', json({ since: new Date(since).toISOString(), until: new Date(until).toISOString(), truncated: r.truncated, ...(r.reason ? { reason: r.reason } : {}), events: opts.redact ? redactDockerEvents(r.events, table, 'docker-events.json') : r.events }));
    return r.truncated
      ? { status: 'failed', error: `events cut short: ${r.reason ?? 'unknown'}`, files: ['docker-events.json'], count: r.events.length, events: r.events }
      : { status: 'ok', files: ['docker-events.json'], count: r.events.length, events: r.events };
  } catch (err) {
    if (err instanceof GoroscopeError && err.exitCode === 73) throw err;
    return { status: 'failed', error: message(err) };
  }
}
