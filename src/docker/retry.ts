// A DockerRuntime that does not give up on a slow daemon: a call the daemon did not answer (paused, overloaded) or
// refused to connect (restarting) is tried again with a growing pause until a deadline, which is when `bundle` most
// needs Docker. Answers (404, 501, …), permission errors and a socket that is not there are final at once. A stream is tried
// again only while it has delivered nothing; once bytes flow, a quiet stream is not a failure.
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT, GoroscopeError, UnavailableError } from '../errors.js';
import { DockerTimeout } from './client.js';
import type { DockerRuntime, FrameSink } from './runtime.js';

export interface RetryOptions {
  /** Epoch ms after which a failing call is not tried again. */
  deadline: number;
  /** Ends the waiting between tries (Ctrl-C). */
  signal?: AbortSignal;
  /** Called before each new try (progress on stderr). */
  onRetry?: (what: string, attempt: number, err: GoroscopeError) => void;
  now?: () => number;
}

/** First pause between tries; each next one doubles, up to MAX_PAUSE_MS. */
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 4_000;

/** Transport failures that a daemon coming back can end; a socket that is not there (ENOENT) or a name that does not resolve is a setting to fix. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

function retryable(err: unknown): err is GoroscopeError {
  if (err instanceof DockerTimeout) return true;
  const code = ((err as { cause?: { code?: unknown } } | null)?.cause as { code?: unknown } | undefined)?.code;
  return err instanceof GoroscopeError && err.exitCode === EXIT.UNAVAILABLE && typeof code === 'string' && TRANSIENT.has(code);
}

/** `docker` with every call retried until `opts.deadline` while the daemon does not answer. */
export function retrying(docker: DockerRuntime, opts: RetryOptions): DockerRuntime {
  const now = opts.now ?? Date.now;
  const started = now();
  async function attempt<T>(what: string, call: () => Promise<T>, canRetry: () => boolean = () => true): Promise<T> {
    let pause = FIRST_PAUSE_MS;
    for (let n = 1; ; n++) {
      try {
        return await call();
      } catch (err) {
        const left = opts.deadline - now();
        if (!retryable(err) || !canRetry() || left <= 0 || opts.signal?.aborted) {
          if (retryable(err) && n > 1) {
            // Say how long it was tried, beside what the last try said (whose own timeout it names).
            throw new UnavailableError(err.message, `${err.value ?? docker.endpoint}; ${n} tries in ${Math.round((now() - started) / 100) / 10} s`, err.hint, { cause: err });
          }
          throw err;
        }
        opts.onRetry?.(what, n + 1, err);
        await sleep(Math.min(pause, left), undefined, { signal: opts.signal }).catch(() => undefined);
        if (opts.signal?.aborted) throw err;
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      }
    }
  }
  const stream = (what: string, run: (sink: FrameSink) => Promise<void>, sink: FrameSink): Promise<void> => {
    let delivered = false;
    const counting: FrameSink = (s, p) => {
      delivered = true;
      return sink(s, p);
    };
    return attempt(what, () => run(counting), () => !delivered);
  };
  return {
    endpoint: docker.endpoint,
    ping: (signal) => attempt('ping', () => docker.ping(signal)),
    version: (signal) => attempt('version', () => docker.version(signal)),
    info: (signal) => attempt('info', () => docker.info(signal)),
    inspect: (id, signal) => attempt('inspect', () => docker.inspect(id, signal)),
    listContainers: (filter, signal) => attempt('container list', () => docker.listContainers(filter, signal)),
    logs: (id, q, sink) => stream('logs', (s) => docker.logs(id, q, s), sink),
    stats: (id, signal) => attempt('stats', () => docker.stats(id, signal)),
    statsStream: (id, onStats, signal) => {
      let delivered = false;
      return attempt(
        'stats stream',
        () =>
          docker.statsStream(
            id,
            (raw) => {
              delivered = true;
              onStats(raw);
            },
            signal,
          ),
        () => !delivered,
      );
    },
    events: (q, onEvent) => {
      let delivered = false;
      return attempt(
        'events',
        () =>
          docker.events(q, (e) => {
            delivered = true;
            return onEvent(e);
          }),
        () => !delivered,
      );
    },
    inspectService: (id, signal) => attempt('service inspect', () => docker.inspectService(id, signal)),
    listServices: (signal) => attempt('service list', () => docker.listServices(signal)),
    listTasks: (id, signal) => attempt('task list', () => docker.listTasks(id, signal)),
    listNodes: (signal) => attempt('node list', () => docker.listNodes(signal)),
    serviceLogs: (id, q, sink) => stream('service logs', (s) => docker.serviceLogs(id, q, s), sink),
  };
}
