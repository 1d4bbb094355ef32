// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { systemErrorIn } from '../../../service/src/causes/systemError.js';
import type { Preview } from '../../../service/src/fixes/action.js';
import { checkStep, portsNamedBy, refusedAlong, stillStands } from '../../../service/src/fixes/causeCheck.js';
import { worthOffering } from '../../../service/src/fixes/playbookSteps.js';
import { makeTempDir } from '../../support/tempDir.js';
import { homeContext } from './actionContext.js';

const failing = { unit: 'gym-x.service', scope: 'user' as const };

function errorOf(line: string) {
  const error = systemErrorIn(line);
  if (!error) throw new Error(`no system error in ${line}`);
  return error;
}

describe('the check of a system error’s object', () => {
  it('names the read-only step that looks at what the error is about', () => {
    const steps = [
      ["Error: ENOENT: no such file or directory, open '/etc/x/settings.json'", 'info.path_access'],
      ["PermissionError: [Errno 13] Permission denied: '/var/lib/x/state'", 'info.path_access'],
      ["OSError: [Errno 30] Read-only file system: '/srv/x/out.csv'", 'info.path_mount'],
      ["OSError: [Errno 28] No space left on device: '/var/tmp/x'", 'info.disk_usage'],
      ['OSError: [Errno 24] Too many open files', 'info.open_files'],
      ['listen tcp :8090: bind: address already in use', 'info.port_holder'],
      ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'info.port_holder'],
      ['dial tcp: lookup db.example on 10.0.0.1:53: no such host', 'info.dns_servers'],
    ];
    for (const [line, step] of steps)
      expect(checkStep(errorOf(line!), failing)?.name)
        .withContext(line!)
        .toBe(step);
    expect(checkStep(errorOf("Error: ENOENT: no such file or directory, open '/etc/x'"), failing)?.params).toEqual({
      path: '/etc/x',
      unit: 'gym-x.service',
      scope: 'user',
    });
    // Another machine's port says nothing of this one's; an error that names no object has nothing to check.
    expect(checkStep(errorOf('Error: connect ECONNREFUSED 192.0.2.7:5432'), failing)).toBeNull();
    expect(checkStep(errorOf('OSError: [Errno 98] Address already in use'), failing)).toBeNull();
  });

  it('offers the port check of a refused connection though no process holds the port: that is its answer', () => {
    const refused = checkStep(errorOf('dial tcp 127.0.0.1:5434: connect: connection refused'), failing);
    const inUse = checkStep(errorOf('listen tcp :8090: bind: address already in use'), failing);
    const nothingHeld: Preview = { summary: 'Show which process holds port 5434', details: [], changesNothing: true };
    expect(refused).toEqual({ name: 'info.port_holder', params: { port: 5434 }, evenIfNothing: true });
    expect(worthOffering(refused!, nothingHeld)).toBeTrue();
    // A port in use that nobody holds any more has nothing to show: that step is not offered then.
    expect(worthOffering(inUse!, nothingHeld)).toBeFalse();
    expect(
      worthOffering(inUse!, { ...nothingHeld, details: ['port 8090/tcp: node'], changesNothing: false }),
    ).toBeTrue();
  });

  it('reads the ports a command line names', () => {
    expect(portsNamedBy(['/usr/bin/python3', '-m', 'http.server', '8090', '--bind', '0.0.0.0'])).toEqual([8090]);
    expect(portsNamedBy(['/usr/bin/app', '--listen=:8443', '--port=9000', 'PORT=7000', '127.0.0.1:6379'])).toEqual([
      8443, 9000, 7000, 6379,
    ]);
    expect(portsNamedBy(['/usr/bin/app', '-n', '99999', '--name', 'x'])).toEqual([]);
  });

  it('says a missing path stands until it exists', async () => {
    const temp = await makeTempDir();
    try {
      const path = join(temp.path, 'conf', 'settings.json');
      const error = errorOf(`Error: ENOENT: no such file or directory, open '${path}'`);
      const context = homeContext(temp.path);
      expect(await stillStands(error, failing, context)).toBeTrue();
      await mkdir(path, { recursive: true });
      expect(await stillStands(error, failing, context)).toBeFalse();
    } finally {
      await temp.remove();
    }
  });

  it('says a port in use stands while a process listens on it, and a refused connection while none does', async () => {
    const temp = await makeTempDir();
    const server: Server = createServer();
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const context = homeContext(temp.path);
      const inUse = errorOf(`listen tcp 127.0.0.1:${port}: bind: address already in use`);
      const refused = errorOf(`Error: connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(await stillStands(inUse, failing, context)).toBeTrue();
      expect(await stillStands(refused, failing, context)).toBeFalse();
      await new Promise((resolve) => server.close(resolve));
      expect(await stillStands(inUse, failing, context)).toBeFalse();
      expect(await stillStands(refused, failing, context)).toBeTrue();
    } finally {
      server.close();
      await temp.remove();
    }
  });

  it('cannot tell by itself for a remote peer or a process’s descriptors', async () => {
    const temp = await makeTempDir();
    try {
      const context = homeContext(temp.path);
      expect(await stillStands(errorOf('Error: connect ETIMEDOUT 192.0.2.7:443'), failing, context)).toBeNull();
      expect(await stillStands(errorOf('OSError: [Errno 24] Too many open files'), failing, context)).toBeNull();
    } finally {
      await temp.remove();
    }
  });

  it('shows the machine’s addresses for an address it could not bind, and says whether it has that address', async () => {
    const step = checkStep(errorOf('listen tcp 192.0.2.10:8080: bind: cannot assign requested address'), failing);
    expect(step).toEqual({ name: 'info.addresses', params: { address: '192.0.2.10' } });
    expect(checkStep(errorOf('OSError: [Errno 99] Cannot assign requested address'), failing)).toEqual({
      name: 'info.addresses',
      params: {},
    });
    const context = homeContext('/nonexistent');
    // TEST-NET-1 is no address of this machine; its loopback address is.
    expect(await stillStands(errorOf('bind 192.0.2.10:8080: Cannot assign requested address'), failing, context)).toBe(
      true,
    );
    expect(await stillStands(errorOf('bind 127.0.0.1:8080: Cannot assign requested address'), failing, context)).toBe(
      false,
    );
  });

  it('keeps a refused path refused when its folder was removed since, unless the user may make it again', async () => {
    const nobody = { name: 'nobody', uid: 65534, gids: [65534] };
    const folder = (path: string, uid: number, mode: number) => ({ path, uid, gid: uid, mode, directory: true });
    const tree = new Map([
      ['/', folder('/', 0, 0o755)],
      ['/var', folder('/var', 0, 0o755)],
      ['/var/lib', folder('/var/lib', 0, 0o755)],
      ['/tmp', folder('/tmp', 0, 0o1777)],
    ]);
    const entryOf = async (at: string) => tree.get(at) ?? null;
    // /var/lib/gym-tally removed: nobody may not make it in /var/lib, so writing its count still fails.
    expect(await refusedAlong(nobody, '/var/lib/gym-tally/count', entryOf)).toBeTrue();
    expect(await refusedAlong(nobody, '/tmp/gym-tally/count', entryOf)).toBeFalse();
    tree.set('/var/lib/gym-tally', folder('/var/lib/gym-tally', 65534, 0o755));
    expect(await refusedAlong(nobody, '/var/lib/gym-tally/count', entryOf)).toBeFalse();
  });
});
