/**
 * What building a UDP service yields. UDP has no connections to hand over: the entry point asks
 * the service for a server when a new client session starts, and keeps the session on that
 * server until it goes idle.
 */
import type { HostPort } from '../tcp/host-port.ts';

/** A UDP server picked for a session. */
export interface UdpServerTarget extends HostPort {
  /** The address as configured (what the API and logs show). */
  readonly address: string;
}

export interface BuiltUdpService {
  /** The server for a new session (GCD round robin), or undefined when none can be picked. */
  pick(): UdpServerTarget | undefined;
  /** Every server address this service (with its children) can pick. */
  readonly servers: ReadonlySet<string>;
}
