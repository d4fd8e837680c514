/**
 * Combines the configurations of several files into the file provider's one configuration, as
 * Traefik does for a directory: files in order, and an item name already defined by an earlier
 * file is skipped ("HTTP router already configured, skipping"). Here the skip is a warning
 * diagnostic on the item that is kept, naming both files, so the API shows it. Pure.
 */
import type { Diagnostic } from '../../config/diagnostics.ts';
import type { Locate } from '../../config/issue-diagnostics.ts';
import {
  emptyDynamicConfig, type DynamicConfig, type ItemSection, type RejectedItem, type TlsCertificateConfig,
} from '../../config/dynamic.ts';
import { qualifyName } from '../../lib/qualified-name.ts';

/** The parsed contents of one file. */
export interface FileContents {
  readonly file: string;
  readonly config: DynamicConfig;
  readonly rejected: readonly RejectedItem[];
  readonly diagnostics: readonly Diagnostic[];
  /** Where the valid items' fields are in this file (see Snapshot.locators). */
  readonly locators?: ReadonlyMap<string, Locate>;
}

/** The combined configuration and the conflicts found. */
export interface CombinedConfig {
  readonly config: DynamicConfig;
  readonly rejected: RejectedItem[];
  readonly diagnostics: Diagnostic[];
  readonly locators: Map<string, Locate>;
}

const sectionLabels: Readonly<Record<ItemSection, string>> = {
  'http.routers': 'HTTP router',
  'http.services': 'HTTP service',
  'http.middlewares': 'HTTP middleware',
  'http.serversTransports': 'HTTP servers transport',
  'tcp.routers': 'TCP router',
  'tcp.services': 'TCP service',
  'tcp.middlewares': 'TCP middleware',
  'tcp.serversTransports': 'TCP servers transport',
  'udp.routers': 'UDP router',
  'udp.services': 'UDP service',
};

const sections = Object.keys(sectionLabels) as ItemSection[];

type Collections = Record<ItemSection, Record<string, unknown>>;

function collectionsOf(config: DynamicConfig): Collections {
  return {
    'http.routers': config.http.routers,
    'http.services': config.http.services,
    'http.middlewares': config.http.middlewares,
    'http.serversTransports': config.http.serversTransports,
    'tcp.routers': config.tcp.routers,
    'tcp.services': config.tcp.services,
    'tcp.middlewares': config.tcp.middlewares,
    'tcp.serversTransports': config.tcp.serversTransports,
    'udp.routers': config.udp.routers,
    'udp.services': config.udp.services,
  };
}

/** Combines `files` (in merge order) into one configuration of provider `provider`. */
export function combineFileConfigs(files: readonly FileContents[], provider: string): CombinedConfig {
  const combined = emptyDynamicConfig();
  const into = collectionsOf(combined);
  const rejected: RejectedItem[] = [];
  const diagnostics: Diagnostic[] = [];
  const owners = new Map<string, string>();
  const certificates: TlsCertificateConfig[] = [];
  const tlsOptions = combined.tls.options as Record<string, unknown>;
  const tlsStores = combined.tls.stores as Record<string, unknown>;

  const claim = (section: ItemSection, name: string, file: string): boolean => {
    const key = `${section} ${name}`;
    const owner = owners.get(key);
    if (owner === undefined) {
      owners.set(key, file);
      return true;
    }
    diagnostics.push({
      severity: 'warning', code: 'FILE_DUPLICATE_ITEM', resource: qualifyName(name, provider), path: `${section}.${name}`,
      message: `${sectionLabels[section]} already configured in ${owner}, skipping the definition in ${file}`,
    });
    return false;
  };

  const locators = new Map<string, Locate>();
  for (const { file, config, rejected: fileRejected, diagnostics: fileDiagnostics, locators: fileLocators } of files) {
    diagnostics.push(...fileDiagnostics);
    const from = collectionsOf(config);
    for (const section of sections) {
      for (const [name, item] of Object.entries(from[section])) {
        if (!claim(section, name, file)) continue;
        into[section][name] = item;
        const locate = fileLocators?.get(`${section} ${name}`);
        if (locate !== undefined) locators.set(`${section} ${name}`, locate);
      }
    }
    for (const item of fileRejected) {
      if (claim(item.section, item.name, file)) rejected.push(item);
    }
    certificates.push(...config.tls.certificates);
    for (const [kind, source, target] of [['options', config.tls.options, tlsOptions], ['stores', config.tls.stores, tlsStores]] as const) {
      for (const [name, value] of Object.entries(source)) {
        const key = `tls.${kind} ${name}`;
        const owner = owners.get(key);
        if (owner === undefined) {
          owners.set(key, file);
          target[name] = value;
        } else {
          diagnostics.push({
            severity: 'warning', code: 'FILE_DUPLICATE_ITEM', resource: file, path: `tls.${kind}.${name}`,
            message: `TLS ${kind === 'options' ? 'options' : 'store'} ${name} already configured in ${owner}, skipping the definition in ${file}`,
          });
        }
      }
    }
  }
  return { config: { ...combined, tls: { ...combined.tls, certificates } }, rejected, diagnostics, locators };
}
