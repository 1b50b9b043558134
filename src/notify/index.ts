// The notify front door for commands: read the notify flags once (`makeNotifier`), then for each round of observations
// decide against the saved state, send (or print, with --dry-run) and save. `check` and `watch` call `notifyChanges`;
// `alert` calls `round` itself. Deliveries are reported on the given stream and never change a command's exit code.
import type { CommandContext } from '../cli/context.js';
import { resolveThresholds, type Thresholds } from '../config.js';
import { UsageError, type GoroscopeError } from '../errors.js';
import { fmt, type Lang } from '../i18n.js';
import { requireDuration } from '../time.js';
import { messageText } from './message.js';
import { DEFAULT_POLICY, PENDING_MAX_AGE_MS, containerKey, decide, loadState, saveState, statePath, type AlertState, type PendingDelivery, type Policy } from './state.js';
import { deliver, parseTarget, payload, resolveSmtp, type Delivery, type DeliveryOptions, type SmtpFlags, type Target } from './targets.js';
import type { Alert, AlertLevel, EventObservation, LevelObservation } from './types.js';
import type { GEvent, Kind } from '../events.js';

export type { Alert, LevelObservation, EventObservation } from './types.js';

/** Where report lines go: a stream, or anything with a write(text) (watch's screen). */
export interface TextOut {
  write(text: string): unknown;
}

/** The flags `addNotifyOptions` declares (commander's camelCase names). */
export interface NotifyFlags extends SmtpFlags {
  /** Repeatable; a bare `--notify` (preset `config`) means "the config file's `notify` targets". */
  notify?: string[] | string;
  notifyFormat?: string;
  notifyTimeout?: string;
  state?: string;
  dryRun?: boolean;
  cooldown?: string;
}

export interface Notifier {
  targets: Target[];
  statePath: string;
  policy: Policy;
  delivery: DeliveryOptions;
  dryRun: boolean;
  lang: Lang;
}

/**
 * Build the notifier from flags, environment and config, checking every target up front (a bad URL is a usage error
 * before any check runs). Null when the command was not asked to notify. `alwaysOn` (the alert command) uses the
 * config file's targets when no --notify is given.
 */
export function makeNotifier(flags: NotifyFlags, ctx: Pick<CommandContext, 'env' | 'config' | 'lang' | 'signal'>, alwaysOn = false): Notifier | null {
  const given = flags.notify === undefined ? [] : Array.isArray(flags.notify) ? flags.notify : [flags.notify];
  if (given.length === 0 && !alwaysOn && !flags.dryRun) return null;
  const fromConfig = ctx.config.notify ?? [];
  const specs = given.filter((s) => s !== 'config');
  if (specs.length === 0 || given.includes('config')) specs.push(...fromConfig);
  if (specs.length === 0 && !flags.dryRun) {
    throw new UsageError('no notification target', undefined, 'give --notify URL|mailto:ADDRESS, or list targets under "notify" in the config file');
  }
  const format = flags.notifyFormat ?? (ctx.env.GOROSCOPE_NOTIFY_FORMAT || undefined) ?? ctx.config.notifyFormat;
  const smtpTo = ctx.config.smtp?.to ?? [];
  const targets = [...new Set(specs)].map((s) => parseTarget(s, /^mailto:/i.test(s) ? undefined : format, smtpTo));
  const smtp = resolveSmtp(flags, ctx.env, ctx.config);
  if (!smtp && targets.some((t) => t.format === 'email')) {
    throw new UsageError('email target but no SMTP host', targets.find((t) => t.format === 'email')!.spec, 'set --smtp-host, GOROSCOPE_SMTP_HOST or "smtp": {"host": …} in the config file');
  }
  const cooldownMs = flags.cooldown !== undefined ? requireDuration('--cooldown', flags.cooldown) : DEFAULT_POLICY.cooldownMs;
  const timeoutMs = flags.notifyTimeout !== undefined ? requireDuration('--notify-timeout', flags.notifyTimeout) : 10_000;
  return {
    targets,
    statePath: statePath(flags.state, ctx.env, ctx.config.stateFile),
    policy: { cooldownMs, panicBurst: { ...DEFAULT_POLICY.panicBurst } },
    delivery: { lang: ctx.lang, timeoutMs, retries: 2, smtp, signal: ctx.signal },
    dryRun: flags.dryRun === true,
    lang: ctx.lang,
  };
}

const OUT = {
  en: {
    sent: 'notify: sent {what} → {target} ({attempts} attempt(s), {ms} ms)',
    failed: 'notify: FAILED {what} → {target}: {error} ({attempts} attempt(s), {ms} ms)',
    dry: 'notify (dry run): would send {what} → {targets}',
    dryNone: 'notify (dry run): nothing to send',
    noTargets: '(no target)',
    warn: 'notify: {v}',
    again: '(again) ',
  },
  zh: {
    sent: '通知：已发送 {what} → {target}（{attempts} 次尝试，{ms} ms）',
    failed: '通知：发送失败 {what} → {target}：{error}（{attempts} 次尝试，{ms} ms）',
    dry: '通知（演练）：将发送 {what} → {targets}',
    dryNone: '通知（演练）：没有要发送的内容',
    noTargets: '（无目标）',
    warn: '通知：{v}',
    again: '（重发）',
  },
} as const;

function what(a: Alert): string {
  if (a.event) return `${a.event.kind} ${a.container}`;
  return `${a.previous ? `${a.previous}→` : ''}${a.level} ${a.container}`;
}

/**
 * Send every alert to every target in parallel, plus the earlier failed deliveries still pending (or print the
 * alerts, dry run); one line per delivery on `out`. Returns the deliveries and what is still pending after them.
 */
export async function dispatch(
  n: Notifier,
  alerts: Alert[],
  out: TextOut,
  opts: { quiet?: boolean; pending?: PendingDelivery[]; now?: number } = {},
): Promise<{ deliveries: Delivery[]; pending: PendingDelivery[] }> {
  const o = OUT[n.lang];
  const now = opts.now ?? Date.now();
  if (n.dryRun) {
    if (alerts.length === 0 && !opts.quiet) out.write(`${o.dryNone}\n`);
    for (const a of alerts) {
      out.write(`${fmt(o.dry, { what: what(a), targets: n.targets.map((t) => t.label).join(', ') || o.noTargets })}\n`);
      out.write(`${messageText(a, n.lang).replace(/^/gm, '  ')}\n`);
      if (n.targets.some((t) => t.format === 'webhook')) out.write(`  ${JSON.stringify(payload({ format: 'webhook' } as Target, a, n.lang))}\n`);
    }
    return { deliveries: [], pending: opts.pending ?? [] };
  }
  const bySpec = new Map(n.targets.map((t) => [t.spec, t]));
  // Earlier failures first, still to a target in use and young enough; a new alert for the same target and key
  // (same container, same kind of news) supersedes an older pending one.
  const fresh = new Set(alerts.map(newsKey));
  const retry = (opts.pending ?? []).filter((p) => bySpec.has(p.target) && now - p.since < PENDING_MAX_AGE_MS && !fresh.has(newsKey(p.alert)));
  const jobs: { t: Target; a: Alert; since: number; retry: boolean }[] = [
    ...retry.map((p) => ({ t: bySpec.get(p.target)!, a: p.alert, since: p.since, retry: true })),
    ...alerts.flatMap((a) => n.targets.map((t) => ({ t, a, since: now, retry: false }))),
  ];
  const done = await Promise.all(jobs.map((j) => deliver(j.t, j.a, n.delivery).then((d) => ({ ...j, d }))));
  const pending: PendingDelivery[] = [];
  for (const { d, a, t, since, retry: again } of done) {
    out.write(reportLine(n, d, a, again));
    if (!d.ok) pending.push({ target: t.spec, alert: a, since });
  }
  return { deliveries: done.map((x) => x.d), pending };
}

/** `notify: sent ok→warning one-api → webhook 127.0.0.1:8080 (1 attempt(s), 12 ms)` or the FAILED form. */
function reportLine(n: Notifier, d: Delivery, a: Alert, again: boolean): string {
  const o = OUT[n.lang];
  const vars = { what: `${again ? o.again : ''}${what(a)}`, target: d.target, attempts: d.attempts, ms: d.ms, error: d.error ?? '' };
  return `${fmt(d.ok ? o.sent : o.failed, vars)}\n`;
}

/** One round: decide against `state`, dispatch, and return the next state (the caller saves it). `quiet`: no dry-run line when there is nothing to send. */
export async function round(
  n: Notifier,
  state: AlertState,
  obs: { levels: LevelObservation[]; events: EventObservation[] },
  now: number,
  out: TextOut,
  quiet = false,
): Promise<{ state: AlertState; alerts: Alert[]; deliveries: Delivery[] }> {
  const { alerts, next } = decide(state, obs, now, n.policy);
  const { deliveries, pending } = await dispatch(n, alerts, out, { quiet, pending: state.pending, now });
  if (pending.length > 0) next.pending = pending;
  else delete next.pending;
  return { state: next, alerts, deliveries };
}

/** Load the state file, reporting (not failing on) a damaged one. */
export function readState(n: Notifier, out: TextOut): AlertState {
  const { state, warning } = loadState(n.statePath);
  if (warning) out.write(`${fmt(OUT[n.lang].warn, { v: warning })}\n`);
  return state;
}

/** Save unless dry run: a dry run changes nothing. */
export function writeState(n: Notifier, state: AlertState): void {
  if (!n.dryRun) saveState(n.statePath, state);
}

/** What `check` knows about one container; the shape of its `--json` containers. */
export interface CheckedContainer {
  name: string;
  level: 'ok' | 'warning' | 'critical' | 'unknown' | 'emergency';
  /** The check's own emergency flag (goroutines at or above the emergency threshold). */
  emergency?: boolean;
  reasons?: string[];
  /** The reasons in the message language (`--lang`), when not English. */
  displayReasons?: string[];
  goroutines?: number | null;
  host?: string | null;
}

/** A check verdict as an alert level: `critical` at or above the emergency threshold is `emergency`. */
export function toObservation(r: CheckedContainer, t: Thresholds, host: string | null = null): LevelObservation {
  const g = typeof r.goroutines === 'number' ? r.goroutines : null;
  let level: AlertLevel = r.level;
  if (r.emergency === true || (g !== null && g >= t.emergency && (level === 'critical' || level === 'warning'))) level = 'emergency';
  const o: LevelObservation = { container: r.name, host: r.host ?? host, level, reasons: r.reasons ?? [], goroutines: g };
  if (r.displayReasons) o.displayReasons = r.displayReasons;
  return o;
}

/**
 * The hook for `check --notify` and `watch --notify`: turn the check's per-container results into alerts, once per
 * change (state file), and report deliveries on stderr. Returns the deliveries; never throws for a target's failure,
 * and the caller's verdict and exit code do not depend on it. No-op without --notify / --dry-run.
 */
export async function notifyChanges(
  results: CheckedContainer[],
  flags: NotifyFlags & { warning?: string | number; critical?: string | number; emergency?: string | number },
  ctx: CommandContext,
  logs: CheckedLogs[] = [],
): Promise<Delivery[]> {
  const n = makeNotifier(flags, ctx);
  if (!n) return [];
  const host = ctx.globals.host?.length === 1 ? ctx.globals.host[0]! : null;
  const levels = results.map((r) => toObservation(r, resolveThresholds(flags, ctx.env, ctx.config, r.name), host));
  const events = logs.flatMap((l) => l.events.map((e) => toEventObservation(l.container, host, e)).filter((o): o is EventObservation => o !== null));
  const state = readState(n, ctx.stderr);
  const res = await round(n, state, { levels, events }, ctx.now(), ctx.stderr);
  for (const l of logs) {
    const cs = (res.state.containers[containerKey(host, l.container)] ??= { level: null, announced: null, reasons: [], goroutines: null });
    cs.logCheckedUntil = new Date(l.readAt).toISOString();
  }
  try {
    writeState(n, res.state);
  } catch (err) {
    // The check's verdict and exit code stand whatever happens to notifying: say it, do not fail.
    const e = err as GoroscopeError;
    ctx.stderr.write(`${fmt(OUT[n.lang].warn, { v: e.headline?.() ?? String(err) })}\n`);
  }
  return res.deliveries;
}

/** What one `check --notify` run read from a container's logs: the alert-worthy events and the time it read up to. */
export interface CheckedLogs {
  container: string;
  events: GEvent[];
  /** Epoch ms, exclusive: saved as the container's `logCheckedUntil`, where the next run starts. */
  readAt: number;
}

/** First `check --notify` run for a container: look back this far for alert events. */
export const FIRST_LOG_LOOKBACK_MS = 10 * 60_000;
/** A run after a long pause reads at most this far back. */
export const MAX_LOG_LOOKBACK_MS = 24 * 60 * 60_000;

/**
 * For `check --notify`, before checking: from when to read each container's logs for alert events — where the
 * previous run stopped (the state's `logCheckedUntil`), else the last 10 minutes; never more than 24 hours back.
 * Reads the state file quietly (`notifyChanges` reports a damaged one).
 */
export function alertLogSince(flags: NotifyFlags, ctx: CommandContext): (container: string) => number {
  const n = makeNotifier(flags, ctx);
  const containers = n ? loadState(n.statePath).state.containers : {};
  const host = ctx.globals.host?.length === 1 ? ctx.globals.host[0]! : null;
  const now = ctx.now();
  return (container) => {
    const last = containers[containerKey(host, container)]?.logCheckedUntil;
    const t = last === undefined ? NaN : Date.parse(last);
    return Number.isFinite(t) ? Math.max(t, now - MAX_LOG_LOOKBACK_MS) : now - FIRST_LOG_LOOKBACK_MS;
  };
}

/** How often a long-running session tries the deliveries that failed again. */
export const SESSION_RETRY_MS = 60_000;

/**
 * Alerting inside a long-running command (`alert`, `watch --notify`): decisions are made at once and in order
 * (decide is pure and synchronous); deliveries run in the background, in order per target, so a slow or hanging
 * target delays neither the next sample, nor the next decision, nor the other targets. Failed deliveries are tried
 * again every SESSION_RETRY_MS and kept in the state for a later run.
 */
export class AlertSession {
  private state: AlertState;
  private pending: PendingDelivery[];
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  private retrying = false;
  private lastRetry: number;
  sent = 0;
  failed = 0;

  constructor(
    private readonly n: Notifier,
    private readonly out: TextOut,
    private readonly now: () => number,
  ) {
    this.state = readState(n, out);
    this.pending = this.state.pending ?? [];
    this.lastRetry = now();
  }

  /** Decide on these observations now and send what they call for in the background. */
  push(obs: { levels: LevelObservation[]; events: EventObservation[] }): void {
    const t = this.now();
    const { alerts, next } = decide(this.state, obs, t, this.n.policy);
    this.state = next;
    if (alerts.length > 0) {
      if (this.n.dryRun) void dispatch(this.n, alerts, this.out, { quiet: true });
      // A newer alert about the same container and kind of news makes an older failed one moot.
      const fresh = new Set(alerts.map(newsKey));
      this.pending = this.pending.filter((p) => !fresh.has(newsKey(p.alert)));
      for (const a of alerts) for (const tg of this.n.targets) this.send(tg, a, t, false);
    }
    if (obs.levels.length > 0 && this.pending.length > 0 && !this.retrying && t - this.lastRetry >= SESSION_RETRY_MS) {
      const bySpec = new Map(this.n.targets.map((tg) => [tg.spec, tg]));
      const batch = this.pending.filter((p) => bySpec.has(p.target) && t - p.since < PENDING_MAX_AGE_MS);
      this.pending = [];
      this.retrying = true;
      this.lastRetry = t;
      void Promise.all(batch.map((p) => this.send(bySpec.get(p.target)!, p.alert, p.since, true))).finally(() => (this.retrying = false));
    }
    if (alerts.length > 0 || obs.levels.length > 0) this.save();
  }

  /** Queue one delivery behind the earlier ones to the same target. */
  private send(target: Target, a: Alert, since: number, again: boolean): Promise<void> {
    if (this.n.dryRun) return Promise.resolve();
    const before = this.chains.get(target.spec) ?? Promise.resolve();
    const p: Promise<void> = before
      .then(() => deliver(target, a, this.n.delivery))
      .then((d) => {
        this.out.write(reportLine(this.n, d, a, again));
        if (d.ok) this.sent++;
        else {
          this.failed++;
          this.pending.push({ target: target.spec, alert: a, since });
        }
        this.save();
      })
      .finally(() => {
        this.inflight.delete(p);
        if (this.chains.get(target.spec) === p) this.chains.delete(target.spec);
      });
    this.chains.set(target.spec, p);
    this.inflight.add(p);
    return p;
  }

  /** Write the state (unless dry run); a failure is reported, not thrown (alerting goes on), unless `strict`. */
  save(strict = false): void {
    if (this.pending.length > 0) this.state.pending = [...this.pending];
    else delete this.state.pending;
    try {
      writeState(this.n, this.state);
    } catch (err) {
      if (strict) throw err;
      this.out.write(`${fmt(OUT[this.n.lang].warn, { v: (err as GoroscopeError).headline?.() ?? String(err) })}\n`);
    }
  }

  /** Wait for the deliveries in flight, then save. */
  async close(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
    this.save();
  }
}

function newsKey(a: Alert): string {
  return `${a.host ?? ''}|${a.container}|${a.event?.kind ?? 'level'}`;
}

export interface NotifySession {
  /** Decide on these check results now; deliveries run in the background. */
  observe(results: CheckedContainer[]): void;
  /** Log events (crash, fatal, panic, channel_disabled), decided now. */
  events(obs: EventObservation[]): void;
  /** Wait for deliveries in flight and save the state. */
  close(): Promise<void>;
}

/**
 * For `watch --notify`: an AlertSession fed with check results. Report lines go to `out` (default stderr). Null
 * without --notify / --dry-run; a bad target is a usage error here, before watching starts.
 */
export function notifySession(
  flags: NotifyFlags & { warning?: string | number; critical?: string | number; emergency?: string | number },
  ctx: CommandContext,
  out: TextOut = ctx.stderr,
): NotifySession | null {
  const n = makeNotifier(flags, ctx);
  if (!n) return null;
  const host = ctx.globals.host?.length === 1 ? ctx.globals.host[0]! : null;
  const session = new AlertSession(n, out, ctx.now);
  return {
    observe(results) {
      session.push({ levels: results.map((r) => toObservation(r, resolveThresholds(flags, ctx.env, ctx.config, r.name), host)), events: [] });
    },
    events(obs) {
      if (obs.length > 0) session.push({ levels: [], events: obs });
    },
    close: () => session.close(),
  };
}

/** The event kinds worth waking someone for: follow these (`runPipeline({ kinds: ALERT_KINDS })`) to alert on logs. */
export const ALERT_KINDS: ReadonlySet<Kind> = new Set<Kind>(['crash', 'fatal', 'panic', 'channel_disabled']);

/** A log event as an alert observation; null for kinds that never alert. */
export function toEventObservation(container: string, host: string | null, e: GEvent): EventObservation | null {
  const base = { container, host, time: e.time };
  switch (e.kind) {
    case 'crash':
      return { ...base, kind: 'crash', message: e.message, signature: e.signature };
    case 'fatal':
      return { ...base, kind: 'fatal', message: e.message };
    case 'panic':
      return { ...base, kind: 'panic', message: e.message, signature: e.signature };
    case 'channel_disabled':
      return { ...base, kind: 'channel_disabled', message: e.reason ?? e.raw, channel: e.channel };
    default:
      return null;
  }
}
