// The one redactor for every text that leaves the machine (docs/bundle.md lists the shapes): text and log streams
// in text.ts, JSON documents by field name in structured.ts, the patterns and secret names in rules.ts.
export type { SecretKind } from './rules.js';
export { isSecretName, isSecretHeader } from './rules.js';
export * from './text.js';
export * from './structured.js';
