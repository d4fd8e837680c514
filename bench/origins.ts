/**
 * The two origin servers: nginx with one worker each, pinned to the load generator's core,
 * serving static bodies. nginx rather than a small Node server because it is not the
 * bottleneck: on one core shared with wrk it answers about twice as many requests per second
 * as a minimal `node:http` server (measured here: ~118k vs ~63k req/s for 100 B), well above
 * what any proxy reaches on its own core. `direct` measures that ceiling in every report.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BODY_SIZES, bodyPath } from './scenarios.ts';
import { getFreePort } from './free-port.ts';
import { waitUntilServing } from './http-probe.ts';
import { nginxOriginConfig } from './proxy-configs.ts';
import type { OriginAddress } from './proxy-configs.ts';
import type { Supervisor } from './supervisor.ts';

export interface OriginDeps {
  readonly supervisor: Supervisor;
  /** Private folder for configs and files (the nginx workers must be able to read it). */
  readonly workdir: string;
  readonly nginx: string;
  readonly cpu: number;
  readonly host: string;
}

/** Writes the bodies, starts origins `a` and `b`, and resolves once both answer. */
export async function startOrigins(deps: OriginDeps): Promise<OriginAddress[]> {
  const www = join(deps.workdir, 'www');
  mkdirSync(www, { recursive: true });
  // nginx workers run as an unprivileged user when started by root.
  chmodSync(deps.workdir, 0o755);
  chmodSync(www, 0o755);
  for (const size of BODY_SIZES) {
    const body = Buffer.alloc(size, 'switchyard-bench\n');
    writeFileSync(join(www, bodyPath(size).slice(1)), body, { mode: 0o644 });
  }
  const origins: OriginAddress[] = [];
  for (const name of ['a', 'b']) {
    const origin = { name, port: await getFreePort() };
    const config = join(deps.workdir, `origin-${name}.conf`);
    writeFileSync(config, nginxOriginConfig(deps.workdir, www, origin));
    const child = deps.supervisor.spawn(
      `origin ${name} (nginx)`,
      deps.nginx,
      ['-p', `${deps.workdir}/`, '-c', config, '-e', join(deps.workdir, `origin-${name}.error.log`)],
      { cpu: deps.cpu },
    );
    await waitUntilServing(origin.port, bodyPath(BODY_SIZES[0]), deps.host, child, 10_000);
    origins.push(origin);
  }
  return origins;
}
