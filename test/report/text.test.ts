import { describe, expect, it } from 'vitest';
import { displayWidth, duration, pad, sizeText, textTable } from '../../src/report/text.js';

describe('report/text: the one owner of terminal text rules', () => {
  it.each([
    { name: 'ASCII', input: 'goroutines', want: 10 },
    { name: 'Chinese ideographs', input: '协程数', want: 6 },
    { name: 'CJK punctuation and fullwidth forms', input: '（状态）：', want: 10 },
    { name: 'Hangul syllables', input: '상태', want: 4 },
    { name: 'kana', input: 'ゴルーチン', want: 10 },
    { name: 'halfwidth katakana are narrow', input: 'ｺﾞﾙｰﾁﾝ', want: 6 },
    { name: 'Latin with accents', input: 'café', want: 4 },
    { name: 'mixed', input: 'CPU 内存 %', want: 10 },
  ])('displayWidth: $name', ({ input, want }) => {
    expect(displayWidth(input)).toBe(want);
  });

  it.each([
    { name: 'pads to the column', input: ['状态', 6], want: '状态  ' },
    { name: 'at least one space', input: ['goroutines', 4], want: 'goroutines ' },
    { name: 'default width 11', input: ['state', undefined], want: 'state      ' },
  ] as const)('pad: $name', ({ input, want }) => {
    expect(pad(input[0], input[1])).toBe(want);
  });

  it.each([
    { input: 0, want: '0s' },
    { input: 0.2, want: '200ms' },
    { input: 45, want: '45s' },
    { input: 59.6, want: '1m' },
    { input: 600, want: '10m' },
    { input: 3600, want: '1h00m' },
    { input: 5400, want: '1h30m' },
    { input: 45_296, want: '12h34m' },
    { input: 90_000, want: '25h00m' },
    { input: 190_000, want: '2d04h' },
  ])('duration($input) = $want', ({ input, want }) => {
    expect(duration(input)).toBe(want);
  });

  it.each([
    { input: 0, want: '0 B' },
    { input: 999, want: '999 B' },
    { input: 1000, want: '1.0 kB' },
    { input: 1_234_567, want: '1.2 MB' },
    { input: 999_999, want: '1000.0 kB' },
    { input: 5_500_000_000, want: '5.5 GB' },
    { input: 2e15, want: '2000.0 TB' },
  ])('sizeText($input) = $want', ({ input, want }) => {
    expect(sizeText(input)).toBe(want);
  });

  it('textTable lines up wide characters, right-aligns numeric columns and leaves no trailing spaces', () => {
    const out = textTable(['容器', 'N', 'NOTE'], [['api', 7, ''], ['数据库', 120, 'x']], { right: 'numeric' });
    expect(out).toBe(['容器      N  NOTE', 'api       7', '数据库  120  x', ''].join('\n'));
  });

  it('textTable: chosen right columns, indent and gap', () => {
    const out = textTable(['A', 'B'], [['1', 'long'], ['22', 'x']], { right: new Set([0]), indent: '  ', gap: '   ' });
    expect(out).toBe(['   A   B', '   1   long', '  22   x', ''].join('\n'));
  });
});
