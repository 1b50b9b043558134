// The words of an alert, in English or Simplified Chinese: a one-line title (mail subject, chat headline) and a few
// lines of detail. Pure. Every chat format sends `title + "\n" + lines`; the title always contains "goroscope", which
// is the keyword to put in a DingTalk or Feishu bot's "custom keywords" security setting.
import { fmt, type Lang, type Messages } from '../i18n.js';
import type { Alert } from './types.js';
import { levelNames } from '../i18n/check.js';
import { duration } from '../report/text.js';


type Key =
  | 'level'
  | 'levelFirst'
  | 'recovered'
  | 'crash'
  | 'fatal'
  | 'panicBurst'
  | 'channelDisabled'
  | 'host'
  | 'goroutines'
  | 'reasons'
  | 'message'
  | 'signature'
  | 'level_now'
  | 'level_why'
  | 'notChecked'
  | 'time'
  | 'emergencyHint';

const M: Messages<Key> = {
  en: {
    level: '[goroscope] {level}: {container} (was {previous})',
    levelFirst: '[goroscope] {level}: {container}',
    recovered: '[goroscope] RECOVERED: {container} is OK (was {previous})',
    crash: '[goroscope] CRASH: {container}',
    fatal: '[goroscope] FATAL: {container}',
    panicBurst: '[goroscope] PANIC BURST: {container}, {count} panics in {window}',
    channelDisabled: '[goroscope] CHANNEL DISABLED: {container}, channel #{channel}',
    host: 'Host: {v}',
    goroutines: 'Goroutines: {v}',
    reasons: 'Reasons: {v}',
    message: 'Message: {v}',
    signature: 'Stack: {v}',
    level_now: 'Level: {v}',
    level_why: 'Level: {v}, because {why}',
    notChecked: 'no check of the container has run yet',
    time: 'Time: {v}',
    emergencyHint: 'Collect the evidence before restarting: goroscope bundle {container}',
  },
  zh: {
    level: '[goroscope] {level}：{container}（之前：{previous}）',
    levelFirst: '[goroscope] {level}：{container}',
    recovered: '[goroscope] 已恢复：{container} 正常（之前：{previous}）',
    crash: '[goroscope] 崩溃：{container}',
    fatal: '[goroscope] 致命错误：{container}',
    panicBurst: '[goroscope] panic 频发：{container}，{window} 内 {count} 次',
    channelDisabled: '[goroscope] 渠道被禁用：{container}，渠道 #{channel}',
    host: '主机：{v}',
    goroutines: 'Goroutine 数：{v}',
    reasons: '原因：{v}',
    message: '消息：{v}',
    signature: '调用栈：{v}',
    level_now: '级别：{v}',
    level_why: '级别：{v}，原因：{why}',
    notChecked: '尚未检查过该容器',
    time: '时间：{v}',
    emergencyHint: '重启前请先收集现场：goroscope bundle {container}',
  },
};


export interface Message {
  title: string;
  lines: string[];
}

export function renderMessage(a: Alert, lang: Lang): Message {
  const m = M[lang];
  const L = levelNames[lang];
  const vars = { container: a.container, level: L[a.level], previous: a.previous ? L[a.previous] : '' };
  let title: string;
  const lines: string[] = [];
  if (a.event) {
    const e = a.event;
    if (e.kind === 'panic_burst') title = fmt(m.panicBurst, { ...vars, count: e.count ?? 0, window: duration((e.windowMs ?? 0) / 1000) });
    else if (e.kind === 'channel_disabled') title = fmt(m.channelDisabled, { ...vars, channel: e.channel ?? '?' });
    else title = fmt(e.kind === 'crash' ? m.crash : m.fatal, vars);
    if (e.message) lines.push(fmt(m.message, { v: e.message }));
    if (e.signature) lines.push(fmt(m.signature, { v: e.signature }));
    // The level beside an event is the container's last checked one: say what made it so, as a level alert does.
    const why = (a.displayReasons ?? a.reasons).join('; ') || (a.level === 'unknown' ? m.notChecked : '');
    lines.push(why ? fmt(m.level_why, { v: L[a.level], why }) : fmt(m.level_now, { v: L[a.level] }));
  } else if (a.level === 'ok' && a.previous) {
    title = fmt(m.recovered, vars);
  } else {
    title = fmt(a.previous ? m.level : m.levelFirst, vars);
  }
  if (a.host) lines.push(fmt(m.host, { v: a.host }));
  if (a.goroutines !== null) lines.push(fmt(m.goroutines, { v: a.goroutines }));
  const reasons = a.displayReasons ?? a.reasons;
  if (reasons.length > 0 && !a.event) lines.push(fmt(m.reasons, { v: reasons.join('; ') }));
  lines.push(fmt(m.time, { v: a.time }));
  if (a.level === 'emergency' && !a.event) lines.push(fmt(m.emergencyHint, vars));
  return { title, lines };
}

/** Title and lines as one plain text. */
export function messageText(a: Alert, lang: Lang): string {
  const { title, lines } = renderMessage(a, lang);
  return [title, ...lines].join('\n');
}
