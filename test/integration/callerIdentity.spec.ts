// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { callerIdentity, describeIdentity } from '../../service/src/dbus/callerIdentity.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// A bus peer that pretends to be GNOME Shell in everything it controls: its process title (which is also what
// /proc/PID/cmdline shows) and its comm.
const PRETENDER = `
  const { sessionBus } = await import('@jellybrick/dbus-next');
  process.title = 'gnome-shell --mode=user';
  const bus = sessionBus({ busAddress: process.env.BUS });
  await new Promise((resolve) => bus.on('connect', resolve));
  console.log(bus.name);
  setInterval(() => undefined, 1000);
`;

describe("the audit trail's caller", () => {
  let bus: PrivateBus;
  let pretender: ChildProcess;
  let name: string;

  beforeAll(async () => {
    bus = await startPrivateBus();
    pretender = spawn(process.execPath, ['--input-type=module', '-e', PRETENDER], {
      env: { ...process.env, BUS: bus.address },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [chunk] = (await once(pretender.stdout!, 'data')) as [Buffer];
    name = chunk.toString().trim();
  });

  afterAll(async () => {
    pretender.kill();
    await bus.stop();
  });

  it("is named by the bus's credentials and the running executable, not by its own process title", async () => {
    const client = await bus.connect();
    const identity = await callerIdentity(client, name);
    expect(identity).toEqual(
      jasmine.objectContaining({ pid: pretender.pid!, uid: process.getuid!(), executable: process.execPath }),
    );
    const described = describeIdentity(identity);
    expect(described).toBe(`${name} (pid ${pretender.pid}, uid ${process.getuid!()}, ${process.execPath})`);
    expect(described).not.toContain('gnome-shell');
  });
});

// A peer in a bubblewrap sandbox of its own, whose root holds `flatpakInfo` at /.flatpak-info.
describe("the audit trail's caller in a sandbox", () => {
  let bus: PrivateBus;
  let dir: TempDir;
  const peers: ChildProcess[] = [];

  beforeAll(async () => {
    bus = await startPrivateBus();
    dir = await makeTempDir();
  });
  afterAll(async () => {
    for (const peer of peers) peer.kill();
    await bus.stop();
    await dir.remove();
  });

  async function sandboxedPeer(flatpakInfo: string): Promise<{ peer: ChildProcess; name: string }> {
    // --die-with-parent: the peer ends with bwrap when the test kills it.
    const sandbox = ['--die-with-parent', '--tmpfs', '/', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib'];
    sandbox.push(
      '--symlink',
      'usr/lib64',
      '/lib64',
      '--symlink',
      'usr/bin',
      '/bin',
      '--proc',
      '/proc',
      '--dev',
      '/dev',
    );
    // The bus socket (under the temporary directory) and the built code with its node_modules, wherever the
    // checkout and its node_modules lie.
    sandbox.push('--bind', tmpdir(), tmpdir());
    for (const path of new Set([process.cwd(), realpathSync(join(process.cwd(), 'node_modules'))])) {
      sandbox.push('--ro-bind', path, path);
    }
    sandbox.push('--chdir', process.cwd());
    sandbox.push('--bind', flatpakInfo, '/.flatpak-info');
    const peer = spawn('bwrap', [...sandbox, process.execPath, '--input-type=module', '-e', PRETENDER], {
      env: { ...process.env, BUS: bus.address },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    peers.push(peer);
    const [chunk] = (await once(peer.stdout, 'data')) as [Buffer];
    return { peer, name: chunk.toString().trim() };
  }

  it('is not named a Flatpak app by a /.flatpak-info in a sandbox it made itself', async () => {
    const info = join(dir.path, 'flatpak-info');
    await writeFile(info, '[Application]\nname=org.gnome.Shell\nruntime=runtime/org.gnome.Platform/x86_64/48\n');
    const { peer, name } = await sandboxedPeer(info);
    const identity = await callerIdentity(await bus.connect(), name);
    expect(identity.sandboxedApp).toBeNull();
    expect(describeIdentity(identity)).not.toContain('org.gnome.Shell');
    expect(identity.pid).toBeGreaterThan(0);
    expect(identity.pid).not.toBe(peer.pid!);
  });

  it('is described at once when its /.flatpak-info is a FIFO, which no one writes', async () => {
    const fifo = join(dir.path, 'fifo');
    await promisify(execFile)('mkfifo', [fifo]);
    const { name } = await sandboxedPeer(fifo);
    const started = Date.now();
    const identity = await callerIdentity(await bus.connect(), name);
    expect(identity.sandboxedApp).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
