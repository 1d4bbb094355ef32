// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { CrashLoopDetector } from '../../../service/src/kinds/crashLoop/detector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

const START = 1_773_479_523_000_000;
/** A service manager's lines, a second apart: PID 1's, or a user's systemd's. */
const manager = (lines: Record<string, string>[], user = false) =>
  lines.map((fields, i) =>
    journalEvent(
      {
        __REALTIME_TIMESTAMP: String(START + i * 1_000_000),
        SYSLOG_IDENTIFIER: 'systemd',
        ...(user
          ? {
              _PID: '1210',
              _UID: '1000',
              _COMM: 'systemd',
              _SYSTEMD_UNIT: 'user@1000.service',
              _SYSTEMD_USER_UNIT: 'init.scope',
            }
          : { _PID: '1', _UID: '0' }),
        ...fields,
      },
      i,
    ),
  );
const titles = (events: WatchEvent[]) =>
  reportsOf(runDetector(new CrashLoopDetector(), events)).map((r) => [r.subject, r.title]);

describe('the crash-loop detector on the catalogue and the wordings of each systemd', () => {
  it('counts restarts from the catalogued N_RESTARTS, whatever the words', () => {
    const restart = (n: number) => ({
      MESSAGE: `restart ${n}`,
      MESSAGE_ID: '5eb03494b6584870a536b337290809b3',
      USER_UNIT: 'syncthing.service',
      N_RESTARTS: String(n),
    });
    expect(titles(manager([restart(1), restart(2), restart(3)], true))).toEqual([
      ['syncthing.service', 'syncthing.service is crash-looping (restarted 3 times)'],
    ]);
  });

  it('reads the words alone, with or without the full stop', () => {
    expect(
      titles(
        manager([
          { MESSAGE: 'ollama.service: Scheduled restart job, restart counter is at 1.' },
          { MESSAGE: 'ollama.service: Scheduled restart job, restart counter is at 2' },
          { MESSAGE: 'ollama.service: Scheduled restart job, restart counter is at 3' },
        ]),
      ),
    ).toEqual([['ollama.service', 'ollama.service is crash-looping (restarted 3 times)']]);
  });

  it('tells once that systemd gave up, from the start limit line (233+ or older) or the catalogued result', () => {
    expect(
      titles(
        manager([
          { MESSAGE: 'docker.service: Start request repeated too quickly.', UNIT: 'docker.service' },
          {
            MESSAGE: "docker.service: Failed with result 'start-limit-hit'.",
            MESSAGE_ID: 'd9b373ed55a64feb8242e02dbe79a49c',
            UNIT: 'docker.service',
            UNIT_RESULT: 'start-limit-hit',
          },
        ]),
      ),
    ).toEqual([['docker.service', 'docker.service keeps failing; systemd stopped restarting it']]);
    // systemd before 233
    expect(titles(manager([{ MESSAGE: 'start request repeated too quickly for docker.service' }]))).toEqual([
      ['docker.service', 'docker.service keeps failing; systemd stopped restarting it'],
    ]);
    expect(
      titles(
        manager(
          [
            {
              MESSAGE: 'gvfs-daemon.service: Failed',
              MESSAGE_ID: 'd9b373ed55a64feb8242e02dbe79a49c',
              USER_UNIT: 'gvfs-daemon.service',
              UNIT_RESULT: 'start-limit-hit',
            },
          ],
          true,
        ),
      ),
    ).toEqual([['gvfs-daemon.service', 'gvfs-daemon.service keeps failing; systemd stopped restarting it']]);
  });

  it('stays silent on other results and on the words from a program', () => {
    expect(
      titles(
        manager([
          {
            MESSAGE: "smbd.service: Failed with result 'exit-code'.",
            MESSAGE_ID: 'd9b373ed55a64feb8242e02dbe79a49c',
            UNIT: 'smbd.service',
            UNIT_RESULT: 'exit-code',
          },
          { MESSAGE: 'smbd.service: Service RestartSec=100ms expired, scheduling restart.' },
        ]),
      ),
    ).toEqual([]);
    const forged = (n: number) =>
      journalEvent(
        { MESSAGE: `foo.service: Scheduled restart job, restart counter is at ${n}.`, _PID: '4242', _UID: '1000' },
        n,
      );
    expect(titles([forged(3), forged(4), forged(5)])).toEqual([]);
  });
});
