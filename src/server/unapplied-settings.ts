/**
 * Static settings Switchyard parses and validates but does not act on yet. Each one set to a
 * non-default value is a warning, so nothing a user wrote is silently ignored (DESIGN.md).
 * Remove an entry here when the feature it names lands.
 */
import type { Diagnostic } from '../config/diagnostics.ts';
import type { StaticConfig } from '../config/static.ts';

function warn(path: string, what: string): Diagnostic {
  return {
    severity: 'warning', code: 'STATIC_SETTING_NOT_APPLIED', resource: 'static', path,
    message: `${what} is parsed but not applied yet by Switchyard; it has no effect`,
  };
}

/** Warnings for every static setting that is set but not applied yet. */
export function unappliedStaticSettings(config: StaticConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, ep] of Object.entries(config.entryPoints)) {
    const at = `entryPoints.${name}`;
    if (ep.http.encodedCharacters !== undefined) out.push(warn(`${at}.http.encodedCharacters`, 'encodedCharacters'));
    if (ep.http.underscoreHeadersStrategy !== 'keep') out.push(warn(`${at}.http.underscoreHeadersStrategy`, 'underscoreHeadersStrategy'));
    if (ep.reusePort) out.push(warn(`${at}.reusePort`, 'reusePort'));
    if (ep.forwardedHeaders.connection.length > 0) out.push(warn(`${at}.forwardedHeaders.connection`, 'forwardedHeaders.connection'));
    if (ep.http2.maxEncoderHeaderTableSize !== 4096) out.push(warn(`${at}.http2.maxEncoderHeaderTableSize`, 'http2.maxEncoderHeaderTableSize'));
    const t = ep.transport;
    if (t.respondingTimeouts.writeTimeout > 0) out.push(warn(`${at}.transport.respondingTimeouts.writeTimeout`, 'writeTimeout'));
    if (t.keepAliveMaxRequests > 0) out.push(warn(`${at}.transport.keepAliveMaxRequests`, 'keepAliveMaxRequests'));
    if (t.keepAliveMaxTime > 0) out.push(warn(`${at}.transport.keepAliveMaxTime`, 'keepAliveMaxTime'));
  }
  return out;
}
