/**
 * Manifests written for Traefik apply unchanged against the generated CRDs: each object below
 * (Traefik's documented shapes, both API groups) is checked against its kind's schema the way
 * the API server checks it with strict field validation (`kubectl apply`'s default): no unknown
 * field, every value of its declared type, required fields present.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { crdKinds } from '../scripts/crds/crd-specs.ts';
import type { OpenApiSchema } from '../scripts/crds/openapi.ts';

/** What the API server would reject in `value` against `schema`. */
function violations(value: unknown, schema: OpenApiSchema, path: string): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (schema['x-kubernetes-int-or-string'] === true) {
    return Number.isInteger(value) || typeof value === 'string' ? [] : [`${path}: expected an integer or a string`];
  }
  const out: string[] = [];
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
      const fields = value as Record<string, unknown>;
      for (const [key, child] of Object.entries(fields)) {
        const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
        if (childSchema === undefined) out.push(`${path}.${key}: unknown field`);
        else out.push(...violations(child, childSchema, `${path}.${key}`));
      }
      for (const name of schema.required ?? []) if (!(name in fields)) out.push(`${path}.${name}: required`);
      return out;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      return value.flatMap((item, i) => violations(item, schema.items!, `${path}[${i}]`));
    case 'string': if (typeof value !== 'string') out.push(`${path}: expected a string`); break;
    case 'integer': if (!Number.isInteger(value)) out.push(`${path}: expected an integer`); break;
    case 'number': if (typeof value !== 'number') out.push(`${path}: expected a number`); break;
    case 'boolean': if (typeof value !== 'boolean') out.push(`${path}: expected a boolean`); break;
    default: out.push(`${path}: schema without a type`);
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as string)) out.push(`${path}: not one of ${schema.enum.join(', ')}`);
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) out.push(`${path}: below ${schema.minimum}`);
  return out;
}

function specViolations(object: { apiVersion: string; kind: string; metadata: { name: string }; spec: unknown }): string[] {
  const kind = crdKinds.find((k) => k.kind === object.kind);
  assert.ok(kind, `no CRD for ${object.kind}`);
  assert.match(object.apiVersion, /^traefik\.(io|containo\.us)\/v1alpha1$/);
  return violations(object.spec, kind.spec, `${object.kind}/${object.metadata.name}.spec`);
}

const traefikManifests = `
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: shop, namespace: apps}
spec:
  entryPoints: [websecure]
  routes:
    - kind: Rule
      match: Host(\`shop.example.com\`) && PathPrefix(\`/api\`)
      priority: 10
      middlewares: [{name: strip-api}, {name: auth, namespace: apps}]
      observability: {accessLogs: true, tracing: false, traceVerbosity: minimal}
      services:
        - name: api
          port: 8080
          weight: 3
          scheme: http
          strategy: RoundRobin
          passHostHeader: true
          responseForwarding: {flushInterval: 100ms}
          serversTransport: fast
          nativeLB: false
          sticky: {cookie: {name: sess, secure: true, httpOnly: true, sameSite: lax, maxAge: 3600, path: /, domain: example.com}}
        - name: legacy
          port: https
          kind: Service
          healthCheck: {path: /health, interval: 10s, timeout: 3, scheme: http, headers: {X-Check: "1"}, followRedirects: false}
          passiveHealthCheck: {maxFailedAttempts: 3, failureWindow: 10s}
        - {name: canary, kind: TraefikService}
  tls:
    secretName: shop-tls
    options: {name: modern, namespace: apps}
    store: {name: default}
    certResolver: le
    domains: [{main: example.com, sans: [www.example.com]}]
---
apiVersion: traefik.io/v1alpha1
kind: IngressRouteTCP
metadata: {name: db}
spec:
  entryPoints: [postgres]
  routes:
    - match: HostSNI(\`db.example.com\`)
      middlewares: [{name: office-only}]
      services: [{name: pg, port: 5432, weight: 1, tls: false, proxyProtocol: {version: 2}, terminationDelay: 100, serversTransport: pg}]
  tls: {passthrough: true}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRouteUDP
metadata: {name: dns}
spec:
  entryPoints: [udp53]
  routes: [{services: [{name: coredns, port: 53, weight: 1}]}]
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: strip-api}
spec: {stripPrefix: {prefixes: [/api], forceSlash: false}}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: auth}
spec: {basicAuth: {secret: users, realm: shop, removeHeader: true, headerField: X-User}}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: sso}
spec:
  forwardAuth:
    address: https://auth.example.com/verify
    trustForwardHeader: true
    authResponseHeaders: [X-User]
    tls: {caSecret: auth-ca, certSecret: auth-client, insecureSkipVerify: false}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: limits}
spec:
  rateLimit:
    average: 100
    period: 1m
    burst: 50
    sourceCriterion: {ipStrategy: {depth: 1, excludedIPs: [10.0.0.0/8]}}
    redis: {endpoints: ["redis:6379"], secret: redis-auth, readTimeout: 3s, tls: {caSecret: redis-ca}}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: security}
spec:
  headers:
    customRequestHeaders: {X-Script-Name: test}
    customResponseHeaders: {X-Custom-Response-Header: ""}
    accessControlAllowMethods: [GET, OPTIONS]
    accessControlMaxAge: 100
    frameDeny: true
    sslRedirect: true
    stsSeconds: 31536000
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: pages}
spec: {errors: {status: ["500-599"], query: "/{status}.html", service: {name: error-pages, port: 80}}}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: stack}
spec: {chain: {middlewares: [{name: strip-api}, {name: security}]}}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: plugin}
spec: {plugin: {blockpath: {regex: ["^/admin"], nested: {deep: [1, true, "x"]}}}}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: misc}
spec:
  retry: {attempts: 4, initialInterval: 100ms}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: https}
spec: {redirectScheme: {scheme: https, permanent: true, port: "443"}}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: breaker}
spec: {circuitBreaker: {expression: NetworkErrorRatio() > 0.5, checkPeriod: 10s, fallbackDuration: 30, responseCode: 503}}
---
apiVersion: traefik.io/v1alpha1
kind: MiddlewareTCP
metadata: {name: office-only}
spec: {ipAllowList: {sourceRange: [192.168.1.0/24]}}
---
apiVersion: traefik.io/v1alpha1
kind: TraefikService
metadata: {name: canary}
spec:
  weighted:
    services:
      - {name: app-v1, port: 80, weight: 9}
      - {name: app-v2, port: 80, weight: 1, sticky: {cookie: {name: lvl2}}}
      - {name: shadow, kind: TraefikService, weight: 1}
    sticky: {cookie: {name: lvl1, secure: true, sameSite: none, maxAge: 42}}
---
apiVersion: traefik.io/v1alpha1
kind: TraefikService
metadata: {name: shadow}
spec:
  mirroring:
    name: app-v1
    port: 80
    mirrorBody: true
    maxBodySize: 1048576
    mirrors: [{name: app-v2, port: 80, percent: 20}, {name: canary, kind: TraefikService, percent: 5}]
---
apiVersion: traefik.io/v1alpha1
kind: ServersTransport
metadata: {name: fast}
spec:
  serverName: api.internal
  insecureSkipVerify: false
  rootCAs: [{secret: internal-ca}, {configMap: other-ca}]
  certificatesSecrets: [client-cert]
  maxIdleConnsPerHost: 10
  forwardingTimeouts: {dialTimeout: 5s, responseHeaderTimeout: 30s, idleConnTimeout: 90}
  disableHTTP2: true
  peerCertURI: spiffe://example.org/api
---
apiVersion: traefik.io/v1alpha1
kind: ServersTransportTCP
metadata: {name: pg}
spec:
  dialTimeout: 30s
  dialKeepAlive: 15s
  terminationDelay: 100ms
  tls: {serverName: pg.internal, rootCAs: [{secret: pg-ca}], certificatesSecrets: [pg-client], spiffe: {ids: [spiffe://example.org/pg]}}
---
apiVersion: traefik.io/v1alpha1
kind: TLSOption
metadata: {name: modern}
spec:
  minVersion: VersionTLS12
  cipherSuites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
  curvePreferences: [CurveP521, CurveP384]
  clientAuth: {secretNames: [client-ca], clientAuthType: RequireAndVerifyClientCert}
  sniStrict: true
  alpnProtocols: [h2, http/1.1]
---
apiVersion: traefik.io/v1alpha1
kind: TLSStore
metadata: {name: default}
spec:
  defaultCertificate: {secretName: default-cert}
  certificates: [{secretName: extra-cert}]
---
apiVersion: traefik.containo.us/v1alpha1
kind: Middleware
metadata: {name: old-allow}
spec: {ipWhiteList: {sourceRange: [10.0.0.0/8], ipStrategy: {depth: 2}}}
---
apiVersion: traefik.containo.us/v1alpha1
kind: IngressRoute
metadata: {name: old}
spec:
  entryPoints: [web]
  routes:
    - {match: PathPrefix(\`/\`), kind: Rule, services: [{name: whoami, port: 80}], middlewares: [{name: old-allow}]}
`;

test('manifests written for Traefik (both API groups) are valid against the generated CRDs', () => {
  const objects = parseAllDocuments(traefikManifests).map((d) => d.toJS() as Parameters<typeof specViolations>[0]);
  assert.equal(objects.length, 23);
  assert.deepEqual(objects.flatMap(specViolations), []);
});

test('an unknown field, a wrong type or a missing required field is refused, as the API server does', () => {
  const bad = parseAllDocuments(`
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: typo}
spec:
  routes: [{match: Host(\`a\`), services: [{name: a, port: 80, passHostHeaders: true}]}]
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: wrong-type}
spec: {stripPrefix: {prefixes: /api}}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRouteTCP
metadata: {name: no-port}
spec: {routes: [{match: HostSNI(\`*\`), services: [{name: a}]}]}
`).map((d) => d.toJS() as Parameters<typeof specViolations>[0]);
  assert.deepEqual(bad.flatMap(specViolations), [
    'IngressRoute/typo.spec.routes[0].services[0].passHostHeaders: unknown field',
    'Middleware/wrong-type.spec.stripPrefix.prefixes: expected a list',
    'IngressRouteTCP/no-port.spec.routes[0].services[0].port: required',
  ]);
});
