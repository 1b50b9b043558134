// The items of a bundle collected beside its logs: stats, the health snapshot, the goroutine dumps and Docker's
// events. Each never throws except for an output that cannot be written (73): a failure is its manifest status.
import { setTimeout as sleep } from 'node:timers/promises';
import { GoroscopeError } from '../errors.js';
import type { HealthResult } from '../sources/health.js';
import type { ContainerEvents } from '../docker/events.js';
import { Redactions, redactDockerEvents, redactHeaders, redactValue } from '../redact/index.js';
import type { BundleWriter } from './writer.js';
import type { ItemStatus } from './manifest.js';
import type { BundleDeps, BundleOptions, InspectLike } from './types.js';

/** A pause that rejects when the signal aborts (Ctrl-C). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal });
}

/** An item's error text: the headline without `error: `, and the hint. */
export function message(err: unknown): string {
  if (err instanceof GoroscopeError) return err.headline().replace(/^error: /, '') + (err.hint ? `: ${err.hint}` : '');
  return (err as Error)?.message ?? String(err);
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A JSON document for `file`, through the redactor unless --no-redact (fields by name, every string by the text rules). */
export function redacted(value: unknown, table: Redactions, file: string, redact: boolean): string {
  return json(redact ? redactValue(value, table, file) : value);
}

export async function collectStats(deps: BundleDeps, writer: BundleWriter, opts: BundleOptions): Promise<ItemStatus & { samples?: unknown[] }> {
  const samples: unknown[] = [];
  try {
    samples.push(await deps.stats(opts.signal));
    const read = (samples[0] as { read?: string } | null)?.read;
    if (!read || read.startsWith('0001-01-01')) {
      // a stopped container answers with zeros at once: a second sample would say nothing more
      await writer.write('stats.json', json({ samples }));
      return { status: 'ok', files: ['stats.json'], samples, note: 'the container is not running: Docker reports zeros' };
    }
    await pause(opts.statsIntervalMs, opts.signal);
    samples.push(await deps.stats(opts.signal));
  } catch (err) {
    if (samples.length > 0) await writer.write('stats.json', json({ samples }));
    const why = opts.signal.aborted ? 'interrupted' : message(err);
    return samples.length > 0
      ? { status: 'failed', error: `only ${samples.length} of 2 samples: ${why}`, files: ['stats.json'], samples }
      : { status: 'failed', error: why };
  }
  await writer.write('stats.json', json({ samples }));
  return { status: 'ok', files: ['stats.json'], samples };
}

export async function collectHealth(
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

export async function collectPprof(
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
      if (i === 2) await pause(opts.pprofIntervalMs, opts.signal);
      const text = await deps.fetchText(info.url, opts.signal);
      dumps.push(text);
      const path = `pprof/goroutine-${i}.txt`;
      await writer.write(path, opts.redact ? table.redactString(text, path) : text);
      files.push(path);
    }
  } catch (err) {
    if (err instanceof GoroscopeError && err.exitCode === 73) throw err;
    const why = opts.signal.aborted ? 'interrupted' : message(err);
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

export async function collectEvents(
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
