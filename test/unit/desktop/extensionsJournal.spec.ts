// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';

import type { DetectorOutput, FindingReport } from '../../../service/src/findings/types.js';
import { Writers } from '../../../service/src/findings/writers.js';
import type { ActionContext, Preview } from '../../../service/src/fixes/action.js';
import type { PlaybookTools, ProposalDraft } from '../../../service/src/fixes/playbookSteps.js';
import {
  EXTENSION_ERROR,
  ExtensionErrorDetector,
  extensionErrorOf,
  shellWords,
  UNNAMED_SHELL_ERROR,
} from '../../../service/src/kinds/extensions/journalDetector.js';
import { extensionsKind } from '../../../service/src/kinds/extensions/kind.js';
import { extensionPlaybook } from '../../../service/src/kinds/extensions/playbook.js';
import { ENABLED, ERROR, OUT_OF_DATE } from '../../../service/src/kinds/extensions/shell.js';
import { SHELL_CRASH_EVIDENCE } from '../../../service/src/kinds/extensions/shellCrashDetector.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
import { desktopWriters } from '../../support/desktopWriters.js';
import { findingWithEvidence } from '../../support/findingFixture.js';
import { journalEvent, type JournalFields, reportsOf, runDetector } from '../../support/journalEvents.js';

const START_US = 1_773_479_523_000_000;

/** gnome-shell as journald sees it on GNOME 3.34 and later: the user's, in its systemd user unit. */
const SHELL: JournalFields = {
  SYSLOG_IDENTIFIER: 'gnome-shell',
  _COMM: 'gnome-shell',
  _EXE: '/usr/bin/gnome-shell',
  _UID: '1000',
  _PID: '2975',
  _SYSTEMD_UNIT: 'user@1000.service',
  _SYSTEMD_USER_UNIT: 'org.gnome.Shell@wayland.service',
  _TRANSPORT: 'journal',
};
/** Older shells, started by gnome-session in the login session's scope. */
const SESSION_SHELL: JournalFields = {
  SYSLOG_IDENTIFIER: 'gnome-shell',
  _COMM: 'gnome-shell',
  _EXE: '/usr/bin/gnome-shell',
  _UID: '1000',
  _PID: '4197',
  _SYSTEMD_UNIT: 'session-2.scope',
  _TRANSPORT: 'journal',
};
/** gnome-session in the login session's scope, whose standard error older shells and their preferences tool shared. */
const GNOME_SESSION: JournalFields = {
  SYSLOG_IDENTIFIER: 'gnome-session',
  _COMM: 'gnome-session',
  _EXE: '/usr/libexec/gnome-session-binary',
  _UID: '1000',
  _PID: '1620',
  _SYSTEMD_UNIT: 'session-2.scope',
  _TRANSPORT: 'stdout',
};
/** A copy of logger named gnome-shell writes the shell's words (issue 62): journald records the copy's path. */
const LOGGER_COPY = { _COMM: 'gnome-shell', _TRANSPORT: 'syslog', SYSLOG_IDENTIFIER: 'gnome-shell' };

let index = 0;
const line = (message: string, writer: JournalFields = SHELL, milliseconds = 0): WatchEvent =>
  journalEvent(
    { ...writer, MESSAGE: message, PRIORITY: '3', __REALTIME_TIMESTAMP: String(START_US + milliseconds * 1000) },
    index++,
  );

/**
 * The reports that stand once the lines are read: an error whose line named no extension is resolved, as the store
 * resolves it, where a frame that follows names the extension.
 */
function standing(outputs: DetectorOutput[]): FindingReport[] {
  let result: FindingReport[] = [];
  for (const output of outputs) {
    if ('report' in output) result.push(output.report);
    else {
      const { kind, subject } = output.resolve;
      result = result.filter((report) => report.kind !== kind || report.subject !== subject);
    }
  }
  return result;
}
const reports = (events: WatchEvent[]) => standing(runDetector(new ExtensionErrorDetector(desktopWriters()), events));
const subjects = (events: WatchEvent[]) => reports(events).map((report) => report.subject);

// Real lines (test/corpus/cases/extension.json cites each report).
const HOT_CORNERS = [
  'JS ERROR: Extension custom-hot-corners@janrunx.gmail.com: Error: Tried to construct an object without a GType',
  'CustomHotCorner@/home/chriscrewdson/.local/share/gnome-shell/extensions/custom-hot-corners@janrunx.gmail.com/extension.js:76:9',
  '_callExtensionEnable@resource:///org/gnome/shell/ui/extensionSystem.js:166:32',
].join('\n');
const DASH_TO_DOCK_ENABLE = [
  'JS ERROR: Error: GDesktopAppInfo does not implement Gio.AppInfo, add Gio.AppInfo to your implements array',
  '_create@/usr/share/gnome-shell/extensions/dash-to-dock@micxgx.gmail.com/utils.js:267:43',
  'enable@/usr/share/gnome-shell/extensions/dash-to-dock@micxgx.gmail.com/extension.js:16:5',
  '_callExtensionEnable@resource:///org/gnome/shell/ui/extensionSystem.js:167:32',
].join('\n');
const UBUNTU_DOCK_MODULE = [
  'JS ERROR: TypeError: dockManager is null',
  'getApps@file:///usr/share/gnome-shell/extensions/ubuntu-dock@ubuntu.com/locations.js:1447:9',
].join('\n');
// The shell's override called by an extension: the extension's frame is below the shell's own.
const MIDDLE_CLICK_CLOSE = [
  'JS ERROR: TypeError: this._container.layout_manager is null',
  '_addWindowClone@resource:///org/gnome/shell/ui/workspace.js:1366:9',
  'enable/Workspace.Workspace.prototype._addWindowClone@/home/ian/.local/share/gnome-shell/extensions/middleclickclose@paolo.tranquilli.gmail.com/extension.js:77:40',
].join('\n');
const SHELL_ONLY = [
  'JS ERROR: TypeError: method Gio.File.delete_async: At least 3 arguments required, but only 2 passed',
  '_handleLockScreenWarning@resource:///org/gnome/shell/ui/main.js:323:24',
  '_initializeUI/<@resource:///org/gnome/shell/ui/main.js:303:13',
].join('\n');
const DEALLOCATED =
  'Object St.Bin (0x558698bafc10), has been already deallocated — impossible to set any property on it. This might be caused by the object having been destroyed from C code using something such as destroy(), dispose(), or remove() vfuncs.';
const DOCK_FRAME =
  '#0   7ffcec58aa60 b   /home/a_krava/.local/share/gnome-shell/extensions/dash-to-dock@micxgx.gmail.com/docking.js:2036 (1b57f85acf88 @ 194)';

describe('the extension-error detector', () => {
  it("names the extension from the shell's own words, in every version's form", () => {
    expect(extensionErrorOf(HOT_CORNERS)?.uuid).toBe('custom-hot-corners@janrunx.gmail.com');
    expect(
      extensionErrorOf('Extension "dash-to-dock@micxgx.gmail.com" had error: TypeError: object is undefined'),
    ).toEqual({
      uuid: 'dash-to-dock@micxgx.gmail.com',
      message: 'Extension "dash-to-dock@micxgx.gmail.com" had error: TypeError: object is undefined',
    });
    // "Extension <uuid>: …" below warning is the extension's own log(), unless its text is a JavaScript exception.
    expect(extensionErrorOf('Extension ding@rastersoft.com: Loaded', 6)).toBeNull();
    expect(extensionErrorOf('Extension ding@rastersoft.com: TypeError: this._x is null', 6)?.uuid).toBe(
      'ding@rastersoft.com',
    );
    expect(
      extensionErrorOf('Extension gsconnect@andyholmes.github.io: Gio.IOErrorEnum: Timeout was reached', 6)?.uuid,
    ).toBe('gsconnect@andyholmes.github.io');
    expect(extensionErrorOf('Extension ding@rastersoft.com: Error reading the desktop', 6)).toBeNull();
    // gjs 1.80 and later: no "JS ERROR: ", the stack under its own heading (biji/harddiskled#27), the bare "Error" too.
    const stack =
      '\n\n       Stack trace:\n\t enable@file:///home/sid/.local/share/gnome-shell/extensions/harddiskled@bijidroid.gmail.com/extension.js:222:28';
    expect(
      extensionErrorOf(
        `Extension harddiskled@bijidroid.gmail.com: Error: Tried to construct an object without a GType${stack}`,
        6,
      )?.uuid,
    ).toBe('harddiskled@bijidroid.gmail.com');
    expect(extensionErrorOf(`TypeError: this.layoutManager.add is not a function${stack}`, 6)?.uuid).toBe(
      'harddiskled@bijidroid.gmail.com',
    );
    expect(
      extensionErrorOf('TypeError: x is null\n\nStack trace:\n\t @resource:///org/gnome/shell/ui/init.js:21:20', 6),
    ).toBeNull();
    // A uuid without "@" is a directory name all the same, quoted by the shell.
    expect(
      extensionErrorOf(
        'Extension "gnome-shell-trash-extension" had error: TypeError: this._construct is not a function',
      )?.uuid,
    ).toBe('gnome-shell-trash-extension');
  });

  it('names the extension from the first stack frame in its directory, as a path or a file:// URI', () => {
    expect(extensionErrorOf(DASH_TO_DOCK_ENABLE)?.uuid).toBe('dash-to-dock@micxgx.gmail.com');
    expect(extensionErrorOf(UBUNTU_DOCK_MODULE)?.uuid).toBe('ubuntu-dock@ubuntu.com');
    expect(extensionErrorOf(MIDDLE_CLICK_CLOSE)?.uuid).toBe('middleclickclose@paolo.tranquilli.gmail.com');
    expect(
      extensionErrorOf(
        'JS ERROR: Exception in callback for signal: extension-found: SyntaxError: illegal character @ ~/.local/share/gnome-shell/extensions/timepp@zagortenay333/sections/timer.js:34',
      )?.uuid,
    ).toBe('timepp@zagortenay333');
  });

  it("reports gnome-shell's real lines with the uuid as subject and the error in the title", () => {
    const [report] = reports([line(HOT_CORNERS)]);
    expect(report?.kind).toBe(EXTENSION_ERROR);
    expect(report?.subject).toBe('custom-hot-corners@janrunx.gmail.com');
    expect(report?.title).toBe(
      'The extension custom-hot-corners@janrunx.gmail.com failed: JS ERROR: Extension custom-hot-corners@janrunx.gmail.com: Error: Tried to construct an object without a GType',
    );
    expect(report?.evidence[0]?.kind).toBe('journal');
    // Only gnome-shell's lines get here, and a line vouches for no change: the shell's state does.
    expect(report?.attribution).toEqual({ vouchedBy: null, reportedBy: 'GNOME Shell' });
    expect(
      subjects([
        line(
          'Extension "system-monitor@paradoxxx.zero.gmail.com" had error: TypeError: Main.__sm is undefined',
          SESSION_SHELL,
        ),
      ]),
    ).toEqual(['system-monitor@paradoxxx.zero.gmail.com']);
  });

  it('reads a stack gjs dumped one journal line per frame, after its critical or its JS ERROR, once per error', () => {
    const events = [
      line(DEALLOCATED, SHELL, 0),
      line('== Stack trace for context 0x55869671d900 ==', SHELL, 1),
      line(DOCK_FRAME, SHELL, 2),
      line('#1   7ffcec58ab20 b   resource:///org/gnome/shell/ui/main.js:544 (7fd0 @ 209)', SHELL, 3),
      line(DOCK_FRAME.replace('#0', '#2'), SHELL, 4),
    ];
    const found = reports(events);
    expect(found.map((report) => report.subject)).toEqual(['dash-to-dock@micxgx.gmail.com']);
    expect(found[0]?.title).toContain('has been already deallocated');
    // Apart from its JS ERROR line (stderr, older shells), the stack names the extension the same way.
    expect(
      subjects([
        line('JS ERROR: TypeError: this._proxy is undefined', SESSION_SHELL, 0),
        line(
          'get status@/home/steve/.local/share/gnome-shell/extensions/appindicatorsupport@rgcjonas.gmail.com/appIndicator.js:365:9',
          SESSION_SHELL,
          1,
        ),
      ]),
    ).toEqual(['appindicatorsupport@rgcjonas.gmail.com']);
  });

  it('counts each error per extension', () => {
    const events = [
      line(HOT_CORNERS, SHELL, 0),
      line(DASH_TO_DOCK_ENABLE, SHELL, 10),
      line(HOT_CORNERS, SHELL, 20),
      line(DEALLOCATED, SHELL, 30),
      line('== Stack trace for context 0x55869671d900 ==', SHELL, 31),
      line(DOCK_FRAME, SHELL, 32),
      line(HOT_CORNERS, SHELL, 40),
    ];
    const counts = new Map<string, number>();
    for (const subject of subjects(events)) counts.set(subject, (counts.get(subject) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({
      'custom-hot-corners@janrunx.gmail.com': 3,
      'dash-to-dock@micxgx.gmail.com': 2,
    });
  });

  it('ignores the same lines from any writer but gnome-shell itself in the session', () => {
    const forged: JournalFields[] = [
      // Another program that calls itself gnome-shell in its syslog identifier.
      { ...SHELL, _COMM: 'python3', _EXE: '/usr/bin/python3.12', _SYSTEMD_USER_UNIT: 'app-gnome-terminal-4242.scope' },
      // A program named gnome-shell, but run by the user from a terminal, outside the session's unit.
      { ...SHELL, _EXE: '/home/alice/bin/gnome-shell', _SYSTEMD_USER_UNIT: 'vte-spawn-1a2b.scope' },
      { ...SHELL, _SYSTEMD_USER_UNIT: 'app-gnome-terminal-4242.scope' },
      // Root's, not a user's session.
      { ...SESSION_SHELL, _UID: '0' },
      // gsconnect's own gjs daemon prints its errors with the extension's paths, but it is no shell.
      { ...SHELL, _COMM: 'gjs', _EXE: '/usr/bin/gjs', _SYSTEMD_USER_UNIT: 'dbus.service' },
    ];
    for (const writer of forged) {
      expect(subjects([line(HOT_CORNERS, writer), line(DASH_TO_DOCK_ENABLE, writer)]))
        .withContext(JSON.stringify(writer))
        .toEqual([]);
    }
  });

  // The attacks of issue 62: each writes the shell's words from a process that is not the session's shell.
  const ATTACKS: [string, JournalFields][] = [
    [
      'another user (uid 1001) in an ssh session, running a copy of logger named gnome-shell',
      {
        ...LOGGER_COPY,
        _UID: '1001',
        _PID: '5120',
        _EXE: '/home/intruder/gnome-shell',
        _SYSTEMD_UNIT: 'session-9.scope',
        _SYSTEMD_CGROUP: '/user.slice/user-1001.slice/session-9.scope',
      },
    ],
    [
      'another user running the real gnome-shell program in their session',
      {
        ...SESSION_SHELL,
        _UID: '1001',
        _SYSTEMD_UNIT: 'session-9.scope',
        _SYSTEMD_CGROUP: '/user.slice/user-1001.slice/session-9.scope',
      },
    ],
    [
      'a system account (uid 33) from cron, in its session scope',
      {
        ...LOGGER_COPY,
        _UID: '33',
        _PID: '5121',
        _EXE: '/var/www/gnome-shell',
        _SYSTEMD_UNIT: 'session-c5.scope',
        _SYSTEMD_CGROUP: '/user.slice/user-33.slice/session-c5.scope',
      },
    ],
    [
      "the session's user, in a unit named like the shell's, running a copy of logger",
      {
        ...LOGGER_COPY,
        _UID: '1000',
        _PID: '5122',
        _EXE: '/home/alice/.local/bin/gnome-shell',
        _SYSTEMD_UNIT: 'user@1000.service',
        _SYSTEMD_USER_UNIT: 'org.gnome.Shell@wayland.service',
        _SYSTEMD_CGROUP: '/user.slice/user-1000.slice/user@1000.service/app.slice/org.gnome.Shell@wayland.service',
      },
    ],
    [
      "the session's user, moved into the shell's own cgroup, running a copy of logger",
      {
        ...LOGGER_COPY,
        _UID: '1000',
        _PID: '5123',
        _EXE: '/home/alice/.local/bin/gnome-shell',
        _SYSTEMD_UNIT: 'user@1000.service',
        _SYSTEMD_USER_UNIT: 'org.gnome.Shell@wayland.service',
        _SYSTEMD_CGROUP: '/user.slice/user-1000.slice/user@1000.service/session.slice/org.gnome.Shell@wayland.service',
      },
    ],
    [
      'a line whose writer journald could not read (it had ended): no _EXE, no unit',
      { SYSLOG_IDENTIFIER: 'gnome-shell', _COMM: 'gnome-shell', _UID: '1000', _PID: '5124', _TRANSPORT: 'journal' },
    ],
    ['a line without _EXE from the shell’s unit', { ...SHELL, _EXE: undefined as unknown as string }],
  ];
  for (const [attack, writer] of ATTACKS) {
    it(`is not GNOME Shell's finding from ${attack}`, () => {
      const fields = Object.fromEntries(Object.entries(writer).filter(([, value]) => value !== undefined));
      expect(subjects([line(HOT_CORNERS, fields), line(DASH_TO_DOCK_ENABLE, fields)])).toEqual([]);
    });
  }

  it('believes the shell only where the distribution installed its program', () => {
    const uninstalled = new ExtensionErrorDetector(new Writers(1000));
    expect(reportsOf(runDetector(uninstalled, [line(HOT_CORNERS)]))).toEqual([]);
    const otherSession = new ExtensionErrorDetector(desktopWriters());
    expect(reportsOf(runDetector(otherSession, [line(HOT_CORNERS, { ...SHELL, _UID: '1001' })]))).toEqual([]);
  });

  it("raises nothing on the shell's own errors and warnings, nor on lines that only name an extension's files", () => {
    const benign = [
      SHELL_ONLY,
      'JS ERROR: Invalid work id 3: Error: Invalid work id 3\nqueueDeferredWork@resource:///org/gnome/shell/ui/main.js:874:18',
      'JS ERROR: Error: Missing metadata.json\ncreateExtensionObject@resource:///org/gnome/shell/misc/extensionUtils.js:100',
      "Gjs-Message: JS WARNING: [/home/x/.local/share/gnome-shell/extensions/laine@knasher.gmail.com/extension.js 374]: applying the 'delete' operator to an unqualified name",
      "    JS ERROR: !!!   WARNING: file '/usr/share/gnome-shell/extensions/weather-extension@xeked.com/extension.js' line 593 exception 0 number 157",
      '  inflating: /home/cameron/.local/share/gnome-shell/extensions/screen-rotate@shyzus.github.io/extension.js',
      '[System monitor] applet init from /home/user/.local/share/gnome-shell/extensions/system-monitor-next@paradoxxx.zero.gmail.com',
      "gnome-shell:(779): Clutter-CRITICAL **: clutter_text_get_text: assertion 'CLUTTER_IS_TEXT (self)' failed",
    ];
    expect(subjects(benign.map((message, at) => line(message, SHELL, at * 10_000)))).toEqual([]);
    // A stack dumped for the shell's own code names no extension either.
    expect(
      subjects([
        line('== Stack trace for context 0x55869671d900 ==', SHELL, 0),
        line('#0   7ffc63a2cf70 b   resource:///org/gnome/gjs/modules/_legacy.js:82 (7fd0712b0b80 @ 71)', SHELL, 1),
      ]),
    ).toEqual([]);
  });

  it("never names Steward's own extension, by the shell's words or by its first frame", () => {
    const own = '/home/alice/.local/share/gnome-shell/extensions/steward@steward.github.io/extension.js:12:5';
    expect(
      subjects([
        line('Extension steward@steward.github.io: Error: the service is gone', SHELL, 0),
        line(`JS ERROR: TypeError: this._proxy is null\n_update@${own}`, SHELL, 10_000),
        line('JS ERROR: TypeError: x is undefined', SESSION_SHELL, 20_000),
        line(`f@${own}`, SESSION_SHELL, 20_001),
      ]),
    ).toEqual([]);
    // An error thrown in another extension that Steward's code called is still that one's.
    expect(subjects([line(`${DASH_TO_DOCK_ENABLE}\n_update@${own}`, SHELL, 30_000)])).toEqual([
      'dash-to-dock@micxgx.gmail.com',
    ]);
  });

  it("does not join an extension's frame to an error long past or of another process", () => {
    // The error stays one whose line names no extension.
    expect(
      subjects([
        line('JS ERROR: TypeError: x is null', SHELL, 0),
        line(DOCK_FRAME.replace(/^#0 +\S+ b +/, 'f@'), SHELL, 60_000),
      ]),
    ).toEqual([UNNAMED_SHELL_ERROR]);
    // Another shell's frame is no part of this one's error: it stands for itself, with its own words.
    const found = reports([
      line('JS ERROR: TypeError: x is null', SHELL, 0),
      line(`f@${DOCK_FRAME.split(' ').find((part) => part.startsWith('/'))}`, { ...SHELL, _PID: '3100' }, 1),
    ]);
    expect(found.map((report) => report.subject)).toEqual([UNNAMED_SHELL_ERROR, 'dash-to-dock@micxgx.gmail.com']);
    expect(found[1]?.title).not.toContain('x is null');
  });

  it('raises an error of the shell’s JavaScript at err that names no extension, replaced where a frame names one', () => {
    const [unnamed] = reports([line(DEALLOCATED, SHELL, 0)]);
    expect(unnamed).toEqual(
      jasmine.objectContaining({
        kind: EXTENSION_ERROR,
        subject: UNNAMED_SHELL_ERROR,
        title: jasmine.stringMatching(
          /^GNOME Shell’s JavaScript failed, and the line names no extension: Object St\.Bin/,
        ),
      }),
    );
    expect(subjects([line('JS ERROR: TypeError: this._box is null', SESSION_SHELL, 0)])).toEqual([UNNAMED_SHELL_ERROR]);
    // With its stack in the same line and no extension's frame in it: gjs's critical, still unnamed.
    expect(subjects([line(`${DEALLOCATED}\n_update@resource:///org/gnome/shell/ui/panel.js:12:3`, SHELL, 0)])).toEqual([
      UNNAMED_SHELL_ERROR,
    ]);
    // A frame that follows names the extension: its finding replaces the unnamed one.
    expect(subjects([line(DEALLOCATED, SHELL, 0), line(DOCK_FRAME, SHELL, 1)])).toEqual([
      'dash-to-dock@micxgx.gmail.com',
    ]);
    // Below err, or at a level the line does not give, it is not raised.
    const at = (priority: string | undefined) =>
      journalEvent(
        {
          ...SHELL,
          MESSAGE: DEALLOCATED,
          ...(priority && { PRIORITY: priority }),
          __REALTIME_TIMESTAMP: String(START_US),
        },
        index++,
      );
    expect(subjects([at('4')])).toEqual([]);
    expect(subjects([at(undefined)])).toEqual([]);
  });

  it('names the extension from a frame of an error’s stack whose JS ERROR the report left out', () => {
    // mzur/gnome-shell-wsmatrix#118: the reporter grepped the shell's lines for the extension, leaving its frames.
    const frame =
      '_showWorkspaceSwitcher@/home/yuriw/.local/share/gnome-shell/extensions/wsmatrix@martin.zurowietz.de/WmOverride.js:379:18';
    const found = reports([line(frame, SHELL, 0), line(frame, SHELL, 1), line(frame, SHELL, 2)]);
    expect(found.map((report) => report.subject)).toEqual(['wsmatrix@martin.zurowietz.de']);
    // A frame of the shell's own code names none, and a line that only mentions an extension's file is no frame.
    expect(subjects([line('_init@resource:///org/gnome/shell/ui/main.js:303:13', SHELL, 10_000)])).toEqual([]);
    expect(
      subjects([
        line(
          'applet init from /home/user/.local/share/gnome-shell/extensions/system-monitor-next@paradoxxx.zero.gmail.com/extension.js:12',
          SHELL,
          20_000,
        ),
      ]),
    ).toEqual([]);
  });

  it("reads the shell's words under GLib's prefix, as shells started by gnome-session wrote them to standard error", () => {
    // gmessages.c's forms: the program and PID for warnings and worse, the domain, the level, the time since GLib 2.50.
    expect(shellWords('GNOME Shell-Message: Extension "ubuntu-dock@ubuntu.com" had error: x')).toBe(
      'Extension "ubuntu-dock@ubuntu.com" had error: x',
    );
    expect(shellWords('(gnome-shell:6570): Gjs-WARNING **: 10:12:01.123: JS ERROR: TypeError:  is null')).toBe(
      'JS ERROR: TypeError:  is null',
    );
    expect(shellWords('** (gnome-shell:6570): CRITICAL **: Object St.Bin (0x1), x')).toBe('Object St.Bin (0x1), x');
    expect(shellWords('    JS ERROR: Extension a@b: Error: x')).toBe('JS ERROR: Extension a@b: Error: x');
    // micheleg/dash-to-dock#1158's line as gjs printed it on standard error before the shell logged to the journal.
    expect(
      extensionErrorOf(
        '(gnome-shell:1872): Gjs-WARNING **: JS ERROR: Extension dash-to-dock@micxgx.gmail.com: TypeError: appIconPrototype._onLeaveEvent is undefined',
      )?.uuid,
    ).toBe('dash-to-dock@micxgx.gmail.com');
    // gjs's critical under its prefix starts the stack that names the extension, and titles the finding.
    const [report] = reports([
      line(`(gnome-shell:2975): Gjs-CRITICAL **: 10:12:01.123: ${DEALLOCATED}`, SHELL, 0),
      line('== Stack trace for context 0x55869671d900 ==', SHELL, 1),
      line(DOCK_FRAME, SHELL, 2),
    ]);
    expect(report?.subject).toBe('dash-to-dock@micxgx.gmail.com');
    expect(report?.title).toContain('has been already deallocated');
    // GLib's own warnings under the same prefix, and gjs's old strict-mode warnings, stay no extension's error.
    expect(
      subjects([
        line(
          "(gnome-shell:3795): GLib-GObject-WARNING **: /build/glib2.0-7IO_Yw/glib2.0-2.48.1/./gobject/gsignal.c:2635: instance '0x2a7e640' has no handler with id '1'",
          SESSION_SHELL,
          0,
        ),
        line(
          "    JS ERROR: !!!   WARNING: file '/usr/share/gnome-shell/extensions/weather-extension@xeked.com/extension.js' line 593 exception 0 number 157",
          SESSION_SHELL,
          10_000,
        ),
      ]),
    ).toEqual([]);
  });

  it("names the extension extensions.gnome.org's install or update failed for, in extensionDownloader.js's words", () => {
    // log() writes them at info: their words say which extension and that it failed.
    const failed = [
      'Error while installing dash-to-dock@micxgx.gmail.com: Unexpected response: Not Found',
      'Error while downloading update for extension dash-to-dock@micxgx.gmail.com: (Unexpected response: Not Found)',
      'Error while updating extension dash-to-dock@micxgx.gmail.com: 404 (Not Found)',
      'Error while compiling schema for extension dash-to-dock@micxgx.gmail.com: (Child process exited with code 1)',
      'Failed to install extension updates for dash-to-dock@micxgx.gmail.com',
    ];
    for (const message of failed) expect(extensionErrorOf(message, 6)?.uuid).toBe('dash-to-dock@micxgx.gmail.com');
    // The checks that name no extension, and an extension's own log that only mentions one, name none.
    expect(extensionErrorOf('Update check failed: Unexpected response: Service Unavailable', 6)).toBeNull();
    expect(extensionErrorOf('Some extension updates failed to download: Unexpected response: Not Found', 6)).toBeNull();
    expect(
      extensionErrorOf('[Dash] Error while installing the icon theme dash-to-dock@micxgx.gmail.com', 6),
    ).toBeNull();
  });

  it('reads a dumped frame journalctl cut inside its closing parenthesis, never one cut inside its path', () => {
    // projecthamster/hamster-shell-extension#212: every dump line cut at the terminal's width.
    const cut =
      '#2 0x7ffede305880 I   /home/rhertzog/.local/share/gnome-shell/extensions/contact@projecthamster.org/widgets/todaysFactsWidget.js:193 (0x7f047ef25d58 @ 4';
    expect(subjects([line(cut, SESSION_SHELL, 0)])).toEqual(['contact@projecthamster.org']);
    expect(
      subjects([
        line('== Stack trace for context 0x555e81c14000 ==', SESSION_SHELL, 10_000),
        line(
          '#7 0x7ffede305c60 b   resource:///org/gnome/gjs/modules/overrides/Gio.js:90 (0x7f049d603780 @ 118)',
          SESSION_SHELL,
          10_001,
        ),
        line(cut, SESSION_SHELL, 10_002),
      ]),
    ).toEqual(['contact@projecthamster.org']);
    // home-sweet-gnome/dash-to-panel#342: cut inside the extension's directory name, which then names no extension.
    expect(
      subjects([
        line(
          '#0 0x7fffac0a7b00 I   /home/paul/.local/share/gnome-shell/extensions/dash-to-panel@jderose9.githu',
          SESSION_SHELL,
          20_000,
        ),
      ]),
    ).toEqual([]);
  });

  it('names the extension whose settings schema getSettings() could not find, in the shell’s words', () => {
    // extensionUtils.js 3.36 to 44 and sharedInternals.js since 45 throw it into the extension's code.
    const thrown =
      'JS ERROR: Error: Schema org.gnome.shell.extensions.dash-to-dock could not be found for extension dash-to-dock@micxgx.gmail.com. Please check your installation';
    expect(extensionErrorOf(thrown, 6)?.uuid).toBe('dash-to-dock@micxgx.gmail.com');
    expect(extensionErrorOf('Schema org.gnome.desktop.foo could not be found', 6)).toBeNull();
  });

  it('reads the shell’s words gnome-session passed on, and none of its own lines', () => {
    // oleid/gnome-shell-teatime#12: the preferences tool's stack, one line a frame, as gnome-session's.
    const frame =
      'TeaTimePrefsWidget<._init@/home/newman/.local/share/gnome-shell/extensions/TeaTime@oleid.mescharet.de/prefs.js:63';
    expect(
      subjects([
        line(frame, GNOME_SESSION, 0),
        line('wrapper@resource:///org/gnome/gjs/modules/lang.js:169', GNOME_SESSION, 1),
      ]),
    ).toEqual(['TeaTime@oleid.mescharet.de']);
    expect(
      subjects([
        line('Extension "ubuntu-dock@ubuntu.com" had error: TypeError: dockManager is null', GNOME_SESSION, 10_000),
      ]),
    ).toEqual(['ubuntu-dock@ubuntu.com']);
    expect(
      subjects([line("WARNING: Application 'org.gnome.Shell.desktop' killed by signal 11", GNOME_SESSION, 20_000)]),
    ).toEqual([]);
    // A copy of gnome-session's program outside the distribution's place is nobody's.
    expect(subjects([line(frame, { ...GNOME_SESSION, _EXE: '/home/user/bin/gnome-session-binary' }, 30_000)])).toEqual(
      [],
    );
  });
});

describe('the extension-error playbook', () => {
  const UUID = 'dash-to-dock@micxgx.gmail.com';
  const finding = findingWithEvidence(EXTENSION_ERROR, UUID, {
    severity: 'warning',
    title: 'The extension dash-to-dock@micxgx.gmail.com failed: JS ERROR: TypeError: dockManager is null',
    vouchedBy: null,
    reportedBy: 'GNOME Shell',
    evidence: [{ kind: 'journal', text: '…', cursor: 's=abc;i=7', journal: 'user', at: new Date(0) }],
  });
  const on = { summary: 'Turn off Dash to Dock', details: [], changesNothing: false };

  /**
   * The shell as GetExtensionInfo answers for the extension (its state as a double, as gnome-shell serialises it),
   * or null where no shell is on the bus.
   */
  const shellAnswering = (state: number | null) => ({
    call: () =>
      state === null
        ? Promise.reject(Object.assign(new Error('no shell'), { type: 'org.freedesktop.DBus.Error.ServiceUnknown' }))
        : Promise.resolve({
            signature: 'a{sv}',
            body: [{ state: new Variant('d', state), name: new Variant('s', 'Dash to Dock') }],
          }),
  });
  const toolsWith = (disable: Preview | null, state: number | null = ERROR): PlaybookTools => ({
    context: { sessionBus: shellAnswering(state) } as unknown as ActionContext,
    preview: (candidate) => Promise.resolve(candidate.name === 'extensions.disable' ? disable : null),
  });
  const names = (draft: ProposalDraft | null) => draft?.actions.map((action) => action.name);

  it("shows the extension as the shell holds it and gnome-shell's own lines, and offers nothing where the shell cannot turn it off", async () => {
    const draft = await extensionPlaybook(finding, toolsWith(null));
    expect(draft?.actions).toEqual([
      { name: 'info.extension', params: { uuid: UUID } },
      { name: 'info.show_logs', params: { scope: 'user', cursor: 's=abc;i=7', sameWriter: true } },
    ]);
    expect(draft?.title).toBe('Look at why the extension dash-to-dock@micxgx.gmail.com failed');
  });

  it('offers turning the extension off where the shell itself holds it failed, confirmed by that state', async () => {
    for (const state of [ERROR, OUT_OF_DATE]) {
      const draft = await extensionPlaybook(finding, toolsWith(on, state));
      expect(names(draft))
        .withContext(String(state))
        .toEqual(['info.extension', 'info.show_logs', 'extensions.disable']);
      expect(draft?.actions[2]).toEqual({ name: 'extensions.disable', params: { uuid: UUID }, confirmedByState: true });
      expect(draft?.title).toBe('Turn off the extension dash-to-dock@micxgx.gmail.com');
    }
    const off = await extensionPlaybook(finding, toolsWith({ ...on, changesNothing: true }));
    expect(names(off)).not.toContain('extensions.disable');
  });

  it('only shows the shell’s own lines for an error that names no extension, and says how to find it', async () => {
    const unnamed = findingWithEvidence(EXTENSION_ERROR, UNNAMED_SHELL_ERROR, {
      severity: 'warning',
      title: 'GNOME Shell’s JavaScript failed, and the line names no extension: JS ERROR: TypeError: this._box is null',
      evidence: [{ kind: 'journal', text: '…', cursor: 's=abc;i=9', journal: 'user', at: new Date(0) }],
    });
    const draft = await extensionPlaybook(unnamed, toolsWith(on, ERROR));
    expect(draft?.actions).toEqual([
      { name: 'info.show_logs', params: { scope: 'user', cursor: 's=abc;i=9', sameWriter: true } },
    ]);
    expect(draft?.title).toBe('See GNOME Shell’s error');
    expect(draft?.explanation).toContain('turning your extensions off one at a time in Extensions shows which one');
    expect(draft?.explanation).toMatch(/Nothing is changed here\.$/);

    // The shell's own list narrows it down to what runs now, Steward's own aside, or clears every extension.
    const listing = (extensions: Record<string, [number, string]>): PlaybookTools => ({
      context: {
        sessionBus: {
          call: () =>
            Promise.resolve({
              signature: 'a{sa{sv}}',
              body: [
                Object.fromEntries(
                  Object.entries(extensions).map(([uuid, [state, name]]) => [
                    uuid,
                    { state: new Variant('d', state), name: new Variant('s', name) },
                  ]),
                ),
              ],
            }),
        },
      } as unknown as ActionContext,
      preview: () => Promise.resolve(null),
    });
    const some = await extensionPlaybook(
      unnamed,
      listing({
        [UUID]: [ENABLED, 'Dash to Dock'],
        'steward@steward.github.io': [ENABLED, 'Steward'],
        'weather@example.org': [2, 'Weather'],
      }),
    );
    expect(some?.explanation).toContain('shows which one it is. Running now: Dash to Dock. Nothing is changed here.');
    const none = await extensionPlaybook(unnamed, listing({ 'steward@steward.github.io': [ENABLED, 'Steward'] }));
    expect(none?.explanation).toContain(
      'No extension runs in GNOME Shell now, so the error is most likely GNOME Shell’s own.',
    );
    expect(none?.actions.map((action) => action.name)).toEqual(['info.show_logs']);
    const many = await extensionPlaybook(
      unnamed,
      listing(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((n) => [`e${n}@example.org`, [ENABLED, `E${n}`]]))),
    );
    expect(many?.explanation).toContain('Running now: E1, E2, E3, E4, E5 and 2 more.');
  });

  it('never proposes off an extension the shell reports running, nor one it cannot be asked about', async () => {
    for (const state of [ENABLED, null]) {
      const draft = await extensionPlaybook(finding, toolsWith(on, state));
      expect(names(draft)).withContext(String(state)).toEqual(['info.extension', 'info.show_logs']);
      expect(draft?.title).toBe('Look at why the extension dash-to-dock@micxgx.gmail.com failed');
    }
  });

  it('offers it off after systemd-coredump recorded the shell crashing, though the shell runs it again', async () => {
    const crashed = findingWithEvidence(EXTENSION_ERROR, UUID, {
      ...finding,
      evidence: [...finding.evidence, { kind: 'text', text: SHELL_CRASH_EVIDENCE, at: new Date(0) }],
    });
    expect(names(await extensionPlaybook(crashed, toolsWith(on, ENABLED)))).toEqual([
      'info.extension',
      'info.show_logs',
      'extensions.disable',
    ]);
    // The same words in a log line are a line's, not the record.
    const forged = findingWithEvidence(EXTENSION_ERROR, UUID, {
      ...finding,
      evidence: [{ kind: 'journal', text: SHELL_CRASH_EVIDENCE, at: new Date(0) }],
    });
    expect(names(await extensionPlaybook(forged, toolsWith(on, ENABLED)))).not.toContain('extensions.disable');
  });

  it('is the playbook the extensions kind registers for extension-error, beside its detector', () => {
    expect(extensionsKind.playbooks[EXTENSION_ERROR]).toBe(extensionPlaybook);
    expect(
      extensionsKind.detectors(desktopWriters()).some((detector) => detector.kinds.includes(EXTENSION_ERROR)),
    ).toBeTrue();
  });
});
