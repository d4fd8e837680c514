/**
 * Finds the diagnostics of an item: those naming it as their resource, and those of the files
 * whose path points into its section (`http.services.bad.loadBalancer…` for `bad@file`).
 */

/**
 * @typedef {import('./api-types').Diagnostic} Diagnostic
 * @typedef {'http.routers' | 'http.services' | 'http.middlewares' | 'tcp.routers' | 'tcp.services' | 'tcp.middlewares' | 'udp.routers' | 'udp.services'} Section
 */

/**
 * @param {readonly Diagnostic[]} diagnostics
 * @param {Section} section
 * @param {string} name qualified
 * @returns {Diagnostic[]}
 */
export function diagnosticsOf(diagnostics, section, name) {
  const at = name.lastIndexOf('@');
  const short = at < 0 ? name : name.slice(0, at);
  const provider = at < 0 ? '' : name.slice(at + 1);
  const prefix = `${section}.${short}`;
  return diagnostics.filter((d) => d.resource === name
    || (provider === 'file' && (d.path === prefix || d.path.startsWith(`${prefix}.`))));
}

/**
 * Where a diagnostic comes from, as people look for it: `file:line:column`, else the resource
 * (a Kubernetes object, a static section) and the field path; the resource is left out when it
 * is the item the diagnostic is shown with.
 * @param {Diagnostic} d
 * @param {string} [shownWith] the qualified name of the item the diagnostic is listed under
 */
export function diagnosticLocation(d, shownWith) {
  if (d.source !== undefined) return `${d.source.file}:${d.source.line}:${d.source.column}`;
  if (d.resource === shownWith) return d.path;
  return d.path === '' ? d.resource : `${d.resource} · ${d.path}`;
}
