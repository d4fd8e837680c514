/**
 * Sticky sessions: each proxy with sticky sessions by cookie and, as its reference, with round
 * robin, under the main benchmark's load, for two kinds of clients — ones that never send the
 * cookie (every request is placed anew, and inserting proxies answer with Set-Cookie) and ones
 * that send the cookie the proxy gave them (every request is a lookup). The requirement is that
 * Switchyard's sticky cookie costs at most 10% of its round-robin req/s, for both kinds.
 *
 * The cookie-sending clients are split evenly between the two origins' cookie values (a wrk
 * script alternates them), and the round-robin references get the same Cookie headers. One
 * value for every client (`-H 'Cookie: …'`) would put all the load on one origin, which by
 * itself made Switchyard's round robin 8% faster here: the sticky rows would gain from where the
 * load goes, not from how it is placed.
 *
 * Run: npx node bench/sticky.ts [--install] [--repeat=3] [--only=haproxy,switchyard]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { READY_TIMEOUT_MS, SWITCHYARD_READY_TIMEOUT_MS } from './contenders.ts';
import type { RunningContender } from './contenders.ts';
import { parseStickyOptions, STICKY_HELP } from './cli-options.ts';
import type { StickyOptions } from './cli-options.ts';
import { measure, progressLine } from './measure.ts';
import type { Measurement } from './report.ts';
import { contenderDeps, machineFacts, saveReport, withRig } from './rig.ts';
import type { Rig } from './rig.ts';
import { scenarioMatrix } from './scenarios.ts';
import { checkSetup, cookiePair } from './sticky-check.ts';
import type { StickyCheck } from './sticky-check.ts';
import { renderStickyReport } from './sticky-report.ts';
import { CLIENT_BEHAVIOURS, launchSetup, measurementKey, stickySetups, stickyTools } from './sticky-setups.ts';
import type { StickySetup } from './sticky-setups.ts';
import { alternatingCookiesScript } from './wrk-scripts.ts';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Cookie values for a round-robin setup whose proxy has no sticky setup running: any will do. */
const PLAIN_COOKIE_VALUES = ['a', 'b'];

interface RunningSetup {
  readonly setup: StickySetup;
  readonly contender: RunningContender;
  readonly check: StickyCheck;
}

/** Round `round` starts one setup later than the previous one, so no setup always goes first. */
function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % Math.max(items.length, 1);
  return [...items.slice(k), ...items.slice(0, k)];
}

async function startSetups(rig: Rig, options: StickyOptions, skipped: Map<string, string>): Promise<RunningSetup[]> {
  const deps = contenderDeps(rig, options.switchyardBin, options.routers);
  const running: RunningSetup[] = [];
  for (const setup of stickySetups(options.only)) {
    const started = Date.now();
    try {
      const { port, child } = await launchSetup(deps, setup);
      const timeout = setup.proxy === 'switchyard' ? SWITCHYARD_READY_TIMEOUT_MS : READY_TIMEOUT_MS;
      const check = await checkSetup(setup, port, child, timeout);
      running.push({ setup, contender: { name: setup.proxy, port, process: child }, check });
      const cookie = check.setCookieHeader === undefined ? '' : `, sets ${check.setCookieHeader}`;
      log(`bench: ${setup.key} ready on port ${port} (${Date.now() - started} ms${cookie})`);
    } catch (err) {
      skipped.set(setup.key, (err as Error).message);
      log(`bench: ${setup.key} skipped — ${(err as Error).message}`);
    }
  }
  return running;
}

/**
 * The cookie values a setup's "sends its cookie" clients send, one per origin: the ones it set
 * (or, for nginx's hash, found); for a round-robin setup those of its proxy's sticky setup, so
 * both carry the same request bytes; else plain values.
 */
function lookupValues(current: RunningSetup, all: readonly RunningSetup[]): readonly string[] {
  if (current.check.cookieValues.length > 0) return current.check.cookieValues;
  const sibling = all.find((r) => r.setup.proxy === current.setup.proxy && r.check.cookieValues.length > 0);
  return sibling?.check.cookieValues ?? PLAIN_COOKIE_VALUES;
}

/** Writes each setup's wrk script for the cookie-sending clients; returns the paths by setup key. */
function writeCookieScripts(rig: Rig, running: readonly RunningSetup[]): Map<string, string> {
  const scripts = new Map<string, string>();
  for (const r of running) {
    const file = join(rig.workdir, `${r.setup.key}-cookies.lua`);
    writeFileSync(file, alternatingCookiesScript(lookupValues(r, running).map(cookiePair)));
    scripts.set(r.setup.key, file);
  }
  return scripts;
}

function cookieFacts(running: readonly RunningSetup[]): [string, string][] {
  const sent = running
    .filter((r) => r.setup.balancing.kind === 'sticky-cookie')
    .map((r) => {
      const values = lookupValues(r, running).map((v) => `\`${cookiePair(v)}\``).join(' and ');
      const set = r.check.setCookieHeader === undefined ? 'sets no cookie' : `sets e.g. \`${r.check.setCookieHeader}\``;
      const again = r.setup.insertsCookie ? `; with the cookie: ${r.check.setsCookieOnLookup ? 'Set-Cookie again' : 'no Set-Cookie'}` : '';
      return `${r.setup.proxyLabel} ${set}, clients send ${values} (origin a, origin b)${again}`;
    });
  return [
    ['sticky cookies', sent.length === 0 ? 'none measured' : sent.join('; ')],
    [
      'clients that send the cookie',
      'a wrk script (`-s`) gives the requests the two values in turn, so half the load names each origin; ' +
        "each round-robin reference gets the same Cookie headers as its proxy's sticky setup, so the request bytes match",
    ],
  ];
}

async function compare(rig: Rig, options: StickyOptions): Promise<number> {
  const skipped = new Map<string, string>();
  let running = await startSetups(rig, options, skipped);
  if (running.length === 0) {
    log('bench: no setup started; nothing to measure');
    return 1;
  }
  const all = running;
  const scripts = writeCookieScripts(rig, all);
  const scenarios = scenarioMatrix(options.bodies, options.connections);
  const total = scenarios.length * options.repeat * running.length * CLIENT_BEHAVIOURS.length;
  const minutes = (total * (options.durationSeconds + options.warmupSeconds + 1)) / 60;
  log(`bench: ${total} measured runs of ${options.durationSeconds} s (+${options.warmupSeconds} s warm-up), about ${minutes.toFixed(1)} min`);

  const measurements: Measurement[] = [];
  for (const scenario of scenarios) {
    for (let round = 0; round < options.repeat; round++) {
      for (const behaviour of CLIENT_BEHAVIOURS) {
        for (const current of rotate(running, round)) {
          const key = measurementKey(current.setup, behaviour);
          const shape = behaviour === 'cookie' ? { script: scripts.get(current.setup.key)! } : {};
          try {
            const m = await measure(rig, current.contender, scenario, options, key, shape);
            measurements.push(m);
            log(progressLine(m, `${current.setup.key} ${behaviour}`));
          } catch (err) {
            if (rig.supervisor.interrupted()) return 130; // the signal handler is stopping everything
            skipped.set(current.setup.key, `failed during ${key}: ${(err as Error).message}`);
            log(`bench: ${current.setup.key} dropped — ${(err as Error).message}`);
            running = running.filter((r) => r !== current);
          }
        }
      }
    }
  }

  const facts: [string, string][] = [
    ...machineFacts(rig),
    ['load', `wrk -t1, ${options.durationSeconds} s per run after ${options.warmupSeconds} s of warm-up, Host: bench.example`],
    ['runs', `${options.repeat} per setup, client behaviour and scenario, interleaved (each round starts with the next setup)`],
    ...(options.only.includes('switchyard')
      ? ([['Switchyard routing table', `${options.routers} host routers (${options.routers - 1} decoys + the benchmarked one, which has the lowest priority)`]] as [string, string][])
      : []),
    ...cookieFacts(all),
  ];
  if (options.only.includes('nginx')) {
    facts.push([
      'nginx',
      'nginx OSS cannot insert a cookie (`sticky cookie` is nginx Plus); its sticky row hashes the cookie the client brings ' +
        '(`hash $cookie_srv consistent`), so without a cookie every request goes to one origin and no cookie is set',
    ]);
  }
  const report = renderStickyReport({
    repeat: options.repeat,
    facts,
    scenarios,
    setups: stickySetups(options.only),
    measurements,
    skipped,
  });
  process.stdout.write(`\n${report.text}`);
  log(`bench: report written to ${saveReport(options.out, report.text)}`);
  return skipped.size > 0 || report.pass === false ? 1 : 0;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: StickyOptions | 'help';
  try {
    options = parseStickyOptions(argv);
  } catch (err) {
    log(`bench: ${(err as Error).message}\n\n${STICKY_HELP}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(STICKY_HELP);
    return 0;
  }
  return withRig(stickyTools(options.only), options.install, log, (rig) => compare(rig, options));
}

process.exitCode = await main(process.argv.slice(2));
