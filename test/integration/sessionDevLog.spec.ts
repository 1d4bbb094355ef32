// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The e2e session's /dev/log (test/e2e/harness/journal.sh, link_dev_log): an overlay on the host's /dev links it to
// the session's journald, whatever the host has there. A host whose /dev already has a log (a syslog daemon's
// socket, or systemd's own link to its journald) made the link fail, and the desktop gym with it.
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);
const JOURNAL_SH = join(process.cwd(), 'test', 'e2e', 'harness', 'journal.sh');
const JOURNALD_SOCKET = '/run/systemd/journal/dev-log';

/** A unix socket at `path`, left there as a daemon's is (python's bind does not remove it on exit). */
const socketAt = (path: string) =>
  run('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);

/**
 * Runs link_dev_log on `dev` (standing for the host's /dev) in a mount namespace of its own, and says what the
 * session's /dev then holds: its log's link, a file of the host's /dev, and whether the host's log is untouched.
 */
async function linkIn(dir: string, dev: string): Promise<{ link: string; tty: string; hostLog: string }> {
  const root = join(dir, 'root');
  const share = join(dir, 'share');
  await mkdir(join(root, 'dev'), { recursive: true });
  await mkdir(share);
  const script = [
    'set -e',
    'source "$0"',
    'link_dev_log "$1" "$2" "$3"',
    'readlink "$1/dev/log"',
    'cat "$1/dev/tty-of-host"',
    'if [ -S "$3/log" ]; then echo socket; elif [ -L "$3/log" ]; then readlink "$3/log"; else echo gone; fi',
  ].join('\n');
  const { stdout } = await run('unshare', [
    ...['--user', '--map-root-user', '--mount', '--propagation', 'private'],
    ...['bash', '-c', script, JOURNAL_SH, root, share, dev],
  ]);
  const [link = '', tty = '', hostLog = ''] = stdout.trim().split('\n');
  return { link, tty, hostLog };
}

describe('the e2e session’s /dev/log', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await makeTempDir('steward-dev-log-');
  });

  afterEach(async () => {
    await dir.remove();
  });

  const hostDev = async (log: 'socket' | 'link' | 'none') => {
    const dev = join(dir.path, 'host-dev');
    await mkdir(dev);
    await writeFile(join(dev, 'tty-of-host'), 'the host’s\n');
    if (log === 'socket') await socketAt(join(dev, 'log'));
    if (log === 'link') await symlink('/run/systemd/journal/dev-log', join(dev, 'log'));
    return dev;
  };

  it('links the session’s journald where the host has a syslog socket at /dev/log, and leaves the host’s', async () => {
    const dev = await hostDev('socket');
    expect(await linkIn(dir.path, dev)).toEqual({ link: JOURNALD_SOCKET, tty: 'the host’s', hostLog: 'socket' });
  });

  it('links it where the host’s systemd already links /dev/log to its own journald', async () => {
    const dev = await hostDev('link');
    expect(await linkIn(dir.path, dev)).toEqual({
      link: JOURNALD_SOCKET,
      tty: 'the host’s',
      hostLog: '/run/systemd/journal/dev-log',
    });
  });

  it('links it where the host has no /dev/log', async () => {
    const dev = await hostDev('none');
    expect(await linkIn(dir.path, dev)).toEqual({ link: JOURNALD_SOCKET, tty: 'the host’s', hostLog: 'gone' });
    // The overlay's upper layer holds the link alone: nothing was written into the host's /dev.
    await expectAsync(readFile(join(dev, 'log'))).toBeRejected();
  });
});
