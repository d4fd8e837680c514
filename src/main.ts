/**
 * The composition root and command line:
 *   switchyard [--configFile=FILE] [Traefik static flags…]   run
 *   switchyard check [same flags]                             validate offline, exit 1 on errors
 *   switchyard quickstart                                     the bundled example (npm start)
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from './config/diagnostics.ts';
import { loadStaticConfig } from './config/static.ts';
import { createLogger } from './observability/logger.ts';
import { checkConfiguration } from './server/check-command.ts';
import { runSwitchyard, switchyardVersion } from './server/switchyard.ts';
import { workerCount } from './config/static-workers.ts';
import { runControlPlane } from './server/workers/control-plane.ts';
import { workerIdVariable } from './server/workers/spawn-worker.ts';
import { runWorkerProcess } from './server/workers/worker-process.ts';
import { startDemoServer } from '../examples/quickstart/demo-servers.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(argv: string[]): Promise<number> {
  // Forked by a control plane (--workers=N): the configuration comes over the IPC channel.
  if (process.env[workerIdVariable] !== undefined && process.send !== undefined) return runWorkerProcess();
  const [command, ...rest] = argv;
  if (command === '--version' || command === 'version') {
    process.stdout.write(`switchyard ${switchyardVersion}\n`);
    return 0;
  }
  if (command === '--help' || command === 'help' || command === '-h') {
    process.stdout.write(usage);
    return 0;
  }
  if (command === 'check') return check(rest);
  if (command === 'quickstart') return quickstart(rest);
  return run(argv);
}

const usage = `Usage:
  switchyard [--configFile=FILE] [--entryPoints.web.address=:8000 …]   start
  switchyard --workers=N [--configFile=FILE …]                           start N worker processes (0: one per core)
  switchyard check [--configFile=FILE] [flags…]                          validate configuration
  switchyard quickstart                                                  run the bundled example
Static configuration is Traefik v3's: a YAML/TOML file, CLI flags, or TRAEFIK_*/SWITCHYARD_* variables.
`;

function load(argv: string[]) {
  return loadStaticConfig({ argv, env: process.env, cwd: process.cwd() });
}

async function check(argv: string[]): Promise<number> {
  const loaded = load(argv);
  const diagnostics = [...loaded.diagnostics];
  if (loaded.config !== null) diagnostics.push(...(await checkConfiguration(loaded.config)));
  for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(d)} (${d.resource})\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  process.stdout.write(`${loaded.configFile ?? 'configuration'}: ${errors} error(s), ${warnings} warning(s)\n`);
  return errors > 0 || loaded.config === null ? 1 : 0;
}

async function run(argv: string[]): Promise<number> {
  const loaded = load(argv);
  for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (loaded.config === null || loaded.diagnostics.some((d) => d.severity === 'error')) return 1;
  const config = loaded.config;
  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    ...(config.log.filePath ? { filePath: config.log.filePath } : {}),
    noColor: config.log.noColor,
  });
  const workers = workerCount(config.workers);
  const running = workers > 1 ? await runControlPlane(config, logger, { workers }) : await runSwitchyard(config, logger);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      // A second signal while stopping changes nothing: the graceful stop has its own deadline.
      if (stopping) {
        logger.info({ signal }, 'already stopping');
        return;
      }
      stopping = true;
      logger.info({ signal }, 'stopping');
      void running.stop().then(resolve);
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  });
  logger.flush?.();
  if (process.env.SWITCHYARD_DEBUG_HANDLES) {
    const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
    process.stderr.write(`active handles: ${handles.map((h) => (h as object).constructor.name).join(', ')}\n`);
  }
  return 0;
}

async function quickstart(argv: string[]): Promise<number> {
  // The example's file provider path is relative to the project, as Traefik resolves it to the cwd.
  process.chdir(projectRoot);
  const blue = await startDemoServer('blue', 8081);
  const green = await startDemoServer('green', 8082);
  process.stdout.write(`demo servers: blue on 127.0.0.1:${blue.port}, green on 127.0.0.1:${green.port}
Switchyard: entry point web on http://127.0.0.1:8000, API on http://127.0.0.1:8080/api/overview
Try:  curl -s localhost:8000/hello   (repeat: 3 of 4 answers come from blue)
      curl -s -H 'Host: api.localhost' localhost:8000/v1/users
`);
  try {
    return await run([`--configFile=${join(projectRoot, 'examples', 'quickstart', 'switchyard.yml')}`, ...argv]);
  } finally {
    await Promise.all([blue.close(), green.close()]);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything was stopped and flushed; a handle a dependency forgot must not keep a
    // stopped router alive (a rollout would wait for its kill timeout).
    setImmediate(() => process.exit(code)).unref();
  },
  (err: unknown) => {
    process.stderr.write(`switchyard: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
