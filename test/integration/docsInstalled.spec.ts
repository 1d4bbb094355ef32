// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { citation } from '../../service/src/assistant/tools/docs.js';
import { DocsStore } from '../../service/src/docs/docsStore.js';
import { type DocsSources, updateIndex } from '../../service/src/docs/indexer.js';
import { ownerOf, readPackageOwners } from '../../service/src/docs/packageOwners.js';
import { recordRunningSystem } from '../../service/src/docs/runningSystem.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const run = promisify(execFile);
// Installed by test/run.sh: their man pages are the machine's own, in mdoc (OpenSSH), DocBook (APT) and man(7);
// coreutils' info manual comes with every Debian, and GNOME Help (gnome-user-docs) with a GNOME desktop. The
// package of a manual split in parts is added by splitManual.
const PACKAGES = ['openssh-client', 'apt', 'man-db', 'coreutils', 'gnome-user-docs'];

/**
 * An installed info manual split in parts (its main file lists them under "Indirect:"), and its package:
 * find's on Debian 12; Debian 13's find.info is whole, and gnupg's (which gpg pulls in) is split on both.
 */
async function splitManual(): Promise<{ name: string; path: string; pkg: string }> {
  for (const name of ['find', 'gnupg']) {
    const path = `/usr/share/info/${name}.info.gz`;
    const { stdout } = await run('sh', ['-c', `zcat ${path} 2>/dev/null | grep -a -c "^Indirect:" || true`]);
    if (Number(stdout.trim()) === 0) continue;
    const { stdout: owner } = await run('dpkg-query', ['-S', path]);
    return { name, path, pkg: owner.split(':')[0]! };
  }
  throw new Error('no info manual split in parts is installed: neither find.info nor gnupg.info has an Indirect table');
}

/** The man pages, info manuals, help pages (the originals) and READMEs/NEWS a package installed, as dpkg lists them. */
async function packageFiles(pkg: string): Promise<string[]> {
  // GNOME Help lists 20,000 files, its pages in every language and their figures.
  const { stdout } = await run('dpkg-query', ['-L', pkg], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter(
      (path) =>
        /^\/usr\/share\/man\/man\d\/[^/]+$/.test(path) ||
        /^\/usr\/share\/info\/[^/]+$/.test(path) ||
        /^\/usr\/share\/help\/C\/[^/]+\/[^/]+\.page$/.test(path) ||
        /^\/usr\/share\/doc\/[^/]+\/(README|NEWS)/.test(path),
    );
}

/** What `man` itself renders for a page: the words without the layout. */
async function rendered(page: string): Promise<string> {
  const { stdout } = await run('man', ['-l', '--nh', '--nj', page], {
    env: { ...process.env, MANWIDTH: '2000', LANG: 'C.UTF-8', MAN_KEEP_FORMATTING: '' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return words(stdout);
}

// groff 1.22 (Debian 12) prints mdoc's .Ux as UNIX, 1.23 (Debian 13) and the index as Unix; AT&T UNIX stays.
const words = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/(?<!AT&T )\bUNIX\b/g, 'Unix')
    .trim();

// The index of the man pages actually installed here: each package's files stand in a tree of their own (links
// to the real files), so that removing a package can be done as dpkg does it, by its files going.
describe('the documentation index of the installed packages', () => {
  let dir: TempDir;
  let store: DocsStore;
  let sources: DocsSources;
  const owned = new Map<string, string[]>();
  let split: { name: string; path: string; pkg: string };

  /** What dpkg does when it installs the package: its files appear. */
  const install = async (pkg: string) => {
    for (const file of owned.get(pkg) ?? []) {
      const link = join(dir.path, file);
      await mkdir(dirname(link), { recursive: true });
      await symlink(file, link).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
  };

  beforeAll(async () => {
    dir = await makeTempDir();
    split = await splitManual();
    for (const pkg of [...PACKAGES, split.pkg]) {
      owned.set(pkg, await packageFiles(pkg));
      await install(pkg);
    }
    sources = {
      manRoots: [join(dir.path, 'usr', 'share', 'man')],
      infoRoots: [join(dir.path, 'usr', 'share', 'info')],
      docRoots: [join(dir.path, 'usr', 'share', 'doc')],
      nixosOptions: [],
      helpRoots: [join(dir.path, 'usr', 'share', 'help')],
      languages: [],
      packageDatabases: [],
    };
    store = DocsStore.open(join(dir.path, 'docs.db'));
    const result = await updateIndex(store, sources);
    expect(result.failed).toBe(0);
    expect(result.read)
      .withContext(`the man pages of ${PACKAGES.join(', ')} (is dpkg set to leave out /usr/share/man?)`)
      .toBeGreaterThan(20);
  });

  afterAll(async () => {
    store.close();
    await dir.remove();
  });

  it('finds the page and the entry that answers', () => {
    const top = (query: string) => store.search(query, 5)[0]?.ref;
    expect(top('ssh_config agent forwarding')).toBe('ssh_config(5)#ForwardAgent');
    expect(top('ssh client keepalive interval server alive')).toBe('ssh_config(5)#ServerAliveInterval');
    expect(top('apt-get install without recommended packages')).toBe('apt-get(8)#--no-install-recommends');
    expect(top('man MANWIDTH line length')).toBe('man(1)#MANWIDTH');
    expect(top('ssh_config identity file')).toBe('ssh_config(5)#IdentityFile');
    const forward = store.read('ssh_config(5)#ForwardAgent');
    expect(forward?.text).toContain('The argument may be yes, no (the default)');
  });

  it('reads GNU info manuals node by node, the parts of a split manual included', async () => {
    const ls = store.read('coreutils (info)#ls invocation');
    expect(ls?.text).toContain('‘ls’: List directory contents');
    expect(ls?.path).toBe(join(dir.path, 'usr', 'share', 'info', 'coreutils.info.gz'));
    expect(ls && citation(ls)).toBe('coreutils (info), node ls invocation');
    expect(store.contents('coreutils (info)')).toContain('Common options');
    // A split manual's main file holds no node: it lists its parts under "Indirect:", and they hold them all.
    const firstPartPath = split.path.replace(/\.info\.gz$/, '.info-1.gz');
    const { stdout: firstPart } = await run('sh', ['-c', `zcat ${firstPartPath} | grep -a "^File:"`]);
    const nodes = [...firstPart.matchAll(/Node: ([^,\n]+)/g)].map((match) => match[1]!.trim());
    expect(nodes.length).toBeGreaterThan(20);
    const title = `${split.name} (info)`;
    expect(store.contents(title)).toEqual(jasmine.arrayContaining(nodes.filter((node) => !/Index$/.test(node))));
    expect(store.contents(title).some((node) => /Index$/.test(node))).toBeFalse();
    const hit = store.search('coreutils ls invocation', 5).find((found) => found.kind === 'info');
    expect(hit?.ref).toMatch(/^coreutils \(info\)#ls invocation( \(part \d+\))?$/);
  });

  it("reads GNOME Help's pages as Yelp shows them, and answers a desktop's questions with them", async () => {
    const pages = (owned.get('gnome-user-docs') ?? []).filter((path) => path.includes('/gnome-help/'));
    expect(pages.length).withContext('gnome-help pages installed').toBeGreaterThan(200);
    // Every page of GNOME Help is one document, whatever its kind (a topic, a guide that lists others).
    for (const path of pages) {
      const id = path.slice(path.lastIndexOf('/') + 1, -'.page'.length);
      expect(store.contents(`help:gnome-help/${id}`).length)
        .withContext(path)
        .toBeGreaterThan(0);
    }
    const first = (query: string) => store.search(query, 3)[0]?.title;
    expect(first('make the screen warmer at night')).toBe('help:gnome-help/display-night-light');
    expect(first('connect to a hidden wireless network')).toBe('help:gnome-help/net-wireless-hidden');
    expect(first('print on both sides of the paper')).toBe('help:gnome-help/printing-2sided');
    // A man page's question still finds the man page among the help's 300 pages.
    expect(store.search('ssh_config agent forwarding', 5)[0]?.ref).toBe('ssh_config(5)#ForwardAgent');
    const night = store.read('help:gnome-help/display-night-light');
    expect(night?.text).toContain('Night Light changes the color of your displays according to the time of day');
    expect(night?.text).toMatch(/\n1\. Open the Activities overview and start typing Displays\.\n/);
    expect(night && citation(night)).toBe(
      'help:gnome-help/display-night-light, section Adjust the color temperature of your screen',
    );
  });

  it("reads every entry of OpenSSH's and man's pages as man renders them", async () => {
    for (const page of ['/usr/share/man/man5/ssh_config.5.gz', '/usr/share/man/man1/man.1.gz']) {
      const manText = await rendered(page);
      const title = page.endsWith('ssh_config.5.gz') ? 'ssh_config(5)' : 'man(1)';
      const entries = store.contents(title).filter((name) => !/^(NAME|SYNOPSIS|DESCRIPTION|part \d+)$/.test(name));
      expect(entries.length).toBeGreaterThan(30);
      for (const entry of entries) {
        const section = store.read(`${title}#${entry}`);
        // The first words of the entry's text, after its tag.
        const start = words(section?.text.split('\n').slice(1).join(' ') ?? '').slice(0, 60);
        expect(manText.includes(start)).withContext(`${title}#${entry}: ${start}`).toBeTrue();
      }
    }
  });

  it("reads each file's package from this machine's dpkg lists, and the packages of the commands in PATH", async () => {
    const owners = await readPackageOwners(['/var/lib/dpkg/info']);
    for (const pkg of PACKAGES)
      for (const file of owned.get(pkg) ?? []) expect(ownerOf(owners, file)).withContext(file).toBe(pkg);
    const system = await recordRunningSystem({ owners, commandDirs: ['/usr/bin', '/bin'], units: [] });
    expect(system.names).toEqual(
      jasmine.objectContaining({ ssh: 'openssh-client', 'apt-get': 'apt', ls: 'coreutils' }),
    );
  });

  it("drops a removed package's pages, and keeps the others", async () => {
    const files = (owned.get('openssh-client') ?? []).map((file) => join(dir.path, file));
    const indexed = [...store.fileStates().keys()].filter((path) => files.includes(path));
    expect(indexed.length).toBeGreaterThan(5);
    for (const file of files) await rm(file, { force: true });
    const result = await updateIndex(store, sources);
    expect(result.removed).toBe(indexed.length);
    expect(store.contents('ssh_config(5)')).toEqual([]);
    expect(store.search('ssh_config agent forwarding', 5).filter((hit) => hit.title.startsWith('ssh'))).toEqual([]);
    expect(store.read('apt-get(8)#--no-install-recommends')).not.toBeNull();

    await install('openssh-client');
    expect((await updateIndex(store, sources)).read).toBe(result.removed);
    expect(store.read('ssh_config(5)#ForwardAgent')).not.toBeNull();
  });
});
