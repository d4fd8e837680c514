/**
 * The process log (Traefik's `log` section) on pino: Traefik's level names, its JSON record shape
 * (`level`, `time`, `message`, `error`) and its console look for `format: common`. Secrets are
 * redacted before anything is written.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { formatConsoleLogLine } from './console-log-line.ts';
import { formatRfc3339, localOffsetMinutes } from './go-time-format.ts';

/** Traefik's log levels (`log.level`), case-insensitive in config. */
export type LogLevelName = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'PANIC';

/** The logger every component receives through its `deps`. `panic` is Traefik's highest level. */
export type Logger = PinoLogger<'panic'>;

export interface LoggerOptions {
  /** Default `ERROR`, as Traefik. Unknown names fall back to `ERROR`. */
  readonly level?: string;
  /** `common` (console lines, default) or `json`. */
  readonly format?: 'common' | 'json';
  /** Default: standard output. */
  readonly filePath?: string;
  /** No ANSI colours in the common format (always off for files). */
  readonly noColor?: boolean;
  /** Where records go instead of `filePath`/stdout (tests). */
  readonly output?: DestinationStream;
  /** Wall clock in epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
}

const PINO_LEVEL: Readonly<Record<LogLevelName, string>> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', FATAL: 'fatal', PANIC: 'panic',
};

/** Maps a Traefik level name (any case) to the pino level; unknown names give `error`. */
export function pinoLevelFor(level: string | undefined): string {
  const key = (level ?? 'ERROR').toUpperCase() as LogLevelName;
  return Object.hasOwn(PINO_LEVEL, key) ? PINO_LEVEL[key] : 'error';
}

/**
 * Keys whose values never reach a log: credentials in headers, config and errors. Matched at the
 * top level and up to two levels deep (`headers.authorization`, `config.basicAuth.users`).
 */
const SECRET_KEYS = [
  'authorization', 'Authorization', 'proxy-authorization', 'cookie', 'Cookie', 'set-cookie', 'Set-Cookie',
  'password', 'secret', 'token', 'users', 'apiKey', 'privateKey', 'keyFile',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const path = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const join = (prefix: string): string => (path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`);
  return [path, join('*'), join('*.*')];
});

/** Creates the process logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const now = options.now ?? Date.now;
  const toFile = options.filePath !== undefined && options.filePath !== '';
  // Synchronous writes: the process log is off the request path (STYLE: nothing above debug
  // there), and a crash must not lose the lines that explain it.
  const target: DestinationStream = options.output ??
    (toFile ? pino.destination({ dest: options.filePath, mkdir: true, sync: true }) : pino.destination({ dest: 1, sync: true }));
  const color = options.noColor !== true && !toFile && options.output === undefined && process.stdout.isTTY === true;
  const destination: DestinationStream = options.format === 'json'
    ? target
    : { write: (line: string) => target.write(formatConsoleLogLine(line, color)) };
  return pino<'panic'>({
    level: pinoLevelFor(options.level),
    customLevels: { panic: 70 },
    base: null,
    messageKey: 'message',
    errorKey: 'error',
    formatters: { level: (label) => ({ level: label }) },
    timestamp: () => {
      const ms = now();
      return `,"time":"${formatRfc3339(ms, localOffsetMinutes(ms), false)}"`;
    },
    redact: { paths: REDACT_PATHS, censor: 'REDACTED' },
  }, destination);
}
