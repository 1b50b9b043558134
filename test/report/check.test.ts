// check's renderers (src/report/check.ts) on results made by hand: the memory texts watch shows too, the JSON of a
// container that could not be looked up, and the text of two of them with the overall line. The whole command is
// test/commands/stats-check.test.ts (in-memory engine) and test/e2e/check*.engine.test.ts.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { checkJson, memText, renderCheckText, statsMem, type CheckedContainer } from '../../src/report/check.js';
import { verdict } from '../../src/analyze/verdict.js';
import { noFacts } from '../../src/sources/facts.js';

const plain = new Chalk({ level: 0 });
const thresholds = { warning: 2000, critical: 5000, emergency: 10000 };

/** A container that could not be inspected, with its verdict, as check makes it. */
function missing(name: string, error: string): CheckedContainer {
  const c = noFacts(name, error);
  return { ...c, ...verdict({ ...c.facts, baselineRestarts: 0, thresholds }), thresholds };
}

describe('memText', () => {
  it.each([
    { name: 'all three', input: { allocMb: 12, sysMb: 30, numGc: 7 }, want: '12 MB alloc / 30 MB sys, GC 7' },
    { name: 'alloc only', input: { allocMb: 12, sysMb: null, numGc: null }, want: '12 MB alloc' },
    { name: 'no sys', input: { allocMb: 3.5, sysMb: null, numGc: 0 }, want: '3.5 MB alloc, GC 0' },
  ])('$name', ({ input, want }) => expect(memText(input)).toBe(want));
});

describe('statsMem', () => {
  it('usage / limit (percent), as docker stats prints them', () => {
    const s = { cpuPercent: 1, memory: { usageBytes: 600 * 1024, limitBytes: 256 << 20, percent: 0.23 }, net: { rxBytes: 0, txBytes: 0 }, block: { readBytes: 0, writeBytes: 0 }, pids: 1 };
    expect(statsMem(s)).toBe('600KiB / 256MiB (0.23%)');
  });
});

describe('a container that could not be looked up', () => {
  const c = missing('gw', 'no such container');

  it('checkJson: unknown, the reason in English and as a code, no facts', () => {
    const j = checkJson('unknown', [c]);
    expect(j.level).toBe('unknown');
    expect(j.containers).toHaveLength(1);
    expect(j.containers[0]).toMatchObject({
      name: 'gw',
      id: null,
      level: 'unknown',
      emergency: false,
      reasons: ['cannot inspect the container: no such container'],
      reasonCodes: ['no_container'],
      state: null,
      restartCount: null,
      goroutines: null,
      goroutineLevel: null,
      memory: null,
      cpuPercent: null,
      containerMemory: null,
      health: null,
      thresholds,
    });
  });

  it('renderCheckText: one block per container, the overall line when there are several', () => {
    const two = [c, missing('db', 'gone')];
    expect(renderCheckText('unknown', two, { lang: 'en', color: plain })).toBe(
      ['UNKNOWN   gw', '  - cannot inspect the container: no such container', 'UNKNOWN   db', '  - cannot inspect the container: gone', 'overall: UNKNOWN', ''].join('\n'),
    );
    expect(renderCheckText('unknown', [c], { lang: 'en', color: plain })).toBe('UNKNOWN   gw\n  - cannot inspect the container: no such container\n');
  });
});
