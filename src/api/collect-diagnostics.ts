/**
 * `/api/diagnostics` (Switchyard only): every diagnostic of the running configuration, those
 * not tied to an item first, then each item's, section by section and by name.
 */
import type { Diagnostic } from '../config/diagnostics.ts';
import type { RuntimeConfig, RuntimeItem } from '../config/runtime.ts';

/** A diagnostic as the API prints it; `source` is left out when unknown. */
export interface DiagnosticJson {
  readonly code: string;
  readonly severity: string;
  readonly resource: string;
  readonly path: string;
  readonly source?: { readonly file: string; readonly line: number; readonly column: number };
  readonly message: string;
}

function toJson(d: Diagnostic): DiagnosticJson {
  const base = { code: d.code, severity: d.severity, resource: d.resource, path: d.path };
  return d.source === undefined
    ? { ...base, message: d.message }
    : { ...base, source: { file: d.source.file, line: d.source.line, column: d.source.column }, message: d.message };
}

function fromItems(items: ReadonlyMap<string, RuntimeItem<unknown>>, out: DiagnosticJson[]): void {
  const names = [...items.keys()].sort();
  for (const name of names) for (const d of items.get(name)!.diagnostics) out.push(toJson(d));
}

/** Collects every diagnostic of a RuntimeConfig. */
export function collectDiagnostics(runtime: RuntimeConfig): DiagnosticJson[] {
  const out = runtime.diagnostics.map(toJson);
  fromItems(runtime.http.routers, out);
  fromItems(runtime.http.services, out);
  fromItems(runtime.http.middlewares, out);
  fromItems(runtime.http.serversTransports, out);
  fromItems(runtime.tcp.routers, out);
  fromItems(runtime.tcp.services, out);
  fromItems(runtime.tcp.middlewares, out);
  fromItems(runtime.tcp.serversTransports, out);
  fromItems(runtime.udp.routers, out);
  fromItems(runtime.udp.services, out);
  return out;
}
