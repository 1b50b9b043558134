// What a scan of several sources prints about them, and its one flag: apart from the fleet's Docker calls
// (src/sources/fleet.ts) so that a command reading files only does not load the Docker modules for them.
import { UsageError, type GoroscopeError } from '../errors.js';

/** `--max-streams 16` → 16; undefined → undefined (the pipeline's default, 8). UsageError for anything but 1–1000. */
export function parseMaxStreams(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 1000) {
    throw new UsageError('--max-streams takes a number from 1 to 1000', text, 'example: --max-streams 16');
  }
  return Number(t);
}

/** The stderr line for a source whose lines may be incomplete (`SourceInfo.incomplete`). */
export function incompleteLine(info: { name: string; incomplete?: string }): string {
  return `warning: ${info.name}: ${info.incomplete ?? 'lines may be missing'}\n`;
}

/** The stderr line for a host that could not be reached. */
export function hostDownLine(host: string, err: GoroscopeError): string {
  return `warning: skipping Docker host ${host}: ${err.headline().replace(/^error: /, '')}\n`;
}
