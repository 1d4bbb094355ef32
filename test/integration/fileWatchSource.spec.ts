// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createLogger } from '../../service/src/logging.js';
import { knownGoodCopy } from '../../service/src/storage/knownGoodStore.js';
import type { WatchEvent } from '../../service/src/watch/events.js';
import { type FileWatchOptions, FileWatchSource } from '../../service/src/watch/files.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

type FileChanged = Extract<WatchEvent, { type: 'fileChanged' }>;

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('the file watch source', () => {
  let dir: TempDir;
  let etc: string;
  let confD: string;
  let knownGood: string;
  let source: FileWatchSource | undefined;
  let events: FileChanged[];

  beforeEach(async () => {
    dir = await makeTempDir();
    etc = join(dir.path, 'etc');
    confD = join(etc, 'conf.d');
    knownGood = join(dir.path, 'state', 'steward', 'known-good');
    await mkdir(confD, { recursive: true });
    events = [];
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await dir.remove();
  });

  async function start(options: Partial<FileWatchOptions> = {}): Promise<FileWatchSource> {
    source = new FileWatchSource({
      paths: [join(etc, 'app.conf'), confD, join(dir.path, 'absent', 'x.conf')],
      knownGoodDirectory: knownGood,
      secrets: { home: dir.path },
      log: createLogger({ level: 'error' }),
      ...options,
    });
    await source.start((event) => {
      if (event.type === 'fileChanged') events.push(event);
    });
    return source;
  }

  /** Waits for an event for `path` whose new hash is `hash`, and returns it. */
  async function changeTo(path: string, hash: string | null): Promise<FileChanged> {
    const match = () => events.find((event) => event.path === path && event.hash === hash);
    await waitFor(() => match() !== undefined, `a fileChanged event for ${path} with hash ${hash}`);
    return match()!;
  }

  it('reports edits, replacements by rename and deletion, keeping each version', async () => {
    const path = join(etc, 'app.conf');
    await writeFile(path, 'port = 1\n');
    await start();

    await writeFile(path, 'port = 2\n');
    expect(await changeTo(path, sha256('port = 2\n'))).toEqual(
      jasmine.objectContaining({ previousHash: sha256('port = 1\n') }),
    );
    expect(await knownGoodCopy(knownGood, path)).toEqual({
      hash: sha256('port = 1\n'),
      content: Buffer.from('port = 1\n'),
    });
    const copy = join(knownGood, sha256('port = 2\n'));
    expect(await readFile(copy, 'utf8')).toBe('port = 2\n');
    expect(await mode(copy)).toBe(0o600);
    expect(await mode(knownGood)).toBe(0o700);
    expect(await mode(join(knownGood, 'index.json'))).toBe(0o600);

    // How editors save: write a new file, then rename it over the old one.
    await writeFile(`${path}.swp`, 'port = 3\n');
    await rename(`${path}.swp`, path);
    expect((await changeTo(path, sha256('port = 3\n'))).previousHash).toBe(sha256('port = 2\n'));
    expect((await knownGoodCopy(knownGood, path))?.content.toString()).toBe('port = 2\n');

    await unlink(path);
    expect((await changeTo(path, null)).previousHash).toBe(sha256('port = 3\n'));
    expect((await knownGoodCopy(knownGood, path))?.content.toString()).toBe('port = 3\n');

    await writeFile(path, 'port = 4\n');
    expect((await changeTo(path, sha256('port = 4\n'))).previousHash).toBeNull();
    expect(await knownGoodCopy(knownGood, path)).toBeNull();

    // Put back as it was before its latest change (a restore, or an edit undone by hand): the version it
    // holds is the known-good one, not the one the change undid.
    await writeFile(path, 'port = 5\n');
    await changeTo(path, sha256('port = 5\n'));
    const before = events.length;
    await writeFile(path, 'port = 4\n');
    await waitFor(() => events.length > before, 'the change back to port = 4');
    expect(events.at(-1)?.previousHash).toBe(sha256('port = 5\n'));
    expect((await knownGoodCopy(knownGood, path))?.content.toString()).toBe('port = 4\n');
    expect(events.every((event) => event.path === path)).toBe(true);
  });

  it('watches the top level of a directory, new files included', async () => {
    await writeFile(join(confD, 'a.conf'), 'a');
    await start();
    expect(source!.watchedDirectories.sort()).toEqual([confD, etc].sort());

    await writeFile(join(confD, 'b.conf'), 'b');
    expect((await changeTo(join(confD, 'b.conf'), sha256('b'))).previousHash).toBeNull();
    await appendFile(join(confD, 'a.conf'), 'a');
    expect((await changeTo(join(confD, 'a.conf'), sha256('aa'))).previousHash).toBe(sha256('a'));
  });

  it('picks up a watched directory that appears later', async () => {
    const later = join(dir.path, 'later');
    await start({ paths: [later] });
    expect(source!.watchedDirectories).toEqual([dir.path]);

    await mkdir(later);
    await writeFile(join(later, 'core.1'), 'dump');
    expect((await changeTo(join(later, 'core.1'), sha256('dump'))).previousHash).toBeNull();
    await waitFor(() => source!.watchedDirectories.includes(later), 'a watch on the new directory');
    await writeFile(join(later, 'core.2'), 'dump 2');
    await changeTo(join(later, 'core.2'), sha256('dump 2'));
  });

  it('watches each application’s folder of a nesting directory, and one made later from its first settings on', async () => {
    const config = join(dir.path, 'config');
    const editor = join(config, 'editor');
    await mkdir(join(editor, 'deeper'), { recursive: true });
    await writeFile(join(editor, 'settings.json'), '{"theme": "dark"}');
    await mkdir(join(dir.path, 'elsewhere'));
    await symlink(join(dir.path, 'elsewhere'), join(config, 'linked'));
    await start({ paths: [config], nested: [config] });
    // Its folders and theirs, and no link followed.
    expect(source!.watchedDirectories.sort()).toEqual([config, editor, join(editor, 'deeper')].sort());

    await writeFile(join(editor, 'settings.json'), '{"theme": "da');
    expect((await changeTo(join(editor, 'settings.json'), sha256('{"theme": "da'))).previousHash).toBe(
      sha256('{"theme": "dark"}'),
    );

    // A new application's folder: its first settings are the baseline, kept; the next change is reported.
    const notes = join(config, 'notes');
    await mkdir(notes);
    await writeFile(join(notes, 'notes.conf'), 'sync=yes');
    await waitFor(() => source!.watchedDirectories.includes(notes), 'a watch on the new folder');
    await waitFor(
      async () => (await readFile(join(knownGood, 'index.json'), 'utf8').catch(() => '')).includes(sha256('sync=yes')),
      'the first settings kept',
    );
    expect(events.filter((event) => event.path.startsWith(notes))).toEqual([]);
    await writeFile(join(notes, 'notes.conf'), 'sync=');
    expect((await changeTo(join(notes, 'notes.conf'), sha256('sync='))).previousHash).toBe(sha256('sync=yes'));
  });

  it('watches no more directories than its bound, and says so until it stops', async () => {
    const config = join(dir.path, 'config');
    for (const app of ['a', 'b', 'c']) await mkdir(join(config, app), { recursive: true });
    const notes: (string | null)[] = [];
    await start({ paths: [config], nested: [config], maxDirectories: 2, onNote: (note) => notes.push(note) });
    expect(source!.watchedDirectories).toHaveSize(2);
    expect(notes).toEqual(['2 folders are watched, the most Steward watches at once; changes in others are not seen.']);
    await source!.stop();
    expect(notes.at(-1)).toBeNull();
  });

  it('watches an application’s subfolders to a bounded depth, and says that deeper ones are not watched', async () => {
    const config = join(dir.path, 'config');
    const profiles = join(config, 'mail', 'profiles');
    await mkdir(join(profiles, 'default', 'cache'), { recursive: true });
    await writeFile(join(profiles, 'default.ini'), 'server=a');
    const notes: (string | null)[] = [];
    await start({ paths: [config], nested: [config], nestDepth: 3, onNote: (note) => notes.push(note) });
    expect(source!.watchedDirectories).toContain(join(profiles, 'default'));
    expect(source!.watchedDirectories).not.toContain(join(profiles, 'default', 'cache'));
    expect(notes).toEqual(['Settings folders are watched 3 levels deep; changes in deeper folders are not seen.']);
    await writeFile(join(profiles, 'default.ini'), 'server=');
    expect((await changeTo(join(profiles, 'default.ini'), sha256('server='))).previousHash).toBe(sha256('server=a'));
  });

  it('watches a folder made after it started, folders in it included, reading once what was written before its watch', async () => {
    const config = join(dir.path, 'config');
    await mkdir(config);
    await start({ paths: [config], nested: [config] });
    // Made at once, as an application's first start does: the files may be there before any watch on their folder.
    const settings = join(config, 'scribe', 'profiles', 'main.json');
    await mkdir(join(config, 'scribe', 'profiles'), { recursive: true });
    await writeFile(settings, '{"server": "notes.example.org"}');
    await waitFor(
      async () =>
        (await readFile(join(knownGood, 'index.json'), 'utf8').catch(() => '')).includes(
          sha256('{"server": "notes.example.org"}'),
        ),
      'the first settings kept',
    );
    expect(source!.watchedDirectories).toContain(join(config, 'scribe', 'profiles'));
    await writeFile(settings, '{"server": "notes.exa');
    expect((await changeTo(settings, sha256('{"server": "notes.exa'))).previousHash).toBe(
      sha256('{"server": "notes.example.org"}'),
    );
  });

  it('names the units whose processes had a changed file open', async () => {
    const path = join(etc, 'app.conf');
    await writeFile(path, 'port = 1\n');
    // A proc tree shaped like the kernel's: a process of this user in a user service, holding the file.
    const proc = join(dir.path, 'proc');
    await mkdir(join(proc, '4242', 'fd'), { recursive: true });
    await symlink(path, join(proc, '4242', 'fd', '3'));
    await writeFile(
      join(proc, '4242', 'cgroup'),
      '0::/user.slice/user-1000.slice/user@1000.service/app.slice/gym-reader.service\n',
    );
    await start({ proc });
    await writeFile(path, 'port = 2\n');
    expect((await changeTo(path, sha256('port = 2\n'))).openedBy).toEqual(['gym-reader.service']);
  });

  it('gives one event for a burst of writes', async () => {
    const path = join(etc, 'app.conf');
    await writeFile(path, 'start');
    await start();

    // Written synchronously, so the whole burst is in before the watcher hears of any of it.
    let content = 'start';
    for (let i = 0; i < 20; i++) {
      content += ` ${i}`;
      writeFileSync(path, content);
    }
    await changeTo(path, sha256(content));
    // Changes to a path are handled in order: once this one is in, any other from the burst would be too.
    await writeFile(path, 'after');
    await changeTo(path, sha256('after'));
    expect(events.map((event) => [event.previousHash, event.hash])).toEqual([
      [sha256('start'), sha256(content)],
      [sha256(content), sha256('after')],
    ]);
  });

  it('keeps copies within the size bounds, evicting the oldest', async () => {
    const path = join(confD, 'data');
    const version = (n: number) => String(n).repeat(100);
    await writeFile(path, version(1));
    await start({ maxCopyBytes: 150, maxStoreBytes: 250 });

    for (const n of [2, 3, 4]) {
      await writeFile(path, version(n));
      await changeTo(path, sha256(version(n)));
    }
    const copies = (await readdir(knownGood)).filter((name) => name !== 'index.json').sort();
    expect(copies).toEqual([sha256(version(3)), sha256(version(4))].sort());
    expect((await knownGoodCopy(knownGood, path))?.content.toString()).toBe(version(3));

    // Too big to copy: still reported, with its hash.
    const big = 'x'.repeat(151);
    await writeFile(path, big);
    expect((await changeTo(path, sha256(big))).previousHash).toBe(sha256(version(4)));
    await expectAsync(stat(join(knownGood, sha256(big)))).toBeRejectedWithError(/ENOENT/);
    expect((await knownGoodCopy(knownGood, path))?.content.toString()).toBe(version(4));
  });

  it('reports what changed while it was stopped, from its index', async () => {
    const path = join(etc, 'app.conf');
    await writeFile(path, 'v1');
    await start();
    await source!.stop();
    expect(events).toEqual([]);

    await writeFile(path, 'v2');
    await start();
    expect(events.map((event) => [event.path, event.previousHash, event.hash])).toEqual([
      [path, sha256('v1'), sha256('v2')],
    ]);
    expect((await knownGoodCopy(knownGood, path))?.content.toString()).toBe('v1');
  });
});
