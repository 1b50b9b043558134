// Structured data: JSON documents (inspect, Docker events, health answers, headers) whose field names say what is
// secret. Values of secret names are replaced whole (short ones too); every other string goes through the text rules
// of text.ts, with the same table, so a secret keeps one placeholder across a bundle.
import { isNotAValue, isSecretHeader, isSecretName, nameKind, type SecretKind } from './rules.js';
import type { Redactions } from './text.js';

/** `--password`, `-token`: a command-line flag whose next argument is a secret. */
function isSecretFlag(arg: string): boolean {
  return /^--?[A-Za-z][A-Za-z0-9_-]*$/.test(arg) && isSecretName(arg.replace(/^-+/, ''));
}

/** The value of a `NAME=value` env item whose name is a secret name (`DB_PASSWORD=x` → `x`), else null. */
function secretEnvValue(item: string): string | null {
  const eq = item.indexOf('=');
  return eq > 0 && eq < item.length - 1 && isSecretName(item.slice(0, eq)) ? item.slice(eq + 1) : null;
}

/** Apply `f` to every string in a JSON value; `key` is the name of the array/object member holding it. */
export function mapStrings(value: unknown, f: (s: string, key: string | undefined) => string, key?: string): unknown {
  if (typeof value === 'string') return f(value, key);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, f, k);
    return out;
  }
  return value;
}

/**
 * Redact every string of a JSON value: a string field whose name is a secret name (`password`, `api_key`,
 * `token`, …) is replaced whole; every other string goes through the text rules.
 */
export function redactValue(value: unknown, table: Redactions, file: string, kind: SecretKind = 'secret'): unknown {
  return mapStrings(value, (s, key) => (key !== undefined && s !== '' && isSecretName(key) && !isNotAValue(s) ? table.replaceValue(s, kind === 'secret' ? nameKind(key) : kind, file) : table.redactString(s, file)));
}

/** `NAME=value` items (container env): values of secret names whole (short ones too), the rest by the text rules. */
export function redactEnvList(items: unknown, table: Redactions, file: string): unknown {
  if (!Array.isArray(items)) return redactValue(items, table, file);
  return items.map((item) => {
    if (typeof item !== 'string') return redactValue(item, table, file);
    const value = secretEnvValue(item);
    if (value !== null) return item.slice(0, item.length - value.length) + table.replaceValue(value, 'env', file);
    return table.redactString(item, file);
  });
}

/** A name → value map (labels, event attributes): values of secret names whole, the rest by the text rules. */
export function redactNamedValues(map: unknown, table: Redactions, file: string, kind: SecretKind): unknown {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return redactValue(map, table, file);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map)) {
    out[k] = typeof v === 'string' && v !== '' && isSecretName(k) ? table.replaceValue(v, kind, file) : redactValue(v, table, file);
  }
  return out;
}

/** A command line as an argument list: the value after a secret flag (`--password`, `-token`) whole, the rest by the text rules. */
export function redactArgs(args: unknown, table: Redactions, file: string): unknown {
  if (!Array.isArray(args)) return redactValue(args, table, file);
  const out: unknown[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    out.push(typeof a === 'string' ? table.redactString(a, file) : redactValue(a, table, file));
    const next = args[i + 1];
    if (typeof a === 'string' && typeof next === 'string' && next !== '' && isSecretFlag(a) && !next.startsWith('-')) {
      out.push(table.replaceValue(next, nameKind(a), file));
      i++;
    }
  }
  return out;
}

/** Secrets a container's inspect names (env values and labels by name), learned before anything else is redacted. */
export function learnFromInspect(inspect: unknown, table: Redactions): void {
  const config = (inspect as { Config?: { Env?: unknown; Labels?: unknown } } | null)?.Config;
  if (Array.isArray(config?.Env)) {
    for (const item of config.Env) {
      if (typeof item !== 'string') continue;
      const value = secretEnvValue(item);
      if (value !== null) table.learn(value, 'env');
    }
  }
  if (config?.Labels && typeof config.Labels === 'object') {
    for (const [k, v] of Object.entries(config.Labels as Record<string, unknown>)) if (typeof v === 'string' && v !== '' && isSecretName(k)) table.learn(v, 'label');
  }
  const args = [(inspect as { Args?: unknown })?.Args, (config as { Cmd?: unknown })?.Cmd, (config as { Entrypoint?: unknown })?.Entrypoint];
  for (const list of args) {
    if (!Array.isArray(list)) continue;
    for (let i = 0; i + 1 < list.length; i++) {
      const a = list[i];
      const next = list[i + 1];
      if (typeof a === 'string' && typeof next === 'string' && isSecretFlag(a) && next !== '' && !next.startsWith('-')) table.learn(next, nameKind(a));
    }
  }
}

/**
 * A container inspect: env values (`Config.Env`) and labels (`Config.Labels`) by name, the command line
 * (`Path`, `Args`, `Config.Cmd`, `Config.Entrypoint`) as arguments, every other string by field name and text rules.
 */
export function redactInspect(inspect: unknown, table: Redactions, file: string): unknown {
  learnFromInspect(inspect, table);
  if (inspect === null || typeof inspect !== 'object') return redactValue(inspect, table, file);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inspect as Record<string, unknown>)) {
    if (k === 'Args') out[k] = redactArgs(v, table, file);
    else if (k === 'Config' && v !== null && typeof v === 'object') {
      const c: Record<string, unknown> = {};
      for (const [ck, cv] of Object.entries(v as Record<string, unknown>)) {
        if (ck === 'Env') c[ck] = redactEnvList(cv, table, file);
        else if (ck === 'Labels') c[ck] = redactNamedValues(cv, table, file, 'label');
        else if (ck === 'Cmd' || ck === 'Entrypoint') c[ck] = redactArgs(cv, table, file);
        else c[ck] = redactValue(cv, table, file);
      }
      out[k] = c;
    } else out[k] = redactValue(v, table, file);
  }
  return out;
}

/** Docker events: the attributes (the container's labels among them) by name, `exec_create: <command>` by the text rules. */
export function redactDockerEvents(events: unknown, table: Redactions, file: string): unknown {
  if (!Array.isArray(events)) return redactValue(events, table, file);
  return events.map((e) => {
    if (e === null || typeof e !== 'object') return redactValue(e, table, file);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e as Record<string, unknown>)) {
      if (k === 'Actor' && v !== null && typeof v === 'object') {
        const actor: Record<string, unknown> = {};
        for (const [ak, av] of Object.entries(v as Record<string, unknown>)) actor[ak] = ak === 'Attributes' ? redactNamedValues(av, table, file, 'label') : redactValue(av, table, file);
        out[k] = actor;
      } else out[k] = redactValue(v, table, file);
    }
    return out;
  });
}

/** HTTP headers: values of secret-named headers whole (`Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key`, …), the others by the text rules. */
export function redactHeaders(headers: Record<string, unknown>, table: Redactions, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (isSecretHeader(name)) {
      out[name] = Array.isArray(value)
        ? value.map((v) => table.replaceValue(String(v), 'header', file))
        : value === undefined || value === null || value === ''
          ? value
          : table.replaceValue(String(value), 'header', file);
    } else {
      out[name] = redactValue(value, table, file);
    }
  }
  return out;
}
