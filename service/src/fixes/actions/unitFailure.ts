// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.unit_failure: what systemd itself recorded of a unit's last run, read over its D-Bus API as
// `systemctl status` reads it: how the main process ended and what that status means, how often it was
// restarted, the unit file and command line behind it, the package the program comes from, where a core went,
// a required unit that is masked or missing, and the last lines of that very run.
import { readFile } from 'node:fs/promises';

import { z } from 'zod';

import { LSB_EXIT_STATUSES, NOT_RUN_STATUSES, SETUP_EXIT_STATUSES, setupNeeds } from '../../causes/exitStatus.js';
import { SIGNAL_MEANINGS, signalName } from '../../causes/signals.js';
import { plainResult, signalledBySystemd } from '../../causes/systemdResult.js';
import { type PackageOwner, packageOwning } from '../../findings/packageOwner.js';
import { _, format, formatClock, N_, ngettext } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import type { ActionDefinition } from '../action.js';
import { unitName, unitScope } from '../params.js';
import { journalctl, journalSourceArgs, type JsonEntry, readEntry, type ShowLogsOptions } from './journalctl.js';
import { type FailedCommand, type StartupWait, UnitManager, type UnitRecord } from './systemdUnits.js';

const params = z.object({ unit: unitName, scope: unitScope });
type UnitFailureParams = z.infer<typeof params>;

const CLD_EXITED = 1;
const CLD_KILLED = 2;
const CLD_DUMPED = 3;
const RUN_LINES = 10;
const NO_INVOCATION = /^0*$/;

const signalOf = (number: number) => signalName(number) ?? `SIG${number}`;

/**
 * "exited with status 2 (INVALIDARGUMENT)", "was killed by signal 11 (SIGSEGV: …) and dumped core"; with the unit's
 * result, a signal systemd sent itself (a watchdog's SIGABRT) is said to be systemd's.
 */
export function describeMainExit(code: number, status: number, result?: string): string | null {
  if (code === CLD_EXITED) {
    const step = SETUP_EXIT_STATUSES[status];
    if (step) {
      return format(
        _('Its main process exited with status {status} ({step}): systemd could not set it up; it needs {needs}.'),
        { status, step, needs: setupNeeds(step) },
      );
    }
    const notRun = NOT_RUN_STATUSES[status];
    if (notRun)
      return format(_('Its main process exited with status {status}: {meaning}.'), { status, meaning: _(notRun) });
    const name = LSB_EXIT_STATUSES[status];
    return name
      ? format(_('Its main process exited with status {status} ({name}), an error of the program’s own.'), {
          status,
          name,
        })
      : format(_('Its main process exited with status {status}, an error of the program’s own.'), { status });
  }
  if (code !== CLD_KILLED && code !== CLD_DUMPED) return null;
  const name = signalOf(status);
  const why = result === undefined ? undefined : signalledBySystemd(result);
  if (why)
    return format(_('systemd itself ended its main process with signal {number} ({name}): {why}.'), {
      number: status,
      name,
      why,
    });
  const meaning = SIGNAL_MEANINGS[name];
  const signal = meaning ? `${name}: ${_(meaning)}` : name;
  return format(
    code === CLD_DUMPED
      ? _('Its main process was killed by signal {number} ({signal}) and dumped core.')
      : _('Its main process was killed by signal {number} ({signal}).'),
    { number: status, signal },
  );
}

/** Where the kernel put a core, by its core_pattern: systemd-coredump, another collector, or a file. */
export function describeCorePattern(pattern: string): string {
  const trimmed = pattern.trim();
  if (trimmed.startsWith('|') && trimmed.includes('systemd-coredump'))
    return _('systemd-coredump kept the core: “coredumpctl info” shows its stack trace.');
  if (trimmed.startsWith('|'))
    return format(_('The kernel gave the core to {collector}, not to systemd-coredump: coredumpctl has none.'), {
      collector: cleanLine(trimmed.slice(1).split(' ')[0] ?? '', 120),
    });
  return format(
    _(
      'No crash collector runs (kernel.core_pattern is “{pattern}”): the core, if the limit allowed it, is a file in the process’s working directory, and coredumpctl has none.',
    ),
    { pattern: cleanLine(trimmed, 120) },
  );
}

/** "ExecStartPre=/usr/bin/test -f /etc/x/ready exited with status 1." */
function describeCommand({ setting, argv, code, status }: FailedCommand): string {
  const command = cleanLine(argv.join(' '), 300);
  return code === CLD_EXITED
    ? format(_('{setting}={command} exited with status {status}.'), { setting, command, status })
    : format(_('{setting}={command} was killed by signal {signal}.'), { setting, command, signal: signalOf(status) });
}

function describeMount(mount: NonNullable<UnitRecord['mount']>): string[] {
  const values = { what: cleanLine(mount.what, 200), where: cleanLine(mount.where, 200), type: mount.type || '–' };
  const lines = [format(_('It mounts {what} on {where} ({type}).'), values)];
  if (mount.whatPresent === false) lines.push(format(_('{what} does not exist now.'), values));
  if (mount.fstab) {
    lines.push(
      format(_('It comes from {path}, line {line}: {text}'), {
        path: mount.fstab.path,
        line: mount.fstab.line,
        text: cleanLine(mount.fstab.text, 300),
      }),
    );
  }
  return lines;
}

export interface RecordExtras {
  owner?: PackageOwner | null;
  corePattern?: string;
  lastLines?: string[];
}

/** A required unit that stops this one from starting: masked (and by which link) or not there at all. */
function describeRequirements(record: UnitRecord): string[] {
  return record.requirements.flatMap(({ unit, loadState, unitFileState, fragmentPath, triggered }) => {
    if (triggered) {
      if (loadState === 'masked')
        return [format(_('It starts {unit}, which is masked, so systemd refuses to start it.'), { unit })];
      if (loadState === 'not-found') return [format(_('It starts {unit}, which does not exist.'), { unit })];
      return [];
    }
    if (loadState === 'masked') {
      return [
        format(
          fragmentPath
            ? _(
                'It requires {unit}, which is masked ({state}: {path} links to /dev/null), so systemd refuses to start either.',
              )
            : _('It requires {unit}, which is masked ({state}), so systemd refuses to start either.'),
          { unit, state: unitFileState || 'masked', path: fragmentPath },
        ),
      ];
    }
    if (loadState === 'not-found') return [format(_('It requires {unit}, which does not exist.'), { unit })];
    return [];
  });
}

/**
 * Whether systemd recorded anything worth showing: an ended main process, a result other than success (a forking
 * daemon whose PID file never came has no main process), or a requirement that blocks it.
 */
export function recordsFailure(record: UnitRecord): boolean {
  return (
    Boolean(record.mainCode) ||
    Boolean(record.failedCommand) ||
    (record.result !== undefined && record.result !== 'success') ||
    // A mount that never ran because what it mounts is not there (a disk not connected): its start job failed.
    record.mount?.whatPresent === false ||
    describeRequirements(record).length > 0
  );
}

/** Who may send READY=1, by NotifyAccess= (systemd.service(5)). */
const NOTIFY_ACCESS: Readonly<Record<string, string>> = {
  main: N_('only its main process may send it (NotifyAccess=main): a child process’s message is ignored'),
  exec: N_('its main process or one of its Exec*= commands may send it (NotifyAccess=exec)'),
  all: N_('any process of the unit may send it (NotifyAccess=all)'),
  none: N_('NotifyAccess=none ignores every message, so no start of it can ever finish'),
};

const seconds = (us: number) => Math.round(us / 100_000) / 10;

/**
 * What systemd waited for before the service counted as started, by its Type=, and what stands of it now: the
 * notification it never got, the PID file or bus name that never came; and how long the process ran meanwhile.
 */
export function describeStartup(wait: StartupWait): string[] {
  // A timeout of "infinity" (UINT64_MAX) never ends a start.
  const within =
    wait.timeoutUs > 0 && wait.timeoutUs < 2 ** 63
      ? format(_(' up to {seconds} s (TimeoutStartSec=)'), { seconds: seconds(wait.timeoutUs) })
      : '';
  const lines: string[] = [];
  switch (wait.type) {
    case 'notify':
    case 'notify-reload': {
      lines.push(
        format(
          _(
            'systemd waited{within} for the program to report READY=1 on its notification socket (Type={type}); {who}.',
          ),
          { within, type: wait.type, who: _(NOTIFY_ACCESS[wait.notifyAccess] ?? NOTIFY_ACCESS.main ?? '') },
        ),
      );
      lines.push(
        wait.statusText
          ? format(_('The last status it sent (STATUS=): “{status}”; READY=1 never came.'), {
              status: cleanLine(wait.statusText, 200),
            })
          : _('It sent neither READY=1 nor any status (STATUS=) in that time.'),
      );
      break;
    }
    case 'forking':
      lines.push(
        format(
          _(
            'systemd waited{within} for the program’s first process to exit, leaving its daemon running (Type=forking).',
          ),
          {
            within,
          },
        ),
      );
      if (wait.pidFile) {
        lines.push(
          format(
            wait.pidFilePresent
              ? _('It also waited for the daemon’s PID file {path} (PIDFile=), which is there now.')
              : _('It also waited for the daemon’s PID file {path} (PIDFile=), which does not exist now.'),
            { path: cleanLine(wait.pidFile, 200) },
          ),
        );
      }
      break;
    case 'dbus':
      lines.push(
        format(
          wait.busNameOwned
            ? _(
                'systemd waited{within} for the program to take the bus name {name} (Type=dbus); a process owns it now.',
              )
            : _(
                'systemd waited{within} for the program to take the bus name {name} (Type=dbus); no process owns it now.',
              ),
          { name: cleanLine(wait.busName, 200), within },
        ),
      );
      break;
    case 'oneshot':
      lines.push(format(_('systemd waited{within} for the program to finish (Type=oneshot).'), { within }));
      break;
    default:
      lines.push(
        format(_('systemd waited{within} for the commands before and after its main process (Type={type}).'), {
          within,
          type: wait.type || 'simple',
        }),
      );
  }
  if (wait.ranUs !== undefined) {
    lines.push(format(_('Its main process ran for {seconds} s.'), { seconds: seconds(wait.ranUs) }));
  }
  return lines;
}

/** The record as the lines a person reads, most telling first. */
export function describeRecord(record: UnitRecord, extras: RecordExtras = {}): string[] {
  const lines = [
    format(_('{unit} is {state} ({sub}); systemd’s result: {result}.'), {
      unit: record.unit,
      state: record.activeState,
      sub: record.subState,
      result: record.result ?? '–',
    }),
  ];
  const exit = record.mainCode ? describeMainExit(record.mainCode, record.mainStatus ?? 0, record.result) : null;
  if (exit) lines.push(exit);
  if (record.startup) lines.push(...describeStartup(record.startup));
  if (record.mount) lines.push(...describeMount(record.mount));
  if (record.failedCommand) lines.push(describeCommand(record.failedCommand));
  for (const { path, present } of record.environmentFiles ?? []) {
    lines.push(
      format(
        present
          ? _('EnvironmentFile={path} is there now.')
          : _('EnvironmentFile={path} does not exist: systemd gave up before it started the program.'),
        { path: cleanLine(path, 200) },
      ),
    );
  }
  if (record.setting) {
    lines.push(
      format(_('The setting behind it: {name}={value}'), {
        name: record.setting.name,
        value: cleanLine(record.setting.value, 200),
      }),
    );
  }
  if (record.mainCode === CLD_DUMPED && extras.corePattern !== undefined)
    lines.push(describeCorePattern(extras.corePattern));
  lines.push(...describeRequirements(record));
  if (record.restarts) {
    lines.push(
      format(ngettext('systemd restarted it {count} time.', 'systemd restarted it {count} times.', record.restarts), {
        count: record.restarts,
      }),
    );
  }
  if (record.fragmentPath) lines.push(format(_('Unit file: {path}'), { path: record.fragmentPath }));
  for (const { argv } of record.execStart ?? []) {
    lines.push(format(_('ExecStart: {command}'), { command: cleanLine(argv.join(' '), 300) }));
  }
  const program = record.execStart?.[0]?.program;
  if (program && extras.owner) {
    lines.push(
      format(_('{program} comes from the package {package} {version}.'), {
        program,
        package: extras.owner.package,
        version: extras.owner.version,
      }),
    );
  } else if (program && extras.owner === null) {
    lines.push(format(_('{program} belongs to no installed package.'), { program }));
  }
  if (extras.lastLines?.length) lines.push(_('The last lines of that run:'), ...extras.lastLines);
  return lines;
}

/** An entry of the run's lines, with the fields that say which run wrote it. */
interface RunEntry extends JsonEntry {
  __CURSOR?: string;
  _SYSTEMD_INVOCATION_ID?: string;
  _SYSTEMD_UNIT?: string;
  _SYSTEMD_USER_UNIT?: string;
}

const entriesOf = (stdout: string): RunEntry[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunEntry);

/**
 * The last lines PID 1 (or the user's manager) and the unit's processes wrote during this invocation. journald
 * reads a process's invocation from its cgroup, which systemd removes once a failed unit's processes are gone: a
 * program's last words before it exited at once may come with its unit and no invocation, and belong to the run
 * when they come after the first of its lines shown. On a busy machine journald may read them only after the
 * process is gone, with neither (systemd's own tests call `journalctl --sync` for it): then the process's PID, which
 * journald has from the socket and systemd recorded for the run's command, says whose they are.
 */
export async function runLines(
  record: UnitRecord,
  scope: 'user' | 'system',
  options: ShowLogsOptions,
): Promise<string[]> {
  const id = record.invocationId;
  if (NO_INVOCATION.test(id)) return [];
  const source = [
    ...journalSourceArgs({ scope }, options),
    '--quiet',
    '--no-pager',
    '--output=json',
    `--lines=${RUN_LINES}`,
  ];
  const unitField = scope === 'user' ? '_SYSTEMD_USER_UNIT' : '_SYSTEMD_UNIT';
  const fields = `--output-fields=MESSAGE,__REALTIME_TIMESTAMP,_SYSTEMD_INVOCATION_ID,${unitField}`;
  const own = entriesOf(
    (
      await journalctl([
        ...source,
        fields,
        `_SYSTEMD_INVOCATION_ID=${id}`,
        '+',
        `${scope === 'user' ? 'USER_INVOCATION_ID' : 'INVOCATION_ID'}=${id}`,
      ])
    ).stdout,
  );
  const first = own[0]?.__REALTIME_TIMESTAMP;
  const unattributed = first
    ? entriesOf(
        (
          await journalctl([
            ...source,
            fields,
            `--since=@${Math.floor(Number(first) / 1_000_000)}`,
            `${unitField}=${record.unit}`,
            ...(record.runPids ?? []).flatMap((pid) => ['+', `_PID=${pid}`]),
          ])
        ).stdout,
      ).filter(
        (entry) =>
          entry._SYSTEMD_INVOCATION_ID === undefined &&
          // A PID used again by another unit's process is that unit's.
          (entry[unitField] === undefined || entry[unitField] === record.unit) &&
          Number(entry.__REALTIME_TIMESTAMP) >= Number(first),
      )
    : [];
  return [...own, ...unattributed]
    .sort((a, b) => Number(a.__REALTIME_TIMESTAMP) - Number(b.__REALTIME_TIMESTAMP))
    .slice(-RUN_LINES)
    .map((entry) => {
      const { message, at } = readEntry(entry);
      return `${formatClock(at)} ${cleanLine(message)}`;
    });
}

async function readRecord({ unit, scope }: UnitFailureParams, context: Parameters<ActionDefinition['preview']>[1]) {
  const record = await new UnitManager(context, scope).record(unit);
  return { record, failed: recordsFailure(record) };
}

/** info.unit_failure; `options` says which journals the run's lines are read from (info.show_logs' options). */
export function unitFailureAction(options: ShowLogsOptions = {}): ActionDefinition<UnitFailureParams> {
  const describe = async (wanted: UnitFailureParams, context: Parameters<ActionDefinition['preview']>[1]) => {
    const { record, failed } = await readRecord(wanted, context);
    if (!failed) return { failed, record, lines: describeRecord(record) };
    const program = record.execStart?.[0]?.program;
    const [owner, corePattern, lastLines] = await Promise.all([
      program ? packageOwning(program) : undefined,
      record.mainCode === CLD_DUMPED
        ? readFile('/proc/sys/kernel/core_pattern', 'utf8').catch(() => undefined)
        : undefined,
      runLines(record, wanted.scope, options).catch((error: Error) => {
        context.log.debug('no lines of the unit’s last run', { unit: wanted.unit, error: error.message });
        return [];
      }),
    ]);
    return {
      failed,
      record,
      lines: describeRecord(record, {
        ...(owner !== undefined && { owner }),
        ...(corePattern !== undefined && { corePattern }),
        lastLines,
      }),
    };
  };
  return {
    name: 'info.unit_failure',
    title: N_('Show how systemd recorded a service’s failure'),
    params,
    risk: 'low',
    needsAuthorization: false,
    readOnly: true,
    // The preview is the result; a unit whose last run systemd recorded nothing of has nothing to show.
    async preview(wanted, context) {
      const { failed, lines } = await describe(wanted, context);
      return {
        summary: format(_('Show how systemd recorded the failure of {unit}'), { unit: wanted.unit }),
        details: lines,
        changesNothing: !failed,
      };
    },
    async run(wanted, context) {
      const { lines, record } = await describe(wanted, context);
      // First, what its result means for a person; systemd's own words follow.
      const meaning = record.result === undefined ? undefined : plainResult(record.result);
      const gist = meaning
        ? format(_('systemd’s record of {unit}: {meaning}.'), { unit: wanted.unit, meaning })
        : format(_('What systemd recorded of {unit}:'), { unit: wanted.unit });
      return {
        summary: [gist, ...lines].join('\n'),
        undo: { impossible: _('showing what systemd recorded changes nothing') },
      };
    },
    async verify({ unit }) {
      return { ok: true, observed: format(_('read what systemd recorded of {unit}'), { unit }) };
    },
  };
}
