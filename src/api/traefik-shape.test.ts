import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toTraefikShape } from './traefik-shape.ts';

describe('toTraefikShape', () => {
  it('writes durations as Go durations and leaves zero durations out', () => {
    assert.deepEqual(toTraefikShape({ interval: 10_000, timeout: 0, port: 8080 }, 'healthCheck'),
      { interval: '10s', port: 8080 });
  });

  it('leaves out false, 0, empty strings and empty lists, as Go omitempty does', () => {
    assert.deepEqual(toTraefikShape({ secure: false, maxAge: 0, sameSite: '', prefixes: [], path: '/' }),
      { path: '/' });
  });

  it('keeps fields Traefik declares as pointers even when false or 0', () => {
    assert.deepEqual(toTraefikShape({ passHostHeader: false, servers: [{ url: 'http://a', weight: 0 }] }, 'loadBalancer'),
      { passHostHeader: false, servers: [{ url: 'http://a', weight: 0 }] });
  });

  it('keeps empty objects (a section present but empty) and header maps as written', () => {
    assert.deepEqual(toTraefikShape({ tls: {}, customRequestHeaders: { 'X-Remove': '' } }, 'headers'),
      { tls: {}, customRequestHeaders: { 'X-Remove': '' } });
  });

  it('leaves duration strings of a static configuration as written', () => {
    assert.deepEqual(toTraefikShape({ respondingTimeouts: { readTimeout: '60s' } }, 'transport'),
      { respondingTimeouts: { readTimeout: '60s' } });
  });
});
