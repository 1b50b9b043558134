import { describe, it, expect } from 'vitest';
import { verdict, worst, type CheckFacts } from '../../src/analyze/verdict.js';
import { DEFAULT_THRESHOLDS } from '../../src/config.js';

const running: CheckFacts = {
  state: { status: 'running', oomKilled: false, exitCode: 0, health: null },
  restartCount: 0,
  baselineRestarts: 0,
  goroutines: 800,
  goroutineSource: 'health',
  healthError: null,
  thresholds: DEFAULT_THRESHOLDS,
};

const cases: { name: string; input: Partial<CheckFacts>; want: { level: string; emergency: boolean; codes: string[] } }[] = [
  { name: 'healthy', input: {}, want: { level: 'ok', emergency: false, codes: ['goroutines_ok'] } },
  { name: 'just under warning', input: { goroutines: 1999 }, want: { level: 'ok', emergency: false, codes: ['goroutines_ok'] } },
  { name: 'at warning', input: { goroutines: 2000 }, want: { level: 'warning', emergency: false, codes: ['goroutines_warning'] } },
  { name: 'at critical', input: { goroutines: 5000 }, want: { level: 'critical', emergency: false, codes: ['goroutines_critical'] } },
  { name: 'emergency', input: { goroutines: 10000 }, want: { level: 'critical', emergency: true, codes: ['goroutines_emergency'] } },
  {
    name: 'custom thresholds',
    input: { goroutines: 150, thresholds: { warning: 100, critical: 200, emergency: 300 } },
    want: { level: 'warning', emergency: false, codes: ['goroutines_warning'] },
  },
  {
    name: 'no count while running → unknown',
    input: { goroutines: null, goroutineSource: null, healthError: 'connection refused' },
    want: { level: 'unknown', emergency: false, codes: ['no_goroutines'] },
  },
  {
    name: 'no count but restarted → warning beats unknown',
    input: { goroutines: null, goroutineSource: null, healthError: 'refused', restartCount: 2 },
    want: { level: 'warning', emergency: false, codes: ['restarts', 'no_goroutines'] },
  },
  {
    name: 'restarts within baseline',
    input: { restartCount: 3, baselineRestarts: 3 },
    want: { level: 'ok', emergency: false, codes: ['goroutines_ok'] },
  },
  {
    name: 'OOMKilled → warning',
    input: { state: { status: 'running', oomKilled: true, exitCode: 137, health: null } },
    want: { level: 'warning', emergency: false, codes: ['oom_killed', 'goroutines_ok'] },
  },
  {
    name: 'exited → critical, no goroutine reason',
    input: { state: { status: 'exited', oomKilled: false, exitCode: 3, health: null }, goroutines: null, goroutineSource: null, healthError: 'refused' },
    want: { level: 'critical', emergency: false, codes: ['not_running'] },
  },
  {
    name: 'restarting → critical',
    input: { state: { status: 'restarting', oomKilled: false, exitCode: 1, health: null }, goroutines: null, goroutineSource: null, restartCount: 4 },
    want: { level: 'critical', emergency: false, codes: ['restarting', 'restarts'] },
  },
  {
    name: 'docker healthcheck unhealthy → warning',
    input: { state: { status: 'running', oomKilled: false, exitCode: 0, health: 'unhealthy' } },
    want: { level: 'warning', emergency: false, codes: ['unhealthy', 'goroutines_ok'] },
  },
  {
    name: 'count from logs',
    input: { goroutines: 2417, goroutineSource: 'log', goroutineTime: '2026-11-26T10:00:00.000Z', healthError: 'connection refused' },
    want: { level: 'warning', emergency: false, codes: ['goroutines_warning', 'goroutines_from_log'] },
  },
  {
    name: 'no such container → unknown',
    input: { state: null, lookupError: 'no such container', goroutines: null },
    want: { level: 'unknown', emergency: false, codes: ['no_container'] },
  },
];

describe('verdict', () => {
  it.each(cases)('$name', ({ input, want }) => {
    const v = verdict({ ...running, ...input });
    expect({ level: v.level, emergency: v.emergency, codes: v.reasons.map((r) => r.code) }).toEqual(want);
  });
});

describe('worst', () => {
  const table = [
    { name: 'empty', input: [], want: 'ok' },
    { name: 'unknown beats ok', input: ['ok', 'unknown'], want: 'unknown' },
    { name: 'warning beats unknown', input: ['unknown', 'warning', 'ok'], want: 'warning' },
    { name: 'critical beats all', input: ['warning', 'critical', 'unknown'], want: 'critical' },
  ] as const;
  it.each(table)('$name', ({ input, want }) => expect(worst(input)).toBe(want));
});
