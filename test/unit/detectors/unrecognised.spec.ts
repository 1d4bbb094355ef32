// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import type { DetectorOptions } from '../../../service/src/findings/detectorOptions.js';
import { createDetectors } from '../../../service/src/findings/detectors/index.js';
import { maskTokens, TemplateMiner, templateText } from '../../../service/src/findings/detectors/templateMiner.js';
import { UnrecognisedErrorsDetector } from '../../../service/src/findings/detectors/unrecognised.js';
import { FindingsPipeline } from '../../../service/src/findings/pipeline.js';
import { FindingsStore } from '../../../service/src/findings/store.js';
import { KINDS } from '../../../service/src/kinds/index.js';
import { createLogger } from '../../../service/src/logging.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { journalEvent, reportsOf, runDetector } from '../../support/journalEvents.js';
import { makeTempDir } from '../../support/tempDir.js';

const START = Date.UTC(2026, 2, 3, 10, 0, 0);

/** An error line of `comm` (its trusted _COMM) `seconds` after START. */
function errorLine(comm: string, message: string, seconds: number, priority = '3'): WatchEvent {
  return journalEvent({
    MESSAGE: message,
    PRIORITY: priority,
    _COMM: comm,
    SYSLOG_IDENTIFIER: comm,
    _PID: '4242',
    _UID: '0',
    _TRANSPORT: 'syslog',
    __REALTIME_TIMESTAMP: String((START + seconds * 1000) * 1000),
  });
}

// Real wordings: GDM's and wireplumber's complaints as posted in bug reports.
const gdm = (n: number) => `Failed to open /dev/dri/card${n % 2}: Permission denied (errno ${n})`;
const wireplumber = (n: number) => `spa.alsa: hw:${n},0: snd_pcm_avail after recover: Broken pipe`;

describe('the template miner', () => {
  it('masks numbers, hex, addresses and paths, keeping punctuation', () => {
    expect(maskTokens('Failed to open /dev/dri/card0: Permission denied (errno 13)')).toEqual([
      'Failed',
      'to',
      'open',
      '<path>:',
      'Permission',
      'denied',
      '(errno',
      '<num>)',
    ]);
    expect(
      maskTokens('peer 192.168.1.20:443 mac 3c:22:fb:01:02:03 at 0x7ffd1a2b id 5f0c1e2d-3a4b-4c6d-8e9f-a0b1c2d3e4f5'),
    ).toEqual(['peer', '<ip>', 'mac', '<mac>', 'at', '<hex>', 'id', '<uuid>']);
    expect(maskTokens('from [fe80::1]:22 took 12ms, 3.5%')).toEqual(['from', '[<ip>', 'took', '<num>,', '<num>']);
  });

  it('groups lines of one program that differ in their variable tokens into one template', () => {
    const miner = new TemplateMiner();
    const first = miner.add('wireplumber', wireplumber(0), START);
    for (let n = 1; n < 5; n++) expect(miner.add('wireplumber', wireplumber(n), START + n).id).toBe(first.id);
    expect(templateText(first)).toBe('spa.alsa: <*> snd_pcm_avail after recover: Broken pipe');
    expect(first.examples.length).toBe(3);
    // The same words from another program are another group.
    expect(miner.add('pipewire', wireplumber(1), START).id).not.toBe(first.id);
    // A line of other words and the same length is another template.
    expect(miner.add('wireplumber', 'spa.alsa: hw:0,0: device busy, try again later', START).id).not.toBe(first.id);
    expect(miner.size).toBe(3);
  });

  it('keeps its memory bounded under 100 000 distinct lines, dropping the least recently used templates', () => {
    const miner = new TemplateMiner({ maxTemplates: 500 });
    const kept = miner.add('app', 'database is locked', START);
    const words = (n: number) => n.toString(36).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!);
    for (let n = 0; n < 100_000; n++) {
      miner.add(`app${n % 7}`, `${words(n)} unexpected ${words(n * 7)} in ${words(n * 13)}`, START + n);
      if (n % 100 === 0) miner.add('app', 'database is locked', START + n);
      expect(miner.size).toBeLessThanOrEqual(500);
    }
    // Used often, it survived the flood.
    expect(miner.add('app', 'database is locked', START).id).toBe(kept.id);
  });
});

/** Every kind's detector in a pipeline over a findings store of its own, as the service runs them. */
async function pipelineOver(options: DetectorOptions = {}) {
  const dir = await makeTempDir();
  const store = new FindingsStore(join(dir.path, 'findings.db'));
  const pipeline = new FindingsPipeline({
    store,
    detectors: createDetectors(KINDS, options),
    onChanges: () => undefined,
    log: createLogger({ journal: false, write: () => undefined }),
  });
  const done = async () => {
    store.close();
    await dir.remove();
  };
  return { store, pipeline, done };
}

describe('the unrecognised-errors detector', () => {
  it('reports a burst of five errors of one template from one program as one finding with the template and examples', () => {
    const detector = new UnrecognisedErrorsDetector();
    const reports = reportsOf(
      runDetector(
        detector,
        [0, 60, 120, 180, 240, 300].map((s, n) => errorLine('gdm-session-wor', gdm(n), s)),
      ),
    );
    expect(reports.length).toBe(2);
    const [burst, next] = reports;
    expect([burst!.kind, burst!.severity, burst!.subject, burst!.title]).toEqual([
      'unrecognised-errors',
      'warning',
      'gdm-session-wor',
      'Unrecognised errors from gdm-session-wor',
    ]);
    expect(burst!.evidence.map((e) => e.text)).toEqual([
      '5 errors in 10 minutes like: Failed to open <path>: Permission denied (errno <num>)',
      gdm(2),
      gdm(3),
      gdm(4),
    ]);
    expect(burst!.evidence.at(-1)?.cursor).toBeDefined();
    // Later lines of the burst count on the same finding, with their own line as evidence.
    expect(next!.evidence.map((e) => e.text)).toEqual([gdm(5)]);
  });

  it('needs the burst within ten minutes, error priority, and lines no other detector claimed', () => {
    const spread = [0, 200, 400, 600, 800].map((s, n) => errorLine('gdm-session-wor', gdm(n), s));
    expect(runDetector(new UnrecognisedErrorsDetector(), spread)).toEqual([]);
    const warnings = [0, 1, 2, 3, 4].map((s, n) => errorLine('gdm-session-wor', gdm(n), s, '4'));
    expect(runDetector(new UnrecognisedErrorsDetector(), warnings)).toEqual([]);
    const claimed = new UnrecognisedErrorsDetector();
    const burst = [0, 1, 2, 3, 4].map((s, n) => errorLine('gdm-session-wor', gdm(n), s));
    expect(burst.flatMap((event) => claimed.detect(event, true))).toEqual([]);
    // Five lines from five programs are no burst either.
    const scattered = [0, 1, 2, 3, 4].map((s) => errorLine(`prog${s}`, gdm(s), s));
    expect(runDetector(new UnrecognisedErrorsDetector(), scattered)).toEqual([]);
  });

  it('leaves alone the kernel tunables a read-only /proc/sys refuses, not a read-only file system elsewhere', () => {
    // NetworkManager 1.52 in a container (the gym's), as it logs them at every start.
    const tunables = ['disable_ipv6', 'accept_ra', 'use_tempaddr', 'temp_valid_lft', 'temp_prefered_lft'];
    const refused = tunables.map((name, s) =>
      errorLine(
        'NetworkManager',
        `<error> [1795717593.55${s}] platform-linux: sysctl: failed to open '/proc/sys/net/ipv6/conf/gym0/${name}': (30) Read-only file system`,
        s,
      ),
    );
    expect(runDetector(new UnrecognisedErrorsDetector(), refused)).toEqual([]);
    // The same words about a file system of the machine's own are still a burst.
    const spool = tunables.map((name, s) =>
      errorLine(
        'NetworkManager',
        `<error> [1795717593.55${s}] keyfile: failed to write '/srv/nm/${name}': (30) Read-only file system`,
        s,
      ),
    );
    expect(reportsOf(runDetector(new UnrecognisedErrorsDetector(), spool)).map((r) => r.subject)).toEqual([
      'NetworkManager',
    ]);
  });

  it('names the kernel for kernel lines, leaves firmware defects alone, and lets only trusted fields name a program', () => {
    const kernel = (s: number, message = `Bluetooth: hci0: unexpected event for opcode 0x2005`) =>
      journalEvent({
        MESSAGE: message,
        PRIORITY: '3',
        _TRANSPORT: 'kernel',
        SYSLOG_IDENTIFIER: 'kernel',
        __REALTIME_TIMESTAMP: String((START + s * 1000) * 1000),
      });
    const reports = reportsOf(
      runDetector(
        new UnrecognisedErrorsDetector(),
        [0, 1, 2, 3, 4].map((s) => kernel(s)),
      ),
    );
    expect(reports.map((r) => r.subject)).toEqual(['kernel']);
    // Firmware defects, which the kernel marks as such, are nothing the machine can act on.
    const firmware = [0, 1, 2, 3, 4].map((s) =>
      kernel(s, `ACPI BIOS Error (bug): Could not resolve symbol [\\_SB.PC00.LPCB.Q_EC._STA.ECON], AE_NOT_FOUND`),
    );
    expect(runDetector(new UnrecognisedErrorsDetector(), firmware)).toEqual([]);
    // Probes put off (EPROBE_DEFER) and tried again at each registration: the driver core's "not yet".
    const deferred = [0, 1, 2, 3, 4].map((s) => kernel(s, 'snow-audio sound: ASoC: failed to instantiate card -517'));
    expect(runDetector(new UnrecognisedErrorsDetector(), deferred)).toEqual([]);
    const anonymous = [0, 1, 2, 3, 4].map((s) =>
      journalEvent({ MESSAGE: 'boom', PRIORITY: '3', SYSLOG_IDENTIFIER: 'systemd', __REALTIME_TIMESTAMP: String(s) }),
    );
    expect(runDetector(new UnrecognisedErrorsDetector(), anonymous)).toEqual([]);
  });

  it('runs last in the pipeline, and stays silent on errors another detector reported', async () => {
    const { store, pipeline, done } = await pipelineOver();
    // The kernel's ext4 errors are filesystem-error's; GDM's are nobody's.
    const ext4 = (s: number) =>
      journalEvent({
        MESSAGE: `EXT4-fs error (device sda2): ext4_find_entry:1455: inode #${s + 2}: comm gnome-shell: reading directory lblock 0`,
        PRIORITY: '3',
        _TRANSPORT: 'kernel',
        SYSLOG_IDENTIFIER: 'kernel',
        __REALTIME_TIMESTAMP: String((START + s * 1000) * 1000),
      });
    for (let s = 0; s < 6; s++) {
      pipeline.accept('journal', ext4(s));
      pipeline.accept('journal', errorLine('gdm-session-wor', gdm(s), s));
    }
    pipeline.flush();
    expect(
      store
        .list({ state: 'all' })
        .map((f) => [f.kind, f.subject])
        .sort(),
    ).toEqual([
      ['filesystem-error', jasmine.any(String)],
      ['unrecognised-errors', 'gdm-session-wor'],
    ]);
    await done();
  });

  it('leaves to their detectors the lines they count before they report: sudo’s failed passwords, systemd’s reasons', async () => {
    const { store, pipeline, done } = await pipelineOver({ authFailures: { threshold: 50 } });
    for (let s = 0; s < 6; s++) {
      // Below auth-failures' threshold: counted, not yet reported.
      pipeline.accept(
        'journal',
        errorLine(
          'sudo',
          `pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/${s} ruser=alice rhost=  user=alice`,
          s,
        ),
      );
      // systemd's reason for a unit that fails a moment later (unit-failed keeps it for its report).
      pipeline.accept(
        'journal',
        journalEvent({
          MESSAGE: `gym-digest.service: Failed to load environment files: No such file or directory`,
          PRIORITY: '3',
          UNIT: 'gym-digest.service',
          _PID: '1',
          _UID: '0',
          _COMM: 'systemd',
          SYSLOG_IDENTIFIER: 'systemd',
          _TRANSPORT: 'journal',
          __REALTIME_TIMESTAMP: String((START + s * 1000 + 1) * 1000),
        }),
      );
    }
    pipeline.flush();
    expect(store.list({ state: 'all' }).map((f) => f.kind)).not.toContain('unrecognised-errors');
    await done();
  });

  it('leaves to unit-failed the start jobs systemd says failed, also of units it reported a moment before', async () => {
    const { store, pipeline, done } = await pipelineOver();
    // Six units failing over some minutes, as a day of the gym has them: PID 1's "Failed with result" reports each,
    // and its job's "Failed to start …" a millisecond later says nothing new of it.
    const manager = (unit: string, message: string, priority: string, ms: number, fields = {}) =>
      journalEvent({
        MESSAGE: message,
        PRIORITY: priority,
        UNIT: unit,
        _PID: '1',
        _UID: '0',
        _COMM: 'systemd',
        SYSLOG_IDENTIFIER: 'systemd',
        _TRANSPORT: 'journal',
        __REALTIME_TIMESTAMP: String((START + ms) * 1000),
        ...fields,
      });
    for (let n = 0; n < 6; n++) {
      const unit = `gym-unit${n}.service`;
      pipeline.accept('journal', manager(unit, `${unit}: Failed with result 'exit-code'.`, '4', n * 60_000));
      pipeline.accept(
        'journal',
        manager(unit, `Failed to start ${unit} - Gym unit ${n}.`, '3', n * 60_000 + 1, {
          JOB_RESULT: 'failed',
          JOB_TYPE: 'start',
          MESSAGE_ID: 'be02cf6855d2428ba40df7e9d022f03d',
        }),
      );
    }
    pipeline.flush();
    const kinds = store.list({ state: 'all' }).map((f) => f.kind);
    expect(kinds.filter((kind) => kind === 'unit-failed').length).toBe(6);
    expect(kinds).not.toContain('unrecognised-errors');
    await done();
  });
});
