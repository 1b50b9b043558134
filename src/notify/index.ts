// The notify front door for commands: read the notify flags once (`makeNotifier`), then for each round of observations
// decide against the saved state, send (or print, with --dry-run) and save. `check` and `watch` call `notifyChanges`;
// `alert` calls `round` itself. Deliveries are reported on the given stream and never change a command's exit code.
import type { CommandContext } from '../cli/context.js';
import { resolveThresholds, type Thresholds } from '../config.js';
import { UsageError, type GoroscopeError } from '../errors.js';
import { fmt, type Lang } from '../i18n.js';
import { requireDuration } from '../time.js';
import { messageText } from './message.js';
import { DEFAULT_POLICY, PENDING_MAX_AGE_MS, decide, loadState, saveState, statePath, type AlertState, type PendingDelivery, type Policy } from './state.js';
import { deliver, parseTarget, payload, resolveSmtp, type Delivery, type DeliveryOptions, type SmtpFlags, type Target } from './targets.js';
import type { Alert, AlertLevel, EventObservation, LevelObservation } from './types.js';

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
  const newsKey = (a: Alert) => `${a.host ?? ''}|${a.container}|${a.event?.kind ?? 'level'}`;
  const fresh = new Set(alerts.map(newsKey));
  const retry = (opts.pending ?? []).filter((p) => bySpec.has(p.target) && now - p.since < PENDING_MAX_AGE_MS && !fresh.has(newsKey(p.alert)));
  const jobs: { t: Target; a: Alert; since: number; retry: boolean }[] = [
    ...retry.map((p) => ({ t: bySpec.get(p.target)!, a: p.alert, since: p.since, retry: true })),
    ...alerts.flatMap((a) => n.targets.map((t) => ({ t, a, since: now, retry: false }))),
  ];
  const done = await Promise.all(jobs.map((j) => deliver(j.t, j.a, n.delivery).then((d) => ({ ...j, d }))));
  const pending: PendingDelivery[] = [];
  for (const { d, a, t, since, retry: again } of done) {
    const vars = { what: `${again ? o.again : ''}${what(a)}`, target: d.target, attempts: d.attempts, ms: d.ms, error: d.error ?? '' };
    out.write(`${fmt(d.ok ? o.sent : o.failed, vars)}\n`);
    if (!d.ok) pending.push({ target: t.spec, alert: a, since });
  }
  return { deliveries: done.map((x) => x.d), pending };
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
): Promise<Delivery[]> {
  const n = makeNotifier(flags, ctx);
  if (!n) return [];
  const host = ctx.globals.host?.length === 1 ? ctx.globals.host[0]! : null;
  const levels = results.map((r) => toObservation(r, resolveThresholds(flags, ctx.env, ctx.config, r.name), host));
  const state = readState(n, ctx.stderr);
  const res = await round(n, state, { levels, events: [] }, ctx.now(), ctx.stderr);
  try {
    writeState(n, res.state);
  } catch (err) {
    // The check's verdict and exit code stand whatever happens to notifying: say it, do not fail.
    const e = err as GoroscopeError;
    ctx.stderr.write(`${fmt(OUT[n.lang].warn, { v: e.headline?.() ?? String(err) })}\n`);
  }
  return res.deliveries;
}

export interface NotifySession {
  /** Queue a round for these check results; returns at once (deliveries run in the background, one round at a time). */
  observe(results: CheckedContainer[]): void;
  /** Queue log events (crash, fatal, panic, channel_disabled) for a round. */
  events(obs: EventObservation[]): void;
  /** Wait for queued rounds, save the state, and return every delivery made. */
  close(): Promise<Delivery[]>;
}

/**
 * For long-running commands (`watch --notify`): like notifyChanges, but the state stays in memory between samples,
 * rounds never block the caller, and report lines go to `out` (watch passes its own line sink so the refreshing
 * screen is not garbled). Null without --notify / --dry-run.
 */
export function notifySession(
  flags: NotifyFlags & { warning?: string | number; critical?: string | number; emergency?: string | number },
  ctx: CommandContext,
  out: TextOut = ctx.stderr,
): NotifySession | null {
  const n = makeNotifier(flags, ctx);
  if (!n) return null;
  const host = ctx.globals.host?.length === 1 ? ctx.globals.host[0]! : null;
  let state = readState(n, out);
  let queue: Promise<void> = Promise.resolve();
  const all: Delivery[] = [];
  const enqueue = (obs: { levels: LevelObservation[]; events: EventObservation[] }) => {
    queue = queue.then(async () => {
      const r = await round(n, state, obs, ctx.now(), out, true);
      state = r.state;
      all.push(...r.deliveries);
      if (r.alerts.length > 0 || r.deliveries.length > 0) save();
    });
  };
  const save = () => {
    try {
      writeState(n, state);
    } catch (err) {
      out.write(`${fmt(OUT[n.lang].warn, { v: (err as GoroscopeError).headline?.() ?? String(err) })}\n`);
    }
  };
  return {
    observe(results) {
      enqueue({ levels: results.map((r) => toObservation(r, resolveThresholds(flags, ctx.env, ctx.config, r.name), host)), events: [] });
    },
    events(obs) {
      if (obs.length > 0) enqueue({ levels: [], events: obs });
    },
    async close() {
      await queue;
      save();
      return all;
    },
  };
}
