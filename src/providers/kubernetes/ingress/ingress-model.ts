/**
 * Reads a `networking.k8s.io/v1` Ingress into the parts the translation uses: its paths (host,
 * path, pathType, backend), its default backend and its TLS sections. The object is plain JSON:
 * a part that is malformed is left out with a diagnostic at its field path, and the rest is kept.
 */
import type { KubeObject } from '../kube-objects.ts';
import type { DiagnosticSink } from './ingress-diagnostics.ts';

/** Ingress `pathType`; an absent pathType reads as ImplementationSpecific (Traefik: its default matcher). */
export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** A `backend.service` reference. */
export interface BackendRef {
  readonly service: string;
  /** Port number, or port name. */
  readonly port: string | number;
  /** Field path of the backend (`spec.rules[0].http.paths[0].backend`). */
  readonly field: string;
}

/** One `spec.rules[i].http.paths[j]`. */
export interface IngressPath {
  readonly host: string;
  /** As written ('' when absent). */
  readonly path: string;
  readonly pathType: PathType;
  readonly backend: BackendRef;
  /** `spec.rules[i].http.paths[j]`. */
  readonly field: string;
}

/** One `spec.tls[i]`. */
export interface IngressTls {
  /** Empty: every host of the Ingress. */
  readonly hosts: readonly string[];
  readonly secretName: string;
  readonly field: string;
}

/** What the translation uses of one Ingress. */
export interface IngressModel {
  readonly object: KubeObject;
  readonly namespace: string;
  readonly name: string;
  readonly paths: readonly IngressPath[];
  /** The hosts of `spec.rules`, in order, '' for a rule without host (rules without http included). */
  readonly ruleHosts: readonly string[];
  /** Whether `spec.rules` has at least one rule. */
  readonly hasRules: boolean;
  readonly defaultBackend?: BackendRef;
  readonly tls: readonly IngressTls[];
}

type Json = Record<string, unknown>;

/** True for a JSON object. */
export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A list field: the list, [] when absent, undefined (with an error) when not a list. */
function listField(value: unknown, object: KubeObject, field: string, sink: DiagnosticSink): unknown[] | undefined {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  sink.error('INGRESS_INVALID_FIELD', object, field, 'expected a list; the field is ignored');
  return undefined;
}

const hostPattern = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/** Checks a rule or TLS host: a DNS name, optionally with a leading `*.` (one label). */
export function hostProblem(host: string): string | undefined {
  if (host === '') return undefined;
  if (hostPattern.test(host)) return undefined;
  if (host.includes('*')) return `a wildcard host must start with "*." and have no other "*", got ${JSON.stringify(host)}`;
  return `expected a DNS name like "example.com" or "*.example.com", got ${JSON.stringify(host)}`;
}

function readBackend(value: unknown, object: KubeObject, field: string, sink: DiagnosticSink): BackendRef | undefined {
  if (!isRecord(value)) {
    sink.error('INGRESS_INVALID_FIELD', object, field, 'expected a backend with a service');
    return undefined;
  }
  if (value['resource'] !== undefined && value['service'] === undefined) {
    sink.error('INGRESS_INVALID_FIELD', object, `${field}.resource`, 'resource backends are not supported (as in Traefik); use a service backend');
    return undefined;
  }
  const service = value['service'];
  if (!isRecord(service) || typeof service['name'] !== 'string' || service['name'] === '') {
    sink.error('INGRESS_INVALID_FIELD', object, `${field}.service.name`, 'required field is missing; expected the name of a Service');
    return undefined;
  }
  const port = isRecord(service['port']) ? service['port'] : {};
  const number = port['number'];
  const name = port['name'];
  if (typeof number === 'number' && Number.isInteger(number) && number >= 1 && number <= 65535) {
    return { service: service['name'], port: number, field };
  }
  if (typeof name === 'string' && name !== '') return { service: service['name'], port: name, field };
  sink.error('INGRESS_INVALID_FIELD', object, `${field}.service.port`,
    `expected a port number (1 to 65535) or a port name, got ${JSON.stringify(service['port'] ?? null)}`);
  return undefined;
}

function readPathType(value: unknown, object: KubeObject, field: string, sink: DiagnosticSink): PathType | undefined {
  if (value === undefined || value === null || value === '') return 'ImplementationSpecific';
  if (value === 'Exact' || value === 'Prefix' || value === 'ImplementationSpecific') return value;
  sink.error('INGRESS_INVALID_FIELD', object, field, `expected pathType Exact, Prefix or ImplementationSpecific, got ${JSON.stringify(value)}`);
  return undefined;
}

/** Reads an Ingress; malformed parts are reported and left out. */
export function readIngress(object: KubeObject, sink: DiagnosticSink): IngressModel {
  const spec = isRecord(object.spec) ? object.spec : {};
  const paths: IngressPath[] = [];
  const ruleHosts: string[] = [];
  const rules = listField(spec['rules'], object, 'spec.rules', sink) ?? [];
  rules.forEach((rule, i) => {
    const ruleField = `spec.rules[${i}]`;
    if (!isRecord(rule)) {
      sink.error('INGRESS_INVALID_FIELD', object, ruleField, 'expected a rule with host and http');
      return;
    }
    const host = typeof rule['host'] === 'string' ? rule['host'] : '';
    const problem = hostProblem(host);
    if (problem !== undefined) {
      sink.error('INGRESS_INVALID_FIELD', object, `${ruleField}.host`, `${problem}; the rule is left out`);
      return;
    }
    ruleHosts.push(host);
    // A rule without http routes nothing (Traefik skips it too).
    if (rule['http'] === undefined || rule['http'] === null) return;
    const http = isRecord(rule['http']) ? rule['http'] : {};
    const list = listField(http['paths'], object, `${ruleField}.http.paths`, sink) ?? [];
    list.forEach((raw, j) => {
      const field = `${ruleField}.http.paths[${j}]`;
      if (!isRecord(raw)) {
        sink.error('INGRESS_INVALID_FIELD', object, field, 'expected a path with pathType and backend');
        return;
      }
      const path = typeof raw['path'] === 'string' ? raw['path'] : '';
      const pathType = readPathType(raw['pathType'], object, `${field}.pathType`, sink);
      const backend = readBackend(raw['backend'], object, `${field}.backend`, sink);
      if (pathType === undefined || backend === undefined) return;
      if (pathType !== 'ImplementationSpecific' && !path.startsWith('/')) {
        sink.error('INGRESS_INVALID_FIELD', object, `${field}.path`,
          `a ${pathType} path must start with "/", got ${JSON.stringify(path)}; the path is left out`);
        return;
      }
      paths.push({ host, path, pathType, backend, field });
    });
  });

  const defaultBackend = spec['defaultBackend'] === undefined || spec['defaultBackend'] === null
    ? undefined : readBackend(spec['defaultBackend'], object, 'spec.defaultBackend', sink);

  const tls: IngressTls[] = [];
  (listField(spec['tls'], object, 'spec.tls', sink) ?? []).forEach((raw, i) => {
    const field = `spec.tls[${i}]`;
    if (!isRecord(raw)) {
      sink.error('INGRESS_INVALID_FIELD', object, field, 'expected hosts and secretName');
      return;
    }
    const hosts = (listField(raw['hosts'], object, `${field}.hosts`, sink) ?? []).filter((h): h is string => typeof h === 'string' && h !== '');
    const secretName = typeof raw['secretName'] === 'string' ? raw['secretName'] : '';
    tls.push({ hosts, secretName, field });
  });

  const model: IngressModel = {
    object, namespace: object.metadata.namespace ?? '', name: object.metadata.name,
    paths, ruleHosts, hasRules: rules.length > 0, tls,
  };
  return defaultBackend === undefined ? model : { ...model, defaultBackend };
}
