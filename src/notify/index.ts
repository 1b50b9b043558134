// The notify front door for commands: read the notify flags once (`makeNotifier`), then for each round of observations
// decide under the state file's lock, claim the deliveries there, make them outside the lock, and settle them under
// the lock again (store.ts). Runs that overlap, or `alert` beside cron's `check --notify` on one state file, see each
// other's claims, so a change is announced once per target; a delivery that fails stays pending for its target until a
// later run for that target makes it. Deliveries are reported on the given stream and never change an exit code.
// Everything sent goes through the shared redactor first.
import { resolveThresholds, type Env, type FileConfig } from '../config.js';
import { UsageError, type GoroscopeError } from '../errors.js';
import { fmt, type Lang } from '../i18n.js';
import { requireDuration } from '../time.js';
import { Redactions, redactValue } from '../redact/index.js';
import { messageText, renderMessage } from './message.js';
import { DEFAULT_POLICY, PENDING_MAX_AGE_MS, containerKey, decide, deliveryId, statePath, type AlertState, type PendingDelivery, type Policy } from './state.js';
import { FileStore, MemoryStore, type StateStore } from './store.js';
import { deliver, parseTarget, payload, resolveSmtp, type Delivery, type DeliveryOptions, type SmtpFlags, type Target } from './targets.js';
import type { Alert, EventObservation, LevelObservation } from './types.js';
import { toEventObservation, toObservation, type ContainerVerdict } from './observe.js';
export { ALERT_KINDS, toEventObservation, toObservation, type ContainerVerdict } from './observe.js';
import type { GEvent } from '../events.js';

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

/** What notifying needs from the command around it (not the whole CLI context). */
export interface NotifyContext {
  env: Env;
  config: FileConfig;
  lang: Lang;
  signal: AbortSignal;
  now: () => number;
  /** Where delivery lines and warnings go. */
  out: TextOut;
  /** The Docker host when exactly one --host was given (alerts name it), else null. */
  host: string | null;
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
export function makeNotifier(flags: NotifyFlags, ctx: Pick<NotifyContext, 'env' | 'config' | 'lang' | 'signal'>, alwaysOn = false): Notifier | null {
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
    dryBody: 'body → {target}: {body}',
    drySigned: ' (timestamp and sign added when sent)',
    dryMail: 'mail → {target}: Subject: {subject} (the text above)',
    noTargets: '(no target)',
    warn: 'notify: {v}',
    again: '(again) ',
  },
  zh: {
    sent: '通知：已发送 {what} → {target}（{attempts} 次尝试，{ms} ms）',
    failed: '通知：发送失败 {what} → {target}：{error}（{attempts} 次尝试，{ms} ms）',
    dry: '通知（演练）：将发送 {what} → {targets}',
    dryNone: '通知（演练）：没有要发送的内容',
    dryBody: '内容 → {target}：{body}',
    drySigned: '（发送时加上 timestamp 和 sign）',
    dryMail: '邮件 → {target}：主题：{subject}（正文同上）',
    noTargets: '（无目标）',
    warn: '通知：{v}',
    again: '（重发）',
  },
} as const;

function what(a: Alert): string {
  if (a.event) return `${a.event.kind} ${a.container}`;
  return `${a.previous ? `${a.previous}→` : ''}${a.level} ${a.container}`;
}


/** An alert as it may leave the machine: every text in it through the shared redactor (placeholders per alert). */
export function redactAlert(a: Alert): Alert {
  return redactValue(a, new Redactions(), 'alert') as Alert;
}

/**
 * The state store for a notifier: the file (its directory made and checked writable now: a place that cannot be
 * made is exit 73 at once), or, for --dry-run, one that reads the file and never writes.
 */
export function openStore(n: Notifier, now: () => number = Date.now): StateStore {
  if (n.dryRun) return new MemoryStore(n.statePath, now);
  const store = new FileStore(n.statePath, now);
  store.prepare();
  return store;
}

/** How long a claimed delivery is left to the run that claimed it (after that, another run may make it). */
function claimMs(n: Notifier): number {
  return Math.max(10 * 60_000, 4 * n.delivery.timeoutMs);
}

function newsKey(a: Alert): string {
  return `${a.host ?? ''}|${a.container}|${a.event?.kind ?? 'level'}`;
}

/** A delivery this run claimed: make it, then settle it by id. */
export interface Job {
  id: string;
  target: Target;
  alert: Alert;
  /** An earlier run's alert, tried again. */
  retry: boolean;
}

export interface PlanOptions {
  /** Also claim the pending deliveries of this notifier's targets (a run's start, a session's retry time). */
  retry: boolean;
  /** `check --notify`: per container key, the time (epoch ms) its logs were read up to in this run. */
  logsReadAt?: Map<string, number>;
}

/**
 * The decision, made on the state as it is under the lock (the state is changed in place): which alerts a change
 * calls for, and the deliveries this run claims. Log events from before a container's `logCheckedUntil` were
 * already judged by a run that overlapped this one, and are left out.
 */
export function plan(state: AlertState, obs: { levels: LevelObservation[]; events: EventObservation[] }, now: number, n: Notifier, runId: string, opts: PlanOptions): { alerts: Alert[]; jobs: Job[] } {
  const events = obs.events.filter((e) => {
    const seen = state.containers[containerKey(e.host, e.container)]?.logCheckedUntil;
    return e.time === null || seen === undefined || !(Date.parse(e.time) < Date.parse(seen));
  });
  const { alerts: raw, next } = decide(state, { levels: obs.levels, events }, now, n.policy);
  Object.assign(state, next);
  for (const [key, at] of opts.logsReadAt ?? []) {
    const cs = (state.containers[key] ??= { level: null, announced: null, reasons: [], goroutines: null });
    const before = cs.logCheckedUntil === undefined ? NaN : Date.parse(cs.logCheckedUntil);
    if (!(before >= at)) cs.logCheckedUntil = new Date(at).toISOString();
  }
  const alerts = raw.map(redactAlert);
  const bySpec = new Map(n.targets.map((t) => [t.spec, t]));
  const claimed = (p: PendingDelivery) => p.claim !== undefined && p.claim.until > now;
  const fresh = new Set(alerts.map(newsKey));
  // Too old to be worth a page, or superseded by news of the same kind about the same container (unless a run is
  // making it right now): dropped, whatever the target.
  let pending = (state.pending ?? []).filter((p) => claimed(p) || (now - p.since < PENDING_MAX_AGE_MS && !(bySpec.has(p.target) && fresh.has(newsKey(p.alert)))));
  const jobs: Job[] = [];
  const claim = { by: runId, until: now + claimMs(n) };
  if (opts.retry && !n.dryRun) {
    for (const p of pending) {
      const t = bySpec.get(p.target);
      if (!t || claimed(p)) continue;
      p.claim = { ...claim };
      jobs.push({ id: p.id, target: t, alert: p.alert, retry: true });
    }
  }
  if (!n.dryRun) {
    for (const a of alerts) {
      for (const t of n.targets) {
        const p: PendingDelivery = { id: deliveryId(now), target: t.spec, alert: a, since: now, claim: { ...claim } };
        pending = [...pending, p];
        jobs.push({ id: p.id, target: t, alert: a, retry: false });
      }
    }
  }
  if (pending.length > 0) state.pending = pending;
  else delete state.pending;
  return { alerts, jobs };
}

/** After delivering: a delivery that went through is done; one that failed waits, unclaimed, for a later run. */
export function settle(state: AlertState, results: { id: string; ok: boolean }[]): void {
  let pending = state.pending ?? [];
  for (const r of results) {
    const i = pending.findIndex((p) => p.id === r.id);
    if (i === -1) continue;
    if (r.ok) pending = pending.filter((_, k) => k !== i);
    else {
      const { claim: _claim, ...rest } = pending[i]!;
      pending = pending.map((p, k) => (k === i ? { ...rest, failures: (rest.failures ?? 0) + 1 } : p));
    }
  }
  if (pending.length > 0) state.pending = pending;
  else delete state.pending;
}

/**
 * --dry-run: what would be sent, to whom, and each target's body as `deliver` would send it (the alerts are the
 * redacted ones, so are the bodies); a bot's signature is made at send time from its secret and is not shown.
 */
function printDry(n: Notifier, alerts: Alert[], out: TextOut, quiet: boolean): void {
  const o = OUT[n.lang];
  if (alerts.length === 0 && !quiet) out.write(`${o.dryNone}\n`);
  for (const a of alerts) {
    out.write(`${fmt(o.dry, { what: what(a), targets: n.targets.map((t) => t.label).join(', ') || o.noTargets })}\n`);
    out.write(`${messageText(a, n.lang).replace(/^/gm, '  ')}\n`);
    for (const t of n.targets) {
      if (t.format === 'email') out.write(`  ${fmt(o.dryMail, { target: t.label, subject: renderMessage(a, n.lang).title })}\n`);
      else out.write(`  ${fmt(o.dryBody, { target: t.label, body: JSON.stringify(payload(t, a, n.lang)) })}${t.secret !== undefined ? o.drySigned : ''}\n`);
    }
  }
}

/** `notify: sent ok→warning one-api → webhook 127.0.0.1:8080 (1 attempt(s), 12 ms)` or the FAILED form. */
function reportLine(n: Notifier, d: Delivery, a: Alert, again: boolean): string {
  const o = OUT[n.lang];
  const vars = { what: `${again ? o.again : ''}${what(a)}`, target: d.target, attempts: d.attempts, ms: d.ms, error: d.error ?? '' };
  return `${fmt(d.ok ? o.sent : o.failed, vars)}\n`;
}

function warner(n: Notifier, out: TextOut): (line: string) => void {
  return (line) => out.write(`${fmt(OUT[n.lang].warn, { v: line })}\n`);
}

/**
 * One run (`check --notify`): decide and claim under the lock, deliver every claimed job in parallel, settle under
 * the lock. Returns the deliveries; a target's failure is a report line, never an exception.
 */
export async function notifyOnce(
  n: Notifier,
  store: StateStore,
  obs: { levels: LevelObservation[]; events: EventObservation[] },
  now: number,
  out: TextOut,
  opts: Omit<PlanOptions, 'retry'> = {},
): Promise<Delivery[]> {
  const warn = warner(n, out);
  const runId = deliveryId(now);
  const { alerts, jobs } = await store.update((state) => plan(state, obs, now, n, runId, { ...opts, retry: true }), warn);
  if (n.dryRun) {
    printDry(n, alerts, out, false);
    return [];
  }
  const done = await Promise.all(jobs.map((j) => deliver(j.target, j.alert, n.delivery).then((d) => ({ j, d }))));
  for (const { j, d } of done) out.write(reportLine(n, d, j.alert, j.retry));
  await store.update((state) => settle(state, done.map(({ j, d }) => ({ id: j.id, ok: d.ok }))), warn);
  return done.map((x) => x.d);
}

/**
 * The hook for `check --notify`: turn the check's per-container results into alerts, once per change (state file),
 * and report deliveries on `ctx.out`. Returns the deliveries; never throws (a locked or unwritable state is a
 * warning), and the caller's verdict and exit code do not depend on it. No-op without --notify / --dry-run.
 */
export async function notifyChanges(
  results: ContainerVerdict[],
  flags: NotifyFlags & { warning?: string | number; critical?: string | number; emergency?: string | number },
  ctx: NotifyContext,
  logs: CheckedLogs[] = [],
): Promise<Delivery[]> {
  const n = makeNotifier(flags, ctx);
  if (!n) return [];
  const levels = results.map((r) => toObservation(r, resolveThresholds(flags, ctx.env, ctx.config, r.name), ctx.host));
  const events = logs.flatMap((l) => l.events.map((e) => toEventObservation(l.container, ctx.host, e)).filter((o): o is EventObservation => o !== null));
  const logsReadAt = new Map(logs.map((l) => [containerKey(ctx.host, l.container), l.readAt]));
  try {
    return await notifyOnce(n, openStore(n, ctx.now), { levels, events }, ctx.now(), ctx.out, { logsReadAt });
  } catch (err) {
    // The check's verdict and exit code stand whatever happens to notifying: say it, do not fail.
    warner(n, ctx.out)((err as GoroscopeError).headline?.().replace(/^error: /, '') ?? String(err));
    return [];
  }
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
 * Also makes the state's directory (a place that cannot be made is exit 73 here, before the check runs).
 */
export function alertLogSince(flags: NotifyFlags, ctx: NotifyContext): (container: string) => number {
  const n = makeNotifier(flags, ctx);
  const containers = n ? openStore(n, ctx.now).peek().containers : {};
  const now = ctx.now();
  return (container) => {
    const last = containers[containerKey(ctx.host, container)]?.logCheckedUntil;
    const t = last === undefined ? NaN : Date.parse(last);
    return Number.isFinite(t) ? Math.max(t, now - MAX_LOG_LOOKBACK_MS) : now - FIRST_LOG_LOOKBACK_MS;
  };
}

/** How often a long-running session tries the deliveries that failed again. */
export const SESSION_RETRY_MS = 60_000;

/**
 * Alerting inside a long-running command (`alert`, `watch --notify`): every observation is decided under the
 * state file's lock, in order (one change at a time); deliveries run in the background, in order per target, so a
 * slow or hanging target delays neither the next sample, nor the next decision, nor the other targets. Failed
 * deliveries stay pending in the state, tried again every SESSION_RETRY_MS (and by any later run for the target).
 */
export class AlertSession {
  private decisions: Promise<void> = Promise.resolve();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  private lastRetry = -Infinity;
  private readonly runId: string;
  private readonly warn: (line: string) => void;
  sent = 0;
  failed = 0;

  constructor(
    private readonly n: Notifier,
    private readonly out: TextOut,
    private readonly now: () => number,
    private readonly store: StateStore = openStore(n, now),
  ) {
    this.runId = deliveryId(now());
    this.warn = warner(n, out);
  }

  /** Decide on these observations (in order, under the lock) and send what they call for in the background. */
  push(obs: { levels: LevelObservation[]; events: EventObservation[] }): void {
    const t = this.now();
    const retry = obs.levels.length > 0 && t - this.lastRetry >= SESSION_RETRY_MS;
    if (retry) this.lastRetry = t;
    this.queue(async () => {
      const { alerts, jobs } = await this.store.update((state) => plan(state, obs, t, this.n, this.runId, { retry }), this.warn);
      if (this.n.dryRun) printDry(this.n, alerts, this.out, true);
      for (const j of jobs) this.send(j);
    });
  }

  private queue(step: () => Promise<void>): void {
    this.decisions = this.decisions.then(step).catch((err: unknown) => this.warn((err as GoroscopeError).headline?.().replace(/^error: /, '') ?? String(err)));
  }

  /** Queue one delivery behind the earlier ones to the same target; settle it when done. */
  private send(j: Job): void {
    const before = this.chains.get(j.target.spec) ?? Promise.resolve();
    const p: Promise<void> = before
      .then(() => deliver(j.target, j.alert, this.n.delivery))
      .then((d) => {
        this.out.write(reportLine(this.n, d, j.alert, j.retry));
        if (d.ok) this.sent++;
        else this.failed++;
        this.queue(() => this.store.update((state) => settle(state, [{ id: j.id, ok: d.ok }]), this.warn));
      })
      .finally(() => {
        this.inflight.delete(p);
        if (this.chains.get(j.target.spec) === p) this.chains.delete(j.target.spec);
      });
    this.chains.set(j.target.spec, p);
    this.inflight.add(p);
  }

  /** Wait for the decisions and deliveries in flight, and their settling. */
  async close(): Promise<void> {
    for (;;) {
      const decisions = this.decisions;
      await decisions;
      if (this.inflight.size > 0) await Promise.all([...this.inflight]);
      if (this.decisions === decisions && this.inflight.size === 0) return;
    }
  }
}

export interface NotifySession {
  /** Decide on these check results now; deliveries run in the background. */
  observe(results: ContainerVerdict[]): void;
  /** Log events (crash, fatal, panic, channel_disabled), decided now. */
  events(obs: EventObservation[]): void;
  /** Wait for deliveries in flight and their settling. */
  close(): Promise<void>;
}

/**
 * For `watch --notify`: an AlertSession fed with check results. Null without --notify / --dry-run; a bad target is a
 * usage error here, before watching starts, and so is a state file that cannot be written (exit 73).
 */
export function notifySession(
  flags: NotifyFlags & { warning?: string | number; critical?: string | number; emergency?: string | number },
  ctx: NotifyContext,
): NotifySession | null {
  const n = makeNotifier(flags, ctx);
  if (!n) return null;
  const session = new AlertSession(n, ctx.out, ctx.now);
  return {
    observe(results) {
      session.push({ levels: results.map((r) => toObservation(r, resolveThresholds(flags, ctx.env, ctx.config, r.name), ctx.host)), events: [] });
    },
    events(obs) {
      if (obs.length > 0) session.push({ levels: [], events: obs });
    },
    close: () => session.close(),
  };
}
