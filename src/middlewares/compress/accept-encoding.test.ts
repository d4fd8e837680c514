/** Accept-Encoding negotiation and media types, as compress reads them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mediaType, negotiateEncoding, type CompressEncoding } from './accept-encoding.ts';

const all: readonly CompressEncoding[] = ['gzip', 'br', 'zstd'];

const cases: ReadonlyArray<{ title: string; header: string | undefined; encodings?: readonly CompressEncoding[]; defaultEncoding?: CompressEncoding; expected: CompressEncoding | null }> = [
  { title: 'no header and no default means none', header: undefined, expected: null },
  { title: 'no header means the default', header: undefined, defaultEncoding: 'br', expected: 'br' },
  { title: 'an empty header means none, even with a default', header: '', defaultEncoding: 'br', expected: null },
  { title: 'a single coding', header: 'br', expected: 'br' },
  { title: 'codings are case-insensitive', header: 'GZip', expected: 'gzip' },
  { title: 'the highest q wins', header: 'gzip;q=0.4, zstd;q=0.9, br;q=0.5', expected: 'zstd' },
  { title: 'ties go to the configured order', header: 'zstd, gzip', encodings: ['zstd', 'gzip'], expected: 'zstd' },
  { title: 'q=0 refuses a coding', header: 'gzip;q=0, br;q=0.1', expected: 'br' },
  { title: 'unknown codings are skipped', header: 'deflate, compress', expected: null },
  { title: 'unconfigured codings are skipped', header: 'br', encodings: ['gzip'], expected: null },
  { title: '* means the first configured encoding', header: '*', encodings: ['zstd', 'gzip'], expected: 'zstd' },
  { title: '* means the default when there is one', header: '*', defaultEncoding: 'br', expected: 'br' },
  { title: '* comes before named codings at equal q', header: 'gzip, *', defaultEncoding: 'zstd', expected: 'zstd' },
  { title: 'a named coding with a higher q beats *', header: 'gzip, *;q=0.5', defaultEncoding: 'zstd', expected: 'gzip' },
  { title: 'identity comes after named codings at equal q', header: 'identity, br', expected: 'br' },
  { title: 'identity preferred over every coding means none', header: 'identity;q=1, gzip;q=0.5', expected: null },
  { title: 'spaces around parameters are allowed', header: 'gzip ; q=0.3 , br ; q = 0.6', expected: 'br' },
  { title: 'a malformed q refuses the coding', header: 'gzip;q=abc, br;q=0.1', expected: 'br' },
];

for (const c of cases) {
  test(c.title, () => {
    assert.equal(negotiateEncoding(c.header, c.encodings ?? all, c.defaultEncoding), c.expected);
  });
}

test('a media type drops its parameters, case and spaces', () => {
  assert.equal(mediaType(' Text/HTML ; charset=UTF-8'), 'text/html');
  assert.equal(mediaType('application/json'), 'application/json');
});
