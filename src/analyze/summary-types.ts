// The shapes of the scan summary (`goroscope scan --json`, docs/scan.md), apart from the builder so that the parts
// (summary-parts.ts) and the builder (summary.ts) both read them without importing each other.
import type { Kind } from '../events.js';

/** What the pipeline reports at the end (structurally the `PipelineStats` of src/pipeline.ts). */
export interface InputStats {
  lines: number;
  oversized: number;
  unparsed: number;
  records: number;
  /** `kind` is open-ended (`container`, `file`, `stdin`, `bundle`, `service`, … whatever the pipeline adds). */
  sources: { spec: string; kind: string; name: string; id?: string; host?: string; dockerRestartCount?: number; via?: 'file' | 'api'; incomplete?: string }[];
  /** Hosts that could not be reached (several `--host` values). */
  hostsDown?: { host: string; error: string; exitCode: number }[];
}

/**
 * One source's share of the events (docs/sources.md): a container, a file, a Swarm replica (`svc.1`), or
 * `name@host` when several hosts are read. Also used per node and per host.
 */
export interface Breakdown {
  events: number;
  goroutines: { samples: number; first: number | null; last: number | null; max: number | null };
  relayErrors: number;
  timeouts: number;
  panics: number;
  crashes: number;
  restarts: number;
  /** Swarm tasks (ids) and nodes seen, and the host: only where the events carried those tags. */
  tasks?: string[];
  nodes?: string[];
  host?: string;
}

export interface ChannelErrors {
  channel: number;
  count: number;
  timeouts: number;
}

export interface SignatureGroup {
  signature: string;
  kind: 'panic' | 'crash';
  count: number;
  /** The message of the first occurrence. */
  message: string;
  firstAt: string | null;
  lastAt: string | null;
}

export interface ChannelStateCount {
  channel: number;
  count: number;
  lastAt: string | null;
  /** The reason of the latest event that named one. */
  lastReason: string | null;
}

export interface Summary {
  lines: number;
  events: Record<Kind, number>;
  goroutines: {
    samples: number;
    min: number | null;
    max: number | null;
    last: number | null;
    maxAt: string | null;
    /** Extra: time of `last`. */
    lastAt: string | null;
  };
  relayErrors: {
    total: number;
    timeouts: number;
    byChannel: ChannelErrors[];
    /** Extra: relay errors whose line names no channel (not in byChannel). */
    noChannel: number;
    /** Extra: relay errors by cause. */
    byCause: Record<string, number>;
  };
  retries: number;
  restarts: number;
  panics: {
    recovered: number;
    crashes: number;
    signatures: SignatureGroup[];
    /** Extra: crash dumps cut off at end of input. */
    truncatedCrashes: number;
  };
  unparsed: number;
  oversized: number;
  // ---- extras (not in the minimum contract; never renamed either) ----
  /** Physical records the parser saw. */
  records: number;
  /** Earliest and latest event time (ISO UTC), null when no event had a time. */
  from: string | null;
  to: string | null;
  sources: InputStats['sources'];
  channelsDisabled: ChannelStateCount[];
  channelsEnabled: ChannelStateCount[];
  /** `timeout` events (timeouts outside relay errors) by timeoutClass. */
  timeouts: Record<string, number>;
  /** Versions seen in startup banners, in order of first appearance. */
  versions: string[];
  /** Per source (event `source`), sorted by name. */
  bySource: Record<string, Breakdown>;
  /** Per Swarm node and per Docker host, when events carried `node` / `host` tags (else empty). */
  byNode: Record<string, Breakdown>;
  byHost: Record<string, Breakdown>;
  /** Hosts that could not be reached (several `--host` values; empty otherwise). */
  hostsDown: { host: string; error: string; exitCode: number }[];
}
