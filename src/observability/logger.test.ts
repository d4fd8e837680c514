// A fixed zone 9 hours west of UTC makes the `time` field deterministic (set before any Date use).
process.env['TZ'] = 'Etc/GMT+9';

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, pinoLevelFor, type LoggerOptions } from './logger.ts';

const NOW = Date.UTC(2009, 10, 10, 23, 0, 0, 500);

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({ now: () => NOW, ...options, output: { write: (line: string) => { lines.push(line); } } });
  return { logger, lines };
}

describe('logger levels', () => {
  const cases: readonly (readonly [level: string | undefined, written: string[]])[] = [
    [undefined, ['error', 'fatal', 'panic']],
    ['TRACE', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'panic']],
    ['debug', ['debug', 'info', 'warn', 'error', 'fatal', 'panic']],
    ['INFO', ['info', 'warn', 'error', 'fatal', 'panic']],
    ['WARN', ['warn', 'error', 'fatal', 'panic']],
    ['ERROR', ['error', 'fatal', 'panic']],
    ['FATAL', ['fatal', 'panic']],
    ['PANIC', ['panic']],
    ['VERBOSE', ['error', 'fatal', 'panic']],
  ];
  for (const [level, written] of cases) {
    it(`at ${level ?? 'the default level'} writes ${written.join(', ')}`, () => {
      const { logger, lines } = capture({ format: 'json', ...(level === undefined ? {} : { level }) });
      logger.trace('m');
      logger.debug('m');
      logger.info('m');
      logger.warn('m');
      logger.error('m');
      logger.fatal('m');
      logger.panic('m');
      assert.deepEqual(lines.map((line) => (JSON.parse(line) as { level: string }).level), written);
    });
  }

  it('maps Traefik level names to pino levels', () => {
    assert.equal(pinoLevelFor('Warn'), 'warn');
    assert.equal(pinoLevelFor('PANIC'), 'panic');
    assert.equal(pinoLevelFor(undefined), 'error');
  });
});

describe('logger formats', () => {
  it('writes JSON records with Traefik\'s level, time and message keys', () => {
    const { logger, lines } = capture({ format: 'json', level: 'INFO' });
    logger.info({ entryPointName: 'web' }, 'Starting provider');
    assert.deepEqual(JSON.parse(lines[0]!), {
      level: 'info', time: '2009-11-10T14:00:00-09:00', entryPointName: 'web', message: 'Starting provider',
    });
  });

  it('writes console lines in the common format: time, level, message, error first, then sorted fields', () => {
    const { logger, lines } = capture({ level: 'INFO' });
    logger.error({ providerName: 'file', error: new Error('boom'), attempt: 2 }, 'Cannot read file');
    logger.info({ path: '/etc/switchyard dir' }, 'Watching');
    assert.deepEqual(lines, [
      '2009-11-10T14:00:00-09:00 ERR Cannot read file error=boom attempt=2 providerName=file\n',
      '2009-11-10T14:00:00-09:00 INF Watching path="/etc/switchyard dir"\n',
    ]);
  });
});

describe('logger secrets', () => {
  it('redacts credentials wherever they appear', () => {
    const { logger, lines } = capture({ format: 'json', level: 'INFO' });
    logger.info({
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=', cookie: 'session=1', 'set-cookie': 'a=b', accept: '*/*' },
      password: 'hunter2',
      middleware: { basicAuth: { users: ['admin:$apr1$x'] } },
      config: { redis: { password: 'p' } },
    }, 'request');
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(record['headers'], { authorization: 'REDACTED', cookie: 'REDACTED', 'set-cookie': 'REDACTED', accept: '*/*' });
    assert.equal(record['password'], 'REDACTED');
    assert.deepEqual(record['middleware'], { basicAuth: { users: 'REDACTED' } });
    assert.deepEqual(record['config'], { redis: { password: 'REDACTED' } });
    assert.doesNotMatch(lines[0]!, /hunter2|YWRtaW46|apr1/);
  });
});
