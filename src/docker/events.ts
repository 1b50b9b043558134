// Docker events of one container over a bounded window, for bundles. With `until` set the daemon ends the stream
// by itself; a timeout and a cap on the count bound it anyway.
import { UnavailableError } from '../errors.js';
import { msToDockerTs } from '../time.js';
import type { DockerEvent, DockerRuntime } from './runtime.js';

export type { DockerEvent };

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

/** Container events (start, die, restart, oom, kill, health_status, …) for `containerId` between since and until. */
export async function containerEvents(docker: DockerRuntime, containerId: string, opts: ContainerEventsOptions): Promise<ContainerEvents> {
  const max = opts.max ?? 10_000;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const events: DockerEvent[] = [];
  let capped = false;
  try {
    await docker.events(
      { since: msToDockerTs(opts.since), until: msToDockerTs(opts.until), filters: { type: ['container'], container: [containerId] }, signal },
      (e) => {
        events.push(e);
        if (events.length < max) return true;
        capped = true;
        return false;
      },
    );
  } catch (err) {
    if (!signal.aborted) {
      throw new UnavailableError('cannot read Docker events', containerId, (err as Error).message, { cause: err });
    }
  }
  if (capped) return { events, truncated: true, reason: `stopped at ${max} events` };
  if (signal.aborted) return { events, truncated: true, reason: timeout.aborted && !opts.signal?.aborted ? 'timed out' : 'interrupted' };
  return { events, truncated: false };
}
