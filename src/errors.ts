// Error classes a user can cause, each with its exit code and a hint. The CLI's one top-level handler
// turns them into `error: <what failed> (<value>)` plus a hint line (docs/exit-codes.md).

/** Exit codes. 0–3 are the Nagios levels `check` uses; the others are shared by every command. */
export const EXIT = {
  OK: 0,
  WARNING: 1,
  CRITICAL: 2,
  UNKNOWN: 3,
  USAGE: 64, // bad flags or arguments (sysexits EX_USAGE)
  DATA: 65, // input that cannot be read as what it claims to be (EX_DATAERR)
  NO_INPUT: 66, // a file that does not exist or cannot be read (EX_NOINPUT)
  NOT_FOUND: 67, // no such container / service (EX_NOUSER-ish: the thing named is not there)
  UNAVAILABLE: 69, // Docker daemon unreachable, endpoint down (EX_UNAVAILABLE)
  SOFTWARE: 70, // a bug in goroscope (EX_SOFTWARE)
  CANT_CREATE: 73, // output cannot be written (EX_CANTCREAT)
  INCOMPLETE: 75, // the output was written but is incomplete (Docker did not answer, a stream stalled): run again (EX_TEMPFAIL)
  PERMISSION: 77, // permission denied on the Docker socket or a file (EX_NOPERM)
  INTERRUPTED: 130, // Ctrl-C (SIGINT)
  TERMINATED: 143, // SIGTERM
} as const;

export class GoroscopeError extends Error {
  constructor(
    /** What failed, in a few words: "no such container". */
    message: string,
    readonly exitCode: number,
    /** The value that failed, shown in parentheses. */
    readonly value?: string,
    /** What to do about it, one line. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** `error: no such container (one-api)` */
  headline(): string {
    return `error: ${this.message}${this.value !== undefined ? ` (${this.value})` : ''}`;
  }
}

export class UsageError extends GoroscopeError {
  constructor(message: string, value?: string, hint?: string) {
    super(message, EXIT.USAGE, value, hint ?? 'see goroscope --help');
  }
}

export class InputError extends GoroscopeError {
  constructor(message: string, value?: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT.NO_INPUT, value, hint, options);
  }
}

export class DataError extends GoroscopeError {
  constructor(message: string, value?: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT.DATA, value, hint, options);
  }
}

export class NotFoundError extends GoroscopeError {
  constructor(message: string, value?: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT.NOT_FOUND, value, hint, options);
  }
}

export class UnavailableError extends GoroscopeError {
  constructor(message: string, value?: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT.UNAVAILABLE, value, hint, options);
  }
}

export class PermissionError extends GoroscopeError {
  constructor(message: string, value?: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT.PERMISSION, value, hint, options);
  }
}

export class OutputError extends GoroscopeError {
  constructor(message: string, value?: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT.CANT_CREATE, value, hint, options);
  }
}
