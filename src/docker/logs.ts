// Container logs as lines or raw frames, on any DockerRuntime: 16 KB parts re-joined, TTY output split into lines,
// and `follow` surviving restarts by reconnecting with `since` and skipping what was already delivered.
import type { FrameStream } from '../stream/frames.js';
import { MessageAssembler, TtyAssembler, type DockerLineHandler } from '../stream/messages.js';
import { msToDockerTs, rfc3339ToDockerTs, sleep } from '../time.js';
import { GoroscopeError } from '../errors.js';
import { noSuchContainer, resolveContainer, unreadableDriver, type ContainerInfo } from './containers.js';
import { isHttpStatus, type DockerRuntime, type FrameSink } from './runtime.js';
import { findLogFiles, readFileLines, streamFileFrames, unreadableFiles, type LogFiles, type LogVia } from './logfiles.js';
import type { QuietStreams } from '../stream/messages.js';

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
  /** From the engine's files or through the API (`--via`, src/docker/logfiles.ts); default auto. */
  via?: LogVia;
  /** Told which way the log is read, before it is. */
  onVia?: (via: 'file' | 'api') => void;
}

/**
 * The container's log files when they are to be read (`via` auto and readable, or file), null for the API. `--via
 * file` on files that cannot be read is an error; auto falls back to the API without a word.
 */
export async function logFilesFor(info: ContainerInfo, via: LogVia | undefined, onVia?: (via: 'file' | 'api') => void): Promise<LogFiles | null> {
  let files: LogFiles | null = null;
  if (via !== 'api') {
    const found = await findLogFiles(info);
    if ('path' in found) files = found;
    else if (via === 'file') throw unreadableFiles(info.name, found);
  }
  onVia?.(files ? 'file' : 'api');
  return files;
}

/** Whether the container still runs, for a follow of its files (the API's follow ends when it stops). */
function stillRunning(docker: DockerRuntime, id: string, signal?: AbortSignal): () => Promise<boolean> {
  return async () => {
    try {
      return (await resolveContainer(docker, id, signal)).state.running;
    } catch {
      return false;
    }
  };
}

function dockerTs(v: number | string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? msToDockerTs(v) : v;
}

/** One read of the log body as messages; 404 → NotFoundError with close names, 501 → the unreadable-driver error. */
async function readLog(docker: DockerRuntime, info: ContainerInfo, req: LogRequest, sink: FrameSink): Promise<void> {
  try {
    await docker.logs(
      info.id,
      { since: dockerTs(req.since), until: dockerTs(req.until), tail: req.tail, follow: req.follow, timestamps: req.timestamps !== false, tty: info.tty, signal: req.signal },
      sink,
    );
  } catch (err) {
    if (err instanceof GoroscopeError || req.signal?.aborted) throw err;
    if (isHttpStatus(err, 404)) throw await noSuchContainer(docker, info.name, err);
    if (isHttpStatus(err, 501)) throw unreadableDriver(info, err);
    throw err;
  }
}

async function targetInfo(docker: DockerRuntime, target: string | ContainerInfo, signal?: AbortSignal): Promise<ContainerInfo> {
  return typeof target === 'string' ? resolveContainer(docker, target, signal) : target;
}

/**
 * Raw log bytes for the bundle writer: each frame's payload untouched (timestamp prefix included when asked for),
 * so the per-stream concatenation is byte-identical to `docker logs -t`. TTY containers hand over raw chunks as
 * `stdout`. A consumer that returns promises pauses the read; its own failure comes back untouched. Resolves with
 * the container facts when the body ends.
 */
export async function streamLogFrames(
  docker: DockerRuntime,
  target: string | ContainerInfo,
  req: LogRequest & { timestamps: boolean },
  onFrame: FrameSink,
): Promise<ContainerInfo> {
  const info = await targetInfo(docker, target, req.signal);
  const files = await logFilesFor(info, req.via, req.onVia);
  if (files) await streamFileFrames(files, fileQuery(req), onFrame, stillRunning(docker, info.id, req.signal));
  else await readLog(docker, info, req, onFrame);
  return info;
}

function fileQuery(req: LogRequest): { since?: string; until?: string; tail?: number; follow?: boolean; signal?: AbortSignal } {
  return { since: dockerTs(req.since), until: dockerTs(req.until), tail: req.tail, follow: req.follow, signal: req.signal };
}

/** How often a followed, stopped container is checked for a new run. */
export const RESTART_POLL_MS = 200;


/**
 * Wait until the container runs again. Returns its facts, or null when the user aborted or the container was
 * removed (both end a follow normally).
 */
async function waitForRun(docker: DockerRuntime, id: string, signal?: AbortSignal): Promise<ContainerInfo | null> {
  for (;;) {
    if (signal?.aborted) return null;
    let info: ContainerInfo;
    try {
      info = await resolveContainer(docker, id, signal);
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
  docker: DockerRuntime,
  target: string | ContainerInfo,
  req: Omit<LogRequest, 'timestamps'> & { quiet?: QuietStreams },
  onLine: DockerLineHandler,
): Promise<ContainerInfo> {
  let info = await targetInfo(docker, target, req.signal);
  const files = await logFilesFor(info, req.via, req.onVia);
  // the byte-level fast path (quiet lines are not counted by the resume point, so not while following)
  const quiet = req.follow ? undefined : req.quiet;
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
    if (files) {
      await readFileLines(files, info.tty, fileQuery(request), deliver, quiet, stillRunning(docker, info.id, req.signal));
    } else if (info.tty) {
      const tty = new TtyAssembler(deliver, undefined, quiet);
      await readLog(docker, info, request, (_s, p) => tty.push(p));
      tty.end();
    } else {
      const asm = new MessageAssembler(deliver, undefined, quiet);
      await readLog(docker, info, request, (s, p) => asm.frame(s, p));
      asm.end();
    }
    if (!resume || req.signal?.aborted) return info;
    const until = req.until === undefined ? undefined : typeof req.until === 'number' ? req.until : Number(req.until.split('.')[0]) * 1000;
    if (until !== undefined && Date.now() > until) return info;
    const startedBefore = info.state.startedAt;
    const next = await waitForRun(docker, info.id, req.signal);
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
