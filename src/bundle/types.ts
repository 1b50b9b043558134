// The shapes collecting a bundle works with: what it reads of inspect, what it asks of the outside world
// (BundleDeps: Docker, HTTP, the scan pipeline) and what it is told (BundleOptions).
import type { GEvent } from '../events.js';
import type { HealthResult } from '../sources/health.js';
import type { ContainerEvents } from '../docker/events.js';
import type { Source } from '../sources/types.js';
import type { BundleFormat, Finished } from './writer.js';
import type { Manifest } from './manifest.js';
import type { AnalysisResult } from '../analyze/analysis.js';

/** The trend/channels/restarts analysis of the log's events (src/analyze/analysis.ts), finished by the collector. */
export interface AnalysisSink {
  add(e: GEvent): void;
  finish(): AnalysisResult;
}

/** The parts of `docker inspect` a bundle reads. */
export interface InspectLike {
  Id: string;
  Name: string;
  Created?: string;
  Config?: { Tty?: boolean; Image?: string; Env?: string[] | null } | null;
  State?: { Status?: string; StartedAt?: string; Running?: boolean } | null;
  RestartCount?: number;
  [k: string]: unknown;
}

export interface LogWindow {
  /** Epoch ms, inclusive; undefined = the whole history. */
  since?: number;
  /** Epoch ms, inclusive: the moment the bundle started, so a running container's log has an end. */
  until: number;
  signal: AbortSignal;
}

export interface GoroutineDumpCompare {
  /** Lines of Markdown describing leak suspects (stack groups that grew between the two dumps). */
  markdown: string;
  /** Same as JSON for the manifest / summary.json. */
  json: unknown;
}

export interface BundleDeps {
  inspect(): Promise<InspectLike>;
  /** Stream the log frames of the window; TTY containers deliver everything as `stdout`. */
  logs(inspect: InspectLike, window: LogWindow, onFrame: (stream: 'stdout' | 'stderr', payload: Buffer) => void | Promise<void>): Promise<void>;
  /** One stats sample (the Engine API object, `stream: false`). */
  stats(signal: AbortSignal): Promise<unknown>;
  events(inspect: InspectLike, window: { since: number; until: number; signal: AbortSignal }): Promise<ContainerEvents>;
  health(url: string, derived: boolean, signal: AbortSignal): Promise<HealthResult>;
  /** GET a URL as text (pprof), bounded by a timeout; throws on network failure or non-2xx. */
  fetchText(url: string, signal: AbortSignal): Promise<string>;
  /** Run the scan pipeline over a source (the bundle's log bytes as they are written); `onEvent` gets each event. */
  scan(source: Source, onEvent: (e: GEvent) => void, signal: AbortSignal): Promise<{ summary: unknown; analysis: AnalysisSink | null }>;
  /** Compare two goroutine dumps (leak suspects); null when unavailable. */
  compareDumps?(first: string, second: string): GoroutineDumpCompare | null;
}

export interface BundleOptions {
  /** The container as the user named it: the bundle's name until inspect answers (or if it never does). */
  target: string;
  outDir: string;
  format: BundleFormat;
  since?: number;
  redact: boolean;
  /** Health URL, and whether it was derived from inspect; asked first with null (only a given URL then). */
  healthUrl?: (inspect: InspectLike | null) => { url: string; derived: boolean; how: string } | null;
  pprofUrl?: (inspect: InspectLike | null, health: string | null) => { url: string; derived: boolean } | null;
  pprofIntervalMs: number;
  statsIntervalMs: number;
  version: string;
  commandLine: string[];
  dockerHost: string;
  now: () => number;
  signal: AbortSignal;
  /** Called about 4 times a second while logs stream (bytes and lines so far). */
  onProgress?: (p: { bytes: number; lines: number; done: boolean }) => void;
}

export interface BundleResult {
  finished: Finished;
  manifest: Manifest;
  interrupted: boolean;
}
