// What the engine project's global setup (engine-setup.ts) found, handed to every engine suite by `inject`.
export interface EngineStatus {
  /** A Docker engine answers `docker version`. */
  engine: boolean;
  /** goroscope-test/busybox exists (made from the host's static busybox). */
  busybox: boolean;
  /** goroscope-test/simulator exists (built from fixtures/simulator with Go). */
  simulator: boolean;
}

export const BUSYBOX_IMAGE = 'goroscope-test/busybox:latest';
export const SIMULATOR_IMAGE = 'goroscope-test/simulator:latest';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: EngineStatus;
  }
}
