// Quiet exit on a closed pipe, in its own module so that `goroscope --help` does not load chalk (src/cli/output.ts).

/** A downstream reader that goes away (EPIPE) ends the program quietly with exit 0. */
export function exitQuietlyOnEpipe(): void {
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}
