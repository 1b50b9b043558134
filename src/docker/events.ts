// Docker events of one container over a bounded window (`GET /events?since&until&filters`), for bundles.
// With `until` set the daemon ends the stream by itself; a timeout and a cap on the count bound it anyway.
import type Docker from 'dockerode';
import { UnavailableError } from '../errors.js';

/** One event as the Engine API sends it (only the fields we rely on are typed). */
export interface DockerEvent {
  Type?: string;
  Action?: string;
  /** `status` on older APIs (`die`, `start`, …). */
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
  [k: string]: unknown;
}

export interface ContainerEventsOptions {
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms; the daemon ends the stream at this point (must not be in the future by much). */
  until: number;
  /** Stop after this many events (default 10,000). */
  max?: number;
  /** Give up after this long (default 10 s): the events read so far are returned with `truncated: true`. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ContainerEvents {
  events: DockerEvent[];
  /** True when the cap, the timeout or the signal ended the read early. */
  truncated: boolean;
  reason?: string;
}

/** `1700000000123` → `"1700000000.123000000"` (the API accepts seconds with a fraction). */
function apiTime(ms: number): string {
  const sec = Math.floor(ms / 1000);
  return `${sec}.${String(Math.round((ms - sec * 1000) * 1e6)).padStart(9, '0')}`;
}

/** Container events (start, die, restart, oom, kill, health_status, …) for `containerId` between since and until. */
export async function containerEvents(docker: Docker, containerId: string, opts: ContainerEventsOptions): Promise<ContainerEvents> {
  const max = opts.max ?? 10_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('timeout')), timeoutMs);
  const onAbort = () => ctl.abort(opts.signal?.reason ?? new Error('aborted'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const events: DockerEvent[] = [];
  let truncated = false;
  let reason: string | undefined;
  try {
    const stream = (await docker.getEvents({
      since: apiTime(opts.since) as unknown as number,
      until: apiTime(opts.until) as unknown as number,
      filters: JSON.stringify({ type: ['container'], container: [containerId] }) as unknown as Record<string, string[]>,
      abortSignal: ctl.signal,
    } as Docker.GetEventsOptions)) as NodeJS.ReadableStream & { destroy?: () => void };
    let rest = '';
    await new Promise<void>((resolve, reject) => {
      const finish = (why?: string) => {
        if (why) {
          truncated = true;
          reason = why;
        }
        stream.removeAllListeners('data');
        stream.destroy?.();
        resolve();
      };
      stream.on('data', (chunk: Buffer | string) => {
        rest += chunk.toString();
        let nl: number;
        while ((nl = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, nl).trim();
          rest = rest.slice(nl + 1);
          if (line === '') continue;
          try {
            events.push(JSON.parse(line) as DockerEvent);
          } catch {
            // a line that is not JSON is not an event: skip it
          }
          if (events.length >= max) return finish(`stopped at ${max} events`);
        }
      });
      stream.on('end', () => finish());
      stream.on('close', () => finish(ctl.signal.aborted ? abortReason(ctl.signal) : undefined));
      stream.on('error', (err: Error) => {
        if (ctl.signal.aborted) finish(abortReason(ctl.signal));
        else reject(err);
      });
    });
  } catch (err) {
    if (ctl.signal.aborted) return { events, truncated: true, reason: abortReason(ctl.signal) };
    const e = err as NodeJS.ErrnoException & { statusCode?: number };
    throw new UnavailableError('cannot read Docker events', containerId, e.message, { cause: err });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return reason === undefined ? { events, truncated } : { events, truncated, reason };
}

function abortReason(signal: AbortSignal): string {
  const r = signal.reason as Error | undefined;
  return r?.message === 'timeout' ? 'timed out' : 'interrupted';
}
