// Renderers of the scan summary: `--json` (the summary contract, docs/scan.md) and the one-line footer
// the table prints on a terminal. Pure.
import type { ChalkInstance } from 'chalk';
import type { Summary } from '../analyze/summary.js';

/** `--json`: the whole summary, pretty-printed, newline-terminated. */
export function summaryJson(s: Summary): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

/** `12034 lines, 523 events: 41 relay errors (9 timeouts), 2 crashes, 1 restart, max 10212 goroutines; 3 unparsed`. */
export function summaryFooter(s: Summary, c: ChalkInstance): string {
  const total = Object.values(s.events).reduce((a, b) => a + b, 0);
  const parts: string[] = [];
  if (s.relayErrors.total) parts.push(`${s.relayErrors.total} relay errors (${s.relayErrors.timeouts} timeouts)`);
  if (s.retries) parts.push(`${s.retries} retries`);
  if (s.panics.recovered) parts.push(`${s.panics.recovered} recovered panics`);
  if (s.panics.crashes) parts.push(c.red(`${s.panics.crashes} crash${s.panics.crashes === 1 ? '' : 'es'}`));
  // one container: Docker's own count beside the log's, under its own name (they differ by design: docs/trend.md)
  const docker = s.sources.length === 1 ? s.sources[0]!.dockerRestartCount : undefined;
  if (s.restarts || docker) parts.push(`${s.restarts} restart${s.restarts === 1 ? '' : 's'} in the logs${docker !== undefined ? ` (Docker RestartCount ${docker})` : ''}`);
  if (s.goroutines.max !== null) parts.push(`max ${s.goroutines.max} goroutines`);
  const tail: string[] = [];
  if (s.unparsed) tail.push(`${s.unparsed} unparsed`);
  if (s.oversized) tail.push(`${s.oversized} oversized`);
  return `${c.bold(`${s.lines} lines, ${total} events`)}${parts.length ? `: ${parts.join(', ')}` : ''}${tail.length ? `; ${tail.join(', ')}` : ''}\n`;
}
