/**
 * Validates a provider's dynamic configuration item by item: a router, service, middleware or
 * servers transport that fails validation is rejected alone, with its diagnostics, and
 * everything else is kept (Traefik disables a broken item and serves the rest).
 */
import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.ts';
import type { DynamicConfig, ItemSection, RejectedItem } from './dynamic.ts';
import { isPlainObject } from './config-object.ts';
import { httpMiddlewareSchema } from './http-middlewares.ts';
import { httpRouterSchema } from './http-routers.ts';
import { httpServersTransportSchema } from './http-servers-transports.ts';
import { httpServiceSchema } from './http-services.ts';
import { issuesToDiagnostics, locateNearest, makeDiagnostic, type ConfigPath, type Locate } from './issue-diagnostics.ts';
import { describeValue } from './issue-codes.ts';
import { unknownNameMessage } from './nearest-name.ts';
import { tcpMiddlewareSchema, tcpRouterSchema, tcpServersTransportSchema, tcpServiceSchema } from './tcp.ts';
import { tlsCertificateSchema, tlsOptionsSchema, tlsStoreSchema, type TlsConfig } from './tls.ts';
import { udpRouterSchema, udpServiceSchema } from './udp.ts';

/** Options of `parseDynamicConfig`. */
export interface ParseDynamicOptions {
  /** What the diagnostics concern (usually the file path or the provider name). */
  readonly resource: string;
  /** Maps a path from the document root to its line:column, for file sources. */
  readonly locate?: Locate;
}

/** Valid items, rejected items, and diagnostics not tied to one item. */
export interface ParsedDynamicConfig {
  readonly config: DynamicConfig;
  readonly rejected: RejectedItem[];
  readonly diagnostics: Diagnostic[];
  /**
   * For each valid item (`"<section> <name>"`, e.g. `"http.middlewares auth"`), where a field
   * inside it was written (paths relative to the item); present when the source has positions.
   */
  readonly locators: Map<string, Locate>;
}

const itemSchemas = {
  http: {
    routers: httpRouterSchema,
    services: httpServiceSchema,
    middlewares: httpMiddlewareSchema,
    serversTransports: httpServersTransportSchema,
  },
  tcp: {
    routers: tcpRouterSchema,
    services: tcpServiceSchema,
    middlewares: tcpMiddlewareSchema,
    serversTransports: tcpServersTransportSchema,
  },
  udp: {
    routers: udpRouterSchema,
    services: udpServiceSchema,
  },
} as const;

const rootKeys = ['http', 'tcp', 'udp', 'tls'];
const tlsKeys = ['certificates', 'options', 'stores'];

/** Returns the object's entries with keys matched case-insensitively to `known`; reports others. */
function sectionEntries(
  value: Record<string, unknown>, known: readonly string[], path: ConfigPath, what: string,
  report: (d: Diagnostic) => void, options: ParseDynamicOptions,
): Map<string, { key: string; value: unknown }> {
  const out = new Map<string, { key: string; value: unknown }>();
  for (const [key, child] of Object.entries(value)) {
    const canonical = known.find((k) => k.toLowerCase() === key.toLowerCase());
    if (canonical === undefined) {
      report(makeDiagnostic('error', 'CONFIG_UNKNOWN_FIELD', options.resource, [...path, key],
        unknownNameMessage(what, key, known), options.locate));
    } else {
      out.set(canonical, { key, value: child });
    }
  }
  return out;
}

function expectMap(
  value: unknown, path: ConfigPath, report: (d: Diagnostic) => void, options: ParseDynamicOptions,
): Record<string, unknown> | undefined {
  if (value === null || value === undefined) return undefined;
  if (isPlainObject(value)) return value;
  report(makeDiagnostic('error', 'CONFIG_INVALID_SECTION', options.resource, path,
    `expected a map of names to definitions, got ${describeValue(value)}; the section is ignored`, options.locate));
  return undefined;
}

function parseItems<T>(
  schema: z.ZodType<T>, section: ItemSection, items: Record<string, unknown>,
  rejected: RejectedItem[], options: ParseDynamicOptions, locators: Map<string, Locate>,
): Record<string, T> {
  const out: Record<string, T> = {};
  const base = section.split('.');
  for (const [name, raw] of Object.entries(items)) {
    const path = [...base, name];
    const diagnostics: Diagnostic[] = [];
    if (name.includes('@')) {
      diagnostics.push(makeDiagnostic('error', 'CONFIG_INVALID_NAME', options.resource, path,
        `the name "${name}" contains "@", which is reserved for provider qualifiers (name@provider)`, options.locate));
    }
    const result = schema.safeParse(raw, { reportInput: true });
    if (!result.success) diagnostics.push(...issuesToDiagnostics(result.error.issues, path, options.resource, options.locate));
    if (diagnostics.length > 0 || !result.success) rejected.push({ section, name, raw, diagnostics });
    else {
      out[name] = result.data;
      const locate = options.locate;
      if (locate !== undefined) locators.set(`${section} ${name}`, (field) => locateNearest(locate, [...path, ...field]));
    }
  }
  return out;
}

function parseTls(value: unknown, report: (d: Diagnostic) => void, options: ParseDynamicOptions): TlsConfig {
  const tls: { certificates: TlsConfig['certificates'][number][]; options: Record<string, TlsConfig['options'][string]>;
    stores: Record<string, TlsConfig['stores'][string]> } = { certificates: [], options: {}, stores: {} };
  const map = expectMap(value, ['tls'], report, options);
  if (map === undefined) return tls;
  const entries = sectionEntries(map, tlsKeys, ['tls'], 'tls section', report, options);
  const certificates = entries.get('certificates')?.value;
  if (Array.isArray(certificates)) {
    certificates.forEach((raw: unknown, index) => {
      const result = tlsCertificateSchema.safeParse(raw, { reportInput: true });
      if (result.success) tls.certificates.push(result.data);
      else issuesToDiagnostics(result.error.issues, ['tls', 'certificates', index], options.resource, options.locate).forEach(report);
    });
  } else if (certificates !== undefined && certificates !== null) {
    report(makeDiagnostic('error', 'CONFIG_INVALID_SECTION', options.resource, ['tls', 'certificates'],
      `expected a list of certificates, got ${describeValue(certificates)}`, options.locate));
  }
  for (const [key, schema] of [['options', tlsOptionsSchema], ['stores', tlsStoreSchema]] as const) {
    const items = expectMap(entries.get(key)?.value, ['tls', key], report, options) ?? {};
    for (const [name, raw] of Object.entries(items)) {
      const result = schema.safeParse(raw, { reportInput: true });
      if (!result.success) {
        issuesToDiagnostics(result.error.issues, ['tls', key, name], options.resource, options.locate).forEach(report);
      } else if (key === 'options') {
        tls.options[name] = result.data as TlsConfig['options'][string];
      } else {
        tls.stores[name] = result.data as TlsConfig['stores'][string];
      }
    }
  }
  return tls;
}

/**
 * Parses a dynamic configuration (`{http, tcp, udp, tls}`) item by item. Never throws on user
 * input: a bad item lands in `rejected` with its diagnostics; a section that is not a map gets
 * a diagnostic and is ignored; the rest is kept.
 */
export function parseDynamicConfig(raw: unknown, options: ParseDynamicOptions): ParsedDynamicConfig {
  const diagnostics: Diagnostic[] = [];
  const rejected: RejectedItem[] = [];
  const locators = new Map<string, Locate>();
  const report = (d: Diagnostic): void => { diagnostics.push(d); };

  let root: Map<string, { key: string; value: unknown }> = new Map();
  if (isPlainObject(raw)) {
    root = sectionEntries(raw, rootKeys, [], 'section', report, options);
  } else if (raw !== null && raw !== undefined) {
    report(makeDiagnostic('error', 'CONFIG_INVALID_SECTION', options.resource, [],
      `expected a map with http, tcp, udp and tls sections, got ${describeValue(raw)}`, options.locate));
  }

  const collections = (protocol: 'http' | 'tcp' | 'udp'): Map<string, Record<string, unknown>> => {
    const out = new Map<string, Record<string, unknown>>();
    const section = expectMap(root.get(protocol)?.value, [protocol], report, options);
    if (section === undefined) return out;
    const known = Object.keys(itemSchemas[protocol]);
    for (const [name, entry] of sectionEntries(section, known, [protocol], `${protocol} section`, report, options)) {
      const items = expectMap(entry.value, [protocol, name], report, options);
      if (items !== undefined) out.set(name, items);
    }
    return out;
  };

  const http = collections('http');
  const tcp = collections('tcp');
  const udp = collections('udp');
  const items = <T>(schema: z.ZodType<T>, section: ItemSection, from: Map<string, Record<string, unknown>>) =>
    parseItems(schema, section, from.get(section.split('.')[1]!) ?? {}, rejected, options, locators);

  const config: DynamicConfig = {
    http: {
      routers: items(itemSchemas.http.routers, 'http.routers', http),
      services: items(itemSchemas.http.services, 'http.services', http),
      middlewares: items(itemSchemas.http.middlewares, 'http.middlewares', http),
      serversTransports: items(itemSchemas.http.serversTransports, 'http.serversTransports', http),
    },
    tcp: {
      routers: items(itemSchemas.tcp.routers, 'tcp.routers', tcp),
      services: items(itemSchemas.tcp.services, 'tcp.services', tcp),
      middlewares: items(itemSchemas.tcp.middlewares, 'tcp.middlewares', tcp),
      serversTransports: items(itemSchemas.tcp.serversTransports, 'tcp.serversTransports', tcp),
    },
    udp: {
      routers: items(itemSchemas.udp.routers, 'udp.routers', udp),
      services: items(itemSchemas.udp.services, 'udp.services', udp),
    },
    tls: parseTls(root.get('tls')?.value, report, options),
  };
  return { config, rejected, diagnostics, locators };
}
