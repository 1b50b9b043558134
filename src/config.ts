// Settings that can come from a flag, the environment or a config file, in that order of precedence.
// The config file is JSON: `--config FILE`, else $GOROSCOPE_CONFIG, else ./goroscope.json, else
// $XDG_CONFIG_HOME/goroscope/config.json (~/.config/goroscope/config.json). docs/config.md.
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError, DataError, InputError, PermissionError } from './errors.js';

export interface Thresholds {
  /** Goroutines at or above which the level is `warning` (default 2000, the ezlinkai monitor's "elevated"). */
  warning: number;
  /** At or above: `critical` (default 5000, "High goroutine count detected"). */
  critical: number;
  /** At or above: `emergency` (default 10000: collect a bundle now). */
  emergency: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { warning: 2000, critical: 5000, emergency: 10000 };

export interface SmtpSettings {
  host?: string;
  port?: number;
  /** `tls` (implicit TLS, usually 465), `starttls` (usually 587), `none`. */
  secure?: 'tls' | 'starttls' | 'none';
  user?: string;
  pass?: string;
  from?: string;
  to?: string[];
  /** PEM file of certificates trusted for the server besides the system CAs (self-signed / private CA). */
  ca?: string;
}

export interface FileConfig {
  thresholds?: Partial<Thresholds>;
  healthUrl?: string;
  pprofUrl?: string;
  tz?: string;
  lang?: 'en' | 'zh';
  /** Notification targets for `--notify` when none is given on the command line. */
  notify?: string[];
  notifyFormat?: string;
  smtp?: SmtpSettings;
  /** Where alert state is kept (default ~/.local/state/goroscope/alert-state.json). */
  stateFile?: string;
  /** Per-container overrides, keyed by container name. */
  containers?: Record<string, { healthUrl?: string; pprofUrl?: string; thresholds?: Partial<Thresholds> }>;
}

export type Env = Record<string, string | undefined>;

/** Which config file applies, or null. `explicit` is the `--config` flag. */
export function configPath(explicit: string | undefined, env: Env = process.env, cwd = process.cwd()): string | null {
  if (explicit) return explicit;
  if (env.GOROSCOPE_CONFIG) return env.GOROSCOPE_CONFIG;
  const local = join(cwd, 'goroscope.json');
  if (existsSync(local)) return local;
  const xdg = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const user = join(xdg, 'goroscope', 'config.json');
  return existsSync(user) ? user : null;
}

/** Read and check the config file; a missing or unreadable file, bad JSON or a value no command can use is a clear error. */
export function loadConfigFile(explicit: string | undefined, env: Env = process.env, cwd = process.cwd()): FileConfig {
  const path = configPath(explicit, env, cwd);
  if (!path) return {};
  const via = explicit ? '--config' : env.GOROSCOPE_CONFIG ? '$GOROSCOPE_CONFIG' : 'the config file';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // A missing or unreadable file is what 66 and 77 mean everywhere else (docs/exit-codes.md): the same here.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new PermissionError('permission denied reading the config file', path, 'run as a user who can read it', { cause: err });
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new InputError('cannot read the config file', path, `${what}; ${via} names a JSON file (docs/config.md)`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new DataError('config file is not valid JSON', path, (err as Error).message);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new DataError('config file must hold a JSON object', path);
  const lang = (data as { lang?: unknown }).lang;
  // Every command reads lang before it does anything, so a wrong one is said at once instead of falling back quietly.
  if (lang !== undefined && lang !== 'en' && lang !== 'zh') {
    throw new UsageError('config lang must be "en" or "zh"', JSON.stringify(lang), `in ${path}; remove the key to follow the locale (LANG)`);
  }
  return data as FileConfig;
}

function positiveInt(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive whole number`, String(value));
  return n;
}

/**
 * Thresholds from flags (`--warning`, `--critical`, `--emergency`), else GOROSCOPE_WARNING / _CRITICAL / _EMERGENCY,
 * else the config file (per-container section first), else the defaults. They must rise: warning < critical < emergency.
 */
export function resolveThresholds(
  flags: { warning?: string | number; critical?: string | number; emergency?: string | number },
  env: Env,
  file: FileConfig,
  container?: string,
): Thresholds {
  const fromContainer = container ? file.containers?.[container]?.thresholds : undefined;
  const pick = (key: keyof Thresholds, envName: string): number =>
    positiveInt(`--${key}`, flags[key]) ??
    positiveInt(envName, env[envName]) ??
    positiveInt(`config ${key}`, fromContainer?.[key]) ??
    positiveInt(`config ${key}`, file.thresholds?.[key]) ??
    DEFAULT_THRESHOLDS[key];
  const t = {
    warning: pick('warning', 'GOROSCOPE_WARNING'),
    critical: pick('critical', 'GOROSCOPE_CRITICAL'),
    emergency: pick('emergency', 'GOROSCOPE_EMERGENCY'),
  };
  if (!(t.warning < t.critical && t.critical < t.emergency)) {
    throw new UsageError('thresholds must rise: warning < critical < emergency', `${t.warning} / ${t.critical} / ${t.emergency}`);
  }
  return t;
}

export type GoroutineLevel = 'ok' | 'warning' | 'critical' | 'emergency';

/** The level of a goroutine count under the thresholds. */
export function goroutineLevel(count: number, t: Thresholds): GoroutineLevel {
  if (count >= t.emergency) return 'emergency';
  if (count >= t.critical) return 'critical';
  if (count >= t.warning) return 'warning';
  return 'ok';
}

/** A string setting: flag, else environment variable, else config file value. */
export function resolveString(flag: string | undefined, env: Env, envName: string, fileValue: string | undefined): string | undefined {
  return flag ?? (env[envName] || undefined) ?? fileValue;
}
