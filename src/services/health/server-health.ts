/**
 * Health state of servers, kept outside the built configuration so that it survives reloads
 * (DESIGN.md: keyed, ref-counted state). One record per (service, server URL): its status,
 * when it last changed (slow start ramps from there), why, and a bounded history the API shows.
 *
 * Active checks, passive checks and the Kubernetes provider (terminating endpoints) write
 * statuses here; load balancers read them on every pick and subscribe to changes.
 */
import type { Clock } from '../../lib/clock.ts';

/** A server's health. Draining is not a health state: it comes from configuration (weight 0, fenced). */
export type HealthStatus = 'UP' | 'DOWN';

/** One change of status, for the API's health history. */
export interface HealthTransition {
  /** Clock milliseconds. */
  readonly at: number;
  /** Wall-clock time of the change (ISO 8601), for people reading the API. */
  readonly time: string;
  readonly status: HealthStatus;
  readonly reason: string;
}

/** How many transitions a record keeps. */
export const healthHistoryLength = 20;

/**
 * What the checks that write a record need to remember between probes and requests. It lives on
 * the record, not in a checker, so that a reload (old checker stopped, new one started for the
 * same records) keeps the rise/fall counts, the probe schedule and the passive failure window.
 * Only the health checkers write it.
 */
export interface HealthCheckState {
  /** Consecutive successful active probes; reset to 0 whenever the server goes DOWN. */
  successes: number;
  /** Consecutive failed active probes; reset to 0 whenever the server goes UP. */
  failures: number;
  /** Clock ms when the last completed active probe started; undefined before the first one. */
  lastProbeAt: number | undefined;
  /** Clock ms when an active check first ran for this record: the first probe is due one interval later. */
  activeSince: number | undefined;
  /** Clock ms of passive failures, oldest first, kept until they leave the failure window. */
  readonly passiveFailures: number[];
  /** Clock ms when the passive check took the server DOWN; cleared by the next change of status. */
  passiveDownAt: number | undefined;
}

export interface ServerHealth {
  readonly service: string;
  readonly url: string;
  readonly status: HealthStatus;
  /** Clock ms when the status last changed, or when the record was created (servers start UP). */
  readonly since: number;
  /** Why the status is what it is ('' for a server that has not been checked). */
  readonly reason: string;
  /** Most recent last; at most healthHistoryLength entries. */
  readonly history: readonly HealthTransition[];
  /** Bookkeeping of the active and passive checks (see HealthCheckState). */
  readonly checks: HealthCheckState;
  /**
   * Sets the status and reason. With the status unchanged only the reason is replaced (no
   * history entry, no notification). A change also resets the check counters that count
   * toward the opposite status, so `rise`/`fall` start over whoever changed it.
   */
  set(status: HealthStatus, reason: string): void;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (health: ServerHealth) => void): () => void;
}

export interface HealthRegistry {
  /** The record for (service, url), created UP on first use; each acquire needs one release. */
  acquire(service: string, url: string): ServerHealth;
  /** Drops one reference; the record is forgotten when none remain. */
  release(service: string, url: string): void;
  /** The record if it exists (for views); does not take a reference. */
  get(service: string, url: string): ServerHealth | undefined;
  readonly clock: Clock;
}

class Record implements ServerHealth {
  readonly service: string;
  readonly url: string;
  status: HealthStatus = 'UP';
  since: number;
  reason = '';
  readonly history: HealthTransition[] = [];
  readonly checks: HealthCheckState = {
    successes: 0,
    failures: 0,
    lastProbeAt: undefined,
    activeSince: undefined,
    passiveFailures: [],
    passiveDownAt: undefined,
  };
  refs = 0;
  readonly #clock: Clock;
  readonly #listeners = new Set<(health: ServerHealth) => void>();

  constructor(service: string, url: string, clock: Clock) {
    this.service = service;
    this.url = url;
    this.#clock = clock;
    this.since = clock.now();
  }

  set(status: HealthStatus, reason: string): void {
    if (status === this.status) {
      this.reason = reason;
      return;
    }
    const at = this.#clock.now();
    this.status = status;
    this.since = at;
    this.reason = reason;
    if (status === 'UP') this.checks.failures = 0;
    else this.checks.successes = 0;
    this.checks.passiveDownAt = undefined;
    this.history.push({ at, time: new Date().toISOString(), status, reason });
    if (this.history.length > healthHistoryLength) this.history.shift();
    for (const listener of [...this.#listeners]) listener(this);
  }

  subscribe(listener: (health: ServerHealth) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Creates the registry; one per running Switchyard. */
export function createHealthRegistry(clock: Clock): HealthRegistry {
  const records = new Map<string, Record>();
  const keyOf = (service: string, url: string): string => `${service}\u0000${url}`;
  return {
    clock,
    acquire(service, url) {
      const key = keyOf(service, url);
      let r = records.get(key);
      if (r === undefined) records.set(key, (r = new Record(service, url, clock)));
      r.refs++;
      return r;
    },
    release(service, url) {
      const key = keyOf(service, url);
      const r = records.get(key);
      if (r === undefined) return;
      if (--r.refs <= 0) records.delete(key);
    },
    get: (service, url) => records.get(keyOf(service, url)),
  };
}
