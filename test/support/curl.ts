/**
 * Test support: curl as the client, for the tests that want a real-world client's side of a
 * handshake (basic and digest authentication) rather than requests the test builds itself.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CurlAnswer {
  readonly status: number;
  /** Lower-case names; a repeated name keeps its last value. */
  readonly headers: Map<string, string>;
  readonly body: string;
}

/**
 * Runs `curl -s -i` with `args` against 127.0.0.1:`port``path` and returns the last response:
 * with `--digest` curl makes two requests and prints both.
 */
export async function curl(port: number | undefined, path: string, ...args: string[]): Promise<CurlAnswer> {
  if (port === undefined) throw new Error('no port: the entry point is not listening');
  const { stdout } = await run('curl', ['-s', '-i', '--max-time', '10', ...args, `http://127.0.0.1:${port}${path}`]);
  let rest = stdout;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const body = rest.slice(end + 4);
    const next = body.indexOf('HTTP/1.1 ');
    if (next < 0) return { status: Number(statusLine!.split(' ')[1]), headers, body };
    rest = body.slice(next);
  }
}
