/**
 * Test support: "pods" for the Kubernetes end-to-end tests — real HTTP echo servers, one per
 * loopback address 127.0.0.2 … 127.0.0.11, all on one common port, as pods of a Deployment all
 * listen on the same containerPort at their own IP. (Linux routes the whole of 127.0.0.0/8 to
 * the loopback interface, so any of these addresses can be bound without setup.)
 *
 * Each pod answers every request with `{"pod": <name>, "headers": <headers received>}` and
 * records it, so a test can count which pod got what (mirrored requests included, whose
 * responses nobody sees) and wait for a count to be reached instead of sleeping.
 *
 * `asFakePods` turns the running pods into what the fake API server's EndpointSlice controller
 * (`FakeKubeApi.setPods`) takes, with per-pod conditions for a rolling update.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakePod } from './kube-fake/fake-api.ts';

/** The addresses pods get, in order of allocation. */
export const podAddresses: readonly string[] = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`);

/** One request as a pod saw it. */
export interface PodRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A running pod. */
export interface EchoPod {
  readonly name: string;
  readonly ip: string;
  /** Every request received so far, in arrival order. */
  readonly requests: readonly PodRequest[];
  /** Resolves once the pod has received at least `count` requests in all. */
  waitForRequests(count: number): Promise<void>;
}

/** The pods of one test file, on a common port. */
export interface PodFleet {
  /** The port every pod listens on (the containerPort). */
  readonly port: number;
  /**
   * Starts a pod named `name` on a free address, one never used before in this fleet if there
   * is one (a new pod rarely gets the IP of one just deleted, and a reused IP would make the
   * old pod's sticky cookies name the new one); throws when all ten are taken.
   */
  start(name: string): Promise<EchoPod>;
  /** Stops a pod (its address becomes free again); open connections are cut. */
  stop(name: string): Promise<void>;
  /** The running pod named `name`; throws if there is none. */
  pod(name: string): EchoPod;
  /** The name of the pod at `ip`, or undefined. */
  nameAt(ip: string): string | undefined;
  /** Stops every pod. */
  close(): Promise<void>;
}

/** Pod conditions for `setPods` during a rollout (default: ready). */
export interface PodState {
  readonly ready?: boolean;
  readonly serving?: boolean;
  readonly terminating?: boolean;
}

/** `FakeKubeApi.setPods` input for `pods` (names of running pods, or [name, state] pairs). */
export function asFakePods(fleet: PodFleet, pods: readonly (string | readonly [string, PodState])[]): FakePod[] {
  return pods.map((entry) => {
    const [name, state] = typeof entry === 'string' ? [entry, {}] : entry;
    const pod = fleet.pod(name);
    return { name: pod.name, ip: pod.ip, ...state };
  });
}

interface RunningPod extends EchoPod {
  readonly server: Server;
}

function startEcho(name: string, ip: string, port: number): Promise<RunningPod> {
  const requests: PodRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    // Read the body (mirrored POSTs have one) before answering, so a request is counted whole.
    req.resume();
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (requests.length >= waiters[i]!.count) {
          waiters[i]!.resolve();
          waiters.splice(i, 1);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ pod: name, headers: req.headers }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => {
      server.off('error', reject);
      resolve({
        name,
        ip,
        server,
        requests,
        waitForRequests(count) {
          if (requests.length >= count) return Promise.resolve();
          return new Promise((r) => waiters.push({ count, resolve: r }));
        },
      });
    });
  });
}

async function stopEcho(pod: RunningPod): Promise<void> {
  const closed = once(pod.server, 'close');
  pod.server.close();
  pod.server.closeAllConnections();
  await closed;
}

/**
 * Picks a common port: the first pod's address gets an ephemeral port and that port must be free
 * on every other pod address too (checked by binding and releasing it); a few tries at most.
 */
async function commonPort(): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const first = createServer();
    await new Promise<void>((resolve, reject) => {
      first.once('error', reject);
      first.listen(0, podAddresses[0], () => resolve());
    });
    const port = (first.address() as AddressInfo).port;
    const probes: Server[] = [first];
    let free = true;
    for (const ip of podAddresses.slice(1)) {
      const probe = createServer();
      const ok = await new Promise<boolean>((resolve) => {
        probe.once('error', () => resolve(false));
        probe.listen(port, ip, () => resolve(true));
      });
      if (!ok) {
        free = false;
        break;
      }
      probes.push(probe);
    }
    await Promise.all(probes.map(async (p) => {
      const closed = once(p, 'close');
      p.close();
      await closed;
    }));
    if (free) return port;
  }
  throw new Error('no port is free on all of 127.0.0.2-127.0.0.11 after 5 tries');
}

/** Starts an empty fleet; pods are started with `start(name)`. */
export async function startPodFleet(): Promise<PodFleet> {
  const port = await commonPort();
  const running = new Map<string, RunningPod>();
  const used = new Set<string>();
  const fleet: PodFleet = {
    port,
    async start(name) {
      if (running.has(name)) throw new Error(`pod ${name} is already running`);
      const taken = new Set([...running.values()].map((p) => p.ip));
      const ip = podAddresses.find((a) => !taken.has(a) && !used.has(a)) ?? podAddresses.find((a) => !taken.has(a));
      if (ip === undefined) throw new Error(`no free pod address for ${name}: ${podAddresses.length} pods run already`);
      const pod = await startEcho(name, ip, port);
      running.set(name, pod);
      used.add(ip);
      return pod;
    },
    async stop(name) {
      const pod = running.get(name);
      if (pod === undefined) return;
      running.delete(name);
      await stopEcho(pod);
    },
    pod(name) {
      const pod = running.get(name);
      if (pod === undefined) throw new Error(`no running pod named ${name}`);
      return pod;
    },
    nameAt(ip) {
      return [...running.values()].find((p) => p.ip === ip)?.name;
    },
    async close() {
      const pods = [...running.values()];
      running.clear();
      await Promise.all(pods.map(stopEcho));
    },
  };
  return fleet;
}
