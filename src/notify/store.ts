// The alert state file, shared by every `check --notify`, `alert` and `watch --notify` that names it. Every change
// is a read-decide-write under a lock (`<state>.lock`, made with O_EXCL), written to a private temp file and
// renamed over the old one, so runs that overlap see each other's decisions and none is lost half-written.
// A file of the wrong shape is set aside (`<state>.damaged-<UTC time>`) with one warning, and the run goes on.
//
// The lock is our own rather than proper-lockfile's: it is held for milliseconds (never across a delivery), and
// knowing the holder's pid lets a run take over at once from one that died, instead of waiting out a staleness
// period on every crash.
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, accessSync, constants } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { OutputError, UnavailableError } from '../errors.js';
import { makeDirsSync, notRegularFile } from '../fs.js';
import { emptyState, parseState, type AlertState } from './state.js';
import { sleep } from '../time.js';

/** A lock older than this is taken over even if its holder seems alive (holds last milliseconds). */
export const LOCK_STALE_MS = 15_000;
/** How long a run waits for the lock before it gives up notifying. */
export const LOCK_WAIT_MS = 30_000;

export interface StateStore {
  readonly path: string;
  /** Read the state without the lock (what a run needs before it decides anything, e.g. where to read logs from). */
  peek(): AlertState;
  /** Read, change and save the state under the lock. `warn` gets the one line about a damaged file. */
  update<T>(change: (state: AlertState) => T, warn: (line: string) => void): Promise<T>;
}



function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

interface LockInfo {
  pid: number;
  host: string;
  at: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FileStore implements StateStore {
  private readonly lockPath: string;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.lockPath = `${path}.lock`;
  }

  /**
   * Make the state's directory (0700) and check it can be written, before anything else runs: a place that
   * cannot be made is one error (exit 73) at once.
   */
  prepare(): void {
    const dir = dirname(this.path);
    try {
      makeDirsSync(dir, 0o700); // not `recursive: true`: it spins forever (and ignores SIGTERM) under /proc
      if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      accessSync(dir, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new OutputError(`cannot write alert state${code ? `: ${code}` : ''}`, this.path, 'check the directory exists and is writable, or pass --state FILE', { cause: err });
    }
    // Read whole, a FIFO or a device blocks (and with it every signal handler) or never ends; saved over, a device
    // would be replaced by a JSON file (as root, /dev/zero).
    const odd = notRegularFile(this.path);
    if (odd) throw new OutputError('cannot write alert state', this.path, `it is ${odd}, not a file: pass --state FILE`);
  }

  peek(): AlertState {
    if (notRegularFile(this.path)) return emptyState();
    try {
      return parseState(readFileSync(this.path, 'utf8'), this.now()).state;
    } catch {
      return emptyState();
    }
  }

  async update<T>(change: (state: AlertState) => T, warn: (line: string) => void): Promise<T> {
    const release = await this.lock();
    try {
      const state = this.readForUpdate(warn);
      const result = change(state);
      this.save(state);
      return result;
    } finally {
      release();
    }
  }

  /** The state as it is on disk; a damaged file is renamed aside (one warning) and what could be read is kept. */
  private readForUpdate(warn: (line: string) => void): AlertState {
    const odd = notRegularFile(this.path);
    if (odd) throw new OutputError('cannot write alert state', this.path, `it is ${odd}, not a file: pass --state FILE`);
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return emptyState();
      warn(`cannot read alert state (${this.path}): ${code ?? (err as Error).message}; starting afresh`);
      return emptyState();
    }
    const { state, problems } = parseState(text, this.now());
    if (problems.length > 0) {
      const aside = `${this.path}.damaged-${stamp(this.now())}-${process.pid}`;
      let where = `kept as ${aside}`;
      try {
        renameSync(this.path, aside);
      } catch (err) {
        where = `could not be set aside: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      }
      const shown = problems.length > 4 ? `${problems.slice(0, 4).join(', ')} and ${problems.length - 4} more` : problems.join(', ');
      warn(`alert state was damaged (${this.path}: ${shown}); ${where}; going on with what was readable`);
    }
    return state;
  }

  /** Write the state atomically: a private temp file beside it, then rename over the old one. */
  private save(state: AlertState): void {
    const tmp = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(state)}\n`);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {
        // the temp file was never made
      }
      throw new OutputError('cannot write alert state', this.path, 'check the directory exists and is writable, or pass --state FILE', { cause: err });
    }
  }

  /** Take the lock (O_EXCL create of `<state>.lock`), waiting for another holder; returns the release. */
  private async lock(): Promise<() => void> {
    const me: LockInfo = { pid: process.pid, host: hostname(), at: Date.now() };
    const mine = JSON.stringify(me);
    const deadline = Date.now() + LOCK_WAIT_MS;
    let wait = 5;
    for (;;) {
      try {
        const fd = openSync(this.lockPath, 'wx', 0o600);
        try {
          writeSync(fd, mine);
        } finally {
          closeSync(fd);
        }
        return () => {
          try {
            if (readFileSync(this.lockPath, 'utf8') === mine) unlinkSync(this.lockPath);
          } catch {
            // taken over as stale, or already gone
          }
        };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') {
          throw new OutputError(`cannot lock alert state${code ? `: ${code}` : ''}`, this.lockPath, 'check the directory is writable, or pass --state FILE', { cause: err });
        }
      }
      if (this.takeOverStale()) continue;
      if (Date.now() > deadline) throw new UnavailableError('alert state is locked by another run', this.lockPath, `remove the lock file if no goroscope is running`);
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 100);
    }
  }

  /** Remove the lock if its holder died or it is older than LOCK_STALE_MS; true when it was removed. */
  private takeOverStale(): boolean {
    let text: string;
    let mtime: number;
    try {
      text = readFileSync(this.lockPath, 'utf8');
      mtime = statSync(this.lockPath).mtimeMs;
    } catch {
      return true; // gone meanwhile: try again at once
    }
    let info: LockInfo | null = null;
    try {
      info = JSON.parse(text) as LockInfo;
    } catch {
      // being written right now, or its writer died between create and write
    }
    const age = Date.now() - (info && Number.isFinite(info.at) ? info.at : mtime);
    const dead = info !== null && info.host === hostname() && !alive(info.pid);
    if (!dead && age < (info ? LOCK_STALE_MS : 2000)) return false;
    // Move it aside, then check it is the one judged stale: another run may have replaced it in between.
    const aside = `${this.lockPath}.stale-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      renameSync(this.lockPath, aside);
    } catch {
      return true;
    }
    try {
      if (readFileSync(aside, 'utf8') !== text) linkSync(aside, this.lockPath); // not the stale one: put it back
    } catch {
      // a new lock is in place already: its holder goes on
    }
    try {
      unlinkSync(aside);
    } catch {
      // nothing to clean
    }
    return true;
  }
}

/** `--dry-run`: decides against the real state but changes nothing on disk. */
export class MemoryStore implements StateStore {
  private state: AlertState | null = null;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  peek(): AlertState {
    if (this.state) return structuredClone(this.state);
    try {
      return parseState(readFileSync(this.path, 'utf8'), this.now()).state;
    } catch {
      return emptyState();
    }
  }

  async update<T>(change: (state: AlertState) => T): Promise<T> {
    const state = this.peek();
    const result = change(state);
    this.state = state;
    return result;
  }
}
