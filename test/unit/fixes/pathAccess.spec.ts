// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { systemErrorIn } from '../../../service/src/causes/systemError.js';
import { accountOf, describeAccess, mayAccess, type PathEntry } from '../../../service/src/fixes/actions/pathAccess.js';
import { createCatalog } from '../../../service/src/fixes/catalog.js';
import { KINDS } from '../../../service/src/kinds/index.js';
import { makeTempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from './actionContext.js';

const PASSWD =
  'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' +
  'tester:x:1000:1000::/home/tester:/bin/bash\n';
const GROUP = 'root:x:0:\nadm:x:4:tester\nnogroup:x:65534:\ntester:x:1000:\nstats:x:990:nobody,tester\n';

const dir = (path: string, uid: number, gid: number, mode: number): PathEntry => ({
  path,
  uid,
  gid,
  mode,
  directory: true,
});

describe('who may use a file a service was refused', () => {
  it('reads an account and its groups from /etc/passwd and /etc/group, by name or number', () => {
    expect(accountOf('nobody', PASSWD, GROUP)).toEqual({ name: 'nobody', uid: 65534, gids: [65534, 990] });
    expect(accountOf('1000', PASSWD, GROUP)).toEqual({ name: 'tester', uid: 1000, gids: [1000, 4, 990] });
    expect(accountOf('gym-ghost', PASSWD, GROUP)).toBeNull();
  });

  it('decides by owner, then group, then others, and lets root through', () => {
    const nobody = accountOf('nobody', PASSWD, GROUP)!;
    expect(mayAccess(nobody, dir('/var/lib/x', 0, 0, 0o755), 2)).toBeFalse();
    expect(mayAccess(nobody, dir('/var/lib/x', 0, 990, 0o775), 2)).toBeTrue();
    expect(mayAccess(nobody, dir('/var/lib/x', 65534, 0, 0o700), 2)).toBeTrue();
    // The owner's bits count for the owner, even where the others' would allow more.
    expect(mayAccess(nobody, dir('/var/lib/x', 65534, 0, 0o077), 1)).toBeFalse();
    expect(mayAccess(accountOf('root', PASSWD, GROUP)!, dir('/root', 0, 0, 0o700), 2)).toBeTrue();
  });

  it('says as whom the unit runs and where on the way that user is shut out, as the gym showed it', () => {
    const lines = describeAccess(
      { path: '/var/lib/gym-stats/count', unit: 'gym-stats.service' },
      accountOf('nobody', PASSWD, GROUP)!,
      {
        entries: [
          dir('/', 0, 0, 0o755),
          dir('/var', 0, 0, 0o755),
          dir('/var/lib', 0, 0, 0o755),
          dir('/var/lib/gym-stats', 0, 0, 0o755),
        ],
        missing: '/var/lib/gym-stats/count',
      },
      { passwd: PASSWD, group: GROUP },
    );
    expect(lines).toEqual([
      'gym-stats.service runs as nobody (uid 65534; groups nogroup, stats).',
      '/  root:root  drwxr-xr-x  (nobody may enter it)',
      '/var  root:root  drwxr-xr-x  (nobody may enter it)',
      '/var/lib  root:root  drwxr-xr-x  (nobody may enter it)',
      '/var/lib/gym-stats  root:root  drwxr-xr-x  (nobody may enter it; may create files in it: no)',
      '/var/lib/gym-stats/count does not exist.',
    ]);
    const file: PathEntry = { path: '/srv/x.db', uid: 0, gid: 0, mode: 0o640, directory: false };
    expect(
      describeAccess(
        { path: '/srv/x.db', unit: 'x.service' },
        accountOf('tester', PASSWD, GROUP)!,
        { entries: [dir('/srv', 0, 0, 0o711), file], missing: null },
        { passwd: PASSWD, group: GROUP },
      ),
    ).toContain('/srv/x.db  root:root  -rw-r-----  (tester may read it: no; may write it: no)');
  });

  it('shows a hostile path from a log line as text, never as terminal codes or reordered characters', async () => {
    const temp = await makeTempDir();
    try {
      // A program may print any bytes before "Permission denied": an escape that clears the screen, a
      // right-to-left override that turns "txt.exe" around. The path is taken as written, and shown escaped.
      const hostile = join(temp.path, 'a\u001b[2J\u001b]0;owned\u0007b', 'c\u202etxt.exe');
      await mkdir(join(hostile, '..'), { recursive: true });
      expect(systemErrorIn(`/bin/sh: 1: cannot create ${hostile}: Permission denied`)?.path).toBe(hostile);
      const catalog = createCatalog({ kinds: KINDS });
      const { params } = catalog.validate('info.path_access', { path: hostile, unit: 'x.socket', scope: 'user' });
      const action = catalog.get('info.path_access')!;
      const context = homeContext(temp.path);
      const preview = await action.preview(params, context);
      const outcome = await action.run(params, context, runOptions());
      const shown = [preview.summary, ...preview.details, ...outcome.summary.split('\n')];
      expect(preview.details.some((line) => line.includes('does not exist'))).toBeTrue();
      // Printable ASCII only: no escape, bell or control character, no bidi override.
      for (const line of shown)
        expect(line)
          .withContext(line)
          .toMatch(/^[\x20-\x7e]*$/);
      expect(preview.summary).toContain('a\\x1b[2J\\x1b]0;owned\\x07b/c\\u202etxt.exe');
      for (const bad of [`${temp.path}/../etc/shadow`, `${temp.path}/x\u0000y`, 'relative/path'])
        expect(() => catalog.validate('info.path_access', { path: bad, unit: 'x.socket', scope: 'user' }))
          .withContext(bad)
          .toThrow(jasmine.objectContaining({ errorName: 'InvalidArgs' }));
    } finally {
      await temp.remove();
    }
  });
});
