// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { isConfigPath, listedPath } from '../../../service/src/findings/detectorOptions.js';
import { ConfigChangedDetector } from '../../../service/src/kinds/configChanged/detector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import type { UnitPaths } from '../../../service/src/watch/unitPaths.js';
import { journalEvent, journalEvents, reportsOf, runDetector } from '../../support/journalEvents.js';

// The nginx failure in the unit-failed corpus happens at this time.
const nginxFailure = journalEvents('unit-failed').find(
  (e) => e.type === 'journal' && e.entry.message.startsWith('nginx.service: Failed with result'),
)!;
const minutesBefore = (minutes: number) => new Date(nginxFailure.at.getTime() - minutes * 60_000);
const alice = { places: { home: '/home/alice', configHome: '/home/alice/.config' } };

function changed(
  path: string,
  at: Date,
  previousHash: string | null = 'sha256:5d41402a',
  hash: string | null = 'sha256:7e240de7',
): WatchEvent {
  return { type: 'fileChanged', at, path, previousHash, hash };
}

describe('the config-changed-before-failure detector', () => {
  it('reports a unit that failed within ten minutes of a configuration change, naming the file and its previous version', () => {
    const detector = new ConfigChangedDetector();
    const reports = reportsOf(
      runDetector(detector, [changed('/etc/nginx/sites-enabled/default', minutesBefore(3)), nginxFailure]),
    );
    expect(reports.map((r) => [r.kind, r.severity, r.subject, r.title])).toEqual([
      [
        'config-changed-before-failure',
        'error',
        'nginx.service',
        'nginx.service failed 3 minutes after /etc/nginx/sites-enabled/default changed',
      ],
    ]);
    expect(reports[0]!.evidence.map((e) => [e.kind, e.text, e.path])).toEqual([
      [
        'file',
        '/etc/nginx/sites-enabled/default changed (previous version sha256:5d41402a); it is in nginx.service’s own settings folder',
        '/etc/nginx/sites-enabled/default',
      ],
      ['journal', "nginx.service: Failed with result 'exit-code'.", undefined],
    ]);
  });

  it('stays silent when the change is older than the window, unchanged, or not configuration', () => {
    const detector = new ConfigChangedDetector();
    const events = [
      changed('/etc/nginx/nginx.conf', minutesBefore(11)),
      changed('/etc/hosts', minutesBefore(2), 'sha256:aaaa', 'sha256:aaaa'),
      changed('/var/lib/systemd/coredump/core.nginx.0.zst', minutesBefore(1), null),
      nginxFailure,
    ];
    expect(runDetector(detector, events)).toEqual([]);
  });

  it('counts unit failures the manager reports over D-Bus too', () => {
    const detector = new ConfigChangedDetector(alice);
    const at = new Date('2026-03-14T09:00:00Z');
    const failure: WatchEvent = {
      type: 'unit',
      at,
      state: { scope: 'user', unit: 'pipewire.service', activeState: 'failed', result: 'exit-code', exitCode: 1 },
    };
    const reports = reportsOf(
      runDetector(detector, [
        changed('/home/alice/.config/pipewire/pipewire.conf', new Date(at.getTime() - 30_000), null),
        failure,
      ]),
    );
    expect(reports.map((r) => r.title)).toEqual([
      'pipewire.service failed 30 seconds after /home/alice/.config/pipewire/pipewire.conf changed',
    ]);
    expect(reports[0]!.evidence[0]!.text).toBe(
      '/home/alice/.config/pipewire/pipewire.conf changed (new file); it is in pipewire.service’s own settings folder',
    );
  });

  it('forgets a change once the file is put back as it was before it: restored, the edit undone, a new file deleted', () => {
    const detector = new ConfigChangedDetector();
    const events = [
      changed('/etc/nginx/nginx.conf', minutesBefore(5), 'sha256:good', 'sha256:bad'),
      changed('/etc/nginx/nginx.conf', minutesBefore(4), 'sha256:bad', 'sha256:good'),
      changed('/etc/nginx/conf.d/new.conf', minutesBefore(3), null, 'sha256:new'),
      changed('/etc/nginx/conf.d/new.conf', minutesBefore(2), 'sha256:new', null),
      nginxFailure,
    ];
    expect(runDetector(detector, events)).toEqual([]);
    // Put back, then changed again: a change once more, from the same version.
    const again = reportsOf(
      runDetector(new ConfigChangedDetector(), [
        ...events.slice(0, 2),
        changed('/etc/nginx/nginx.conf', minutesBefore(1), 'sha256:good', 'sha256:worse'),
        nginxFailure,
      ]),
    );
    expect(again[0]!.evidence[0]!.text).toBe(
      '/etc/nginx/nginx.conf changed (previous version sha256:good); it is in nginx.service’s own settings folder',
    );
  });

  it('does not blame a file in a home directory for a system unit’s failure, and still does for a user unit’s', () => {
    const home = '/home/alice/.config/feed.conf';
    const at = new Date(nginxFailure.at.getTime() + 1_000);
    const userFailure: WatchEvent = {
      type: 'unit',
      at,
      state: { scope: 'user', unit: 'feed.service', activeState: 'failed', result: 'exit-code', exitCode: 78 },
    };
    const systemFailure: WatchEvent = { ...userFailure, state: { ...userFailure.state, scope: 'system' } };
    expect(runDetector(new ConfigChangedDetector(), [changed(home, minutesBefore(1)), nginxFailure])).toEqual([]);
    expect(runDetector(new ConfigChangedDetector(), [changed(home, minutesBefore(1)), systemFailure])).toEqual([]);
    // Beside a file of /etc, only that one is named for the system's unit.
    const both = reportsOf(
      runDetector(new ConfigChangedDetector(), [
        changed('/etc/nginx/nginx.conf', minutesBefore(2)),
        changed(home, minutesBefore(1)),
        nginxFailure,
      ]),
    );
    expect(both.map((r) => r.title)).toEqual(['nginx.service failed 2 minutes after /etc/nginx/nginx.conf changed']);
    const user = reportsOf(
      runDetector(new ConfigChangedDetector(alice), [changed(home, minutesBefore(1)), userFailure]),
    );
    expect(user.map((r) => r.title)).toEqual([`feed.service failed a minute after ${home} changed`]);
  });

  it('knows configuration paths', () => {
    expect(['/etc/fstab', '/home/alice/.config/monitors.xml', '/srv/app/settings.toml'].map(isConfigPath)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['/var/lib/systemd/coredump/core.x.zst', '/home/alice/notes.txt'].map(isConfigPath)).toEqual([false, false]);
  });

  it('takes a file the user listed to watch, or one inside a listed folder, for what the user listed', () => {
    const listed = ['/var/lib/app/app.ini', '/tmp/build/feed/'];
    expect(
      ['/var/lib/app/app.ini', '/tmp/build/feed/feed.conf', '/var/lib/app/app.ini.bak', '/tmp/build/feeder'].map(
        (path) => listedPath(listed, path),
      ),
    ).toEqual([true, true, false, false]);
  });

  describe('blames a change only with a link to the failing unit', () => {
    const at = new Date('2026-03-14T09:00:00Z');
    const before = (seconds: number) => new Date(at.getTime() - seconds * 1000);
    const noPaths: UnitPaths = {
      files: ['/home/alice/.config/systemd/user/gym-backup.service'],
      programs: ['/home/alice/.local/bin/gym-backup'],
      arguments: [],
      environmentFiles: [],
      workingDirectory: '',
      configuration: [],
      written: [],
    };
    const failed = (unit: string, paths?: UnitPaths): WatchEvent => ({
      type: 'unit',
      at,
      state: { scope: 'user', unit, activeState: 'failed', result: 'exit-code', exitCode: 1, ...(paths && { paths }) },
    });
    const detect = (events: WatchEvent[]) => reportsOf(runDetector(new ConfigChangedDetector(alice), events));
    const other = '/home/alice/.config/gym-other/settings.ini';

    it('says nothing of another application’s settings that changed a minute before', () => {
      // A script without its execute bit: the unit file names only the script; the other app's folder is its own.
      expect(detect([changed(other, before(60)), failed('gym-backup.service', noPaths)])).toEqual([]);
      expect(detect([changed(other, before(60)), failed('gym-backup.service')])).toEqual([]);
    });

    it('ties a file in a subfolder of the application’s own folder to it, and only that file', () => {
      const own = '/home/alice/.config/gym-notes/profiles/default.json';
      const reports = detect([changed(other, before(90)), changed(own, before(30)), failed('gym-notes.service')]);
      expect(reports.map((report) => report.evidence.flatMap((evidence) => evidence.path ?? []))).toEqual([[own]]);
      expect(reports[0]!.evidence[0]!.text).toContain('it is in gym-notes.service’s own settings folder');
    });

    it('ties a file the unit file names: its command line, EnvironmentFile=, ConfigurationDirectory=, a drop-in', () => {
      const named = (paths: Partial<UnitPaths>, path: string) =>
        detect([changed(path, before(10)), failed('gym-backup.service', { ...noPaths, ...paths })]).length;
      expect(named({ arguments: ['-c', '. /home/alice/.config/feeds.conf; run'] }, '/home/alice/.config/feeds.conf'))
        .withContext('an argument')
        .toBe(1);
      expect(named({ environmentFiles: ['/etc/default/gym'] }, '/etc/default/gym'))
        .withContext('EnvironmentFile=')
        .toBe(1);
      expect(named({ configuration: ['/etc/gym-sync'] }, '/etc/gym-sync/sync.conf'))
        .withContext('ConfigurationDirectory=')
        .toBe(1);
      expect(
        named(
          { files: [...noPaths.files, '/home/alice/.config/systemd/user/gym-backup.service.d/x.conf'] },
          '/home/alice/.config/systemd/user/gym-backup.service.d/x.conf',
        ),
      )
        .withContext('a drop-in')
        .toBe(1);
      // The home folder itself, named as WorkingDirectory=, ties nothing in it.
      expect(named({ workingDirectory: '/home/alice' }, other))
        .withContext('the home folder')
        .toBe(0);
    });

    it('ties a file the unit’s own lines name, or its folder, and one its process had open', () => {
      const line = journalEvent({
        MESSAGE: 'gym-feeds: cannot parse /home/alice/.config/feeds/list.opml: unexpected end of file',
        _SYSTEMD_USER_UNIT: 'gym-reader.service',
        _UID: '1000',
        _PID: '4242',
        _EXE: '/usr/bin/python3.13',
      });
      const path = '/home/alice/.config/feeds/list.opml';
      expect(detect([changed(path, before(20)), line, failed('gym-reader.service')]).length).toBe(1);
      // Another unit's line names it: no link for this one.
      const theirs = journalEvent({
        MESSAGE: 'loaded /home/alice/.config/feeds/list.opml',
        _SYSTEMD_USER_UNIT: 'gym-other.service',
        _UID: '1000',
        _PID: '4343',
      });
      expect(detect([changed(path, before(20)), theirs, failed('gym-reader.service')])).toEqual([]);
      const opened: WatchEvent = { ...changed(path, before(20)), openedBy: ['gym-reader.service'] } as WatchEvent;
      expect(detect([opened, failed('gym-reader.service')]).length).toBe(1);
    });

    it('ties a folder named after the program, not only the unit: sshd’s /etc/ssh', () => {
      const paths = { ...noPaths, programs: ['/usr/sbin/sshd'] };
      expect(detect([changed('/etc/ssh/sshd_config', before(5)), failed('openssh-server.service', paths)]).length).toBe(
        1,
      );
    });
  });
});
