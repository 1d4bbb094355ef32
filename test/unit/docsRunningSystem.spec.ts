// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Each page's package, from dpkg's and pacman's own file lists, and the running system's commands and units
// with theirs: the search prefers the pages of the package that owns what a question names.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { DocsStore } from '../../service/src/docs/docsStore.js';
import { updateIndex } from '../../service/src/docs/indexer.js';
import { type Candidate, rankCandidates } from '../../service/src/docs/manRanking.js';
import { ownerOf, readPackageOwners } from '../../service/src/docs/packageOwners.js';
import { recordRunningSystem, UNIT_DIRS, unitNames } from '../../service/src/docs/runningSystem.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const PAGE = (name: string, summary: string, option: string, text: string) =>
  `.TH ${name.toUpperCase()} 1\n.SH NAME\n${name} \\- ${summary}\n.SH OPTIONS\n.TP\n.B ${option}\n${text}\n`;

describe("the running system's packages in the documentation index", () => {
  let root: TempDir;
  const file = async (path: string, text = '') => {
    await mkdir(dirname(join(root.path, path)), { recursive: true });
    await writeFile(join(root.path, path), text);
  };

  beforeEach(async () => {
    root = await makeTempDir('steward-docs-owners-');
    await file(
      'var/lib/dpkg/info/openssh-client.list',
      '/.\n/usr\n/usr/bin\n/usr/bin/ssh\n/usr/share/man/man1/ssh.1\n/usr/share/man/man5/ssh_config.5.gz\n',
    );
    await file('var/lib/dpkg/info/network-manager:amd64.list', '/lib/systemd/system/NetworkManager.service\n');
    await file('var/lib/dpkg/info/podman.list', '/usr/share/man/man1/podman-logs.1\n');
    await file('var/lib/pacman/local/git-2.47.1-1/desc', '%NAME%\ngit\n');
    await file('var/lib/pacman/local/git-2.47.1-1/files', '%FILES%\nusr/\nusr/bin/\nusr/bin/git\n\n%BACKUP%\n');
    await file('usr/bin/ssh');
    await file('usr/bin/unowned');
    await file('usr/lib/systemd/system/NetworkManager.service');
  });

  afterEach(() => root.remove());

  it("reads each file's package from dpkg's and pacman's lists, under the root their folder is in", async () => {
    const owners = await readPackageOwners([
      join(root.path, 'var/lib/dpkg/info'),
      join(root.path, 'var/lib/pacman/local'),
      join(root.path, 'var/lib/rpm'),
    ]);
    expect(owners.get(join(root.path, 'usr/share/man/man5/ssh_config.5.gz'))).toBe('openssh-client');
    expect(owners.get(join(root.path, 'usr/bin/git'))).toBe('git');
    // A merged /usr: dpkg lists /lib/systemd/system, the file is read from /usr/lib/systemd/system.
    expect(ownerOf(owners, join(root.path, 'usr/lib/systemd/system/NetworkManager.service'))).toBe('network-manager');
    expect(ownerOf(owners, join(root.path, 'usr/bin/unowned'))).toBeNull();
  });

  it('records the commands in PATH and the loaded units by the names a question says, with their packages', async () => {
    const owners = await readPackageOwners([join(root.path, 'var/lib/dpkg/info')]);
    const system = await recordRunningSystem({
      owners,
      commandDirs: [join(root.path, 'usr/bin'), join(root.path, 'missing')],
      units: ['NetworkManager.service', 'gone.service'],
      unitDirs: UNIT_DIRS.map((dir) => join(root.path, dir)),
    });
    expect(system.names).toEqual({ ssh: 'openssh-client', networkmanager: 'network-manager' });
    expect(unitNames('systemd-journald.service')).toEqual(['systemd-journald', 'journald']);
    expect(unitNames('getty@tty1.service')).toEqual(['getty']);
  });

  it("stores each page's package and prefers the pages of the package a question's command is from", async () => {
    const man = join(root.path, 'usr/share/man');
    await file('usr/share/man/man1/ssh.1', PAGE('ssh', 'remote login client', '-v', 'Print debugging logs.'));
    await file(
      'usr/share/man/man1/podman-logs.1',
      PAGE('podman-logs', 'show logs', '--verbose', 'Print the logs of ssh.'),
    );
    const store = DocsStore.inMemory();
    const owners = await readPackageOwners([join(root.path, 'var/lib/dpkg/info')]);
    await updateIndex(
      store,
      {
        manRoots: [man],
        helpRoots: [],
        infoRoots: [],
        docRoots: [],
        nixosOptions: [],
        languages: [],
        packageDatabases: [],
      },
      { owners },
    );
    const packages = store.db.prepare('SELECT path, package FROM files ORDER BY path').all();
    expect(packages).toEqual([
      { path: join(man, 'man1/podman-logs.1'), package: 'podman' },
      { path: join(man, 'man1/ssh.1'), package: 'openssh-client' },
    ]);
    const question = 'ssh logs';
    expect(store.search(question, 1, [''], 'man')[0]?.title).toBe('podman-logs(1)');
    store.setRunningSystem({ names: { ssh: 'openssh-client' } });
    expect(store.search(question, 1, [''])[0]?.title).toBe('ssh(1)');
    store.close();
  });

  it('adds nothing for a package the question does not name, or a page of no package', () => {
    const page = (title: string, pkg: string | null): Candidate => ({
      title,
      heading: 'OPTIONS',
      entry: '--since',
      kind: 'man',
      body: 'logs since a time',
      bm25: -1,
      package: pkg,
    });
    const order = (names: Record<string, string>) =>
      rankCandidates([page('a(1)', null), page('b(1)', 'b')], ['logs', 'since'], new Map(), { names }).map(
        (hit) => hit.title,
      );
    expect(order({ ssh: 'c' })).toEqual(['a(1)', 'b(1)']);
    expect(order({ logs: 'b' })).toEqual(['b(1)', 'a(1)']);
  });
});
