// `manifest.json`: what the bundle holds and how each part went. Field names are a public contract
// (docs/bundle.md): add, never rename.
import type { FileEntry } from './writer.js';

/** How one item of the bundle went: ok, failed with the error, or skipped with the reason. Extra fields per item. */
export type ItemStatus =
  | ({ status: 'ok' } & Record<string, unknown>)
  | ({ status: 'failed'; error: string } & Record<string, unknown>)
  | ({ status: 'skipped'; reason: string } & Record<string, unknown>);

export interface Manifest {
  tool: 'goroscope';
  version: string;
  /** argv after the node binary: `["goroscope", "bundle", "one-api", …]`. */
  commandLine: string[];
  host: { hostname: string; platform: string; docker: string };
  container: { id: string | null; name: string; image: string | null; state: string | null; restartCount: number | null; tty: boolean };
  /** The log window: `since` null = the whole history; `until` = when the bundle started. */
  window: { since: string | null; until: string };
  startedAt: string;
  finishedAt: string;
  /** False when interrupted or the logs could not be read to the end. */
  complete: boolean;
  /** False with --no-redact: the files hold the raw bytes. */
  redacted: boolean;
  interrupted?: boolean;
  /** inspect, logs, stats, health, pprof, events, scan. */
  items: Record<string, ItemStatus>;
  /** Every file of the bundle except manifest.json itself, paths relative to the bundle root. */
  files: FileEntry[];
}

export const MANIFEST = 'manifest.json';
