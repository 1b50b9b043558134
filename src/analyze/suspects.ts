// Leak suspects of a bundle for trend and review: the bundle's first and last goroutine dumps compared
// (src/analyze/goroutines.ts compareDumps), the top 5 growing stack groups. Pure: the dump texts come from
// src/sources/pprof.ts readDumpSource.
import { DataError } from '../errors.js';
import { compareDumps, formatSeconds, parseDump, suspectJson } from './goroutines.js';

/** At most this many suspects per bundle in trend and review. */
export const MAX_SUSPECTS = 5;

export type SuspectRow = ReturnType<typeof suspectJson>;

/** The suspects of one bundle (JSON `suspects[]` of trend and review). */
export interface LeakSuspects {
  /** The bundle as the user named it. */
  source: string;
  totalBefore: number;
  totalAfter: number;
  /** The bundle's time between the dumps (manifest `items.pprof.intervalMs`), null when unknown. */
  secondsApart: number | null;
  /** Growing stack groups, ranked (groups that grew while the total grew first), at most MAX_SUSPECTS. */
  suspects: SuspectRow[];
}

/** Compare the first and the last dump; null when there are fewer than two, one is not a dump, or no group grew. */
export function leakSuspectsOf(source: string, dumps: readonly { text: string }[], secondsApart: number | null): LeakSuspects | null {
  if (dumps.length < 2) return null;
  let c;
  try {
    c = compareDumps(parseDump(dumps[0]!.text), parseDump(dumps[dumps.length - 1]!.text), secondsApart);
  } catch (err) {
    if (err instanceof DataError) return null; // an empty or cut-off dump: nothing to compare
    throw err;
  }
  if (c.suspects.length === 0) return null;
  return { source, totalBefore: c.totalBefore, totalAfter: c.totalAfter, secondsApart: c.secondsApart, suspects: c.suspects.slice(0, MAX_SUSPECTS).map(suspectJson) };
}

/** `2 min`, `1.5 s`; null when the time between the dumps is unknown. */
export function spanText(s: LeakSuspects): string | null {
  return s.secondsApart === null ? null : formatSeconds(s.secondsApart);
}

/** One suspect in a line: `main.leakyRelay +300 (100 → 400, 150/min, created by main.leak)`. */
export function suspectLine(r: SuspectRow, lang: 'en' | 'zh'): string {
  const rate = r.perMinute === null ? '' : lang === 'zh' ? `，每分钟 ${r.perMinute}` : `, ${r.perMinute}/min`;
  const by = r.createdBy ? (lang === 'zh' ? `，创建者 ${r.createdBy}` : `, created by ${r.createdBy}`) : '';
  return lang === 'zh' ? `${r.top} +${r.growth}（${r.before} → ${r.after}${rate}${by}）` : `${r.top} +${r.growth} (${r.before} → ${r.after}${rate}${by})`;
}
