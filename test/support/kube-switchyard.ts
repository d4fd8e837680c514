/**
 * Test support for the seed and rollout end-to-end tests: the real binary as a Kubernetes
 * ingress controller against the fake API server.
 *
 * - `startFakeCluster` starts the fake API server and applies the shipped CRDs (deploy/crds, both
 *   API groups) plus any extra CRD files, so the Traefik kinds are served before the controller
 *   starts (a kind whose CRD is missing is retried only after a long backoff).
 * - `startControllerReplica` writes a static configuration with `web` and `traefik` (API) entry
 *   points on port 0, the Kubernetes providers asked for, `providersThrottleDuration: 0s`, and a
 *   file provider with an empty dynamic file (startSwitchyard waits for that provider's first
 *   configuration), starts `bin/switchyard` with KUBECONFIG pointing at the fake server, and
 *   returns once a configuration with every asked-for provider has been applied.
 * - `untilApi` polls the router's REST API, once per "configuration applied" line, until a check
 *   passes: a bounded wait on events, never a sleep.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeKubeApi, type FakeKubeApi } from './kube-fake/fake-api.ts';
import { send } from './http-client.ts';
import { projectRoot, startSwitchyard, tempDir, type LogLine, type SwitchyardProcess } from './switchyard-process.ts';

export const fixturesDir = join(projectRoot, 'test', 'fixtures');

/** Reads a fixture file under test/fixtures. */
export function fixture(path: string): string {
  return readFileSync(join(fixturesDir, path), 'utf8');
}

/** The fake API server with deploy/crds applied, then `extraCrds` (paths under test/fixtures). */
export async function startFakeCluster(extraCrds: readonly string[] = []): Promise<FakeKubeApi> {
  const api = await startFakeKubeApi();
  const crdDir = join(projectRoot, 'deploy', 'crds');
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()) {
    api.apply(readFileSync(join(crdDir, file), 'utf8'));
  }
  for (const file of extraCrds) api.apply(fixture(file));
  return api;
}

export type KubeProviderName = 'kubernetes' | 'kubernetescrd';

/** Starts bin/switchyard watching `api` with the given providers; `web` and `traefik` (the API) listen. */
export async function startControllerReplica(api: FakeKubeApi, providers: readonly KubeProviderName[]): Promise<SwitchyardProcess> {
  const dir = tempDir({ 'dynamic.yml': 'http: {}\n' });
  const sections = providers.map((p) => (p === 'kubernetes' ? '  kubernetesIngress: {}' : '  kubernetesCRD: {}')).join('\n');
  writeFileSync(join(dir, 'static.yml'), `entryPoints:
  web:
    address: "127.0.0.1:0"
  traefik:
    address: "127.0.0.1:0"
providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(join(dir, 'dynamic.yml'))}
${sections}
api:
  insecure: true
log:
  level: INFO
  format: json
`);
  const sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], ['web', 'traefik'], { env: { KUBECONFIG: api.kubeconfigFile() } });
  await sy.waitFor((l) => isApplied(l) && providers.every((p) => (l.providers as unknown[]).includes(p)),
    `a configuration with the ${providers.join(' and ')} providers`);
  return sy;
}

function isApplied(line: LogLine): boolean {
  return line.message === 'configuration applied' && Array.isArray(line.providers);
}

/** How many configurations `untilApi` waits through before giving up. */
const maxConfigurations = 40;

/**
 * GETs `path` on the API entry point until `check` returns something other than undefined
 * (given the parsed JSON of a 200 answer, or undefined for any other status), and returns it.
 * After each failed check it waits for the next "configuration applied" line; it gives up,
 * naming `what` and the last answer, after `maxConfigurations` of them.
 */
export async function untilApi<T>(sy: SwitchyardProcess, path: string, check: (body: unknown) => T | undefined, what: string): Promise<T> {
  let last = '';
  for (let round = 0; round <= maxConfigurations; round++) {
    const seen = sy.applied();
    const answer = await send(sy.ports.get('traefik'), { path });
    last = `${answer.status} ${answer.text()}`;
    const result = check(answer.status === 200 ? JSON.parse(answer.text()) as unknown : undefined);
    if (result !== undefined) return result;
    // Past lines count too: a configuration applied while the check ran ends the wait at once.
    await sy.waitFor((l) => isApplied(l) && sy.applied() > seen, `a configuration where ${what}`);
  }
  throw new Error(`no configuration where ${what} after ${maxConfigurations} configurations; last ${path}: ${last}`);
}

/** The API's `serverStatus` of HTTP service `service` once `check` accepts it (e.g. a pod DRAINING). */
export function untilServerStatus(
  sy: SwitchyardProcess, service: string, check: (status: Readonly<Record<string, string>>) => boolean, what: string,
): Promise<Readonly<Record<string, string>>> {
  return untilApi(sy, `/api/http/services/${encodeURIComponent(service)}`, (body) => {
    const status = (body as { serverStatus?: Record<string, string> } | undefined)?.serverStatus;
    return status !== undefined && check(status) ? status : undefined;
  }, what);
}
