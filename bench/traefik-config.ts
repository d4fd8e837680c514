/**
 * Traefik v3 configuration files for Switchyard, written exactly as a Traefik user would.
 * Pure functions: ports, paths and router count in, YAML text out.
 */
import { ROUND_ROBIN } from './proxy-configs.ts';
import type { Balancing, OriginAddress } from './proxy-configs.ts';

/** The Host header every benchmark request carries; only the benchmarked router matches it. */
export const BENCH_HOST = 'bench.example';

/** Static configuration: one entry point, the file provider, errors only, no access log. */
export function traefikStaticConfig(port: number, dynamicFile: string): string {
  return `entryPoints:
  web:
    address: "127.0.0.1:${port}"
providers:
  file:
    filename: ${JSON.stringify(dynamicFile)}
log:
  level: ERROR
`;
}

function stickyBlock(balancing: Balancing): string {
  switch (balancing.kind) {
    case 'round-robin':
      return '';
    case 'sticky-cookie':
      return `        sticky:
          cookie:
            name: ${balancing.cookie}
`;
    default: {
      const unreachable: never = balancing;
      throw new Error(`unknown balancing ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Dynamic configuration with `routerCount` host routers: `routerCount - 1` decoys
 * (`Host(\`hN.example\`)`, each with its own one-server service) and the benchmarked router
 * (`Host(\`bench.example\`)`, round robin over both origins).
 *
 * The benchmarked router has `priority: 1`, the lowest there is, so a router table that tries
 * rules one by one in priority order checks every decoy first: the worst case for routing.
 *
 * With a `sticky-cookie` balancing the benchmarked service has `sticky.cookie.name`, as a
 * Traefik user writes it; the decoys stay as they are.
 */
export function traefikDynamicConfig(
  routerCount: number,
  origins: readonly OriginAddress[],
  balancing: Balancing = ROUND_ROBIN,
): string {
  if (routerCount < 1 || origins.length === 0) throw new Error('need at least one router and one origin');
  const decoyServer = `http://127.0.0.1:${origins[0]!.port}`;
  const routers: string[] = [
    `    bench:
      entryPoints: [web]
      rule: "Host(\`${BENCH_HOST}\`)"
      priority: 1
      service: bench`,
  ];
  const services: string[] = [
    `    bench:
      loadBalancer:
${stickyBlock(balancing)}        servers:
${origins.map((o) => `          - url: "http://127.0.0.1:${o.port}"`).join('\n')}`,
  ];
  for (let n = 1; n < routerCount; n++) {
    routers.push(`    decoy-${n}:
      entryPoints: [web]
      rule: "Host(\`h${n}.example\`)"
      service: decoy-${n}`);
    services.push(`    decoy-${n}:
      loadBalancer:
        servers:
          - url: "${decoyServer}"`);
  }
  return `http:
  routers:
${routers.join('\n')}
  services:
${services.join('\n')}
`;
}
