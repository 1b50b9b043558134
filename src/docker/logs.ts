// Container logs through the Engine API, always as a stream (`modem.dial({isStream: true})`): dockerode's
// follow:false path buffers the whole body in memory (docs/docker.md, "Logs: always a stream"). Frames are demultiplexed here,
// TTY containers are read raw, and `follow` survives restarts by reconnecting with `since` and skipping what
// was already delivered.
import type { IncomingMessage } from 'node:http';
import { FrameDemuxer, type FrameStream } from '../stream/frames.js';
import { MessageAssembler, TtyAssembler, type DockerLineHandler } from '../stream/messages.js';
import { msToDockerTs, rfc3339ToDockerTs } from '../time.js';
import { GoroscopeError, UnavailableError } from '../errors.js';
import { mapDockerError, type DockerClient } from './client.js';
import { noSuchContainer, resolveContainer, unreadableDriver, type ContainerInfo } from './containers.js';
import { rawGet, rawTargetOf } from './rawhttp.js';

export interface LogRequest {
  /** Epoch ms, or Docker's `"<sec>.<nanos>"` string (kept as given, so nanoseconds survive). Inclusive. */
  since?: number | string;
  until?: number | string;
  /** Last N messages (Docker counts 16 KB parts as messages). */
  tail?: number;
  follow?: boolean;
  /** Default true: events carry Docker's time. */
  timestamps?: boolean;
  signal?: AbortSignal;
}

function dockerTs(v: number | string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? msToDockerTs(v) : v;
}

function logQuery(req: LogRequest): Record<string, string | boolean> {
  const query: Record<string, string | boolean> = {
    stdout: true,
    stderr: true,
    follow: req.follow === true,
    timestamps: req.timestamps !== false,
  };
  const since = dockerTs(req.since);
  const until = dockerTs(req.until);
  if (since !== undefined) query.since = since;
  if (until !== undefined) query.until = until;
  if (req.tail !== undefined) query.tail = String(req.tail);
  return query;
}

/** The same mapping for both transports: 404 → NotFoundError with suggestions, 501 → the driver error, the rest by mapDockerError. */
async function logError(client: DockerClient, info: ContainerInfo, err: unknown): Promise<GoroscopeError> {
  if (err instanceof GoroscopeError) return err;
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404) return noSuchContainer(client, info.name, err);
  if (status === 501) return unreadableDriver(info, err);
  if ((err as { cutOff?: boolean }).cutOff) {
    return new UnavailableError('the log stream from the Docker daemon was cut off', client.endpoint, 'run the command again; check the daemon (journalctl -u docker)', {
      cause: err,
    });
  }
  return mapDockerError(err, client);
}

/**
 * The log body's bytes, handed over as they arrive (`onBytes(buf, start, end)`, valid during the call). Spoken
 * directly over the socket where possible (rawhttp.ts: one call per socket read instead of one per message),
 * else through docker-modem as a stream. Resolves at the end of the body or quietly on abort.
 */
export async function readLogBody(
  client: DockerClient,
  info: ContainerInfo,
  req: LogRequest,
  onBytes: (buf: Buffer, start: number, end: number) => void,
): Promise<void> {
  const raw = rawTargetOf(client);
  if (raw) {
    const qs = new URLSearchParams(Object.entries(logQuery(req)).map(([k, v]): [string, string] => [k, String(v)])).toString();
    try {
      await rawGet(raw, `/containers/${encodeURIComponent(info.id)}/logs?${qs}`, onBytes, req.signal);
    } catch (err) {
      if (req.signal?.aborted) return;
      throw await logError(client, info, err);
    }
    return;
  }
  const res = await openLogStream(client, info, req);
  await consumeSync(client, res, true, (_s, chunk) => onBytes(chunk, 0, chunk.length), req.signal);
}

/** Open the raw log body. 404 → NotFoundError with suggestions, 501 → the unreadable-driver error, transport → Unavailable/Permission. */
export async function openLogStream(client: DockerClient, info: ContainerInfo, req: LogRequest): Promise<IncomingMessage> {
  const query = logQuery(req);
  try {
    return await new Promise<IncomingMessage>((resolve, reject) => {
      client.docker.modem.dial(
        {
          path: `/containers/${encodeURIComponent(info.id)}/logs?`,
          method: 'GET',
          isStream: true,
          abortSignal: req.signal,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error', 501: 'logging driver does not support reading' },
          options: query,
        } as never,
        (err: unknown, res: unknown) => (err ? reject(err) : resolve(res as IncomingMessage)),
      );
    });
  } catch (err) {
    throw await logError(client, info, err);
  }
}

/**
 * Read one response to its end, handing over chunks (TTY) or frame payloads. An async handler is awaited, and the
 * socket is not read meanwhile (backpressure). Resolves at the end of the body; a user abort ends it quietly;
 * a connection cut short or a daemon error frame rejects.
 */
async function consume(
  client: DockerClient,
  res: IncomingMessage,
  tty: boolean,
  onPayload: (stream: FrameStream, payload: Buffer) => void | Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const onAbort = () => res.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  let batch: [FrameStream, Buffer][] = [];
  const demux = new FrameDemuxer((stream, payload) => {
    batch.push([stream, payload]);
  });
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      if (tty) {
        const r = onPayload('stdout', chunk);
        if (r) await r;
        continue;
      }
      demux.push(chunk);
      const frames = batch;
      batch = [];
      for (const [stream, payload] of frames) {
        const r = onPayload(stream, payload);
        if (r) await r;
      }
    }
    if (!tty) {
      demux.end();
      for (const [stream, payload] of batch) {
        const r = onPayload(stream, payload);
        if (r) await r;
      }
      batch = [];
    }
    if (!res.complete && !signal?.aborted) {
      throw new UnavailableError('the log stream from the Docker daemon was cut off', client.endpoint, 'run the command again; check the daemon (journalctl -u docker)');
    }
  } catch (err) {
    if (signal?.aborted) return;
    if (err instanceof GoroscopeError) throw err;
    throw mapDockerError(err, client);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    res.destroy();
  }
}

/**
 * The same as consume() for a synchronous consumer (the line reader): frames go straight from the socket's
 * 'data' events to the handler, without batching or async iteration (a million frames is a million chunks).
 */
function consumeSync(
  client: DockerClient,
  res: IncomingMessage,
  tty: boolean,
  onPayload: (stream: FrameStream, payload: Buffer) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const demux = tty ? null : new FrameDemuxer(onPayload);
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      res.removeListener('data', onData);
      if (err === undefined || signal?.aborted) {
        res.destroy();
        resolve();
      } else {
        res.destroy();
        reject(err instanceof GoroscopeError ? err : mapDockerError(err, client));
      }
    };
    const onAbort = () => finish();
    const onData = (chunk: Buffer) => {
      try {
        if (demux) demux.push(chunk);
        else onPayload('stdout', chunk);
      } catch (err) {
        finish(err);
      }
    };
    if (signal?.aborted) return finish();
    signal?.addEventListener('abort', onAbort, { once: true });
    res.on('data', onData);
    res.once('end', () => {
      try {
        demux?.end();
      } catch (err) {
        return finish(err);
      }
      finish();
    });
    res.once('error', (err) => finish(err));
    res.once('close', () => {
      if (!res.complete) {
        finish(new UnavailableError('the log stream from the Docker daemon was cut off', client.endpoint, 'run the command again; check the daemon (journalctl -u docker)'));
      } else finish();
    });
  });
}

async function targetInfo(client: DockerClient, target: string | ContainerInfo, signal?: AbortSignal): Promise<ContainerInfo> {
  return typeof target === 'string' ? resolveContainer(client, target, signal) : target;
}

/**
 * Raw log bytes for the bundle writer: each frame's payload untouched (timestamp prefix included when asked for),
 * so the per-stream concatenation is byte-identical to `docker logs -t`. TTY containers hand over raw chunks as
 * `stdout`. Resolves with the container facts when the body ends.
 */
export async function streamLogFrames(
  client: DockerClient,
  target: string | ContainerInfo,
  req: LogRequest & { timestamps: boolean },
  onFrame: (stream: FrameStream, payload: Buffer) => void | Promise<void>,
): Promise<ContainerInfo> {
  const info = await targetInfo(client, target, req.signal);
  const raw = rawTargetOf(client);
  if (!raw) {
    const res = await openLogStream(client, info, req);
    await consume(client, res, info.tty, onFrame, req.signal);
    return info;
  }
  // Direct path: frames of one socket read are handed over in order; when the consumer returns promises, reading
  // pauses until they settle. Payloads are views into buffers that are never reused, so they may be kept.
  let pending: Promise<void>[] = [];
  let consumerError: unknown;
  const hand = (stream: FrameStream, payload: Buffer) => {
    let r: void | Promise<void>;
    try {
      r = onFrame(stream, payload);
    } catch (err) {
      consumerError = err;
      throw err;
    }
    if (r) {
      pending.push(
        r.catch((err: unknown) => {
          consumerError = err;
          throw err;
        }),
      );
    }
  };
  const demux = info.tty ? null : new FrameDemuxer(hand);
  const qs = new URLSearchParams(Object.entries(logQuery(req)).map(([k, v]): [string, string] => [k, String(v)])).toString();
  let lastWait: Promise<void> | null = null;
  const settle = () => {
    if (pending.length === 0) return null;
    const wait = Promise.all(pending).then(() => undefined);
    pending = [];
    lastWait = wait;
    return wait;
  };
  try {
    await rawGet(
      raw,
      `/containers/${encodeURIComponent(info.id)}/logs?${qs}`,
      (b, s, e) => (demux ? demux.push(b, s, e) : hand('stdout', b.subarray(s, e))),
      req.signal,
      settle,
    );
    demux?.end();
    await lastWait; // the body may end within the read whose frames are still being written
    await settle();
  } catch (err) {
    if (consumerError !== undefined) throw consumerError; // the consumer's own failure (disk full…), untouched
    if (req.signal?.aborted) return info;
    throw await logError(client, info, err);
  }
  return info;
}

/** How often a followed, stopped container is checked for a new run. */
export const RESTART_POLL_MS = 200;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Wait until the container runs again. Returns its facts, or null when the user aborted or the container was
 * removed (both end a follow normally).
 */
async function waitForRun(client: DockerClient, id: string, signal?: AbortSignal): Promise<ContainerInfo | null> {
  for (;;) {
    if (signal?.aborted) return null;
    let info: ContainerInfo;
    try {
      info = await resolveContainer(client, id, signal);
    } catch (err) {
      if (signal?.aborted) return null;
      if ((err as GoroscopeError).exitCode === 67) return null; // removed
      throw err;
    }
    if (info.state.running && !info.state.restarting) return info;
    if (info.state.status === 'removing' || info.state.status === 'dead') return null;
    await sleep(RESTART_POLL_MS, signal);
  }
}

/**
 * A container's log as lines, stdout and stderr apart (one stream for TTY containers), each with Docker's
 * timestamp. With `follow`, keeps going across stops and restarts until the user aborts or the container is
 * removed: on each reconnect it asks for `since=<last timestamp>` and skips the lines already delivered at exactly
 * that timestamp, so nothing is duplicated and nothing is missed.
 */
export async function readContainerLines(
  client: DockerClient,
  target: string | ContainerInfo,
  req: Omit<LogRequest, 'timestamps'>,
  onLine: DockerLineHandler,
): Promise<ContainerInfo> {
  let info = await targetInfo(client, target, req.signal);
  let since = dockerTs(req.since);
  let tail = req.tail;
  const resume = req.follow ? new ResumePoint() : null;
  const deliver: DockerLineHandler = resume
    ? (stream, ts, text, oversized) => {
        if (resume.seen(stream, ts)) onLine(stream, ts, text, oversized);
      }
    : onLine;
  for (;;) {
    const request = { ...req, since, tail, timestamps: true };
    if (info.tty) {
      const tty = new TtyAssembler(deliver);
      await readLogBody(client, info, request, (b, s, e) => tty.push(b, s, e));
      tty.end();
    } else {
      const asm = new MessageAssembler(deliver);
      const demux = new FrameDemuxer((s, p) => asm.frame(s, p));
      await readLogBody(client, info, request, (b, s, e) => demux.push(b, s, e));
      demux.end();
      asm.end();
    }
    if (!resume || req.signal?.aborted) return info;
    const until = req.until === undefined ? undefined : typeof req.until === 'number' ? req.until : Number(req.until.split('.')[0]) * 1000;
    if (until !== undefined && Date.now() > until) return info;
    const startedBefore = info.state.startedAt;
    const next = await waitForRun(client, info.id, req.signal);
    if (!next) return info;
    if (next.state.startedAt === startedBefore) await sleep(RESTART_POLL_MS, req.signal); // same run: the stream ended early
    info = next;
    const from = resume.reconnect();
    if (from !== null) since = from;
    else if (tail !== undefined) {
      // Nothing delivered yet, but `tail` hid the older history: carry on from the new run.
      since = rfc3339ToDockerTs(next.state.startedAt);
    }
    tail = undefined;
  }
}

/** How far back a reconnect asks for lines, so that stdout/stderr lines logged out of timestamp order are not lost. */
const RESUME_OVERLAP_MS = 2_000;

/**
 * Where a followed log resumes, without duplicates or gaps. Docker writes stdout and stderr lines in the order its two
 * copiers deliver them, so file order is not strictly timestamp order: resuming at the last line's timestamp could
 * repeat a later-stamped line or miss an earlier-stamped one. So the reconnect asks for `since = newest − 2 s` and
 * skips exactly the lines already delivered (by stream and timestamp, counted: 16 KB parts share one timestamp but
 * are one line; two lines may share a timestamp).
 */
export class ResumePoint {
  /** `stream ts` → lines delivered, for timestamps within the overlap of the newest. */
  private recent = new Map<string, number>();
  private newest: string | null = null;
  /** After a reconnect: what was already delivered up to `replayUntil`, counted down as the daemon sends it again. */
  private replay: Map<string, number> | null = null;
  private replayUntil = '';
  private sincePrune = 0;

  /** Record a line; false when it was delivered before the reconnect (skip it). */
  seen(stream: string, ts: string | null): boolean {
    if (ts === null) return true;
    const key = `${stream} ${ts}`;
    if (this.replay !== null && ts <= this.replayUntil) {
      const n = this.replay.get(key) ?? 0;
      if (n > 0) {
        this.replay.set(key, n - 1);
        return false;
      }
    }
    this.recent.set(key, (this.recent.get(key) ?? 0) + 1);
    if (this.newest === null || ts > this.newest) this.newest = ts;
    if (++this.sincePrune >= 4096) this.prune();
    return true;
  }

  /** The `since` for the next request (Docker form), or null when nothing was delivered yet. Arms the replay check. */
  reconnect(): string | null {
    if (this.newest === null) return null;
    this.prune();
    this.replay = new Map(this.recent);
    this.replayUntil = this.newest;
    const [sec, frac] = rfc3339ToDockerTs(this.newest).split('.') as [string, string];
    return `${Number(sec) - RESUME_OVERLAP_MS / 1000}.${frac}`;
  }

  /** Forget lines stamped well before the overlap window (they can never be sent again). */
  private prune(): void {
    this.sincePrune = 0;
    if (this.newest === null) return;
    const cutoff = new Date(Date.parse(this.newest) - RESUME_OVERLAP_MS - 1000).toISOString().slice(0, 19);
    for (const key of this.recent.keys()) {
      const at = key.indexOf(' ') + 1;
      if (key.slice(at, at + 19) < cutoff) this.recent.delete(key);
    }
  }
}

export type { FrameStream };
