// Options several commands share, declared once: the goroutine thresholds and `--timeout`. A command adds them to its
// commander declaration; its body reads `--timeout` through readTimeout.
import type { Command } from 'commander';
import type { Env } from '../config.js';
import { UsageError } from '../errors.js';
import { parseTimeout } from '../time.js';

/** What addThresholdOptions declares, as commander hands it over. */
export interface ThresholdFlags {
  warning?: string;
  critical?: string;
  emergency?: string;
  baselineRestarts?: string;
}

/** `--warning`, `--critical`, `--emergency` (and `--baseline-restarts` where restarts make a verdict). */
export function addThresholdOptions(cmd: Command, o: { baselineRestarts?: boolean } = {}): Command {
  cmd
    .option('--warning <n>', 'goroutines at or above: warning (default 2000; GOROSCOPE_WARNING)')
    .option('--critical <n>', 'goroutines at or above: critical (default 5000; GOROSCOPE_CRITICAL)')
    .option('--emergency <n>', 'goroutines at or above: emergency (default 10000; GOROSCOPE_EMERGENCY)');
  if (o.baselineRestarts) cmd.option('--baseline-restarts <n>', 'restarts accepted without a warning (default 0; GOROSCOPE_BASELINE_RESTARTS)');
  return cmd;
}

/** `--baseline-restarts`, else GOROSCOPE_BASELINE_RESTARTS, else 0. */
export function readBaselineRestarts(flags: ThresholdFlags, env: Env): number {
  return wholeNumber('--baseline-restarts', flags.baselineRestarts ?? env.GOROSCOPE_BASELINE_RESTARTS ?? '0');
}

/** `12` → 12; anything but digits is a UsageError naming the flag. */
export function wholeNumber(flag: string, v: string): number {
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`${flag} must be a whole number`, v);
  return Number(v);
}

/** `--timeout <duration>`: what it bounds and its default, in the one grammar (docs/config.md, "Durations"). */
export function addTimeoutOption(cmd: Command, what: string, fallback: string): Command {
  return cmd.option('--timeout <duration>', `${what}: 500ms, 5s, 2m (default ${fallback})`);
}

/**
 * The `--timeout` value in ms, `fallbackMs` when it is not given. `bareMs`: the command took a bare number of
 * milliseconds before the one grammar; such a number still works, with a one-line note on stderr.
 */
export function readTimeout(value: string | undefined, fallbackMs: number, o: { bareMs?: boolean; stderr?: { write(text: string): unknown } } = {}): number {
  if (value === undefined) return fallbackMs;
  const t = parseTimeout(value, o.bareMs === true);
  if (t.bare) o.stderr?.write(`note: --timeout ${value.trim()} is read as milliseconds; write --timeout ${value.trim()}ms (a bare number is deprecated)\n`);
  return t.ms;
}
