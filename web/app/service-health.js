/**
 * The honest health of a service, computed from its servers' states down the service tree:
 * a service whose servers are all DOWN is DOWN, whatever its configuration status says
 * (Traefik's dashboard shows such a service as "success").
 */

/**
 * What the dashboard says about a service.
 * - UP: every path to a server has a server UP.
 * - DEGRADED: some servers or children are DOWN, others still serve.
 * - FALLBACK: a failover service serves from its fallback because its main service is DOWN.
 * - DRAINING: no server takes new traffic; draining servers keep their sticky clients.
 * - DOWN: no server can take a request (requests get 503).
 * - DISABLED: the configuration has an error; no router sends traffic to it.
 * - UNUSED: no router reaches it, so it is not built and has no live state.
 * @typedef {'UP' | 'DEGRADED' | 'FALLBACK' | 'DRAINING' | 'DOWN' | 'DISABLED' | 'UNUSED'} ServiceHealth
 */

/**
 * @typedef {import('./api-types').Service} Service
 * @typedef {import('./api-types').ServerState} ServerState
 */

/**
 * `name@provider` for a reference written inside an item of `provider` (Traefik qualifies
 * unqualified references with the referring item's provider).
 * @param {string} name
 * @param {string} provider
 */
export function qualifyName(name, provider) {
  return name.includes('@') ? name : `${name}@${provider}`;
}

/**
 * The services that a service sends requests to, qualified: weighted and highestRandomWeight
 * children, a mirroring service's main service and mirrors, a failover's main and fallback.
 * @param {Service} service
 * @returns {string[]}
 */
export function childServiceNames(service) {
  const q = (/** @type {string} */ name) => qualifyName(name, service.provider);
  if (service.weighted !== undefined) return (service.weighted.services ?? []).map((c) => q(c.name));
  if (service.highestRandomWeight !== undefined) return (service.highestRandomWeight.services ?? []).map((c) => q(c.name));
  if (service.mirroring !== undefined) {
    const main = service.mirroring.service === undefined ? [] : [q(service.mirroring.service)];
    return [...main, ...(service.mirroring.mirrors ?? []).map((m) => q(m.name))];
  }
  if (service.failover !== undefined) {
    return [service.failover.service, service.failover.fallback].filter((n) => n !== undefined).map((n) => q(n));
  }
  return [];
}

/**
 * The states of a loadBalancer's servers, from Switchyard's details or Traefik's serverStatus.
 * @param {Service} service
 * @returns {ServerState[]}
 */
function serverStates(service) {
  const details = service.switchyard?.servers;
  if (details !== undefined) return details.map((s) => s.status);
  return Object.values(service.serverStatus ?? {}).map((s) => (s === 'DOWN' ? 'DOWN' : s === 'DRAINING' ? 'DRAINING' : 'UP'));
}

/**
 * Health of a set of parallel paths (servers of a load balancer, children of a weighted service).
 * @param {readonly ServiceHealth[]} parts
 * @returns {ServiceHealth}
 */
function combine(parts) {
  const live = parts.filter((p) => p !== 'DISABLED' && p !== 'UNUSED');
  if (live.length === 0) return parts.length === 0 ? 'UNUSED' : 'DOWN';
  const serving = live.filter((p) => p === 'UP' || p === 'DEGRADED' || p === 'FALLBACK');
  if (serving.length === 0) return live.every((p) => p === 'DOWN') ? 'DOWN' : 'DRAINING';
  return serving.length === live.length && serving.every((p) => p === 'UP') ? 'UP' : 'DEGRADED';
}

/**
 * The health of `name`, following children through `byName` (cycles, which the API never
 * returns, count as DOWN rather than looping).
 * @param {string} name
 * @param {ReadonlyMap<string, Service>} byName
 * @param {ReadonlySet<string>} [visiting]
 * @returns {ServiceHealth}
 */
export function serviceHealth(name, byName, visiting = new Set()) {
  const service = byName.get(name);
  if (service === undefined || visiting.has(name)) return 'DOWN';
  if (service.status === 'disabled') return 'DISABLED';
  if ((service.usedBy ?? []).length === 0) return 'UNUSED';
  const inner = new Set(visiting).add(name);
  const child = (/** @type {string} */ n) => serviceHealth(qualifyName(n, service.provider), byName, inner);
  if (service.loadBalancer !== undefined) {
    const states = serverStates(service);
    if (states.length === 0) return 'UNUSED';
    return combine(states);
  }
  if (service.weighted !== undefined || service.highestRandomWeight !== undefined) {
    const children = (service.weighted ?? service.highestRandomWeight)?.services ?? [];
    // A child with weight 0 takes no new traffic (it drains), whatever its own health.
    return combine(children.map((c) => {
      const health = child(c.name);
      return c.weight === 0 && health !== 'DOWN' ? 'DRAINING' : health;
    }));
  }
  if (service.mirroring !== undefined) {
    // Mirrors never decide a response: the main service alone does.
    return service.mirroring.service === undefined ? 'DOWN' : child(service.mirroring.service);
  }
  if (service.failover !== undefined) {
    const main = service.failover.service === undefined ? 'DOWN' : child(service.failover.service);
    if (main !== 'DOWN' && main !== 'DISABLED') return main;
    const fallback = service.failover.fallback === undefined ? 'DOWN' : child(service.failover.fallback);
    return fallback === 'UP' || fallback === 'DEGRADED' || fallback === 'FALLBACK' ? 'FALLBACK' : 'DOWN';
  }
  // Internal services (api@internal, noop@internal, …) live in the process itself.
  return 'UP';
}

/**
 * Services by qualified name.
 * @param {readonly Service[]} services
 * @returns {Map<string, Service>}
 */
export function indexByName(services) {
  return new Map(services.map((s) => [s.name, s]));
}
