// Close names for a name that is not there: containers (src/docker/containers.ts), services, files in a directory.
// One rule for all, so "did you mean" means the same wherever goroscope says it.

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Up to 3 names close to `wanted`: containing it (or contained in it), or within a third of its length in edits (at least 2). Closest first. */
export function suggestNames(wanted: string, names: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  return names
    .map((n) => {
      const l = n.toLowerCase();
      // A name that contains the wanted one (or the reverse) is close; among those, the nearest length first.
      const d = l.includes(w) || w.includes(l) ? 0.5 + Math.abs(l.length - w.length) / 1000 : editDistance(w, l);
      return { n, d };
    })
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : 1))
    .slice(0, 3)
    .map((x) => x.n);
}
