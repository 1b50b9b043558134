// The parse layer's public surface (docs/architecture.md "The parse contract"). Pure: no I/O, no clock.
export { RecordGrouper, MAX_RECORD_LINES, MAX_RECORD_CHARS } from './grouper.js';
export { EventParser, type EventParserOptions } from './parser.js';
export { classifyCause, classifyTimeout } from './classify.js';
export {
  extractFrames,
  goroutineBlocks,
  goroutineHeader,
  headerState,
  panicSignature,
  scanStack,
  signatureFrames,
  shortFunc,
  stripArgs,
  type AncestorSection,
  type GoroutineBlock,
  type StackProblem,
  type StackScan,
  type RawFrame,
} from './stack.js';
export { cleanLine, stripAnsi } from './text.js';
export { startKind, dialectsFor, quietStart } from './starts.js';
export { DIALECTS } from './dialects/index.js';
export type { Dialect, StartKind } from './dialect.js';
export { goDurationMs } from './patterns.js';
