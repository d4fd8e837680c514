/**
 * Checks before load for bench/sticky.ts: a round-robin setup alternates between the origins;
 * a sticky one sets its cookie on every answer to a client without it (spreading such clients
 * over both origins), and keeps a client that sends the cookie on the origin it names. The
 * check also yields the cookie values the "sends its cookie" runs use, one per origin: each
 * proxy has its own value format, so they are read from the proxy's own Set-Cookie.
 */
import { originsSeen, probe, waitUntilServing } from './http-probe.ts';
import type { ProbeResponse } from './http-probe.ts';
import { BODY_SIZES, bodyPath } from './scenarios.ts';
import { STICKY_COOKIE } from './sticky-setups.ts';
import type { StickySetup } from './sticky-setups.ts';
import type { Supervised } from './supervisor.ts';
import { BENCH_HOST } from './traefik-config.ts';

/** What the checks found out. */
export interface StickyCheck {
  /**
   * Sticky setups: one cookie value per origin (in origin order), each checked to keep a client
   * on that origin. Round robin: empty.
   */
  readonly cookieValues: readonly string[];
  /** The first Set-Cookie header that set the sticky cookie, as the proxy sent it. */
  readonly setCookieHeader: string | undefined;
  /** Whether an answer to a client that sent a valid cookie still carried Set-Cookie. */
  readonly setsCookieOnLookup: boolean;
}

/** Requests without a cookie: enough for a random pick (Caddy) to reach both origins (miss: 2⁻¹⁵). */
const PICK_PROBES = 16;
/** Requests with one cookie value: all must reach the same origin. */
const LOOKUP_PROBES = 8;
/** Candidate values tried on a proxy that sets no cookie (nginx's hash) until each origin has one. */
const PLAIN_CANDIDATES = 'abcdefghijklmnopqrstuvwxyz'.split('');

/**
 * The value of cookie `name` in Set-Cookie header values (`srv=a; path=/`), or undefined.
 * Quotes around the value are kept: a client sends the value back as it got it.
 */
export function setCookieValue(setCookies: readonly string[], name: string): string | undefined {
  for (const header of setCookies) {
    const pair = header.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** The `Cookie` header value that sends `value` as the sticky cookie: `srv=a`. */
export function cookiePair(value: string): string {
  return `${STICKY_COOKIE}=${value}`;
}

/**
 * Waits until the setup on `port` answers, then checks its balancing (see the file comment).
 * Throws with what went wrong.
 */
export async function checkSetup(setup: StickySetup, port: number, child: Supervised, timeoutMs: number): Promise<StickyCheck> {
  const path = bodyPath(BODY_SIZES[0]);
  await waitUntilServing(port, path, BENCH_HOST, child, timeoutMs);
  if (setup.balancing.kind === 'round-robin') {
    const seen = await originsSeen(port, path, BENCH_HOST, BODY_SIZES[0]);
    if (!(seen.has('a') && seen.has('b'))) {
      throw new Error(`${setup.key} does not alternate between the origins (4 requests reached: ${[...seen].join(', ')})`);
    }
    return { cookieValues: [], setCookieHeader: undefined, setsCookieOnLookup: false };
  }
  const picked = setup.insertsCookie ? await valuesSet(setup, port) : { byOrigin: new Map<string, string>(), header: undefined };
  const byOrigin = picked.byOrigin;
  let setsCookieOnLookup = false;
  const lookup = async (value: string): Promise<string> => {
    const reached = new Set<string>();
    for (let i = 0; i < LOOKUP_PROBES; i++) {
      const res = await probeOk(port, { cookie: cookiePair(value) });
      reached.add(originOf(res));
      if (setCookieValue(res.setCookies, STICKY_COOKIE) !== undefined) setsCookieOnLookup = true;
    }
    if (reached.size !== 1) throw new Error(`${setup.key}: ${LOOKUP_PROBES} requests with ${STICKY_COOKIE}=${value} reached ${[...reached].join(' and ')}`);
    return [...reached][0]!;
  };
  if (setup.insertsCookie) {
    for (const [origin, value] of byOrigin) {
      const reached = await lookup(value);
      if (reached !== origin) throw new Error(`${setup.key}: ${STICKY_COOKIE}=${value} was set by origin ${origin} but leads to ${reached}`);
    }
  } else {
    // A proxy that only hashes the cookie: find a value that leads to each origin.
    for (const candidate of PLAIN_CANDIDATES) {
      const reached = await lookup(candidate);
      if (!byOrigin.has(reached)) byOrigin.set(reached, candidate);
      if (byOrigin.size === 2) break;
    }
    if (byOrigin.size < 2) throw new Error(`${setup.key}: every ${STICKY_COOKIE} value tried leads to ${[...byOrigin.keys()].join(', ')}`);
  }
  const cookieValues = [...byOrigin.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, value]) => value);
  return { cookieValues, setCookieHeader: picked.header, setsCookieOnLookup };
}

/** Sends PICK_PROBES requests without a cookie; returns the value set for each origin. */
async function valuesSet(setup: StickySetup, port: number): Promise<{ byOrigin: Map<string, string>; header: string | undefined }> {
  const byOrigin = new Map<string, string>();
  const originByValue = new Map<string, string>();
  let header: string | undefined;
  for (let i = 0; i < PICK_PROBES; i++) {
    const res = await probeOk(port);
    const value = setCookieValue(res.setCookies, STICKY_COOKIE);
    if (value === undefined) {
      throw new Error(`${setup.key}: an answer to a client without the cookie has no Set-Cookie ${STICKY_COOKIE}= (got ${JSON.stringify(res.setCookies)})`);
    }
    const origin = originOf(res);
    const earlier = originByValue.get(value);
    if (earlier !== undefined && earlier !== origin) {
      throw new Error(`${setup.key}: cookie value ${value} was set by both origin ${earlier} and ${origin}`);
    }
    originByValue.set(value, origin);
    if (!byOrigin.has(origin)) byOrigin.set(origin, value);
    header ??= res.setCookies.find((h) => setCookieValue([h], STICKY_COOKIE) !== undefined);
  }
  if (!(byOrigin.has('a') && byOrigin.has('b'))) {
    throw new Error(`${setup.key}: ${PICK_PROBES} clients without the cookie all went to ${[...byOrigin.keys()].join(', ')}`);
  }
  return { byOrigin, header };
}

function originOf(res: ProbeResponse): string {
  return res.origin ?? '(no X-Origin header)';
}

async function probeOk(port: number, headers: Readonly<Record<string, string>> = {}): Promise<ProbeResponse> {
  const path = bodyPath(BODY_SIZES[0]);
  const res = await probe(port, path, BENCH_HOST, 2000, headers);
  if (res.status !== 200 || res.bodyBytes !== BODY_SIZES[0]) {
    throw new Error(`GET ${path} answered ${res.status} with ${res.bodyBytes} bytes, expected 200 with ${BODY_SIZES[0]}`);
  }
  return res;
}
