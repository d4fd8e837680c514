/**
 * The user lines of basicAuth and digestAuth: `usersFile` (read when the middleware is built)
 * then `users`, as Traefik merges them. A later line for the same user replaces an earlier one,
 * so an inline user wins over the same user in the file.
 */
import { readFileSync } from 'node:fs';
import { MiddlewareConfigError } from '../middleware.ts';

/** One user line and where it came from, for error messages that never show its secret. */
export interface UserLine {
  readonly text: string;
  /** The config field to blame: `users[2]`, or `usersFile`. */
  readonly field: string;
  /** Human words for the line's origin: `users[2]`, or `line 3 of /etc/htpasswd`. */
  readonly origin: string;
}

/** What both auth middlewares' configs have. */
export interface UserSources {
  readonly users: readonly string[];
  readonly usersFile?: string | undefined;
}

/**
 * The user lines of a config: the file's lines (trimmed; blank lines and `#` comments skipped)
 * first, then the inline users as given. An unreadable file throws MIDDLEWARE_FILE_UNREADABLE.
 */
export function readUserLines(config: UserSources): UserLine[] {
  const lines: UserLine[] = [];
  const file = config.usersFile;
  if (file !== undefined && file !== '') {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const reason = err instanceof Error && 'code' in err ? String(err.code) : 'read error';
      throw new MiddlewareConfigError('MIDDLEWARE_FILE_UNREADABLE', 'usersFile', `cannot read users file ${JSON.stringify(file)}: ${reason}`);
    }
    const raw = text.split('\n');
    for (let i = 0; i < raw.length; i++) {
      const line = raw[i]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      lines.push({ text: line, field: 'usersFile', origin: `line ${i + 1} of ${file}` });
    }
  }
  config.users.forEach((text, i) => lines.push({ text, field: `users[${i}]`, origin: `users[${i}]` }));
  return lines;
}

/** Throws MIDDLEWARE_INVALID_USERS for `line`; `problem` must not contain the line's secret. */
export function invalidUserLine(line: UserLine, problem: string): never {
  throw new MiddlewareConfigError('MIDDLEWARE_INVALID_USERS', line.field, `${line.origin}: ${problem}`);
}
