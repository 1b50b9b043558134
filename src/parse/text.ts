// Line hygiene shared by the grouper and the dialects: ANSI codes, NUL bytes, the trailing `\r`
// and the single trailing space that every One API `Fprintf(... " \n")` leaves behind.

// CSI sequences: `\x1b[31m`, `\x1b[97;42m`, `\x1b[0m`, `\x1b[2K`.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** Removes ANSI CSI sequences; returns the same string when there are none. */
export function stripAnsi(s: string): string {
  return s.indexOf('\x1b') === -1 ? s : s.replace(ANSI, '');
}

/**
 * Where a line ends once cleaned, when cleaning would only drop its trailing `\r` and space (no ANSI, NUL or BOM in
 * it): then `cleanLine(s) === s.slice(0, plainEnd(s))`. -1 otherwise.
 */
export function plainEnd(s: string): number {
  if (s.indexOf('\x1b') !== -1 || s.indexOf('\0') !== -1 || s.charCodeAt(0) === 0xfeff) return -1;
  return trimmedEnd(s);
}

/** The length of `s` without one trailing `\r`, then one trailing space. */
function trimmedEnd(s: string): number {
  let end = s.length;
  if (end > 0 && s.charCodeAt(end - 1) === 13) end--;
  if (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end;
}

/** ANSI, NUL bytes, a BOM, then one trailing `\r` and one trailing space removed. */
export function cleanLine(s: string): string {
  if (s.indexOf('\x1b') !== -1) s = s.replace(ANSI, '');
  if (s.indexOf('\0') !== -1) s = s.replace(/\0/g, '');
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const end = trimmedEnd(s);
  return end === s.length ? s : s.slice(0, end);
}

/** Empty, or only spaces / tabs / `\r` / NUL (after ANSI removal: the `\x1b[0m` line that closes a gin dump). */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 0) continue;
    if (c === 27) return /^[\s\0]*$/.test(stripAnsi(s));
    return false;
  }
  return true;
}

export const RAW_CAP = 500;

/** Caps a text at `max` characters (events' `raw` and `message`). */
export function cap(s: string, max = RAW_CAP): string {
  return s.length > max ? s.slice(0, max) : s;
}
