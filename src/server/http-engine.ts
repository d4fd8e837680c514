/**
 * Which engine serves an entry point's HTTP/1.1 connections: `node` (node:http) or `raw` (the
 * raw-socket engine, server/raw-http1/). HTTP/2 stays on node:http2 either way. The choice is
 * `entryPoints.<name>.http.engine`; an entry point that does not set it takes the process
 * default, `SWITCHYARD_ENGINE` (so CI runs every end-to-end test on both engines without
 * touching their configurations), else `node`. The variable is not static configuration: it
 * never counts as a configuration source, so the one-source rule stays as Traefik has it.
 */
import type { Clock } from '../lib/clock.ts';
import { createHttpEntryPoint, type HttpEntryPoint, type HttpEntryPointOptions } from './http-entry-point.ts';
import { createRawHttp1EntryPoint } from './raw-http1/raw-http1-entry-point.ts';

export type HttpEngine = 'node' | 'raw';

/** The environment variable that sets the default engine. */
export const engineVariable = 'SWITCHYARD_ENGINE';

/**
 * The default engine named by `SWITCHYARD_ENGINE` (`node` or `raw`, any case), or undefined when
 * unset or empty. Any other value throws: a CI run meant for one engine must not silently run
 * on the other.
 */
export function httpEngineFromEnv(value: string | undefined): HttpEngine | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'node' || v === 'raw') return v;
  throw new Error(`${engineVariable} must be "node" or "raw", got "${value}"`);
}

/** Creates the HTTP side of an entry point on the chosen engine. */
export function createEntryPointEngine(engine: HttpEngine, options: HttpEntryPointOptions & { readonly clock: Clock }): HttpEntryPoint {
  switch (engine) {
    case 'node':
      return createHttpEntryPoint(options);
    case 'raw':
      return createRawHttp1EntryPoint(options);
    default: {
      const unknown: never = engine;
      throw new Error(`unknown HTTP engine ${String(unknown)}`);
    }
  }
}
