// Synthetic events with known answers for the analysis tests.
import type { Cause, GEvent } from '../../src/events.js';

export const T0 = Date.parse('2026-11-20T00:00:00Z');
export const MIN = 60_000;
export const HOUR = 3_600_000;

const base = (ms: number) => ({ time: new Date(ms).toISOString(), stream: 'stdout' as const, source: 'synthetic', raw: '' });

export function gor(ms: number, count: number, level: 'debug' | 'elevated' | 'high' | 'sample' = 'debug'): GEvent {
  return { ...base(ms), kind: 'goroutine', count, level };
}
export function startup(ms: number): GEvent {
  return { ...base(ms), kind: 'startup', version: 'v0.6.11', product: 'One API' };
}
export function crash(ms: number, message = 'concurrent map writes'): GEvent {
  return { ...base(ms), kind: 'crash', message, crashKind: 'fatal_error', signature: 'main.worker', frames: ['main.worker'], truncated: false };
}
export function relay(ms: number, channel: number | null, cause: Cause = 'other', requestId?: string): GEvent {
  return {
    ...base(ms),
    kind: 'relay_error',
    channel,
    userId: 1,
    statusCode: null,
    cause,
    timeoutClass: cause === 'timeout' ? 'awaiting_headers' : null,
    message: 'x',
    ...(requestId ? { requestId } : {}),
  };
}
export function retry(ms: number, from: number | null, to: number, requestId?: string): GEvent {
  return { ...base(ms), kind: 'retry', fromChannel: from, toChannel: to, remaining: 2, ...(requestId ? { requestId } : {}) };
}
export function disabled(ms: number, channel: number, reason = 'Incorrect API key provided'): GEvent {
  return { ...base(ms), kind: 'channel_disabled', channel, reason };
}
export function panic(ms: number, signature: string, frames: string[], message = 'runtime error: invalid memory address or nil pointer dereference'): GEvent {
  return { ...base(ms), kind: 'panic', message, signature, frames, recoveredBy: 'relay', request: 'POST /v1/chat/completions' };
}
export function memory(ms: number, allocMb: number): GEvent {
  return { ...base(ms), kind: 'memory', allocMb, totalAllocMb: null, sysMb: null, numGc: null };
}

/** Deterministic noise in [-1, 1]. */
export function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

/** Samples every 30 s from `from` for `ms`, value f(elapsed ms). */
export function samples(from: number, ms: number, f: (dt: number, i: number) => number, level: 'debug' | 'elevated' | 'high' | 'sample' = 'debug'): GEvent[] {
  const out: GEvent[] = [];
  for (let dt = 0, i = 0; dt <= ms; dt += 30_000, i++) out.push(gor(from + dt, Math.round(f(dt, i)), level));
  return out;
}

/** What the ezlinkai monitor logs without DEBUG: only counts above 2000, as `elevated` / `high`. */
export function warningsOnly(events: GEvent[]): GEvent[] {
  return events.flatMap((e) => {
    if (e.kind !== 'goroutine') return [e];
    if (e.count > 5000) return [{ ...e, level: "high" as const } as GEvent];
    if (e.count > 2000) return [{ ...e, level: "elevated" as const } as GEvent];
    return [];
  });
}

/** Activity: a relay error on channel 99 every `every` ms (the service is logging). */
export function activity(from: number, ms: number, every = 5 * MIN): GEvent[] {
  const out: GEvent[] = [];
  for (let dt = 0; dt <= ms; dt += every) out.push(relay(from + dt, 99));
  return out;
}
