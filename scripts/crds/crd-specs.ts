/**
 * The `spec` schema of each Traefik CRD kind, for the CRDs Switchyard ships (both API groups
 * take the same schemas).
 *
 * The CRD shapes are Traefik's [pkg/provider/kubernetes/crd/traefikio/v1alpha1]: routes refer to
 * Kubernetes Services and TraefikServices by name, namespace and port instead of naming
 * configuration items; certificates, CAs and credentials come from Secrets (and ConfigMaps)
 * instead of files. Those parts are written here. Everything that has the same shape in the
 * dynamic configuration — middleware settings, sticky cookies, health checks, transports, TLS
 * options — is generated from src/config's schemas, with each difference listed as an
 * `ObjectChanges` next to the part it changes.
 *
 * Where Switchyard's configuration has more than Traefik's (sticky `clientIP`, `hash`,
 * `slowStart`, mirror `compare`, …) the CRD accepts it too. Where Traefik's CRD has fields we do
 * not implement (the `tap` middleware, the deprecated `ssl*` header options), they are declared
 * here so manifests written for Traefik still apply; the CRD translator reports them.
 */
import { httpMiddlewareSchema, httpMiddlewareSchemas as kinds } from '../../src/config/http-middlewares.ts';
import { forwardAuthTlsSchema } from '../../src/config/http-middlewares-auth.ts';
import { redisSchema, redisTlsSchema } from '../../src/config/http-middlewares-traffic.ts';
import { routerObservabilitySchema, routerTlsSchema } from '../../src/config/http-routers.ts';
import { httpServersTransportSchema } from '../../src/config/http-servers-transports.ts';
import {
  failoverServiceSchema, highestRandomWeightServiceSchema, loadBalancerSchema, mirroringServiceSchema, mirrorSchema,
  weightedServiceSchema,
} from '../../src/config/http-services.ts';
import {
  tcpClientTlsSchema, tcpLoadBalancerSchema, tcpMiddlewareSchema, tcpRouterTlsSchema, tcpServersTransportSchema,
} from '../../src/config/tcp.ts';
import { clientAuthSchema, tlsOptionsSchema, tlsStoreSchema } from '../../src/config/tls.ts';
import { objectFromZod, openApiFromZod, type ObjectChanges } from './openapi-from-zod.ts';
import {
  boolean, describe, integer, intOrString, list, object, string, type OpenApiSchema,
} from './openapi.ts';

/** `{name, namespace}`: a reference to another object (namespace defaults to the referrer's). */
const reference = object({ name: string(), namespace: string() }, { required: ['name'] });

/** `{secretName}`: a Secret holding `tls.crt` and `tls.key`. */
const certificateSecret = object({ secretName: string() }, { required: ['secretName'] });

/** Client TLS whose CA and certificate come from Secrets instead of files (forwardAuth, Redis). */
const clientTlsFromSecrets: ObjectChanges = {
  omit: ['ca', 'cert', 'key'],
  set: {
    caSecret: describe(string(), 'Secret holding the CA (key tls.ca or ca.crt).'),
    certSecret: describe(string(), 'Secret holding the client certificate (keys tls.crt and tls.key).'),
  },
};

/** Servers-transport CAs and client certificates from Secrets and ConfigMaps instead of files. */
const transportTlsFromSecrets: ObjectChanges = {
  omit: ['rootCAs', 'certificates'],
  set: {
    rootCAs: list(describe(object({ secret: string(), configMap: string() }),
      'A Secret or ConfigMap holding a CA certificate (key tls.ca or ca.crt).')),
    rootCAsSecrets: describe(list(string()), 'Deprecated: use rootCAs.'),
    certificatesSecrets: describe(list(string()), 'Secrets holding client certificates for mTLS.'),
  },
};

/**
 * A Kubernetes Service (or TraefikService) to send requests to, with the loadBalancer settings
 * of the dynamic configuration except its `servers` (they come from the Service's endpoints).
 */
const loadBalancerSpec = objectFromZod(loadBalancerSchema, {
  omit: ['servers'],
  set: {
    name: describe(string(), 'Name of the Kubernetes Service or TraefikService.'),
    kind: string({ enum: ['Service', 'TraefikService'] }),
    namespace: string(),
    port: describe(intOrString(), 'Port of the Kubernetes Service, by number or name.'),
    scheme: string(),
    weight: integer({ minimum: 0 }),
    nativeLB: describe(boolean(), "Send to the Service's cluster IP instead of its endpoints."),
    nodePortLB: describe(boolean(), "Send to the nodes' internal IPs on the Service's node port."),
    middlewares: list(reference),
  },
}, 'loadBalancer');

const loadBalancerSpecRequired = { ...loadBalancerSpec, required: ['name'] };

/** The `tap` middleware of Traefik v3.7 (not implemented by Switchyard; accepted and reported). */
const tapRecord = {
  service: loadBalancerSpecRequired,
  path: string(),
  body: boolean(),
  maxBodySize: integer(),
  failClosed: boolean(),
};
const tapMiddleware = object({
  request: object(tapRecord),
  response: object({ ...tapRecord, requestHeaders: list(string()) }),
  timeout: intOrString(),
});

/** Deprecated header options that Traefik's CRDs still declare. */
const deprecatedHeaderOptions = {
  featurePolicy: string(),
  sslForceHost: boolean(),
  sslHost: string(),
  sslRedirect: boolean(),
  sslTemporaryRedirect: boolean(),
};

const middlewareSpec = objectFromZod(httpMiddlewareSchema, {
  set: {
    basicAuth: objectFromZod(kinds.basicAuth, {
      omit: ['users', 'usersFile'], set: { secret: describe(string(), 'Secret holding the users.') },
    }, 'basicAuth'),
    digestAuth: objectFromZod(kinds.digestAuth, {
      omit: ['users', 'usersFile'], set: { secret: describe(string(), 'Secret holding the users.') },
    }, 'digestAuth'),
    chain: objectFromZod(kinds.chain, { set: { middlewares: list(reference) } }, 'chain'),
    errors: objectFromZod(kinds.errors, { set: { service: loadBalancerSpecRequired } }, 'errors'),
    forwardAuth: objectFromZod(kinds.forwardAuth, {
      set: { tls: objectFromZod(forwardAuthTlsSchema, clientTlsFromSecrets, 'forwardAuth.tls') },
    }, 'forwardAuth'),
    headers: objectFromZod(kinds.headers, { set: deprecatedHeaderOptions }, 'headers'),
    rateLimit: objectFromZod(kinds.rateLimit, {
      set: {
        redis: objectFromZod(redisSchema, {
          omit: ['username', 'password'],
          set: {
            secret: describe(string(), 'Secret holding the Redis username and password.'),
            tls: objectFromZod(redisTlsSchema, clientTlsFromSecrets, 'rateLimit.redis.tls'),
          },
        }, 'rateLimit.redis'),
      },
    }, 'rateLimit'),
    tap: tapMiddleware,
  },
}, 'middleware');

const serviceChildren = list(loadBalancerSpecRequired);

const traefikServiceSpec = object({
  weighted: objectFromZod(weightedServiceSchema, { set: { services: serviceChildren } }, 'weighted'),
  highestRandomWeight: objectFromZod(highestRandomWeightServiceSchema, { set: { services: serviceChildren } },
    'highestRandomWeight'),
  mirroring: {
    ...objectFromZod(mirroringServiceSchema, {
      // The main service is the LoadBalancerSpec fields inline, as in Traefik.
      omit: ['service'],
      set: {
        ...loadBalancerSpec.properties,
        mirrors: list({
          ...objectFromZod(mirrorSchema, { omit: ['name'], set: { ...loadBalancerSpec.properties } }, 'mirrors'),
          required: ['name'],
        }),
      },
    }, 'mirroring'),
    required: ['name'],
  },
  failover: objectFromZod(failoverServiceSchema, {
    set: { service: loadBalancerSpecRequired, fallback: loadBalancerSpecRequired },
  }, 'failover'),
});

const ingressRouteSpec = object({
  ingressClassName: string(),
  entryPoints: list(string()),
  routes: list(object({
    match: describe(string(), 'The router rule.'),
    kind: string({ enum: ['Rule'] }),
    priority: integer(),
    syntax: describe(string(), 'Deprecated: rule syntax (v2 or v3).'),
    services: serviceChildren,
    middlewares: list(reference),
    observability: openApiFromZod(routerObservabilitySchema, 'observability'),
  }, { required: ['match'] })),
  tls: objectFromZod(routerTlsSchema, {
    set: {
      secretName: describe(string(), 'Secret holding the certificate (keys tls.crt and tls.key).'),
      options: describe(reference, 'A TLSOption.'),
      store: describe(reference, 'A TLSStore (only `default` is used).'),
    },
  }, 'tls'),
  parentRefs: describe(list(reference), 'Parent IngressRoutes (multi-layer routing).'),
}, { required: ['routes'] });

/** A Kubernetes Service of a TCP route, with the TCP loadBalancer settings except `servers`. */
const tcpServiceSpec = objectFromZod(tcpLoadBalancerSchema, {
  omit: ['servers'],
  set: {
    name: string(),
    namespace: string(),
    port: intOrString(),
    weight: integer({ minimum: 0 }),
    tls: describe(boolean(), 'Dial the servers with TLS.'),
    nativeLB: boolean(),
    nodePortLB: boolean(),
  },
}, 'tcp loadBalancer');

const ingressRouteTcpSpec = object({
  entryPoints: list(string()),
  routes: list(object({
    match: string(),
    priority: integer(),
    syntax: string(),
    services: list({ ...tcpServiceSpec, required: ['name', 'port'] }),
    middlewares: list(reference),
  }, { required: ['match'] })),
  tls: objectFromZod(tcpRouterTlsSchema, {
    set: { secretName: string(), options: reference, store: reference },
  }, 'tcp tls'),
}, { required: ['routes'] });

const ingressRouteUdpSpec = object({
  entryPoints: list(string()),
  routes: list(object({
    services: list(object({
      name: string(),
      namespace: string(),
      port: intOrString(),
      weight: integer({ minimum: 0 }),
      nativeLB: boolean(),
      nodePortLB: boolean(),
    }, { required: ['name', 'port'] })),
  })),
}, { required: ['routes'] });

const serversTransportSpec = objectFromZod(httpServersTransportSchema, transportTlsFromSecrets, 'serversTransport');

const serversTransportTcpSpec = objectFromZod(tcpServersTransportSchema, {
  set: { tls: objectFromZod(tcpClientTlsSchema, transportTlsFromSecrets, 'tcp serversTransport.tls') },
}, 'tcp serversTransport');

const tlsOptionSpec = objectFromZod(tlsOptionsSchema, {
  set: {
    clientAuth: objectFromZod(clientAuthSchema, {
      omit: ['caFiles'],
      set: { secretNames: describe(list(string()), 'Secrets holding the CA certificates that verify clients.') },
    }, 'clientAuth'),
  },
}, 'tls options');

const tlsStoreSpec = objectFromZod(tlsStoreSchema, {
  set: {
    defaultCertificate: certificateSecret,
    certificates: describe(list(certificateSecret), 'Certificates added to the store.'),
  },
}, 'tls store');

/** One CRD kind: its names and the schema of its `spec`. */
export interface CrdKind {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly description: string;
  readonly spec: OpenApiSchema;
}

/** The ten kinds of Traefik's CRD provider, in Traefik's file order (by plural). */
export const crdKinds: readonly CrdKind[] = [
  { kind: 'IngressRoute', plural: 'ingressroutes', singular: 'ingressroute', description: 'HTTP routers.', spec: ingressRouteSpec },
  { kind: 'IngressRouteTCP', plural: 'ingressroutetcps', singular: 'ingressroutetcp', description: 'TCP routers.', spec: ingressRouteTcpSpec },
  { kind: 'IngressRouteUDP', plural: 'ingressrouteudps', singular: 'ingressrouteudp', description: 'UDP routers.', spec: ingressRouteUdpSpec },
  { kind: 'Middleware', plural: 'middlewares', singular: 'middleware', description: 'An HTTP middleware (exactly one kind).', spec: middlewareSpec },
  { kind: 'MiddlewareTCP', plural: 'middlewaretcps', singular: 'middlewaretcp', description: 'A TCP middleware (exactly one kind).', spec: openApiFromZod(tcpMiddlewareSchema, 'tcp middleware') },
  { kind: 'ServersTransport', plural: 'serverstransports', singular: 'serverstransport', description: 'How requests are sent to HTTP servers.', spec: serversTransportSpec },
  { kind: 'ServersTransportTCP', plural: 'serverstransporttcps', singular: 'serverstransporttcp', description: 'How connections are made to TCP servers.', spec: serversTransportTcpSpec },
  { kind: 'TLSOption', plural: 'tlsoptions', singular: 'tlsoption', description: 'TLS parameters of incoming connections.', spec: tlsOptionSpec },
  { kind: 'TLSStore', plural: 'tlsstores', singular: 'tlsstore', description: 'The default certificate store (only the one named default is used).', spec: tlsStoreSpec },
  { kind: 'TraefikService', plural: 'traefikservices', singular: 'traefikservice', description: 'A weighted, mirroring, highestRandomWeight or failover service.', spec: traefikServiceSpec },
];
