import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MiddlewareConfigError } from '../middleware.ts';
import { readUserLines } from './user-lines.ts';

function usersFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'switchyard-htpasswd-')), 'users');
  writeFileSync(file, text);
  return file;
}

describe('readUserLines', () => {
  it('reads inline users as given', () => {
    assert.deepEqual(readUserLines({ users: ['a:x', ' b:y'] }).map((l) => [l.text, l.field]), [['a:x', 'users[0]'], [' b:y', 'users[1]']]);
  });

  it('puts the file lines first, trimmed, without blank lines and comments', () => {
    const file = usersFile('# admins\n  a:1  \n\n\r\nb:2\r\n#c:3\n');
    const lines = readUserLines({ users: ['d:4'], usersFile: file });
    assert.deepEqual(lines.map((l) => l.text), ['a:1', 'b:2', 'd:4']);
    assert.deepEqual(lines.map((l) => l.origin), [`line 2 of ${file}`, `line 5 of ${file}`, 'users[0]']);
    assert.equal(lines[0]!.field, 'usersFile');
  });

  it('ignores an empty usersFile', () => {
    assert.deepEqual(readUserLines({ users: [], usersFile: '' }), []);
  });

  it('throws MIDDLEWARE_FILE_UNREADABLE naming a missing file', () => {
    const missing = join(tmpdir(), 'switchyard-no-such-users-file');
    assert.throws(() => readUserLines({ users: [], usersFile: missing }), (err: unknown) => {
      assert.ok(err instanceof MiddlewareConfigError);
      assert.equal(err.code, 'MIDDLEWARE_FILE_UNREADABLE');
      assert.equal(err.field, 'usersFile');
      assert.match(err.message, /switchyard-no-such-users-file/);
      return true;
    });
  });
});
