/**
 * Traefik entry point addresses: `:80`, `1.2.3.4:443`, `[::]:443`, with an optional `/tcp` or
 * `/udp` suffix (reference §10.1).
 */

export interface EntryPointAddress {
  /** '' = every interface. */
  readonly host: string;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/** Parses an address, or returns an error message saying what was expected. */
export function parseEntryPointAddress(address: string): EntryPointAddress | { error: string } {
  let text = address.trim();
  let protocol: 'tcp' | 'udp' = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    const suffix = text.slice(slash + 1).toLowerCase();
    if (suffix !== 'tcp' && suffix !== 'udp') return { error: `unknown protocol "${suffix}" in address "${address}": expected /tcp or /udp` };
    protocol = suffix;
    text = text.slice(0, slash);
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { error: `address "${address}" has no port: expected host:port or :port` };
  let host = text.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return { error: `address "${address}" has an invalid port "${portText}"` };
  return { host, port: Number(portText), protocol };
}
