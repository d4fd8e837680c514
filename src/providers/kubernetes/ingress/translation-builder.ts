/**
 * Collects what the Ingress translation produces (routers, services, middlewares, certificates)
 * with the object each item comes from, and turns it into a Translation. Routers stay mutable
 * until the end: an ingress-nginx canary, read after the Ingresses it joins, re-points their
 * routers at a weighted service.
 *
 * Services and middlewares are checked against the dynamic configuration schema as they come
 * in: values copied from annotations (IP ranges, durations, header maps) are then reported on the
 * Kubernetes object that holds them, and the item is refused (its path or Ingress left out by
 * the caller) instead of being rejected later under a generated name.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { httpMiddlewareSchema } from '../../../config/http-middlewares.ts';
import { httpServiceSchema } from '../../../config/http-services.ts';
import { issuesToDiagnostics } from '../../../config/issue-diagnostics.ts';
import { objectRef, type KubeObject } from '../kube-objects.ts';
import type { Translation } from '../translation.ts';
import type { DiagnosticSink } from './ingress-diagnostics.ts';
import type { IngressCertificate } from './ingress-tls.ts';

/** A router being built. */
export type RouterDraft = Record<string, unknown>;

/** Where translated items go. */
export interface TranslationBuilder {
  /**
   * Adds a router; when `name` is taken by another object the router gets a hash suffix (with a
   * warning). Returns the name used.
   */
  addRouter(name: string, router: RouterDraft, source: KubeObject, field: string): string;
  /**
   * Adds a service; the first of two with one name is kept (identical ones are the norm). False
   * (with an error at `field`) when the service is not valid.
   */
  addService(name: string, config: Readonly<Record<string, unknown>>, source: KubeObject, field: string): boolean;
  /** Adds a middleware; false (with an error) when it is not valid or the name holds another one. */
  addMiddleware(name: string, config: Readonly<Record<string, unknown>>, source: KubeObject, field: string): boolean;
  readonly certificates: Map<string, IngressCertificate>;
  finish(): Translation;
}

/** Creates an empty builder reporting to `sink`. */
export function createTranslationBuilder(sink: DiagnosticSink): TranslationBuilder {
  const routers = new Map<string, RouterDraft>();
  const services = new Map<string, Readonly<Record<string, unknown>>>();
  const middlewares = new Map<string, { config: Readonly<Record<string, unknown>>; json: string }>();
  const certificates = new Map<string, IngressCertificate>();
  const sources = new Map<string, string>();
  const valid = (schema: z.ZodType, config: unknown, what: string, source: KubeObject, field: string): boolean => {
    const result = schema.safeParse(config);
    if (result.success) return true;
    const problems = issuesToDiagnostics(result.error.issues, [], objectRef(source), undefined).map((d) => `${d.path}: ${d.message}`);
    sink.error('INGRESS_GENERATED_INVALID', source, field, `the ${what} built from this object is not valid (${problems.join('; ')})`);
    return false;
  };

  return {
    certificates,
    addRouter(name, router, source, field) {
      let final = name;
      if (routers.has(final)) {
        final = `${name}-${createHash('sha256').update(`${objectRef(source)} ${String(router['rule'])}`).digest('hex').slice(0, 20)}`;
        sink.warn('INGRESS_ROUTER_NAME_CONFLICT', source, field,
          `the router name ${name} is already taken (${sources.get(`http.routers ${name}`) ?? 'another path'}); this router is named ${final}`);
      }
      routers.set(final, router);
      sources.set(`http.routers ${final}`, objectRef(source));
      return final;
    },
    addService(name, config, source, field) {
      if (services.has(name)) return true;
      if (!valid(httpServiceSchema, config, `service ${name}`, source, field)) return false;
      services.set(name, config);
      sources.set(`http.services ${name}`, objectRef(source));
      return true;
    },
    addMiddleware(name, config, source, field) {
      const json = JSON.stringify(config);
      const existing = middlewares.get(name);
      if (existing !== undefined) {
        if (existing.json === json) return true;
        sink.error('INGRESS_ROUTER_NAME_CONFLICT', source, field,
          `the middleware name ${name} is already taken by ${sources.get(`http.middlewares ${name}`) ?? 'another object'} with other settings`);
        return false;
      }
      if (!valid(httpMiddlewareSchema, config, `middleware ${name}`, source, field)) return false;
      middlewares.set(name, { config, json });
      sources.set(`http.middlewares ${name}`, objectRef(source));
      return true;
    },
    finish() {
      const http = {
        routers: Object.fromEntries(routers),
        services: Object.fromEntries(services),
        middlewares: Object.fromEntries([...middlewares].map(([n, m]) => [n, m.config])),
      };
      const config: Record<string, unknown> = { http };
      if (certificates.size > 0) {
        config['tls'] = { certificates: [...certificates].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => ({ ...c })) };
      }
      return { config, diagnostics: sink.diagnostics, sources };
    },
  };
}
