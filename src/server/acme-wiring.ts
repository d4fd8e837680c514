/**
 * How a running Switchyard uses its ACME manager: where each resolver keeps its data, the
 * HTTP-01 challenge route in front of the routers, and which certificates the routers need.
 */
import type { RuntimeConfig } from '../config/runtime.ts';
import type { StaticConfig } from '../config/static.ts';
import { sendText, type Exchange, type Handler } from '../lib/exchange.ts';
import type { AcmeManager } from './acme/acme-manager.ts';
import type { AcmeStore } from './acme/acme-store.ts';
import { createFileAcmeStore } from './acme/file-acme-store.ts';
import type * as KubernetesWiringModule from './kubernetes-wiring.ts';

/** What kubernetes-wiring.ts exports, once loaded. */
export type KubernetesWiring = typeof KubernetesWiringModule;

/**
 * Where each resolver keeps its ACME data: Traefik's acme.json file, or, for
 * `storage: kubernetes-secret://<namespace>/<name>`, a Secret that every replica shares (see
 * kubernetes-wiring.ts, loaded only when a resolver uses one).
 */
export function acmeStores(kube: KubernetesWiring | null, config: StaticConfig): (storage: string) => AcmeStore {
  const stores = new Map<string, AcmeStore>();
  const secretStore = kube?.secretAcmeStores(config) ?? (() => null);
  return (storage) => {
    let store = stores.get(storage);
    if (store !== undefined) return store;
    store = secretStore(storage) ?? createFileAcmeStore(storage);
    stores.set(storage, store);
    return store;
  };
}

const acmeChallengePrefix = '/.well-known/acme-challenge/';

/**
 * Traefik's ACME HTTP-01 router: on the resolvers' challenge entry points, every request under
 * `/.well-known/acme-challenge/` goes to `challenge`, before any router.
 */
export function withAcmeHttpChallenge(challenge: Handler, next: (exchange: Exchange) => void): (exchange: Exchange) => void {
  return (exchange) => {
    if (exchange.request.path.startsWith(acmeChallengePrefix)) void challenge(exchange);
    else next(exchange);
  };
}

/** Answers an HTTP-01 challenge request from ACME's outstanding tokens (404 for unknown ones). */
export function acmeHttpChallengeAnswer(acme: AcmeManager): Handler {
  return (exchange) => {
    const answer = acme.http01Response(exchange.request.path.slice(acmeChallengePrefix.length));
    if (answer === undefined) sendText(exchange, 404, '404 page not found\n');
    else sendText(exchange, 200, answer);
  };
}

/**
 * Asks ACME for the certificates the routers with `tls.certResolver` need: their `tls.domains`
 * as written, otherwise one set made of the hosts their rule names (Traefik).
 */
export function requestAcmeCertificates(acme: AcmeManager, runtime: RuntimeConfig, config: StaticConfig,
  unknownResolver: (router: string, resolver: string) => void): void {
  for (const router of runtime.http.routers.values()) {
    const tls = router.config?.tls;
    if (router.status === 'disabled' || tls?.certResolver === undefined || tls.certResolver === '') continue;
    if (config.certificatesResolvers?.[tls.certResolver] === undefined) {
      unknownResolver(router.name, tls.certResolver);
      continue;
    }
    const domains = tls.domains !== undefined && tls.domains.length > 0
      ? tls.domains.map((d) => ({ main: d.main ?? '', sans: [...(d.sans ?? [])] })).filter((d) => d.main !== '')
      : hostsAsDomains(router.matcher?.hosts ?? null);
    if (domains.length > 0) acme.ensure(tls.certResolver, domains);
  }
  // TCP routers terminating TLS: their `tls.domains` (HostSNI values are not read for ACME yet).
  for (const router of runtime.tcp.routers.values()) {
    const tls = router.config?.tls;
    if (router.status === 'disabled' || tls?.certResolver === undefined || tls.certResolver === '' || tls.passthrough) continue;
    if (config.certificatesResolvers?.[tls.certResolver] === undefined) continue;
    const domains = (tls.domains ?? []).map((d) => ({ main: d.main ?? '', sans: [...(d.sans ?? [])] })).filter((d) => d.main !== '');
    if (domains.length > 0) acme.ensure(tls.certResolver, domains);
  }
}

function hostsAsDomains(hosts: readonly string[] | null): { main: string; sans: string[] }[] {
  const names = (hosts ?? []).filter((h) => !h.includes('*'));
  return names.length === 0 ? [] : [{ main: names[0]!, sans: names.slice(1) }];
}
