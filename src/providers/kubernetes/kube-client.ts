/**
 * How Switchyard reaches the Kubernetes API: the client configuration chosen as Traefik chooses
 * it (reference/kubernetes.md §1.1), and one JSON request function on top of
 * `@kubernetes/client-node`'s authentication (bearer token, token file, client certificates,
 * exec plugins, CA) and its undici dispatcher — the same path its `Watch` takes.
 *
 * Traefik's order: in-cluster service account when KUBERNETES_SERVICE_HOST and _PORT are set
 * (`endpoint` then only replaces the server URL); else the kubeconfig named by KUBECONFIG; else
 * `endpoint` + `token` (a value or a file) + `certAuthFilePath`. Unlike Traefik, a plain
 * `http://` server is accepted without further settings (client-node refuses one unless
 * `skipTLSVerify` is set, which changes nothing for a connection that has no TLS).
 *
 * Requests and responses stay plain JSON: the typed API classes of client-node deserialise into
 * model classes (Date timestamps, unknown fields dropped), which would differ from the objects
 * the watch streams deliver and from what the translators read.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { hostname } from 'node:os';
import { delimiter } from 'node:path';
import { randomUUID } from 'node:crypto';
import { KubeConfig, HttpMethod, RequestContext } from '@kubernetes/client-node';
import { fetch } from 'undici';

/** The client settings of `providers.kubernetesIngress` / `providers.kubernetesCRD`. */
export interface KubeClientOptions {
  readonly endpoint?: string | undefined;
  /** A bearer token, or the path of a file holding one (Traefik's FileOrContent). */
  readonly token?: string | undefined;
  readonly certAuthFilePath?: string | undefined;
}

/** Where the service account's files are mounted in a pod. */
const serviceAccountDirectory = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Loads the client configuration. `configPath` names the static section in errors
 * (`providers.kubernetesIngress`). Throws an Error naming the field when nothing tells where
 * the API server is.
 */
export function loadKubeConfig(options: KubeClientOptions, configPath: string, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  const endpoint = options.endpoint !== undefined && options.endpoint !== '' ? options.endpoint : undefined;
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
    // What client-node's loadFromCluster does, from `env` rather than process.env.
    const host = isIPv6(env.KUBERNETES_SERVICE_HOST) ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST;
    kc.loadFromClusterAndUser(
      { name: 'inCluster', server: endpoint ?? `https://${host}:${env.KUBERNETES_SERVICE_PORT}`, caFile: `${serviceAccountDirectory}/ca.crt`, skipTLSVerify: false },
      { name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile: `${serviceAccountDirectory}/token` } } },
    );
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter((file) => file !== '');
    for (const [index, file] of files.entries()) {
      if (index === 0) {
        kc.loadFromFile(file);
      } else {
        const more = new KubeConfig();
        more.loadFromFile(file);
        kc.mergeConfig(more, true);
      }
    }
  } else {
    if (endpoint === undefined) {
      throw new Error(`${configPath}.endpoint: required outside a cluster when KUBECONFIG is not set (endpoint missing for external cluster client)`);
    }
    const caFile = options.certAuthFilePath !== undefined && options.certAuthFilePath !== '' ? options.certAuthFilePath : undefined;
    if (caFile !== undefined && !existsSync(caFile)) {
      throw new Error(`${configPath}.certAuthFilePath: ${caFile} does not exist`);
    }
    kc.loadFromClusterAndUser(
      { name: 'switchyard', server: endpoint, skipTLSVerify: false, ...(caFile === undefined ? {} : { caFile }) },
      userFor(options.token),
    );
  }
  allowPlainHttp(kc);
  return kc;
}

function userFor(token: string | undefined): { name: string; token?: string } {
  if (token === undefined || token === '') return { name: 'switchyard' };
  // Traefik's FileOrContent: a value naming an existing file is that file, read once at start
  // as Traefik does (trimmed: a token file written by hand ends with a newline).
  return { name: 'switchyard', token: isFile(token) ? readFileSync(token, 'utf8').trim() : token };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function allowPlainHttp(kc: KubeConfig): void {
  kc.clusters = kc.clusters.map((cluster) => (cluster.server.startsWith('http:') ? { ...cluster, skipTLSVerify: true } : cluster));
}

/** Who this process is, for Leases and Events. */
export interface ControllerInstance {
  /** The namespace the controller runs in (its Lease lives there). */
  readonly namespace: string;
  /** Unique per process: the pod name (or host name) and a random suffix. */
  readonly identity: string;
}

/**
 * The controller's namespace and identity: POD_NAMESPACE, else the service account's namespace
 * file, else the kubeconfig context's namespace, else `default`; POD_NAME (else the host name)
 * plus a random suffix so two processes on one host never share an identity.
 */
export function controllerInstance(kc: KubeConfig, env: NodeJS.ProcessEnv = process.env): ControllerInstance {
  let namespace = env.POD_NAMESPACE;
  if (!namespace) {
    try {
      namespace = readFileSync(`${serviceAccountDirectory}/namespace`, 'utf8').trim();
    } catch {
      namespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
    }
  }
  return { namespace: namespace || 'default', identity: `${env.POD_NAME || hostname()}_${randomUUID()}` };
}

/** A failed API request: the HTTP status (0 when no response) and the Status reason. */
export class KubeApiError extends Error {
  readonly code = 'KUBE_API_ERROR';
  readonly status: number;
  /** `metav1.Status.reason` (`NotFound`, `Conflict`, `Expired`, ...) when the server sent one. */
  readonly reason: string | undefined;
  constructor(message: string, status: number, reason?: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
  }
}

/** The HTTP status of an error from a request or a watch (client-node sets `statusCode`). */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof KubeApiError) return error.status;
  if (typeof error === 'object' && error !== null) {
    const e = error as { statusCode?: unknown; code?: unknown };
    if (typeof e.statusCode === 'number') return e.statusCode;
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}

/** One request to the API server. */
export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `/api/v1/namespaces/default/services`, `/apis/networking.k8s.io/v1/...`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** JSON requests to one API server. */
export interface KubeClient {
  /** The configuration (also what client-node's Watch and ListWatch are built on). */
  readonly config: KubeConfig;
  /** Sends one request; resolves with the decoded JSON body of a 2xx, rejects with KubeApiError otherwise. */
  request(request: KubeRequest): Promise<unknown>;
}

const methods: Record<KubeRequest['method'], HttpMethod> = {
  GET: HttpMethod.GET, POST: HttpMethod.POST, PUT: HttpMethod.PUT, PATCH: HttpMethod.PATCH, DELETE: HttpMethod.DELETE,
};

/** Creates the JSON client over a loaded configuration. */
export function createKubeClient(config: KubeConfig): KubeClient {
  return {
    config,
    async request({ method, path, query, body, signal }) {
      const cluster = config.getCurrentCluster();
      if (cluster === null) throw new KubeApiError('no current cluster in the Kubernetes client configuration', 0);
      const url = new URL(cluster.server.replace(/\/+$/, '') + path);
      for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
      const context = new RequestContext(url.toString(), methods[method]);
      await config.applySecurityAuthentication(context);
      const headers: Record<string, string> = { ...context.getHeaders(), accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const dispatcher = context.getDispatcher();
      let response;
      try {
        response = await fetch(url, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(dispatcher === undefined ? {} : { dispatcher }),
          ...(signal === undefined ? {} : { signal }),
        });
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        throw new KubeApiError(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}${cause}`, 0);
      }
      const text = await response.text();
      let decoded: unknown;
      try {
        decoded = text === '' ? undefined : JSON.parse(text);
      } catch {
        decoded = undefined;
      }
      if (response.status >= 200 && response.status < 300) return decoded;
      const status = decoded as { message?: unknown; reason?: unknown } | undefined;
      const message = typeof status?.message === 'string' ? status.message : text.slice(0, 200) || response.statusText;
      throw new KubeApiError(`${method} ${path}: ${response.status} ${message}`, response.status,
        typeof status?.reason === 'string' ? status.reason : undefined);
    },
  };
}
