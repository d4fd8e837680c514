/**
 * Traefik 1.x `service-weights` on an Ingress: a YAML map of Service name → percentage
 * (`my-app: 99%`, `my-app-canary: 1%`, up to three decimals) splitting the traffic of one
 * host+path between the Services its paths list. A Service of the path that is not listed gets
 * an equal share of the rest; the shares of a path must add up to 100 %.
 *
 * 1.x spread each percentage over the endpoints of the Service (per-server weights); Switchyard
 * builds a `weighted` service over the Services' own services instead, which gives each Service
 * the same share and keeps each one's stickiness and health.
 */
import { parse as parseYaml } from 'yaml';
import type { AnnotationReader } from './annotation-values.ts';
import { v1Key } from './v1-bridge.ts';

/** Percentages in thousandths of a percent (100 % = 100000), by Service name. */
export type ServiceWeights = ReadonlyMap<string, number>;

const full = 100_000;

/** Reads `service-weights`; undefined when absent, null when invalid (reported). */
export function readServiceWeights(reader: AnnotationReader): { weights: ServiceWeights; key: string } | undefined | null {
  const key = v1Key(reader.all, 'service-weights');
  if (key === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = parseYaml(reader.string(key)!);
  } catch (error) {
    return reader.invalid(key, `expected a YAML map like "my-app: 90%", got a value that does not parse: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reader.invalid(key, 'expected a YAML map of Service names to percentages, like "my-app: 90%"');
  }
  const weights = new Map<string, number>();
  for (const [service, raw] of Object.entries(parsed)) {
    const text = String(raw).trim().replace(/%$/, '').trim();
    const value = /^\d+(\.\d{1,3})?$/.test(text) ? Math.round(Number(text) * 1000) : NaN;
    if (!(value >= 0 && value <= full)) {
      return reader.invalid(key, `expected a percentage from 0% to 100% with at most three decimals for ${service}, got ${JSON.stringify(raw)}`);
    }
    weights.set(service, value);
  }
  return { weights, key };
}

/**
 * The weights of the Services of one path (in the order given), or an error message: listed
 * ones get their share, unlisted ones split the rest equally (the first ones get the thousandths
 * an equal split leaves over).
 */
export function splitWeights(weights: ServiceWeights, services: readonly string[]): number[] | string {
  const listed = services.filter((s) => weights.has(s));
  const sum = listed.reduce((n, s) => n + weights.get(s)!, 0);
  if (sum > full) return `the percentages of ${listed.join(', ')} add up to ${sum / 1000}%, more than 100%`;
  const unlisted = services.filter((s) => !weights.has(s));
  if (unlisted.length === 0 && sum !== full) return `the percentages of ${listed.join(', ')} add up to ${sum / 1000}%, not 100%`;
  const rest = full - sum;
  const share = unlisted.length === 0 ? 0 : Math.floor(rest / unlisted.length);
  let leftover = rest - share * unlisted.length;
  return services.map((s) => {
    if (weights.has(s)) return weights.get(s)!;
    const extra = leftover > 0 ? 1 : 0;
    leftover -= extra;
    return share + extra;
  });
}

/** Divides weights by their greatest common divisor (99000:1000 → 99:1). */
export function reduceWeights(weights: readonly number[]): number[] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const divisor = weights.reduce((g, w) => gcd(g, w), 0) || 1;
  return weights.map((w) => w / divisor);
}
