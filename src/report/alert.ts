// What `goroscope alert` prints on its own stdout (docs/alert.md): the line it starts with, a line per container per
// round, a log follow that ended, and the summary when it stops. The alerts it sends are src/notify/'s texts. Pure;
// the language is passed in.
import { fmt, type Lang } from '../i18n.js';

const M = {
  en: {
    start: 'alert: watching {names} every {interval} → {targets}',
    level: '{time} {name}: {level}{g}',
    follow: 'alert: log follow of {name} ended ({why}); retrying in {interval}',
    stop: 'alert: stopped after {rounds} check(s); {sent} alert(s) delivered, {failed} failed',
    none: 'dry run, nothing sent',
  },
  zh: {
    start: 'alert：每 {interval} 检查 {names} → {targets}',
    level: '{time} {name}：{level}{g}',
    follow: 'alert：{name} 的日志跟踪已结束（{why}），{interval} 后重试',
    stop: 'alert：已停止，共检查 {rounds} 轮；成功发送 {sent} 条，失败 {failed} 条',
    none: '演练，未发送',
  },
} as const;

/** `alert: watching gw, db every 30s → webhook` (the dry run's words when there is no target). */
export function alertStartLine(names: readonly string[], interval: string, targets: readonly string[], lang: Lang): string {
  const m = M[lang];
  return fmt(m.start, { names: names.join(', '), interval, targets: targets.join(', ') || m.none });
}

/** One container's level in a round: `2026-01-01T00:00:00.000Z gw: warning (2417 goroutines)`. */
export function alertLevelLine(time: string, o: { container: string; level: string; goroutines: number | null }, lang: Lang): string {
  return fmt(M[lang].level, { time, name: o.container, level: o.level, g: o.goroutines !== null ? ` (${o.goroutines} goroutines)` : '' });
}

/** A container's log follow ended and is tried again after the interval. */
export function alertFollowLine(name: string, why: string, interval: string, lang: Lang): string {
  return fmt(M[lang].follow, { name, why, interval });
}

/** The summary when alert stops. */
export function alertStopLine(rounds: number, sent: number, failed: number, lang: Lang): string {
  return fmt(M[lang].stop, { rounds, sent, failed });
}
