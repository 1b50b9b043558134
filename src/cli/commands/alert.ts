// `goroscope alert CONTAINER…`: declares arguments and options; the body lives in src/commands/alert.ts.
import type { Register } from '../context.js';
import { addThresholdOptions, addTimeoutOption } from '../options.js';
import { addNotifyOptions } from '../../notify/options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('alert')
    .description('check continuously and follow the logs; notify once per level change and on crashes, panic bursts, disabled channels')
    .argument('<container...>', 'container names or ids')
    .option('--interval <duration>', 'time between checks', '30s')
    .option('--health-url <url>', 'health endpoint (default: as goroscope check finds it)')
    .option('--panic-burst <n>', 'panics within --panic-window that make a burst alert', '5')
    .option('--panic-window <duration>', 'window of a panic burst', '10m');
  addThresholdOptions(cmd, { baselineRestarts: true });
  addTimeoutOption(cmd, "the health endpoint's answer", '5s');
  addNotifyOptions(cmd)
    .addHelpText(
      'after',
      `
Targets: any http(s) URL gets the JSON webhook body; Feishu/Lark, DingTalk, WeCom, Slack and Telegram bot URLs get
their own message format (or force one with --notify-format); mailto:ADDRESS sends email over SMTP.
Exit codes: 0 after Ctrl-C, 64 bad usage, 73 state file not writable.
Examples:
  goroscope alert one-api --notify https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN --lang zh
  goroscope alert one-api --interval 1m --notify mailto:ops@example.com --smtp-host smtp.example.com
  goroscope alert one-api --dry-run`,
    )
    .action(async (containers: string[], opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/alert.js');
      await run(containers, opts, await context());
    });
};
