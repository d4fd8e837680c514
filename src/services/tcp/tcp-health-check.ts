/**
 * Active health check of a TCP loadBalancer's servers (reference §1.4, Traefik
 * pkg/healthcheck/healthcheck_tcp.go): dial the server (at `port` when given) through the
 * service's transport, TLS included for `tls: true` servers but without a PROXY header; write
 * `send` when given; read `len(expect)` bytes and compare when `expect` is given. Any error, or
 * the whole probe taking longer than `timeout`, is a failure. One failure takes a server DOWN,
 * one success brings it back UP (Traefik's default thresholds).
 *
 * Servers start UP and are first probed one `interval` after the check starts; UP servers are
 * probed every `interval`, DOWN ones every `unhealthyInterval`. The schedule lives on the
 * ServerHealth records, so a reload (old check stopped, new one started on the same records)
 * neither postpones nor repeats probes. Time runs on the injected clock.
 *
 * Difference from Traefik: Traefik compares the result of a single read, so an answer that
 * arrives in two segments fails; we read until `len(expect)` bytes have arrived.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { formatDuration } from '../../config/duration.ts';
import type { TcpHealthCheckConfig } from '../../config/tcp.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { HealthStatus, ServerHealth } from '../health/server-health.ts';
import type { HostPort } from './host-port.ts';
import { dialTcpServer, type TcpDialSettings } from './tcp-dial.ts';

export interface TcpHealthCheckOptions {
  readonly config: TcpHealthCheckConfig;
  readonly servers: readonly {
    /** The address as configured (the status key). */
    readonly address: string;
    readonly target: HostPort;
    readonly tls: boolean;
    readonly health: ServerHealth;
  }[];
  readonly settings: TcpDialSettings;
  readonly clock: Clock;
  /** Called on every status change this check makes (logging). */
  readonly onChange?: (address: string, status: HealthStatus, reason: string) => void;
  /** Called after every completed probe (metrics; tests wait on it). */
  readonly onProbe?: (address: string, ok: boolean, reason: string) => void;
}

export interface TcpHealthCheck {
  /** Cancels timers and aborts probes in flight (their results are ignored). Idempotent. */
  stop(): void;
  /** Probes every server now and resolves when all probes have finished. */
  probeAll(): Promise<void>;
}

interface Slot {
  readonly address: string;
  readonly target: HostPort;
  readonly tls: boolean;
  readonly health: ServerHealth;
  timer: TimerHandle | undefined;
  controller: AbortController | undefined;
  inFlight: Promise<void> | undefined;
}

/** Starts checking; see the module comment for the schedule. */
export function startTcpHealthCheck(options: TcpHealthCheckOptions): TcpHealthCheck {
  const { config, clock, settings } = options;
  const unhealthyInterval = config.unhealthyInterval ?? config.interval;
  const expect = config.expect === undefined || config.expect === '' ? null : Buffer.from(config.expect);
  const send = config.send === undefined || config.send === '' ? null : Buffer.from(config.send);
  let stopped = false;
  const slots: Slot[] = options.servers.map((s) => ({ ...s, timer: undefined, controller: undefined, inFlight: undefined }));

  function schedule(slot: Slot): void {
    clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    if (stopped) return;
    const checks = slot.health.checks;
    const base = checks.lastProbeAt ?? checks.activeSince ?? clock.now();
    const interval = slot.health.status === 'UP' ? config.interval : unhealthyInterval;
    slot.timer = clock.setTimeout(() => {
      slot.timer = undefined;
      void begin(slot);
    }, Math.max(0, base + interval - clock.now()));
  }

  function begin(slot: Slot): Promise<void> {
    if (slot.inFlight !== undefined) return slot.inFlight;
    clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    const controller = new AbortController();
    const startedAt = clock.now();
    slot.controller = controller;
    const deadline = clock.setTimeout(() => controller.abort(new Error(`timed out after ${formatDuration(config.timeout)}`)), config.timeout);
    const done = probe(slot, controller.signal).then((reason) => {
      clock.clearTimeout(deadline);
      slot.controller = undefined;
      slot.inFlight = undefined;
      if (stopped) return;
      const ok = reason === null;
      const why = reason ?? 'the probe succeeded';
      slot.health.checks.lastProbeAt = startedAt;
      const status: HealthStatus = ok ? 'UP' : 'DOWN';
      if (slot.health.status !== status) {
        slot.health.set(status, why);
        options.onChange?.(slot.address, status, why);
      }
      schedule(slot);
      options.onProbe?.(slot.address, ok, why);
    });
    slot.inFlight = done;
    return done;
  }

  /** Resolves with null on success, or why the probe failed; never rejects. */
  async function probe(slot: Slot, signal: AbortSignal): Promise<string | null> {
    const target = config.port === 0 ? slot.target : { host: slot.target.host, port: config.port };
    let socket: Socket | undefined;
    try {
      socket = await dialTcpServer({ target, tls: slot.tls, settings, signal });
      // Errors after the dial surface through readBytes, or do not matter (the socket is dropped).
      socket.on('error', () => undefined);
      if (send !== null) socket.write(send);
      if (expect !== null) {
        const got = await readBytes(socket, expect.length, signal);
        if (!got.equals(expect)) return `unexpected answer ${JSON.stringify(got.toString('latin1'))}, expected ${JSON.stringify(config.expect)}`;
      }
      return null;
    } catch (err) {
      return `${target.host}:${target.port}: ${(err as Error).message}`;
    } finally {
      socket?.destroy();
    }
  }

  const startedAt = clock.now();
  for (const slot of slots) {
    slot.health.checks.activeSince ??= startedAt;
    schedule(slot);
  }

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      for (const slot of slots) {
        clock.clearTimeout(slot.timer);
        slot.timer = undefined;
        slot.controller?.abort(new Error('health check stopped'));
      }
    },
    async probeAll() {
      if (stopped) return;
      await Promise.all(slots.map(begin));
    },
  };
}

/** Reads exactly `length` bytes (or rejects: closed early, error, aborted). */
function readBytes(socket: Socket, length: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      have += chunk.length;
      if (have < length) return;
      cleanup();
      socket.pause();
      resolve(Buffer.concat(chunks).subarray(0, length));
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`the server closed the connection after ${have} of ${length} expected bytes`));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
