// `--via`: how a container's log is read (docs/scan.md). Apart from the log-file reader so that a command reading
// files only does not load the Docker modules to check a global flag.
import { UsageError } from '../errors.js';

/** `--via`: how a container's log is read. auto: from the files when they can be read, else through the API. */
export type LogVia = 'auto' | 'file' | 'api';

/** `--via` text → LogVia; UsageError otherwise. */
export function parseVia(text: string | undefined): LogVia {
  if (text === undefined) return 'auto';
  const v = text.trim();
  if (v === 'auto' || v === 'file' || v === 'api') return v;
  throw new UsageError('--via takes auto, file or api', text, 'auto reads a local container\'s log files when it can and the Docker API otherwise');
}
