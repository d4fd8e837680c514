/**
 * Starts Switchyard inside the test process, on the same code path as the binary
 * (loadStaticConfig → runSwitchyard), with real listeners on 127.0.0.1 port 0 and an injected
 * clock: time-based behaviour (rate-limit refills, circuit-breaker periods, health schedules,
 * UDP session timeouts) is driven through real sockets by moving the clock, never by sleeping.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStaticConfig } from '../../src/config/load-static-config.ts';
import { formatDiagnostic } from '../../src/config/diagnostics.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { runSwitchyard } from '../../src/server/switchyard.ts';
import { tempDir } from './switchyard-process.ts';

export interface InProcessSwitchyard {
  /** Entry point name → bound port. */
  readonly ports: ReadonlyMap<string, number>;
  /** The JSON log records written so far. */
  readonly logs: readonly Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface InProcessOptions {
  /**
   * YAML for entry points added after `web`, indented as `web` is (two spaces), e.g. a UDP one
   * with `address: "127.0.0.1:0/udp"` and its `udp.timeout`. Give UDP entry points
   * `transport.lifeCycle.graceTimeOut: 0s`: stop() otherwise waits on the manual clock for
   * open sessions to go idle.
   */
  readonly entryPoints?: string;
  /**
   * The whole static configuration instead, given the dynamic file's path; it must name that
   * file in `providers.file.filename` and log JSON at INFO (the start waits on the log).
   */
  readonly staticText?: (dynamicFile: string) => string;
}

/**
 * Starts Switchyard with `dynamic` as its file provider's configuration (not watched) and one
 * `web` entry point (plus `options.entryPoints`), and resolves once that configuration is
 * applied.
 */
export async function startInProcess(dynamic: string, clock: Clock, options: InProcessOptions = {}): Promise<InProcessSwitchyard> {
  const dir = tempDir({ 'dynamic.yml': dynamic });
  const dynamicFile = join(dir, 'dynamic.yml');
  writeFileSync(join(dir, 'static.yml'), options.staticText?.(dynamicFile) ?? `entryPoints:
  web:
    address: "127.0.0.1:0"
    transport:
      lifeCycle:
        graceTimeOut: 0s
${options.entryPoints ?? ''}providers:
  providersThrottleDuration: 0s
  file:
    filename: ${JSON.stringify(dynamicFile)}
    watch: false
log:
  level: INFO
  format: json
`);
  const loaded = loadStaticConfig({ argv: [`--configFile=${join(dir, 'static.yml')}`], env: {}, cwd: dir });
  if (loaded.config === null || loaded.diagnostics.some((d) => d.severity === 'error')) {
    throw new Error(`static configuration refused: ${loaded.diagnostics.map(formatDiagnostic).join('; ')}`);
  }
  const logs: Record<string, unknown>[] = [];
  let onLog = (): void => {};
  const logger = createLogger({
    level: 'INFO',
    format: 'json',
    output: {
      write(line: string) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
        onLog();
      },
    },
  });
  const applied = new Promise<void>((resolve) => {
    onLog = () => {
      if (logs.some((l) => l['message'] === 'configuration applied' && (l['providers'] as string[] | undefined)?.includes('file'))) resolve();
    };
  });
  const running = await runSwitchyard(loaded.config, logger, { clock });
  await applied;
  const errors = logs.filter((l) => l['level'] === 'error');
  if (errors.length > 0) {
    await running.stop();
    throw new Error(`configuration errors: ${errors.map((l) => String(l['message'])).join('; ')}`);
  }
  return { ports: running.ports, logs, stop: () => running.stop() };
}
