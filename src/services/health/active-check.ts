/**
 * Active health check of a loadBalancer's servers (reference §6.1): each server is probed
 * every `interval` while UP and every `unhealthyInterval` while DOWN; `fall` consecutive failed
 * probes take it DOWN and `rise` consecutive successful ones bring it back (Traefik: 1 and 1).
 *
 * The schedule and the counts live on the ServerHealth records (HealthCheckState): a reload
 * stops this checker and starts a new one for the same records, and a server's next probe stays
 * due at its last probe + interval, so frequent reloads do not postpone probes.
 *
 * `mode: http` probes with http-probe.ts, `mode: grpc` with grpc-probe.ts (grpc.health.v1 Check,
 * SERVING = up); both go through the service's pools and servers transport.
 */
import type { HealthCheckConfig } from '../../config/http-services.ts';
import { formatDuration } from '../../config/duration.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { TransportSettings, UpstreamPools } from '../../proxy/upstream-pools.ts';
import { grpcProbeTransport, resolveGrpcProbeTarget, sendGrpcProbe } from './grpc-probe.ts';
import { resolveProbeTarget, sendHttpProbe, type ProbeOutcome } from './http-probe.ts';
import type { HealthStatus, ServerHealth } from './server-health.ts';

export interface ActiveHealthCheckOptions {
  /** Qualified service name (logs). */
  readonly service: string;
  readonly config: HealthCheckConfig;
  readonly servers: readonly { readonly url: string; readonly health: ServerHealth }[];
  /** The service's servers transport: probes use the same TLS settings as requests. */
  readonly transport: TransportSettings;
  readonly pools: UpstreamPools;
  readonly clock: Clock;
  /** Called on every status change this check makes, with a human reason, for logging. */
  readonly onChange?: (url: string, status: HealthStatus, reason: string) => void;
  /**
   * Called after every completed probe (not one aborted by stop()), once the status and the
   * next probe are settled; for metrics, and for tests to wait on.
   */
  readonly onProbe?: (url: string, ok: boolean, reason: string) => void;
}

export interface ActiveHealthCheck {
  /** Cancels every timer and aborts probes in flight (their results are ignored). Idempotent. */
  stop(): void;
  /**
   * Probes every server now (a probe already in flight counts) and resolves when all have
   * finished; each server's schedule then continues from this probe.
   */
  probeAll(): Promise<void>;
}

interface Slot {
  readonly url: string;
  readonly health: ServerHealth;
  /** Sends one probe of this server (never rejects). */
  readonly send: (signal: AbortSignal) => Promise<ProbeOutcome>;
  /** Gives back the pool the probes use. */
  readonly release: () => void;
  timer: TimerHandle | undefined;
  deadline: TimerHandle | undefined;
  controller: AbortController | undefined;
  inFlight: Promise<void> | undefined;
  /** True while a finished probe writes its result (its own status change must not reschedule). */
  settling: boolean;
  unsubscribe: () => void;
}

/** How one server is probed under `config`, holding the pool it needs until released. */
function prober(url: string, options: ActiveHealthCheckOptions): Pick<Slot, 'send' | 'release'> {
  const { config, pools } = options;
  const fails = (reason: string): Pick<Slot, 'send' | 'release'> => ({ send: () => Promise.resolve({ ok: false, reason }), release: () => undefined });
  switch (config.mode) {
    case 'http': {
      const target = resolveProbeTarget(url, config);
      if (typeof target === 'string') return fails(target);
      const { transport } = options;
      const pool = pools.acquire(target.origin, transport);
      return {
        send: (signal) => sendHttpProbe({ target, pool, config, pools, transport, signal }),
        release: () => pools.release(target.origin, transport),
      };
    }
    case 'grpc': {
      const target = resolveGrpcProbeTarget(url, config);
      if (typeof target === 'string') return fails(target);
      const transport = grpcProbeTransport(options.transport);
      const pool = pools.acquire(target.origin, transport);
      return {
        send: (signal) => sendGrpcProbe({ target, pool, config, transport, signal }),
        release: () => pools.release(target.origin, transport),
      };
    }
    default: {
      const never: never = config.mode;
      throw new Error(`unknown health check mode ${String(never)}`);
    }
  }
}

/** Starts probing; the first probe of a server is one interval after the first check of it started. */
export function startActiveHealthCheck(options: ActiveHealthCheckOptions): ActiveHealthCheck {
  const { config, clock } = options;
  const unhealthyInterval = config.unhealthyInterval ?? config.interval;
  const timeoutReason = `timed out after ${formatDuration(config.timeout)}`;
  let stopped = false;

  const slots: Slot[] = options.servers.map(({ url, health }) => ({
    url, health, ...prober(url, options),
    timer: undefined, deadline: undefined, controller: undefined, inFlight: undefined,
    settling: false, unsubscribe: () => undefined,
  }));

  const intervalFor = (status: HealthStatus): number => (status === 'UP' ? config.interval : unhealthyInterval);

  function schedule(slot: Slot): void {
    clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    if (stopped) return;
    const checks = slot.health.checks;
    const base = checks.lastProbeAt ?? checks.activeSince ?? clock.now();
    const delay = base + intervalFor(slot.health.status) - clock.now();
    // begin()'s promise is kept on the slot (probeAll joins it); it rejects only when a
    // listener throws, which is a bug and should surface.
    if (delay <= 0) {
      void begin(slot);
      return;
    }
    slot.timer = clock.setTimeout(() => {
      slot.timer = undefined;
      void begin(slot);
    }, delay);
  }

  /** Starts a probe of `slot` unless one is in flight; the promise never rejects on probe failures. */
  function begin(slot: Slot): Promise<void> {
    if (slot.inFlight !== undefined) return slot.inFlight;
    clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    const controller = new AbortController();
    const startedAt = clock.now();
    slot.controller = controller;
    slot.deadline = clock.setTimeout(() => controller.abort(new Error(timeoutReason)), config.timeout);
    const done = slot.send(controller.signal).then((outcome) => {
      clock.clearTimeout(slot.deadline);
      slot.deadline = undefined;
      slot.controller = undefined;
      slot.inFlight = undefined;
      if (stopped) return;
      slot.settling = true;
      try {
        settle(slot, startedAt, outcome);
      } finally {
        slot.settling = false;
      }
      schedule(slot);
      options.onProbe?.(slot.url, outcome.ok, outcome.reason);
    });
    slot.inFlight = done;
    return done;
  }

  function settle(slot: Slot, startedAt: number, outcome: ProbeOutcome): void {
    const { health } = slot;
    const checks = health.checks;
    checks.lastProbeAt = startedAt;
    if (outcome.ok) {
      checks.successes++;
      checks.failures = 0;
      if (health.status === 'DOWN' && checks.successes >= config.rise) {
        change(slot, 'UP', config.rise > 1 ? `${outcome.reason} (${checks.successes} consecutive successes)` : outcome.reason);
      }
    } else {
      checks.failures++;
      checks.successes = 0;
      if (health.status === 'UP' && checks.failures >= config.fall) {
        change(slot, 'DOWN', config.fall > 1 ? `${outcome.reason} (${checks.failures} consecutive failures)` : outcome.reason);
      }
    }
  }

  function change(slot: Slot, status: HealthStatus, reason: string): void {
    slot.health.set(status, reason);
    options.onChange?.(slot.url, status, reason);
  }

  const startedAt = clock.now();
  for (const slot of slots) {
    slot.health.checks.activeSince ??= startedAt;
    // Another writer (passive check, provider) changed the status: the other interval applies.
    slot.unsubscribe = slot.health.subscribe(() => {
      if (slot.inFlight === undefined && !slot.settling) schedule(slot);
    });
  }
  for (const slot of slots) {
    // probeAtStart is about servers never probed: a reload keeps the running schedule.
    if (config.probeAtStart && slot.health.checks.lastProbeAt === undefined) void begin(slot);
    else schedule(slot);
  }

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      for (const slot of slots) {
        clock.clearTimeout(slot.timer);
        clock.clearTimeout(slot.deadline);
        slot.timer = undefined;
        slot.deadline = undefined;
        slot.controller?.abort(new Error('health check stopped'));
        slot.unsubscribe();
        slot.release();
      }
    },
    async probeAll() {
      if (stopped) return;
      await Promise.all(slots.map(begin));
    },
  };
}
