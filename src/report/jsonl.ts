// `--jsonl`: one event per line, the events contract (docs/events.md). Pure.
import type { GEvent } from '../events.js';

/** One event as one JSON line, newline included. Field order is the parser's; keys are never renamed. */
export function eventLine(e: GEvent): string {
  return `${JSON.stringify(e)}\n`;
}
