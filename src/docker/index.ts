// The face of src/docker: the DockerRuntime interface and its helpers, and `dockerFor(host)`, the one place a
// runtime is made. Everything outside src/docker gets Docker through here; tests swap in an in-memory engine
// with `useDockerFactory` (test/helpers/fake-docker.ts).
import type { DockerRuntime } from './runtime.js';

export type Factory = (host: string | undefined) => Promise<DockerRuntime>;

const realFactory: Factory = async (host) => (await import('./engine.js')).connect(host);
let factory: Factory = realFactory;
const runtimes = new Map<string, Promise<DockerRuntime>>();

/** One runtime per `--host` value (undefined: DOCKER_HOST, the current context, the default socket), shared. */
export function dockerFor(host: string | undefined): Promise<DockerRuntime> {
  const key = host ?? '';
  let r = runtimes.get(key);
  if (!r) {
    r = factory(host);
    runtimes.set(key, r);
    r.catch(() => runtimes.delete(key));
  }
  return r;
}

/** Replace how runtimes are made (null: the real engine again); forgets the ones made so far. */
export function useDockerFactory(f: Factory | null): void {
  factory = f ?? realFactory;
  runtimes.clear();
}

export * from './runtime.js';
export { DockerTimeout, mapDockerError } from './client.js';
