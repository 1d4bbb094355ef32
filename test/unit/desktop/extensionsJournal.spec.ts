// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  EXTENSION_ERROR,
  ExtensionErrorDetector,
  extensionErrorOf,
} from '../../../service/src/desktop/extensions/journalDetector.js';
import { extensionsKind } from '../../../service/src/desktop/extensions/kind.js';
import { extensionPlaybook } from '../../../service/src/desktop/extensions/playbook.js';
import type { Preview } from '../../../service/src/fixes/action.js';
import type { PlaybookTools } from '../../../service/src/fixes/playbookSteps.js';
import type { WatchEvent } from '../../../service/src/watch/events.js';
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

let index = 0;
const line = (message: string, writer: JournalFields = SHELL, milliseconds = 0): WatchEvent =>
  journalEvent(
    { ...writer, MESSAGE: message, PRIORITY: '3', __REALTIME_TIMESTAMP: String(START_US + milliseconds * 1000) },
    index++,
  );

const reports = (events: WatchEvent[]) => reportsOf(runDetector(new ExtensionErrorDetector(), events));
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
    // The shell vouches for its own extensions' errors: only gnome-shell's lines get here.
    expect(report?.attribution).toEqual({ vouchedBy: 'gnome-shell', reportedBy: 'GNOME Shell' });
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
    expect(
      subjects([
        line('JS ERROR: TypeError: x is null', SHELL, 0),
        line(DOCK_FRAME.replace(/^#0 +\S+ b +/, 'f@'), SHELL, 60_000),
      ]),
    ).toEqual([]);
    expect(
      subjects([
        line('JS ERROR: TypeError: x is null', SHELL, 0),
        line(`f@${DOCK_FRAME.split(' ').find((part) => part.startsWith('/'))}`, { ...SHELL, _PID: '3100' }, 1),
      ]),
    ).toEqual([]);
  });
});

describe('the extension-error playbook', () => {
  const finding = findingWithEvidence(EXTENSION_ERROR, 'dash-to-dock@micxgx.gmail.com', {
    severity: 'warning',
    title: 'The extension dash-to-dock@micxgx.gmail.com failed: JS ERROR: TypeError: dockManager is null',
    vouchedBy: null,
    reportedBy: 'gnome-shell',
    evidence: [{ kind: 'journal', text: '…', cursor: 's=abc;i=7', journal: 'user', at: new Date(0) }],
  });

  const toolsWith = (disable: Preview | null): PlaybookTools =>
    ({
      preview: (candidate) => Promise.resolve(candidate.name === 'extensions.disable' ? disable : null),
    }) as PlaybookTools;

  it("shows the extension as the shell holds it and gnome-shell's own lines, and offers nothing where the shell cannot turn it off", async () => {
    const draft = await extensionPlaybook(finding, toolsWith(null));
    expect(draft?.actions).toEqual([
      { name: 'info.extension', params: { uuid: 'dash-to-dock@micxgx.gmail.com' } },
      { name: 'info.show_logs', params: { scope: 'user', cursor: 's=abc;i=7', sameWriter: true } },
    ]);
    expect(draft?.title).toBe('Look at why the extension dash-to-dock@micxgx.gmail.com failed');
  });

  it('offers turning the extension off through the shell while it is on', async () => {
    const on = { summary: 'Turn off Dash to Dock', details: [], changesNothing: false };
    const draft = await extensionPlaybook(finding, toolsWith(on));
    expect(draft?.actions.map((action) => action.name)).toEqual([
      'info.extension',
      'info.show_logs',
      'extensions.disable',
    ]);
    expect(draft?.actions[2]?.params).toEqual({ uuid: 'dash-to-dock@micxgx.gmail.com' });
    expect(draft?.title).toBe('Turn off the extension dash-to-dock@micxgx.gmail.com');
    const off = await extensionPlaybook(finding, toolsWith({ ...on, changesNothing: true }));
    expect(off?.actions.map((action) => action.name)).not.toContain('extensions.disable');
  });

  it('is the playbook the extensions kind registers for extension-error, beside its detector', () => {
    expect(extensionsKind.playbooks[EXTENSION_ERROR]).toBe(extensionPlaybook);
    expect(extensionsKind.detectors().some((detector) => detector.kinds.includes(EXTENSION_ERROR))).toBeTrue();
  });
});
