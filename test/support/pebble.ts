/**
 * Pebble, Let's Encrypt's test ACME server (Debian package `pebble`), for tests that obtain real
 * certificates. Pebble ships no usable HTTPS certificate, so one is issued here by a test CA
 * (test/support/certs.ts); clients trust that CA explicitly. Names resolve through
 * `pebble-challtestsrv` (same package), started as a DNS server answering every A query with
 * 127.0.0.1 (and no AAAA), so Pebble validates challenges against the test's own servers on
 * `httpPort` (HTTP-01) and `tlsPort` (TLS-ALPN-01).
 *
 * Pebble runs with PEBBLE_VA_NOSLEEP=1 (validate at once), PEBBLE_WFE_NONCEREJECT=0 (no
 * random bad-nonce errors) and PEBBLE_AUTHZREUSE=0 (every order is validated).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTestCa } from './certs.ts';

export interface PebbleOptions {
  /** Port Pebble sends HTTP-01 validation requests to (on 127.0.0.1). */
  readonly httpPort: number;
  /** Port Pebble opens TLS-ALPN-01 validation connections to (on 127.0.0.1). */
  readonly tlsPort: number;
  /** Lifetime of issued certificates in seconds (Pebble's `certificateValidityPeriod`). */
  readonly validitySeconds?: number;
}

export interface Pebble {
  /** The ACME directory URL. */
  readonly directoryUrl: string;
  /** PEM file of the CA that issued Pebble's HTTPS certificate (trust it to talk to Pebble). */
  readonly httpsCaFile: string;
  /** PEM of that CA. */
  readonly httpsCa: string;
  /** Pebble's issuing root (regenerated at each start), from its management interface. */
  issuingRoot(): Promise<string>;
  /** Stops Pebble and its DNS server. */
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 for TCP (and UDP when asked), chosen by the kernel. */
async function freePort(udp: boolean): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
    if (!udp) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
    const socket = createSocket('udp4');
    const bound = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise((resolve) => socket.close(() => resolve(undefined)));
    await new Promise((resolve) => server.close(resolve));
    if (bound) return port;
  }
  throw new Error('no port free for both TCP and UDP on 127.0.0.1');
}

/**
 * A TCP port free on 127.0.0.1 now (bound to port 0, read, closed): for a server that Pebble
 * must reach on a port known before it starts (`httpPort`, `tlsPort`). Another process may take
 * it before the caller binds it; the window is small.
 */
export function freeTcpPort(): Promise<number> {
  return freePort(false);
}

/** Starts `command` and resolves once a line of its output contains `ready`. */
function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<ChildProcess> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(ready)) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        child.off('exit', onExit);
        // Keep draining so a full pipe never blocks the process.
        child.stdout!.resume();
        child.stderr!.resume();
        resolve(child);
      }
    };
    const onExit = (code: number | null): void => {
      reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function httpsGet(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: ${res.statusCode} ${body}`))));
    }).on('error', reject).end();
  });
}

/**
 * Starts pebble-challtestsrv and Pebble on free ports of 127.0.0.1. The ports are chosen before
 * the processes bind them, so another test may take one in between: then it starts again on
 * other ports (three attempts).
 */
export async function startPebble(options: PebbleOptions): Promise<Pebble> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPebbleOnce(options);
    } catch (err) {
      if (attempt >= 3 || (err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    }
  }
}

async function startPebbleOnce(options: PebbleOptions): Promise<Pebble> {
  const ca = createTestCa('Pebble HTTPS Test CA');
  const leaf = ca.issue({ dns: ['localhost'], ips: ['127.0.0.1'] });
  const dir = join(leaf.certFile, '..');
  const [dnsPort, dnsManagementPort, acmePort, managementPort] = [
    await freePort(true), await freePort(false), await freePort(false), await freePort(false),
  ];

  const dns = await startProcess('pebble-challtestsrv', [
    '-defaultIPv4', '127.0.0.1', '-defaultIPv6', '',
    '-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '',
    '-management', `127.0.0.1:${dnsManagementPort}`,
  ], process.env, 'Starting management server');

  const configFile = join(dir, 'pebble-config.json');
  writeFileSync(configFile, JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`,
      managementListenAddress: `127.0.0.1:${managementPort}`,
      certificate: leaf.certFile,
      privateKey: leaf.keyFile,
      httpPort: options.httpPort,
      tlsPort: options.tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      ...(options.validitySeconds === undefined ? {} : { certificateValidityPeriod: options.validitySeconds }),
    },
  }));
  let pebble: ChildProcess;
  try {
    pebble = await startProcess('pebble', ['-config', configFile, '-dnsserver', `127.0.0.1:${dnsPort}`], {
      ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0',
    }, 'ACME directory available at');
  } catch (err) {
    await stopProcess(dns);
    throw err;
  }

  return {
    directoryUrl: `https://127.0.0.1:${acmePort}/dir`,
    httpsCaFile: ca.certFile,
    httpsCa: ca.cert,
    issuingRoot: () => httpsGet(`https://127.0.0.1:${managementPort}/roots/0`, ca.cert),
    async stop() {
      await Promise.all([stopProcess(pebble), stopProcess(dns)]);
    },
  };
}
