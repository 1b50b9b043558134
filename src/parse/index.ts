// The parse layer's public surface (docs/architecture.md "The parse contract"). Pure: no I/O, no clock.
export { RecordGrouper, MAX_RECORD_LINES, MAX_RECORD_CHARS } from './grouper.js';
export { EventParser, type EventParserOptions } from './parser.js';
export { classifyCause, classifyTimeout } from './classify.js';
export {
  extractFrames,
  goroutineBlocks,
  panicSignature,
  signatureFrames,
  shortFunc,
  stripArgs,
  type GoroutineBlock,
  type RawFrame,
} from './stack.js';
export { cleanLine, stripAnsi } from './text.js';
export { startKind } from './starts.js';
export { goDurationMs } from './patterns.js';
