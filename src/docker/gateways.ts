// Which containers of an engine are One API–family gateways, so that `doctor` (and whoever needs it next) finds them
// without being told: by image (justsong/one-api, calciumion/new-api, martialbe/one-hub, ye4293/one-api, a private
// registry's copy of any of them, and goroscope's own simulator), else by container name. A container that only
// listens on One API's port 3000 is not taken for one (Grafana listens there too): it is listed apart.
import type { ContainerSummary, DockerRuntime } from './runtime.js';

export type GatewayMatch = 'image' | 'name';

export interface FoundGateway {
  /** Without the leading `/`. */
  name: string;
  id: string;
  image: string;
  state: string;
  matchedBy: GatewayMatch;
}

export interface PortOnly {
  name: string;
  image: string;
}

// The last path part of an image repository, before the tag or digest:
// `ghcr.io/songquanpeng/one-api:v0.6.10` → `one-api`, `calciumion/new-api@sha256:…` → `new-api`, `oneapi` too.
const FAMILY = /^(?:one-?api|new-?api|one-?hub|done-?hub)(?:[-_].*)?$/i;
// The test image the repository builds (fixtures/simulator): `goroscope-test/simulator:latest`.
const SIMULATOR = /^goroscope-test\/simulator(?::|@|$)/;
// A container name with a family name in it: `one-api`, `oneapi-one-api-1` (compose), `new-api`, `prod_one-hub`.
const FAMILY_NAME = /(?:^|[-_.])(?:one-?api|new-?api|one-?hub|done-?hub)(?:$|[-_.\d])/i;

function repositoryTail(image: string): string {
  const noDigest = image.split('@')[0]!;
  const parts = noDigest.split('/');
  return parts[parts.length - 1]!.split(':')[0]!;
}

/** Why a container is taken for a gateway, or null. */
export function gatewayMatch(c: Pick<ContainerSummary, 'Names' | 'Image'>): GatewayMatch | null {
  const image = c.Image ?? '';
  if (SIMULATOR.test(image) || FAMILY.test(repositoryTail(image))) return 'image';
  if (c.Names.some((n) => FAMILY_NAME.test(n.replace(/^\//, '')))) return 'name';
  return null;
}

/** Every gateway container of the engine (`docker ps -a`), running first, then by name; and the port-3000-only ones. */
export async function findGateways(docker: DockerRuntime, signal?: AbortSignal): Promise<{ gateways: FoundGateway[]; portOnly: PortOnly[]; total: number }> {
  const list = await docker.listContainers({}, signal);
  const gateways: FoundGateway[] = [];
  const portOnly: PortOnly[] = [];
  for (const c of list) {
    const name = (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
    const matchedBy = gatewayMatch(c);
    if (matchedBy) gateways.push({ name, id: c.Id, image: c.Image ?? '', state: c.State, matchedBy });
    else if ((c.Ports ?? []).some((p) => p.PrivatePort === 3000 && (p.Type ?? 'tcp') === 'tcp')) portOnly.push({ name, image: c.Image ?? '' });
  }
  gateways.sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  portOnly.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { gateways, portOnly, total: list.length };
}
