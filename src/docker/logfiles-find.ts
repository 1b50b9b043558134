// Where a container's log files are and which of them to read: the engine's LogPath (json-file) or local-logs
// (local driver), the rotated `.1`, `.2` … (`.gz` when compressed) oldest first, and where the last `tail` messages
// start in that set.
import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PermissionError, UnavailableError } from '../errors.js';
import type { ContainerInfo } from './containers.js';
import { MessageReader } from './logfiles-reader.js';
import type { FileRef, LogFiles } from './logfiles-types.js';

/** Why the files cannot be read (for `--via file`). */
export interface Unreadable {
  reason: string;
  permission: boolean;
}

/**
 * The log files of a container, when this machine can read them: a json-file or local driver, the path the engine
 * gave (it names the container's id, so a remote engine's path that happens to exist here is no match), readable.
 */
export async function findLogFiles(info: Pick<ContainerInfo, 'id' | 'logDriver' | 'logOptions' | 'logPath' | 'dir'>): Promise<LogFiles | Unreadable> {
  let path: string;
  let maxFiles: number;
  const maxFile = Number(info.logOptions['max-file']);
  if (info.logDriver === 'json-file') {
    if (info.logPath === '') return { reason: 'the engine gave no LogPath', permission: false };
    path = info.logPath;
    maxFiles = Number.isInteger(maxFile) && maxFile > 0 ? maxFile : 1;
  } else if (info.logDriver === 'local') {
    if (info.dir === '') return { reason: 'the engine gave no container directory', permission: false };
    path = join(info.dir, 'local-logs', 'container.log');
    maxFiles = Number.isInteger(maxFile) && maxFile > 0 ? maxFile : 5;
  } else {
    return { reason: `the ${info.logDriver} log driver keeps no files goroscope reads`, permission: false };
  }
  if (!path.includes(info.id)) return { reason: `${path} is not in the container's directory`, permission: false };
  try {
    await access(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { reason: `no permission to read ${path}`, permission: true };
    return { reason: `${path} is not on this machine (a remote engine?)`, permission: false };
  }
  return { driver: info.logDriver, path, maxFiles };
}

/** The error of `--via file` when the files cannot be read. */
export function unreadableFiles(name: string, why: Unreadable): Error {
  const hint = why.permission
    ? "the engine's files are readable by root only: run as root (sudo), or read through the Docker API with --via api"
    : 'read through the Docker API with --via api (or --via auto)';
  return why.permission
    ? new PermissionError("cannot read the container's log files", `${name}: ${why.reason}`, hint)
    : new UnavailableError("cannot read the container's log files", `${name}: ${why.reason}`, hint);
}

/** The files of the log in reading order: rotated ones oldest first (plain `.N` before `.N.gz`, as the engine reads them), then the current one. */
export async function listFiles(files: LogFiles): Promise<FileRef[]> {
  const out: FileRef[] = [];
  for (let i = files.maxFiles - 1; i >= 1; i--) {
    const plain = `${files.path}.${i}`;
    if (await exists(plain)) out.push({ path: plain, gz: false });
    else if (await exists(`${plain}.gz`)) out.push({ path: `${plain}.gz`, gz: true });
  }
  out.push({ path: files.path, gz: false });
  return out;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Where the last `tail` messages start: the file, and in it a byte offset (a plain json-file) or a number of messages
 * to skip (compressed files and the local driver, counted on a first pass).
 */
export async function tailStart(driver: LogFiles['driver'], set: FileRef[], tail: number): Promise<{ first: number; skip: number; offset: number }> {
  let need = tail;
  for (let i = set.length - 1; i >= 0; i--) {
    const f = set[i]!;
    if (driver === 'json-file' && !f.gz) {
      const { lines, offset } = await lastLines(f.path, need);
      if (lines >= need) return { first: i, skip: 0, offset };
      need -= lines;
    } else {
      const n = await countMessages(driver, f);
      if (n >= need) return { first: i, skip: n - need, offset: 0 };
      need -= n;
    }
  }
  return { first: 0, skip: 0, offset: 0 };
}

/** Backwards from the end of a plain json-file: how many of its last `want` lines are there, and where they start. */
async function lastLines(path: string, want: number): Promise<{ lines: number; offset: number }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const block = Buffer.allocUnsafe(1 << 16);
    let pos = size;
    let lines = 0;
    // a last line still being written (no `\n` yet) is not a message yet
    let seenEnd = false;
    while (pos > 0) {
      const len = Math.min(block.length, pos);
      pos -= len;
      const { bytesRead } = await fh.read(block, 0, len, pos);
      for (let k = bytesRead - 1; k >= 0; k--) {
        if (block[k] !== 10) continue;
        if (!seenEnd) {
          seenEnd = true;
          continue;
        }
        lines++;
        if (lines === want) return { lines, offset: pos + k + 1 };
      }
    }
    return { lines: seenEnd ? lines + 1 : 0, offset: 0 };
  } finally {
    await fh.close();
  }
}

/** The messages in one file (a first pass for `tail` over a compressed or local-driver file). */
async function countMessages(driver: LogFiles['driver'], f: FileRef): Promise<number> {
  let n = 0;
  const counter = new MessageReader(driver, {}, () => {
    n++;
  });
  counter.countOnly = true;
  await counter.readFile(f, 0, 0);
  return n;
}
