// The scan of a bundle's logs while they are written: the bytes that go into `logs/<stream>.log` (after
// redaction) are split into lines as `src/sources/bundle.ts` reads them from disk later, and handed to the
// pipeline as one Source. The container is read once, and the scan costs no second pass after the download.
import type { Stream } from '../events.js';
import { LineSplitter } from '../stream/lines.js';
import type { Line } from '../stream/types.js';
import type { LineSink, Source } from '../sources/types.js';
import { splitMessages } from '../sources/bundle.js';

export class LiveLogs {
  private sink: LineSink | null = null;
  private queue: Line[] = [];
  private readonly splitters: Record<'stdout' | 'stderr', LineSplitter>;
  private finish!: () => void;
  private readonly finished = new Promise<void>((r) => (this.finish = r));

  constructor(
    private readonly name: string,
    private readonly id: string,
  ) {
    const make = (stream: Stream) =>
      new LineSplitter(
        splitMessages((dockerTime, text, oversized) => {
          const line: Line = oversized ? { source: name, stream, dockerTime, text, oversized } : { source: name, stream, dockerTime, text };
          if (this.sink) this.sink(line);
          else this.queue.push(line);
        }),
      );
    this.splitters = { stdout: make('stdout'), stderr: make('stderr') };
  }

  /** Bytes as written to the stream's file. */
  feed(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this.splitters[stream].push(chunk);
  }

  /** The logs are complete (or cut short): flush unterminated lines and end the source. */
  end(): void {
    this.splitters.stdout.flush();
    this.splitters.stderr.flush();
    this.finish();
  }

  source(): Source {
    return {
      info: { spec: '.', kind: 'bundle', name: this.name, id: this.id },
      read: async (onLine) => {
        this.sink = onLine;
        for (const l of this.queue) onLine(l);
        this.queue = [];
        await this.finished;
      },
    };
  }
}
