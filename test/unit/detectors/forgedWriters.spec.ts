// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Each detector that believes a line because of who wrote it reads that from journald's trusted fields: here each
// one's key line is logged by an ordinary user's process (as `logger -t NAME` or sd_journal_send would), with
// every field a writer may set, and raises nothing.
import { createDetectors } from '../../../service/src/findings/detectors/index.js';
import type { Detector } from '../../../service/src/findings/types.js';
import { KINDS } from '../../../service/src/kinds/index.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';

/** The trusted fields of a user's process: a terminal's python3. */
const USER = { _UID: '1000', _GID: '1000', _COMM: 'python3', _EXE: '/usr/bin/python3.13', _PID: '4242' };

const daemon = (name: string, uid = '0') => ({
  _UID: uid,
  _COMM: name.slice(0, 15),
  _EXE: `/usr/lib/systemd/${name}`,
  _SYSTEMD_UNIT: `${name}.service`,
  _PID: '512',
});

/** Each detector's key line, and the trusted fields of the process that really writes it. */
const KEY_LINES: { detector: string; fields: Record<string, string>; writer: Record<string, string> }[] = [
  {
    detector: 'coredump',
    fields: {
      SYSLOG_IDENTIFIER: 'systemd-coredump',
      MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1',
      MESSAGE: 'Process 1 (systemd) of user 0 dumped core.',
      COREDUMP_EXE: '/usr/lib/systemd/systemd',
      COREDUMP_SIGNAL_NAME: 'SIGSEGV',
    },
    writer: { ...daemon('systemd-coredump'), _SYSTEMD_UNIT: 'systemd-coredump@0-4242-0.service' },
  },
  {
    detector: 'oom-kill',
    fields: {
      SYSLOG_IDENTIFIER: 'systemd-oomd',
      MESSAGE:
        'Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-f6518140.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 57.97% > 50.00% for > 20s with reclaim activity',
    },
    writer: daemon('systemd-oomd', '108'),
  },
  {
    detector: 'dns-failure',
    fields: {
      SYSLOG_IDENTIFIER: 'systemd-resolved',
      MESSAGE: 'Using degraded feature set UDP instead of UDP+EDNS0 for DNS server 192.168.1.1.',
    },
    writer: daemon('systemd-resolved', '101'),
  },
  {
    detector: 'thermal-throttling',
    fields: {
      SYSLOG_IDENTIFIER: 'mcelog',
      MESSAGE: 'Processor 0 heated above trip temperature. Throttling enabled.',
    },
    writer: { _UID: '0', _COMM: 'mcelog', _EXE: '/usr/sbin/mcelog', _SYSTEMD_UNIT: 'mcelog.service', _PID: '640' },
  },
  {
    detector: 'package-manager-error',
    fields: { SYSLOG_IDENTIFIER: 'dpkg', MESSAGE: 'dpkg: error processing package sudo (--configure):' },
    writer: { _UID: '0', _COMM: 'dpkg', _EXE: '/usr/bin/dpkg', _PID: '7001' },
  },
];

describe('a key line in a trusted writer’s name, from a user’s process', () => {
  const detectorFor = (kind: string): Detector => {
    const detector = createDetectors(KINDS).find((candidate) => candidate.kinds.includes(kind));
    if (!detector) throw new Error(`no detector reports ${kind}`);
    return detector;
  };

  for (const { detector, fields, writer } of KEY_LINES)
    it(`raises no ${detector} finding, where the real writer's line raises one`, () => {
      expect(reportsOf(runDetector(detectorFor(detector), [journalEvent({ ...fields, ...USER })]))).toEqual([]);
      expect(reportsOf(runDetector(detectorFor(detector), [journalEvent({ ...fields, ...writer })])).length).toBe(1);
    });
});
