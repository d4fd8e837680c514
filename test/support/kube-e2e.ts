/**
 * Test support for the Kubernetes end-to-end tests: the real `bin/switchyard` watching the fake
 * API server (test/support/kube-fake) through a kubeconfig named by KUBECONFIG, as it would a
 * cluster, plus the small things every such test needs — a static configuration, Services backed
 * by echo pods (pods.ts; a pod of Service `svc` is named `svc-<n>`), requests by Host through an
 * entry point, and a bounded wait for routing to converge that moves on "configuration applied"
 * log lines, never on a timer.
 */
import type { Agent } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { send } from './http-client.ts';
import { asFakePods, type PodFleet } from './pods.ts';
import type { FakeKubeApi } from './kube-fake/fake-api.ts';
import { startSwitchyard, tempDir, type LogLine, type SwitchyardProcess } from './switchyard-process.ts';

/** The address the tests' Ingress provider publishes in Ingress status. */
export const publishedIp = '203.0.113.10';

/** Options of `kubeStaticConfig`. */
export interface KubeStaticOptions {
  /** Path of the (empty) dynamic file the file provider watches: startSwitchyard waits for that provider. */
  readonly dynamicFile: string;
  /** Entry points besides `web`, indented by two spaces. */
  readonly entryPoints?: string;
}

/**
 * A static configuration: `web` on 127.0.0.1 port 0 (plus `entryPoints`), no throttling, the file
 * provider on `dynamicFile`, the Ingress provider publishing `publishedIp` in Ingress status, JSON logs.
 */
export function kubeStaticConfig(options: KubeStaticOptions): string {
  return `entryPoints:
  web:
    address: "127.0.0.1:0"
${options.entryPoints ?? ''}providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(options.dynamicFile)}
    watch: false
  kubernetesIngress:
    ingressEndpoint:
      ip: "${publishedIp}"
log:
  level: INFO
  format: json
`;
}

/** True for a "configuration applied" line that includes the `kubernetes` provider. */
export function isKubernetesApplied(line: LogLine): boolean {
  return line.message === 'configuration applied' && Array.isArray(line.providers) && line.providers.includes('kubernetes');
}

/**
 * Starts Switchyard on `staticText(dynamicFile)` with KUBECONFIG pointing at `api` (and POD_NAMESPACE
 * `default`, where its status Lease lives, unless `env` says otherwise), and waits until every
 * entry point listens and a configuration with the Ingress provider is applied.
 */
export async function startKubeSwitchyard(
  api: FakeKubeApi, entryPoints: readonly string[], staticText: (dynamicFile: string) => string = (f) => kubeStaticConfig({ dynamicFile: f }),
  env: Readonly<Record<string, string>> = {},
): Promise<SwitchyardProcess> {
  const dir = tempDir({ 'dynamic.yml': '# nothing: every route comes from Kubernetes\n' });
  const dynamicFile = join(dir, 'dynamic.yml');
  writeFileSync(join(dir, 'static.yml'), staticText(dynamicFile));
  const sy = await startSwitchyard([`--configFile=${join(dir, 'static.yml')}`], [...entryPoints], {
    env: { KUBECONFIG: api.kubeconfigFile(), POD_NAMESPACE: 'default', ...env },
  });
  await sy.waitFor(isKubernetesApplied, 'the first configuration with the kubernetes provider');
  return sy;
}

/** A Service `namespace/name` with one TCP port (`port`, named `portName` when given) to the pods' port. */
export function serviceYaml(namespace: string, name: string, targetPort: number, port = 80, portName?: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector: {app: ${name}}
  ports:
  - ${portName === undefined ? '' : `name: ${portName}\n    `}port: ${port}
    targetPort: ${targetPort}
    protocol: TCP
`;
}

/**
 * Starts `replicas` pods (`<service>-0`, `<service>-1`, …) in `fleet` for each named Service of
 * `namespace`, creates the Services (port 80 to the fleet's port) and their EndpointSlices.
 */
export async function deployServices(
  api: FakeKubeApi, fleet: PodFleet, namespace: string, services: Readonly<Record<string, number>>,
): Promise<void> {
  for (const [name, replicas] of Object.entries(services)) {
    const pods: string[] = [];
    for (let i = 0; i < replicas; i++) pods.push((await fleet.start(`${name}-${i}`)).name);
    api.apply(serviceYaml(namespace, name, fleet.port));
    api.setPods(namespace, name, asFakePods(fleet, pods));
  }
}

/** The Service of a pod named `<service>-<n>`. */
export function serviceOfPod(pod: string): string {
  return pod.replace(/-\d+$/, '');
}

/** What a pod of pods.ts answers. */
export interface PodReply {
  readonly pod: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** One answer through Switchyard: the status, and the pod's reply when a pod answered. */
export interface Routed {
  readonly status: number;
  readonly reply: PodReply | undefined;
  /** The Service whose pod answered, or `status <n>` when none did (e.g. `status 404`). */
  readonly target: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

function routed(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, body: string): Routed {
  let reply: PodReply | undefined;
  if (String(headers['content-type'] ?? '').startsWith('application/json')) {
    try {
      const parsed = JSON.parse(body) as PodReply;
      if (typeof parsed.pod === 'string') reply = parsed;
    } catch {
      reply = undefined;
    }
  }
  return { status, reply, headers, target: reply === undefined ? `status ${status}` : serviceOfPod(reply.pod) };
}

/**
 * GET `path` with `Host: host` (and `headers`) through the entry point on `port`, on a fresh
 * connection or over `agent`'s (see `oneConnection`).
 */
export async function get(port: number | undefined, host: string, path = '/', headers: Readonly<Record<string, string>> = {}, agent?: Agent): Promise<Routed> {
  const answer = await send(port, { path, headers: { host, ...headers }, agent });
  return routed(answer.status, answer.headers, answer.text());
}

/** An HTTPS answer, with the certificate the entry point presented (its DER bytes). */
export interface RoutedTls extends Routed {
  readonly certificate: Buffer;
}

/** GET over TLS with SNI `host`, trusting `ca`. */
export function getTls(port: number | undefined, host: string, ca: string, path = '/'): Promise<RoutedTls> {
  return new Promise((resolve, reject) => {
    if (port === undefined) {
      reject(new Error('no port: the entry point is not listening'));
      return;
    }
    const req = httpsRequest({ host: '127.0.0.1', port, servername: host, path, headers: { host }, ca, agent: false }, (res) => {
      const certificate = (res.socket as TLSSocket).getPeerCertificate().raw;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ ...routed(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8')), certificate }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Runs `check` until it returns true: after each false, waits for the next "configuration
 * applied" line, at most `rounds` times. Rejects with `what` and the last check's detail when it
 * never holds. Use it after a change to the cluster whose effect reaches routing through a rebuild.
 */
export async function untilApplied(
  sy: SwitchyardProcess, what: string, check: () => Promise<true | string>, rounds = 10,
): Promise<void> {
  let detail = '';
  for (let round = 0; round <= rounds; round++) {
    const seen = sy.applied();
    const result = await check();
    if (result === true) return;
    detail = result;
    if (round === rounds) break;
    // Any line does once a newer configuration was applied (past lines included).
    await sy.waitFor((l) => l.message === 'configuration applied' && sy.applied() > seen, `a configuration after number ${seen}`);
  }
  throw new Error(`${what}: not after ${rounds} configurations (${detail})`);
}

/** `check` for untilApplied: every `[host, path, headers?]` request reaches `target` (a Service, or `status 404`). */
export function routesTo(port: () => number | undefined, expectations: readonly (readonly [host: string, path: string, target: string, headers?: Record<string, string>])[]): () => Promise<true | string> {
  return async () => {
    const wrong: string[] = [];
    for (const [host, path, target, headers] of expectations) {
      const answer = await get(port(), host, path, headers ?? {});
      if (answer.target !== target) wrong.push(`${host}${path} → ${answer.target}, wanted ${target}`);
    }
    return wrong.length === 0 ? true : wrong.join('; ');
  };
}
