/**
 * `/api/rawdata`: every item of the RuntimeConfig keyed by name, in Traefik's sections
 * (`routers`, `tcpServices`, …); empty sections are left out.
 */
import { httpMiddlewareKinds } from '../config/dynamic.ts';
import type { LiveViews, RuntimeConfig } from '../config/runtime.ts';
import { TCP_MIDDLEWARE_KINDS } from './api-collections.ts';
import {
  representHttpRouter, representHttpService, representMiddleware, representTcpRouter, representTcpUdpService,
  representUdpRouter, type Json,
} from './item-representation.ts';

/** A map keyed by item name in Go's sorted key order, left out (undefined) when empty. */
function rawdataMap<T extends { readonly name: string }>(items: ReadonlyMap<string, T>, represent: (item: T) => Json):
  Record<string, Json> | undefined {
  if (items.size === 0) return undefined;
  const out: Record<string, Json> = {};
  for (const name of [...items.keys()].sort()) out[name] = represent(items.get(name)!);
  return out;
}

/** Builds the rawdata document. */
export function buildRawdata(runtime: RuntimeConfig, live: LiveViews): Json {
  const sections: Record<string, Record<string, Json> | undefined> = {
    routers: rawdataMap(runtime.http.routers, (item) => representHttpRouter(item, 'rawdata')),
    middlewares: rawdataMap(runtime.http.middlewares,
      (item) => representMiddleware(item, httpMiddlewareKinds, 'rawdata')),
    services: rawdataMap(runtime.http.services, (item) => representHttpService(item, live, 'rawdata')),
    tcpRouters: rawdataMap(runtime.tcp.routers, (item) => representTcpRouter(item, 'rawdata')),
    tcpMiddlewares: rawdataMap(runtime.tcp.middlewares,
      (item) => representMiddleware(item, TCP_MIDDLEWARE_KINDS, 'rawdata')),
    tcpServices: rawdataMap(runtime.tcp.services, (item) => representTcpUdpService(item, 'rawdata')),
    udpRouters: rawdataMap(runtime.udp.routers, (item) => representUdpRouter(item, 'rawdata')),
    udpServices: rawdataMap(runtime.udp.services, (item) => representTcpUdpService(item, 'rawdata')),
  };
  const out: Json = {};
  for (const [key, value] of Object.entries(sections)) if (value !== undefined) out[key] = value;
  return out;
}
