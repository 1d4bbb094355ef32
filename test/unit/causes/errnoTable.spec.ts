// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The errno table is the system's own list: the kernel's headers and glibc's texts, read by build/errno-table.py.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ERRNO_TABLE, errnoForms, goText } from '../../../service/src/causes/errno.js';
import { ERRNO_LIST } from '../../../service/src/causes/errnoList.js';
import { OWN_WORDS, systemErrorIn } from '../../../service/src/causes/systemError.js';
import { makeTempDir } from '../../support/tempDir.js';

const ROW = /\{ code: '([A-Z0-9_]+)', number: (-?\d+), text: '((?:[^'\\]|\\.)*)'/g;

describe('the errno table', () => {
  it('is what build/errno-table.py makes from this machine’s headers and glibc', async () => {
    const temp = await makeTempDir();
    try {
      const made = join(temp.path, 'errnoList.ts');
      execFileSync('python3', ['build/errno-table.py', made]);
      const rows = [...readFileSync(made, 'utf8').matchAll(ROW)].map(([, code, number, text]) => ({
        code,
        number: Number(number),
        text: text!.replace(/\\(.)/g, '$1'),
      }));
      expect(rows).toEqual(ERRNO_LIST.map(({ code, number, text }) => ({ code, number, text })));
    } finally {
      await temp.remove();
    }
  });

  it('holds every errno of Linux and every getaddrinfo code, each number once', () => {
    const numbers = ERRNO_TABLE.map((entry) => entry.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    // asm-generic/errno.h ends at EHWPOISON (133); 41 and 58 were never used.
    for (let number = 1; number <= 133; number++) {
      if (number === 41 || number === 58) continue;
      expect(numbers).withContext(String(number)).toContain(number);
    }
    expect(ERRNO_TABLE.find((entry) => entry.code === 'EAGAIN')?.aliases).toContain('EWOULDBLOCK');
    expect(ERRNO_TABLE.find((entry) => entry.code === 'EOPNOTSUPP')?.aliases).toContain('ENOTSUP');
    expect(ERRNO_TABLE.find((entry) => entry.number === -3)?.code).toBe('EAI_AGAIN');
    expect(ERRNO_TABLE.find((entry) => entry.number === -2)?.code).toBe('EAI_NONAME');
  });

  it('reads every errno back from each runtime’s form of it: C, Python, Go, Rust, Java, Node and nginx', () => {
    for (const errno of ERRNO_TABLE) {
      for (const line of errnoForms(errno)) {
        const found = systemErrorIn(line);
        // A few texts are words any program writes ("System error"): only their number or code names them.
        if (found === null && OWN_WORDS.has(errno.text) && !/\d|E[A-Z0-9_]{2,}/.test(line.replace('/srv/example', '')))
          continue;
        expect(found?.errno.number).withContext(line).toBe(errno.number);
      }
    }
  });

  it('writes Go’s texts as Go’s syscall package does, the first letter lower-cased', () => {
    expect(goText('No such file or directory')).toBe('no such file or directory');
    expect(goText('Out of streams resources')).toBe('out of streams resources');
    expect(goText('.lib section in a.out corrupted')).toBe('.lib section in a.out corrupted');
  });
});

describe('the system error of forms a hand-picked table missed', () => {
  it('names Python’s [Errno -3] EAI_AGAIN, a temporary failure, not a name that does not exist', () => {
    // https://github.com/techwithtim/Chat-Web-App/issues/7
    const error = systemErrorIn('socket.gaierror: [Errno -3] Temporary failure in name resolution');
    expect(error?.errno.code).toBe('EAI_AGAIN');
    expect(
      systemErrorIn('urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>')?.errno
        .code,
    ).toBe('EAI_AGAIN');
  });

  it('reads nginx’s "(N: text)" with the path it quotes, and Apache’s "(N)text"', () => {
    // nginx 1.18 on a read-only root: https://github.com/nginxinc/docker-nginx/issues/383
    const nginx = systemErrorIn(
      '2020/01/29 09:02:28 [emerg] 1#1: open() "/var/cache/nginx/client_temp" failed (30: Read-only file system)',
    );
    expect(nginx?.errno.code).toBe('EROFS');
    expect(nginx?.path).toBe('/var/cache/nginx/client_temp');
    // https://github.com/docker-library/httpd/issues/9
    const apache = systemErrorIn('(13)Permission denied: AH00072: make_sock: could not bind to address [::]:80');
    expect(apache?.errno.code).toBe('EACCES');
    expect(apache?.port).toBe(80);
  });

  it('reads errnos no check is made of, with the path they name', () => {
    const error = systemErrorIn('tar: /srv/backup/day.tar: Cannot write: Input/output error');
    expect(error?.errno.code).toBe('EIO');
    expect(error?.errno.object).toBeNull();
    expect(systemErrorIn('Error: EISDIR: illegal operation on a directory, read')?.errno.code).toBe('EISDIR');
    expect(systemErrorIn('write /run/app.sock: broken pipe')?.errno.code).toBe('EPIPE');
  });

  it('reads EADDRNOTAVAIL with the address it could not bind', () => {
    const error = systemErrorIn(
      "OSError: [Errno 99] error while attempting to bind on address ('10.99.0.7', 8095): cannot assign requested address",
    );
    expect(error?.errno.code).toBe('EADDRNOTAVAIL');
    expect(error?.port).toBe(8095);
    const go = systemErrorIn('listen tcp 192.0.2.10:8080: bind: cannot assign requested address');
    expect({ host: go?.host, port: go?.port }).toEqual({ host: '192.0.2.10', port: 8080 });
  });

  it('takes no word a program writes of its own for an errno', () => {
    for (const line of ['gym: System error while saving', 'upload failed: Protocol error in reply', 'Bad message'])
      expect(systemErrorIn(line)).withContext(line).toBeNull();
  });
});
