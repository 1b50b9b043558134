// The rules of text on a terminal, one owner each: how many columns a string takes, a padded label, a plain table, how
// a duration reads and how a size in bytes does. Every renderer (and a chat alert's title) uses these, so a Chinese
// table lines up the same way in every command. Pure.
import type { ChalkInstance } from 'chalk';

/**
 * East Asian wide and fullwidth characters (Unicode's East_Asian_Width W and F): Hangul Jamo, CJK radicals to Yi
 * (ideographs, kana, CJK punctuation), Hangul syllables, compatibility ideographs, vertical and small forms,
 * fullwidth forms. Halfwidth katakana (U+FF61–U+FFDC) are narrow and stay out.
 */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/** Columns `s` takes on a terminal: `goroutines` 10, `协程数` 6. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) >= 0x1100 && WIDE.test(ch) ? 2 : 1;
  return w;
}

/** `label` padded with spaces to `cols` display columns, at least one space after it: `pad('状态', 6)` → `状态  `. */
export function pad(label: string, cols = 11): string {
  return label + ' '.repeat(Math.max(1, cols - displayWidth(label)));
}

export interface TableOptions {
  /** Between columns; two spaces unless told. */
  gap?: string;
  /** Before every line. */
  indent?: string;
  /** Right-aligned columns by index, or `numeric`: every column whose cells (after the header) are all numbers. */
  right?: ReadonlySet<number> | 'numeric';
  /** Bold header. */
  color?: ChalkInstance;
}

/** A plain text table: columns as wide as their widest cell (in display columns); no trailing spaces. */
export function textTable(head: readonly string[], rows: readonly (readonly (string | number)[])[], opts: TableOptions = {}): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const right =
    opts.right === 'numeric'
      ? new Set(head.flatMap((_, i) => (cells.length > 0 && cells.every((r) => /^[-+]?[\d.,]+[%×]?$|^-$/.test(r[i] ?? '')) ? [i] : [])))
      : (opts.right ?? new Set<number>());
  const gap = opts.gap ?? '  ';
  const indent = opts.indent ?? '';
  const line = (r: readonly string[]) =>
    (
      indent +
      head
        .map((_, i) => {
          const c = r[i] ?? '';
          const fill = ' '.repeat(widths[i]! - displayWidth(c));
          return right.has(i) ? fill + c : c + fill;
        })
        .join(gap)
    ).trimEnd();
  const h = line(head);
  return [opts.color ? opts.color.bold(h) : h, ...cells.map(line)].join('\n') + '\n';
}

/**
 * The one way a duration reads, in seconds: `45296` → `12h34m`, `3600` → `1h00m`, `190000` → `2d04h`, under an hour
 * whole minutes (`10m`), under a minute seconds (`56s`), under a second milliseconds (`0.2` → `200ms`).
 */
export function duration(seconds: number): string {
  if (seconds > 0 && seconds < 0.5) return `${Math.round(seconds * 1000)}ms`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** How a size in bytes reads to a person: `950 B`, `1.2 MB` (decimal units, one decimal; a bundle, the logs read so far). */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v.toFixed(1)} ${units[i]}`;
}
