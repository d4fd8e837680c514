/**
 * Provider precedence: among routers of equal priority, the one whose provider comes first wins
 * (Traefik's `providers.precedence`; Switchyard then orders by name, see DESIGN.md).
 */

/** Traefik's default `providers.precedence`. */
export const defaultProviderPrecedence: readonly string[] = [
  'kubernetesgateway', 'kubernetescrd', 'kubernetes', 'kubernetesingressnginx', 'swarm', 'docker', 'file',
  'redis', 'knative', 'consul', 'consulcatalog', 'nomad', 'etcd', 'ecs', 'http', 'zookeeper', 'rest',
];

/**
 * Returns a function giving each provider its rank: `internal` is 0, then the providers of
 * `precedence` in order; providers not listed share the last rank (they lose).
 */
export function precedenceRanks(precedence: readonly string[]): (provider: string) => number {
  const order = ['internal', ...precedence.filter((p) => p !== 'internal')];
  const ranks = new Map<string, number>();
  order.forEach((provider, index) => { if (!ranks.has(provider)) ranks.set(provider, index); });
  return (provider) => ranks.get(provider) ?? order.length;
}
