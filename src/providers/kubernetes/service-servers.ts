/**
 * The servers behind one port of a Kubernetes Service, shared by the Ingress and CRD translators.
 *
 * Follows Traefik (pkg/provider/kubernetes/{ingress,crd} loadService / loadServers):
 * - the port is matched by service port number or, when it has one, by name; the matched port's
 *   name then picks the EndpointSlice port (that port carries the resolved targetPort);
 * - scheme: the caller's override (annotation `service.serversscheme`, CRD `scheme`), else `https`
 *   when the port is 443 or its name starts with `https`, else `http`;
 * - ExternalName services only when the provider allows them; `nativeLB` gives the ClusterIP as the
 *   only server; `nodePortLB` one server per node InternalIP on the nodePort.
 *
 * Differs from Traefik on purpose:
 * - endpoint conditions: ready (and not terminating) → in rotation; serving and terminating →
 *   `fenced: true` (draining: keeps sticky and affinity clients, gets no new ones); anything else
 *   → out. A missing condition reads as ready, serving, not terminating (the API's meaning of
 *   nil). Traefik ignores `ready` and keeps not-ready-but-serving endpoints in rotation.
 * - servers are de-duplicated and sorted by address (IPv4 numerically, then IPv6, then names) and
 *   port, so the configuration, and with it every sticky cookie value (a hash of the server URL),
 *   is the same whatever the order of slices and endpoints. Traefik orders by slice creation time.
 * - an EndpointSlice port without a matching name is still used when its number is the service
 *   port's numeric targetPort (hand-written slices often leave names out).
 */
import { isIP } from 'node:net';
import type { KubeObject, KubeSnapshot } from './kube-objects.ts';

/** What the caller decides about a Service reference. */
export interface ServiceServersOptions {
  /** Scheme override (`http`, `https` or `h2c`); empty or absent: from the port. */
  readonly scheme?: string;
  /** One server at the ClusterIP (kube-proxy balances). */
  readonly nativeLB?: boolean;
  /** Whether ExternalName services may be used (provider option `allowExternalNameServices`). */
  readonly allowExternalName: boolean;
  /** One server per node InternalIP on the nodePort (Service of type NodePort). */
  readonly nodePortLB?: boolean;
}

/** One server; `fenced` marks a terminating endpoint that still serves (draining). */
export interface ServiceServer {
  readonly url: string;
  readonly fenced?: true;
}

/** The resolved port and its servers, or why the reference cannot be used. */
export type ServiceServers =
  | {
    readonly ok: true;
    readonly service: KubeObject;
    /** The service port number (`spec.ports[].port`). */
    readonly port: number;
    readonly scheme: 'http' | 'https' | 'h2c';
    servers: ServiceServer[];
  }
  | {
    readonly ok: false;
    readonly message: string;
    /** Field of the Service the problem is in (`spec.type`), when it is there. */
    readonly field?: string;
  };

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** `host:port`, with an IPv6 address in brackets. */
function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

interface ServicePort {
  readonly port: number;
  readonly name: string;
  readonly targetPort: unknown;
  readonly nodePort: unknown;
}

function findServicePort(spec: Json, wanted: string | number): ServicePort | undefined {
  // A port name is an IANA service name, never all digits: "80" names port 80.
  const number = typeof wanted === 'number' ? wanted : /^\d+$/.test(wanted) ? Number(wanted) : undefined;
  for (const p of records(spec['ports'])) {
    const name = text(p['name']);
    if ((number !== undefined && p['port'] === number) || (number === undefined && name !== '' && name === wanted)) {
      if (!isPort(p['port'])) return undefined;
      return { port: p['port'], name, targetPort: p['targetPort'], nodePort: p['nodePort'] };
    }
  }
  return undefined;
}

const schemes = ['http', 'https', 'h2c'] as const;

/**
 * Resolves `namespace/service:port` to its servers. Never throws: a missing Service or port, a
 * forbidden ExternalName, a headless Service with `nativeLB`… come back as `{ok: false, message}`.
 * An existing port with no ready endpoints is `ok` with no servers; the caller decides whether an
 * empty service is allowed.
 */
export function resolveServiceServers(
  snapshot: KubeSnapshot, namespace: string, service: string, port: string | number, options: ServiceServersOptions,
): ServiceServers {
  const object = snapshot.get('Service', namespace, service);
  if (object === undefined) return { ok: false, message: `Service ${namespace}/${service} not found` };
  const spec = isRecord(object.spec) ? object.spec : {};
  const type = text(spec['type']) || 'ClusterIP';
  if (type === 'ExternalName' && !options.allowExternalName) {
    return {
      ok: false, field: 'spec.type',
      message: `Service ${namespace}/${service} is of type ExternalName, which the provider does not allow (set allowExternalNameServices: true)`,
    };
  }
  const servicePort = findServicePort(spec, port);
  // ExternalName services often list no ports; a numeric reference then names the port itself.
  const externalNoPorts = type === 'ExternalName' && servicePort === undefined && typeof port === 'number' && isPort(port);
  if (servicePort === undefined && !externalNoPorts) {
    const known = records(spec['ports']).map((p) => (text(p['name']) === '' ? String(p['port']) : `${String(p['port'])} (${text(p['name'])})`));
    return {
      ok: false, field: 'spec.ports',
      message: `Service ${namespace}/${service} has no port ${JSON.stringify(port)}${known.length > 0 ? `; its ports are ${known.join(', ')}` : ''}`,
    };
  }
  const number = servicePort?.port ?? (port as number);
  const name = servicePort?.name ?? '';

  let scheme: 'http' | 'https' | 'h2c';
  if (options.scheme !== undefined && options.scheme !== '') {
    const wanted = schemes.find((s) => s === options.scheme);
    if (wanted === undefined) return { ok: false, message: `expected a servers scheme http, https or h2c, got ${JSON.stringify(options.scheme)}` };
    scheme = wanted;
  } else {
    scheme = number === 443 || name.startsWith('https') ? 'https' : 'http';
  }
  const ok = (servers: ServiceServer[]): ServiceServers => ({ ok: true, service: object, port: number, scheme, servers });

  if (type === 'ExternalName') {
    const host = text(spec['externalName']);
    if (host === '') return { ok: false, field: 'spec.externalName', message: `ExternalName Service ${namespace}/${service} names no host` };
    return ok([{ url: `${scheme}://${hostPort(host, number)}` }]);
  }

  if (options.nodePortLB === true) {
    if (type !== 'NodePort') {
      return { ok: false, field: 'spec.type', message: `nodePortLB needs a Service of type NodePort; ${namespace}/${service} is ${type}` };
    }
    if (!isPort(servicePort?.nodePort)) {
      return { ok: false, field: 'spec.ports', message: `port ${number} of Service ${namespace}/${service} has no nodePort` };
    }
    const nodePort = servicePort.nodePort;
    const addresses = snapshot.list('Node').flatMap((node) => {
      const status = isRecord(node.status) ? node.status : {};
      return records(status['addresses']).filter((a) => a['type'] === 'InternalIP').map((a) => text(a['address'])).filter((a) => a !== '');
    });
    return ok(sortedServers([...new Set(addresses)].map((a) => ({ address: a, port: nodePort, fenced: false })), scheme));
  }

  if (options.nativeLB === true) {
    const clusterIP = text(spec['clusterIP']);
    if (clusterIP === 'None') {
      return { ok: false, field: 'spec.clusterIP', message: `Service ${namespace}/${service} is headless (clusterIP: None); nativeLB needs a cluster IP` };
    }
    if (clusterIP === '') return { ok: false, field: 'spec.clusterIP', message: `Service ${namespace}/${service} has no cluster IP; nativeLB needs one` };
    return ok([{ url: `${scheme}://${hostPort(clusterIP, number)}` }]);
  }

  const targetPort = servicePort !== undefined && isPort(servicePort.targetPort) ? servicePort.targetPort : undefined;
  return ok(sortedServers(endpointAddresses(snapshot.endpointSlicesOf(namespace, service), name, targetPort), scheme));
}

interface Candidate {
  readonly address: string;
  readonly port: number;
  readonly fenced: boolean;
}

function endpointAddresses(slices: readonly KubeObject[], portName: string, targetPort: number | undefined): Candidate[] {
  const out: Candidate[] = [];
  for (const slice of slices) {
    const ports = records(slice.ports);
    // The API server writes "" for an unnamed port; fixtures often leave the name out.
    const match = ports.find((p) => text(p['name']) === portName)
      ?? (targetPort === undefined ? undefined : ports.find((p) => p['port'] === targetPort));
    if (match === undefined || !isPort(match['port'])) continue;
    const port = match['port'];
    for (const endpoint of records(slice.endpoints)) {
      const conditions = isRecord(endpoint['conditions']) ? endpoint['conditions'] : {};
      const ready = conditions['ready'] !== false;
      const serving = conditions['serving'] !== false;
      const terminating = conditions['terminating'] === true;
      let fenced: boolean;
      if (terminating) {
        if (!serving) continue;
        fenced = true;
      } else if (ready) {
        fenced = false;
      } else {
        continue;
      }
      for (const address of Array.isArray(endpoint['addresses']) ? endpoint['addresses'] : []) {
        if (typeof address === 'string' && address !== '') out.push({ address, port, fenced });
      }
    }
  }
  return out;
}

/** An order over addresses: IPv4 numerically, then IPv6 numerically, then names. */
function addressKey(address: string): [number, bigint | string] {
  const family = isIP(address);
  if (family === 4) return [0, address.split('.').reduce((n, octet) => n * 256n + BigInt(octet), 0n)];
  if (family === 6 && !address.includes('%')) return [1, ipv6Value(address)];
  if (family === 6) return [1, address.toLowerCase()];
  return [2, address.toLowerCase()];
}

function ipv6Value(address: string): bigint {
  let groups: string[];
  const [head, tail] = address.split('::') as [string, string | undefined];
  const parts = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const expand = (list: string[]): string[] => list.flatMap((g) => {
    if (!g.includes('.')) return [g];
    const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
    return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  });
  if (tail === undefined) {
    groups = expand(parts(head));
  } else {
    const left = expand(parts(head));
    const right = expand(parts(tail));
    groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  }
  return groups.reduce((n, g) => (n << 16n) + BigInt(`0x${g || '0'}`), 0n);
}

function compareCandidates(a: Candidate, b: Candidate): number {
  const [fa, va] = addressKey(a.address);
  const [fb, vb] = addressKey(b.address);
  if (fa !== fb) return fa - fb;
  // A zoned IPv6 address keys as text: compare like with like.
  if (typeof va !== typeof vb) return typeof va === 'bigint' ? -1 : 1;
  if (va !== vb) return va < vb ? -1 : 1;
  return a.port - b.port;
}

function sortedServers(candidates: readonly Candidate[], scheme: string): ServiceServer[] {
  // One server per URL; an address both in rotation and draining (two slices during a rollout)
  // stays in rotation.
  const byUrl = new Map<string, Candidate>();
  for (const c of candidates) {
    const url = `${scheme}://${hostPort(c.address, c.port)}`;
    const seen = byUrl.get(url);
    if (seen === undefined || (seen.fenced && !c.fenced)) byUrl.set(url, c);
  }
  return [...byUrl].sort(([, a], [, b]) => compareCandidates(a, b))
    .map(([url, c]) => (c.fenced ? { url, fenced: true } : { url }));
}

/** Kubernetes' default ClientIP affinity timeout (3 h) and its bounds (ServiceSpec validation). */
export const defaultClientIpTimeoutSeconds = 10_800;
const maxClientIpTimeoutSeconds = 86_400;

/** A Service's `spec.sessionAffinity`: none, ClientIP with its timeout, or why it is invalid. */
export type ServiceSessionAffinity =
  | { readonly ok: true; readonly clientIP?: { readonly timeoutSeconds: number } }
  | { readonly ok: false; readonly message: string; readonly field: string };

/**
 * Reads `spec.sessionAffinity: ClientIP` and `spec.sessionAffinityConfig.clientIP.timeoutSeconds`
 * (default 10800, 1 to 86400). Kube-proxy implements it; Switchyard proxies to endpoints directly,
 * so the translators turn it into `sticky.clientIP` with the same idle timeout.
 */
export function serviceSessionAffinity(service: KubeObject): ServiceSessionAffinity {
  const spec = isRecord(service.spec) ? service.spec : {};
  const affinity = spec['sessionAffinity'];
  if (affinity === undefined || affinity === null || affinity === '' || affinity === 'None') return { ok: true };
  if (affinity !== 'ClientIP') {
    return { ok: false, field: 'spec.sessionAffinity', message: `expected sessionAffinity None or ClientIP, got ${JSON.stringify(affinity)}` };
  }
  const config = isRecord(spec['sessionAffinityConfig']) ? spec['sessionAffinityConfig'] : {};
  const clientIP = isRecord(config['clientIP']) ? config['clientIP'] : {};
  const timeout = clientIP['timeoutSeconds'];
  if (timeout === undefined || timeout === null) return { ok: true, clientIP: { timeoutSeconds: defaultClientIpTimeoutSeconds } };
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > maxClientIpTimeoutSeconds) {
    return {
      ok: false, field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
      message: `expected timeoutSeconds from 1 to ${maxClientIpTimeoutSeconds}, got ${JSON.stringify(timeout)}`,
    };
  }
  return { ok: true, clientIP: { timeoutSeconds: timeout } };
}
