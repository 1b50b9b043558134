// The loops that replace Math.min/Math.max(...values): any length works (the spread overflows past ~125k values, the
// crash of an 8-day watch at 5 s and of trend/review past 125k samples).
import { describe, expect, it } from 'vitest';
import { maxOf, rangeOf } from '../../src/analyze/robust.js';

describe('rangeOf and maxOf', () => {
  const long = Array.from({ length: 300_000 }, (_, i) => (i === 250_000 ? 4000 : 900 + ((i * 37) % 81) - 40));
  it.each<{ name: string; input: number[]; want: { range: { min: number; max: number; mean: number } | null; max: number | null } }>([
    { name: 'nothing', input: [], want: { range: null, max: null } },
    { name: 'one value', input: [7], want: { range: { min: 7, max: 7, mean: 7 }, max: 7 } },
    { name: 'negative and positive', input: [3, -2, 5, 0], want: { range: { min: -2, max: 5, mean: 1.5 }, max: 5 } },
    { name: '300,000 values, one excursion to 4000', input: long, want: { range: { min: 860, max: 4000, mean: long.reduce((a, b) => a + b, 0) / long.length }, max: 4000 } },
  ])('$name', ({ input, want }) => {
    expect(rangeOf(input)).toEqual(want.range);
    expect(maxOf(input)).toBe(want.max);
  });
});
