// Language of human output. JSON keys never change; only text for people does.
import { UsageError } from './errors.js';

export type Lang = 'en' | 'zh';

/** `--lang` as given: en or zh, anything else a usage error (no silent fallback to English). */
export function checkLangFlag(flag: string | undefined): Lang | undefined {
  if (flag === undefined || flag === 'en' || flag === 'zh') return flag;
  throw new UsageError('--lang takes en or zh', flag, 'without --lang the language follows the locale (LANG)');
}

/** `--lang`, else LC_ALL / LC_MESSAGES / LANG (zh_* → zh), else English. */
export function detectLang(flag: string | undefined, env: Record<string, string | undefined> = process.env): Lang {
  if (flag === 'en' || flag === 'zh') return flag;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(locale) ? 'zh' : 'en';
}

/** A message table with one entry per language; `t(table, lang)` picks one, falling back to English. */
export type Messages<K extends string> = Record<Lang, Record<K, string>>;

export function fmt(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** `time` or `times` after a count in English (`restarted 1 time`, `3 times`); Chinese has no plural. */
export function timesWord(n: string | number | undefined): string {
  return n === 1 ? 'time' : 'times';
}
