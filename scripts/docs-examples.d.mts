// Types for scripts/docs-examples.mjs, which test/e2e/docs-examples.test.ts imports.
export interface Example {
  file: string;
  line: number;
  command: string;
  shown: string[] | null;
  outputStart: number;
  outputEnd: number;
  console: boolean;
}
export interface Workspace {
  dir: string;
  cwd: string;
  env: Record<string, string>;
}
export interface Checked {
  runnable: boolean;
  reason: string | null;
  code?: number | null;
  expectedCode?: number;
  output?: string;
  problems: string[];
}
export type Token = { word: string; op?: undefined } | { op: string; word?: undefined };
export const ROOT: string;
export function docFiles(): string[];
export function tokenize(line: string): { tokens: Token[]; comment: string | null };
export function segments(tokens: Token[]): string[][];
export function goroscopeArgs(words: string[]): string[] | null;
export function extractExamples(text: string, file: string): Example[];
export function normalise(text: string): string;
export function parseOnly(args: string[], ws: Workspace): Promise<{ code: number | null; parsed: unknown; stderr: string }>;
export function checkExample(ex: Example, ws: Workspace): Promise<Checked>;
export function withWorkspace<T>(fn: (ws: Workspace) => Promise<T>): Promise<T>;
export function workspace(): Workspace;
