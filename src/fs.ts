// File-system steps that must end whatever the path is: creating directories (`mkdir -p`) and making sure a file
// that goroscope reads whole is a regular file. Node's recursive mkdir never returns for some paths (under /proc
// it retries forever), and reading a FIFO or a device whole blocks or never ends; both would hold the process past
// any Ctrl-C, because a blocked synchronous call keeps the signal handler from running.
import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The directories from the first missing ancestor of `path` down to `path` (empty when it exists). */
function missing(path: string, exists: (p: string) => boolean): string[] {
  const out: string[] = [];
  for (let p = path; !exists(p); p = dirname(p)) {
    out.unshift(p);
    if (dirname(p) === p) break;
  }
  return out;
}

function existsSync(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * `mkdir -p path` with `mode` for the directories it creates: one mkdir per missing level, each failure thrown as
 * it is (ENOENT, EACCES, ENOTDIR, EROFS…) instead of retried.
 */
export function makeDirsSync(path: string, mode: number): void {
  for (const dir of missing(path, existsSync)) {
    try {
      mkdirSync(dir, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // made meanwhile by someone else
    }
  }
}

/** The same, without blocking the event loop. */
export async function makeDirs(path: string, mode: number): Promise<void> {
  const present = new Set<string>();
  // stat is cheap; the levels are few. Existence is decided synchronously on the results gathered here.
  for (let p = path; ; p = dirname(p)) {
    try {
      await stat(p);
      present.add(p);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (dirname(p) === p) break;
  }
  for (const dir of missing(path, (p) => present.has(p))) {
    try {
      await mkdir(dir, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Null when `path` is a regular file or does not exist; otherwise what it is (`a FIFO`, `a character device`, `a
 * directory`, …), so that the caller refuses to read it whole.
 */
export function notRegularFile(path: string): string | null {
  let st;
  try {
    st = statSync(path);
  } catch {
    return null; // missing or unreadable: the read itself says so
  }
  if (st.isFile()) return null;
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}
