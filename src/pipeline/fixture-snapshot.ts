/**
 * Test fixtures: snapshots written as users write Traefik files, and the merge → resolve path
 * with everything supported. Used by the pipeline's tests.
 */
import { httpMiddlewareKinds, httpServiceKinds, parseDynamicFile } from '../config/dynamic.ts';
import type { RuntimeConfig } from '../config/runtime.ts';
import type { Snapshot } from '../config/snapshot.ts';
import type { EntryPointInfo } from './entry-points.ts';
import { merge } from './merge.ts';
import { defaultProviderPrecedence } from './precedence.ts';
import { resolve, type ResolveOptions, type SupportedFeatures } from './resolve.ts';

/** A snapshot of `provider` from a YAML document; throws when the YAML itself does not parse. */
export function snapshotFromYaml(provider: string, yaml: string): Snapshot {
  const parsed = parseDynamicFile(yaml, `${provider}.yml`);
  if (!parsed.ok) throw new Error(`fixture does not parse: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  return { provider, config: parsed.config, rejected: parsed.rejected, diagnostics: parsed.diagnostics };
}

/** Every feature the configuration model knows. */
export const everythingSupported: SupportedFeatures = {
  httpMiddlewares: new Set(httpMiddlewareKinds),
  httpServices: new Set(httpServiceKinds),
  tcp: true,
  udp: true,
};

/** `web` (:80), `websecure` (:443), `dns` (:53/udp), `traefik` (:8080). */
export const fixtureEntryPoints: readonly EntryPointInfo[] = [
  { name: 'web', isUdp: false, asDefault: false },
  { name: 'websecure', isUdp: false, asDefault: false },
  { name: 'dns', isUdp: true, asDefault: false },
  { name: 'traefik', isUdp: false, asDefault: false },
];

/** Merges and resolves snapshots given as `{provider: yaml}`. */
export function resolveYaml(documents: Readonly<Record<string, string>>, overrides: Partial<ResolveOptions> = {}): RuntimeConfig {
  const snapshots = new Map(Object.entries(documents).map(([provider, yaml]) => [provider, snapshotFromYaml(provider, yaml)]));
  const options: ResolveOptions = {
    entryPoints: fixtureEntryPoints, defaultRuleSyntax: 'v3', precedence: defaultProviderPrecedence, supported: everythingSupported,
    ...overrides,
  };
  return resolve(merge(snapshots, options), options);
}
