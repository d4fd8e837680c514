/**
 * `host:port` server addresses of TCP and UDP services, split as Go's `net.SplitHostPort` does
 * (Traefik skips a server whose address it cannot split; Switchyard disables the service with a
 * diagnostic naming the server instead).
 */
import { isIP } from 'node:net';

/** A server address split into what a socket connects to. */
export interface HostPort {
  /** Host name or IP, IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
}

/**
 * Splits `host:port` or `[ipv6]:port`; a message saying what was expected when malformed
 * (missing port, bare IPv6 without brackets, port out of 0-65535 or not a number).
 */
export function splitHostPort(address: string): HostPort | string {
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(address);
  let host: string;
  let port: string;
  if (bracketed !== null) {
    host = bracketed[1]!;
    port = bracketed[2]!;
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) return `expected host:port, like "10.0.0.2:5432", got "${address}" (missing port)`;
    host = address.slice(0, colon);
    port = address.slice(colon + 1);
    if (host.includes(':') || host.includes('[') || host.includes(']')) {
      return `expected host:port with an IPv6 address in brackets, like "[::1]:5432", got "${address}"`;
    }
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    return `expected a port number 0-65535 after the last ":", got "${address}"`;
  }
  // Go dials the local system for an empty host (`:5432`); so do we.
  return { host: host === '' ? 'localhost' : host, port: Number(port) };
}

/** `host:port`, with brackets around an IPv6 host. */
export function joinHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
