/**
 * The messages between the control plane and its worker processes, over the IPC channel of
 * `child_process.fork` with `serialization: 'advanced'` (structured clone: Maps, Dates and
 * byte arrays travel as they are; functions do not, which is why snapshots lose `locators`).
 *
 * One channel per worker keeps its messages in order: a worker answers `sync` only after it
 * handled every earlier message, which is what makes the control plane's announcements true
 * of every worker (ControlPlaneRole.announce).
 */
import type { Snapshot } from '../../config/snapshot.ts';
import type { StaticConfig } from '../../config/static.ts';
import type { TlsFacts } from '../../lib/exchange.ts';
import type { HealthStatus } from '../../services/health/server-health.ts';
import type { AcmeCertificate } from '../acme/acme-manager.ts';
import type { StatisticsPurpose, WorkerStatistics } from './process-role.ts';

/** A server's change of health, sent both ways (control plane → every worker; worker → control plane). */
export interface HealthChange {
  readonly service: string;
  /** The server's URL (HTTP) or address (TCP). */
  readonly url: string;
  readonly status: HealthStatus;
  readonly reason: string;
  /**
   * For a server a passive check took DOWN: milliseconds since then, so a worker built later
   * still recovers it when the failure window ends (no active check). Null otherwise.
   */
  readonly passiveDownAgoMs: number | null;
}

/** One applied set of snapshots, as shipped. */
export interface ShippedConfiguration {
  /** Every provider's latest snapshot, without `locators` (functions). */
  readonly snapshots: readonly Snapshot[];
  readonly certificates: readonly AcmeCertificate[];
}

/** The head of a request a worker forwards to the control plane (RequestHead as data). */
export interface ForwardedHead {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: readonly string[];
  readonly httpVersion: string;
  readonly host: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly clientIp: string;
  readonly localPort: number;
  readonly entryPoint: string;
  /** TLS facts without the client's certificates (no internal service reads them). */
  readonly tls: Omit<TlsFacts, 'peerCertificates'> | null;
}

/** One part of the response to a forwarded request, in order. */
export type ResponsePart =
  | { readonly kind: 'head'; readonly status: number; readonly headers: readonly string[] }
  | { readonly kind: 'data'; readonly chunk: Uint8Array }
  | { readonly kind: 'flush' }
  | { readonly kind: 'end'; readonly trailers: readonly string[] | null }
  | { readonly kind: 'error'; readonly message: string };

/** Control plane → worker. */
export type ToWorker =
  | {
    readonly type: 'start';
    readonly id: number;
    /** The static configuration, ports of port-0 entry points filled in. */
    readonly config: StaticConfig;
    readonly webRoot: string | null;
    /** Every server's health now. */
    readonly health: readonly HealthChange[];
    /** The configuration to apply before listening (null before the first one exists). */
    readonly configuration: ShippedConfiguration | null;
  }
  | { readonly type: 'configure'; readonly configuration: ShippedConfiguration }
  | { readonly type: 'health'; readonly change: HealthChange }
  | { readonly type: 'sync'; readonly seq: number }
  | { readonly type: 'collect'; readonly seq: number; readonly purpose: StatisticsPurpose }
  | { readonly type: 'internal-response'; readonly id: number; readonly part: ResponsePart }
  | { readonly type: 'stop' };

/** Worker → control plane. */
export type FromWorker =
  /** Every TCP entry point listens: name → bound port. */
  | { readonly type: 'listening'; readonly ports: ReadonlyMap<string, number> }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'synced'; readonly seq: number }
  | { readonly type: 'health'; readonly change: HealthChange }
  /** `seq`: the `collect` answered; null for the periodic push. */
  | { readonly type: 'statistics'; readonly seq: number | null; readonly statistics: WorkerStatistics }
  | { readonly type: 'internal-request'; readonly id: number; readonly service: string; readonly head: ForwardedHead; readonly body: Uint8Array | null }
  | { readonly type: 'internal-cancel'; readonly id: number }
  | { readonly type: 'phase'; readonly phase: string; readonly entryPoint: string | null };

/** Drops what cannot cross the channel (`locators` are functions); diagnostics stay as computed. */
export function shippable(snapshots: ReadonlyMap<string, Snapshot>): Snapshot[] {
  return [...snapshots.values()].map(({ provider, config, rejected, diagnostics }) => ({ provider, config, rejected, diagnostics }));
}

/** A byte array that crossed the channel as a Buffer again (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
