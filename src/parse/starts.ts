// Which physical lines open a record: a fold over the dialects (dialects/index.ts). Every other line continues the
// previous record of its stream (a stack trace, a multi-line JSON body, the second line of a GORM trace).
import { BLANK, CONTINUATION, NOT_MINE, QUIET, UNSURE, type Dialect, type StartKind } from './dialect.js';
import { DIALECTS } from './dialects/index.js';
import { isBlank, stripAnsi } from './text.js';

export { BLANK, CONTINUATION, DETAIL_START, STACK_START, START, STDLOG_START, type StartKind } from './dialect.js';

/** The dialects to ask for a line, by its first character (codes < 128; the rest in a map). */
const ASCII: (Dialect[] | undefined)[] = new Array<Dialect[] | undefined>(128);
const OTHER = new Map<number, Dialect[]>();
for (const d of DIALECTS) {
  for (const c of d.firstChars) {
    const list = (c < 128 ? ASCII[c] : OTHER.get(c)) ?? [];
    if (!list.includes(d)) list.push(d);
    if (c < 128) ASCII[c] = list;
    else OTHER.set(c, list);
  }
}

/** The dialects whose records can open with a line starting with character `c`. */
export function dialectsFor(c: number): readonly Dialect[] | undefined {
  return c < 128 ? ASCII[c] : OTHER.get(c);
}

/** Classifies a physical line (as the stream layer hands it over: ANSI and `\r` still in). */
export function startKind(text: string): StartKind {
  let c = text.charCodeAt(0);
  if (c === 27 /* ESC */ || c === 0xfeff || c === 0 /* NUL padding of a json-file cut by a crash */) {
    text = stripAnsi(text).replace(/^[\0\ufeff]+/, '');
    c = text.charCodeAt(0);
  }
  const list = c < 128 ? ASCII[c] : OTHER.get(c);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const k = list[i]!.start(text);
      if (k !== CONTINUATION) return k;
    }
    return CONTINUATION;
  }
  return isBlank(text) ? BLANK : CONTINUATION;
}

/**
 * The byte-level fast path's one question, asked before a line is decoded: does the line `b[from, to)` (its UTF-8
 * bytes, no line ending) open a record that makes no event whatever follows it? The same fold as startKind, over the
 * dialects' `quiet` answers: the first dialect that does not answer NOT_MINE decides. True means exactly what
 * startKind (START) and the parser (no event, no state) would have concluded from the decoded line; false only means
 * "decode it and read it as usual". A record that could be taken for a Go stack head (the line ends in `]:`) is left
 * to the ordinary path, which remembers it.
 */
export function quietStart(b: Uint8Array, from: number, to: number): boolean {
  if (from >= to) return false;
  const list = ASCII[b[from]!]; // undefined for bytes >= 128 and for ESC, NUL (startKind cleans those first)
  if (list === undefined) return false;
  for (let i = 0; i < list.length; i++) {
    const d = list[i]!;
    const q = d.quiet === undefined ? UNSURE : d.quiet(b, from, to);
    if (q === NOT_MINE) continue;
    if (q !== QUIET) return false;
    let end = to - 1;
    while (end > from && (b[end] === 32 || b[end] === 13)) end--;
    return !(b[end] === 58 && b[end - 1] === 93);
  }
  return false;
}
