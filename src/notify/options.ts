// The notify flags, declared once for `alert`, `check` and `watch`. Only commander is touched here, so the CLI's
// command modules can import it without slowing `--help`.
import { Option, type Command } from 'commander';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds --notify, --notify-format, --notify-timeout, --state, --cooldown, --dry-run and the --smtp-* flags. */
export function addNotifyOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--notify [target]', "send an alert when the level changes: http(s) webhook/bot URL or mailto:ADDRESS; repeatable; bare or 'config': the config file's targets")
        .preset('config') // a bare --notify means the config file's "notify" list
        .argParser(collect),
    )
    .option('--notify-format <format>', 'message format for URL targets: webhook, feishu, dingtalk, wecom, slack, telegram (default: from the URL\'s host)')
    .option('--notify-timeout <duration>', 'deadline for one delivery, retries included', '10s')
    .option('--state <file>', 'alert state file (default ~/.local/state/goroscope/alert-state.json)')
    .option('--cooldown <duration>', 'least time between two alerts of one kind for one container (escalations go out at once)', '10m')
    .option('--dry-run', 'print the alerts that would be sent; send nothing, save no state')
    .option('--smtp-host <host>', 'SMTP server for mailto: targets (env GOROSCOPE_SMTP_HOST, config smtp.host)')
    .option('--smtp-port <port>', 'SMTP port (default 465 for tls, 587 for starttls, 25 for none)')
    .option('--smtp-secure <mode>', 'SMTP TLS mode: tls, starttls or none (default starttls; tls on port 465)')
    .option('--smtp-user <user>', 'SMTP user; the password comes from GOROSCOPE_SMTP_PASS or config smtp.pass')
    .option('--smtp-from <address>', 'sender address (default the SMTP user, else goroscope@HOSTNAME)')
    .option('--smtp-ca <file>', 'PEM certificates to trust for the SMTP server besides the system CAs (env GOROSCOPE_SMTP_CA, config smtp.ca)');
}
