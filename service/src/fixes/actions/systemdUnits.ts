// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A client for one systemd manager, the user's or the system's: a unit's
// state, jobs run to their end, and unit files enabled or disabled.
import { access, readFile, stat } from 'node:fs/promises';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { type CallOptions, nameHasOwner, SignalRouter } from '../../dbus/client.js';
import { remoteErrorName, StewardError } from '../../dbus/errors.js';
import { PeerWait } from '../../dbus/peerWait.js';
import { unitPath, unitProperty, type UnitPropertyName, type UnitPropertyValue } from '../../dbus/systemd.js';
import { objectPath, typedCall, voidCall } from '../../dbus/typedCalls.js';
import { boundedText, variantOf } from '../../dbus/variants.js';
import { _, format } from '../../i18n.js';
import { readUnitPaths, type UnitPaths } from '../../watch/unitPaths.js';
import type { ActionContext } from '../action.js';
import { abortable } from './abortable.js';
import { AUTHORIZED_CALL, systemBusOf, systemCall } from './polkit.js';

export type UnitScope = 'user' | 'system';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = `${SYSTEMD}.Manager`;
const UNIT = `${SYSTEMD}.Unit`;
const SERVICE = `${SYSTEMD}.Service`;
const SOCKET = `${SYSTEMD}.Socket`;
const MOUNT = `${SYSTEMD}.Mount`;
/** The commands systemd runs before a service's main process, in that order. */
const START_COMMANDS = ['ExecCondition', 'ExecStartPre'] as const;
const PROPERTIES = 'org.freedesktop.DBus.Properties';
/** The interfaces that carry a unit type's cgroup settings (MemoryMax=…): the types that have a cgroup. */
const CGROUP_INTERFACES: Readonly<Record<string, string>> = {
  service: SERVICE,
  scope: `${SYSTEMD}.Scope`,
  slice: `${SYSTEMD}.Slice`,
  socket: `${SYSTEMD}.Socket`,
  mount: `${SYSTEMD}.Mount`,
  swap: `${SYSTEMD}.Swap`,
};
const UINT64_MAX = 2n ** 64n - 1n;
const SYSTEMD_IN_WORDS = "systemd's service manager";
/** ExecMainCode for a main process that exited (as opposed to killed or dumped). */
const CLD_EXITED = 1;
// Never activate: the session bus may name a systemd1 service that cannot start.
const READ: CallOptions = { autoStart: false };
/**
 * How long a job may take to end: systemd's own start and stop timeouts are 90 s by default, and a unit may set
 * minutes; past this the job is not waited for any more (systemd goes on with it).
 */
const JOB_DEADLINE_MS = 15 * 60_000;
/** What GetUnitFileState answers for a name without a unit file. */
const NO_UNIT_FILE = new Set([`${SYSTEMD}.NoSuchUnit`, 'org.freedesktop.DBus.Error.FileNotFound']);
/** A job's object path, as StartUnit and its kin answer. */
const JOB = z.tuple([objectPath]);
const NOTHING = z.tuple([]);
/** The changes EnableUnitFiles and its kin report: a(sss), each the change's type, the file and the destination. */
const changes = z.array(z.tuple([boundedText(64), boundedText(4096), boundedText(4096)])).max(10_000);
const CHANGED = z.tuple([changes]);
const ENABLED = z.tuple([z.boolean(), changes]);
/** A unit's changed properties, where a watch reads them. */
const unitChange = z.object({
  ActiveState: variantOf('s', boundedText(64)).optional(),
  LoadState: variantOf('s', boundedText(64)).optional(),
});
/** One property of a unit, of the type systemd gives it. */
type PropertyReader = <Name extends UnitPropertyName>(iface: string, name: Name) => Promise<UnitPropertyValue<Name>>;

export interface UnitStatus {
  unit: string;
  activeState: string;
  /** 'loaded', 'masked', 'not-found'…: whether systemd could load its file. */
  loadState: string;
  /** 'enabled', 'disabled', 'static'…; empty for units without a unit file. */
  unitFileState: string;
  /** For services: how the last run ended ('exit-code', 'signal'…) and the main process's exit status. */
  result?: string;
  exitCode?: number;
}

/** A unit another one requires (Requires=, BindsTo=, Requisite=), as its manager has it loaded now. */
export interface UnitRequirement {
  unit: string;
  loadState: string;
  unitFileState: string;
  /** For a masked unit, the link that masks it (to /dev/null). */
  fragmentPath: string;
  /** A unit this one starts (a timer's service) rather than one it requires. */
  triggered?: boolean;
}

/** What systemd recorded of a unit's last run (UnitManager.record). */
export interface UnitRecord {
  unit: string;
  loadState: string;
  activeState: string;
  subState: string;
  fragmentPath: string;
  /** The invocation's 128-bit ID in hex; empty (all zeros) when it never ran. */
  invocationId: string;
  requirements: UnitRequirement[];
  /** Services only: Result, ExecMainCode (CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3; 0 when none ended), ExecMainStatus. */
  result?: string;
  mainCode?: number;
  mainStatus?: number;
  restarts?: number;
  execStart?: { program: string; argv: string[] }[];
  /**
   * Services only: the PIDs systemd recorded for the commands of its latest run (ExecCondition=, ExecStartPre=,
   * ExecStart=, ExecStartPost=), where one ran.
   */
  runPids?: number[];
  /** Services that systemd could not set up for want of a user, group or directory: that setting, as written. */
  setting?: { name: 'User' | 'Group' | 'WorkingDirectory'; value: string };
  /**
   * Services systemd gave up on before it forked (Result "resources"): the files EnvironmentFile= names that must
   * be there (not "-"), and whether each is there now.
   */
  environmentFiles?: { path: string; present: boolean }[];
  /** The command of a unit's own that failed where no main process ran (ExecStartPre=, a mount's mount(8)). */
  failedCommand?: FailedCommand;
  /** Services whose start or stop timed out (Result "timeout"): what systemd waited for, and how long it ran. */
  startup?: StartupWait;
  /** Mount units: what is mounted where, and whether a path it mounts from is there now. */
  mount?: {
    what: string;
    where: string;
    type: string;
    whatPresent: boolean | undefined;
    /** The /etc/fstab line the generator made it from (SourcePath=), with its number, as written there now. */
    fstab?: { path: string; line: number; text: string };
  };
}

/** What systemd waits for before a service counts as started (systemd.service(5), Type=), as it stands for one unit. */
export interface StartupWait {
  /** Type=: simple, exec, forking, oneshot, dbus, notify, notify-reload, idle. */
  type: string;
  /** NotifyAccess=: none, main, exec, all. */
  notifyAccess: string;
  /** PIDFile=, '' where unset; and whether that file is there now. */
  pidFile: string;
  pidFilePresent?: boolean;
  /** BusName=, '' where unset; and whether a process owns that name on the manager's bus now. */
  busName: string;
  busNameOwned?: boolean;
  /** TimeoutStartUSec=, in microseconds. */
  timeoutUs: number;
  /** The last STATUS= the service sent (sd_notify), '' where none. */
  statusText: string;
  /** How long its main process ran, in microseconds, where systemd recorded its start and end. */
  ranUs?: number;
}

/** A command of the unit's ExecStartPre=, ExecCondition= … (or a mount's) that ended badly, as systemd recorded it. */
export interface FailedCommand {
  setting: string;
  argv: string[];
  /** CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3. */
  code: number;
  status: number;
}

/** An Exec*= property: a(sasbttttuii), each path, argv, ignore errors, start and exit times, PID, code, status. */
type ExecCommands = [string, string[], boolean, bigint, bigint, bigint, bigint, number, number, number][];

/** The first of `commands` that ended badly and whose failure counts (not "-"). */
export function failedCommandOf(setting: string, commands: ExecCommands): FailedCommand | undefined {
  const failed = commands.find(
    ([, , ignore, , , , , , code, status]) => !ignore && code !== 0 && (code !== CLD_EXITED || status !== 0),
  );
  return failed && { setting, argv: failed[1], code: failed[8], status: failed[9] };
}

/** The setting behind each setup step that names one (systemd's exit statuses 217/USER, 216/GROUP, 200/CHDIR). */
const SETTING_OF_SETUP_STATUS: Readonly<Record<number, 'User' | 'Group' | 'WorkingDirectory'>> = {
  200: 'WorkingDirectory',
  216: 'Group',
  217: 'User',
};

/** The files of EnvironmentFile= (a(sb): each path, and whether a missing one is ignored) a start needs. */
function requiredFiles(files: [string, boolean][]): Promise<{ path: string; present: boolean }[]> {
  return Promise.all(
    files
      .filter(([, optional]) => !optional)
      .map(async ([path]) => ({
        path,
        present: await access(path).then(
          () => true,
          () => false,
        ),
      })),
  );
}

/**
 * The ports in a socket unit's Listen property (a(ss): ("Stream", "[::]:7071"), ("Datagram", "127.0.0.1:53"));
 * a path, a netlink family or a FIFO has none.
 */
export function listenPortsOf(listen: readonly [string, string][]): number[] {
  const ports = listen.map(([, address]) =>
    Number(/^(?:[\d.]+|\[[\da-f:.%\w]*\]|\*)?:?(\d{1,5})$/i.exec(address)?.[1]),
  );
  return [...new Set(ports.filter((port) => port > 0 && port < 65536))];
}

/** What a restart of a failed unit depends on: when it failed, the files it is made of and runs, what it needs. */
/** Bytes; undefined where there is no limit or systemd does not account the unit's memory. */
export interface UnitMemory {
  unit: string;
  max: number | undefined;
  high: number | undefined;
  current: number | undefined;
  peak: number | undefined;
}

export interface FailureContext {
  /** When it last left the active state (InactiveEnterTimestamp); absent when systemd has no time for it. */
  failedAt?: Date;
  /** Its unit file, drop-ins, the programs of its ExecStart= lines and the absolute paths their arguments name. */
  paths: string[];
  /** The units it requires or wants. */
  dependencies: string[];
}

// An absolute path inside an argument, also one of a shell's command line ("test -d /run/x || …").
const ABSOLUTE_PATH = /(?<![\w.~-])\/[\w.@%+,:/-]+/g;

/** A realtime timestamp in microseconds as systemd gives it; 0 means never. */
function dateOf(usec: unknown): Date | undefined {
  const value = Number(usec);
  return Number.isFinite(value) && value > 0 ? new Date(value / 1000) : undefined;
}

/** (type 'symlink' | 'unlink', file, destination), as EnableUnitFiles and DisableUnitFiles report them. */
export type UnitFileChange = [string, string, string];

export type JobMethod = 'StartUnit' | 'StopUnit' | 'RestartUnit';

/** "backup.service is failed (exit code 3)". */
export function describeStatus(status: UnitStatus): string {
  const { unit, activeState, result, exitCode } = status;
  // Translators: {state} is systemd's word for the unit's state, such as "active" or "inactive".
  if (activeState !== 'failed' || result === undefined)
    return format(_('{unit} is {state}'), { unit, state: activeState });
  return result === 'exit-code' && exitCode !== undefined
    ? format(_('{unit} is failed (exit code {code})'), { unit, code: exitCode })
    : // Translators: {result} is systemd's word for how the unit failed, such as "timeout".
      format(_('{unit} is failed ({result})'), { unit, result });
}

export class UnitManager {
  readonly #bus: MessageBus;
  readonly #scope: UnitScope;
  /** Changing calls on the system manager ask polkit, which may show a dialog. */
  readonly #change: CallOptions;

  constructor(context: ActionContext, scope: UnitScope) {
    this.#bus = scope === 'user' ? context.sessionBus : systemBusOf(context);
    this.#scope = scope;
    this.#change = scope === 'system' ? AUTHORIZED_CALL : READ;
  }

  /** The paths the unit's file names: what it runs, reads its settings from and writes to (see UnitPaths). */
  async paths(unit: string): Promise<UnitPaths> {
    const path = await this.#load(unit);
    return readUnitPaths(unit, this.#scope, (iface, name) => this.#property(path, iface, name));
  }

  /** The unit's state; InvalidArgs when systemd knows no such unit. */
  async status(unit: string): Promise<UnitStatus> {
    // LoadUnit, unlike GetUnit, also answers for a unit that is not loaded right now.
    const path = await this.#load(unit);
    const get: PropertyReader = (iface, name) => this.#property(path, iface, name);
    const [loadState, activeState, unitFileState] = await Promise.all([
      get(UNIT, 'LoadState'),
      get(UNIT, 'ActiveState'),
      get(UNIT, 'UnitFileState'),
    ]);
    if (loadState === 'not-found') throw new StewardError('InvalidArgs', `no unit named ${unit}`);
    const status: UnitStatus = {
      unit,
      activeState: String(activeState),
      loadState: String(loadState),
      unitFileState: String(unitFileState),
    };
    if (!unit.endsWith('.service')) return status;
    const [result, code, exitStatus] = await Promise.all([
      get(SERVICE, 'Result'),
      get(SERVICE, 'ExecMainCode'),
      get(SERVICE, 'ExecMainStatus'),
    ]);
    // For a killed main process ExecMainStatus is the signal number, not an exit code.
    return { ...status, result: String(result), ...(code === CLD_EXITED && { exitCode: Number(exitStatus) }) };
  }

  /**
   * Whether the manager knows `unit`, read without loading it: a loaded unit whose file was found, or one not loaded
   * that has a unit file. Reading a unit that is not loaded loads it, and systemd unloads it again at once
   * (UnitRemoved): a watcher that looks again on UnitRemoved would hear its own look, over and over.
   */
  async known(unit: string): Promise<boolean> {
    let path: string;
    try {
      path = await systemCall(unitPath(this.#bus, 'GetUnit', unit, READ), SYSTEMD_IN_WORDS);
    } catch (error) {
      if (remoteErrorName(error) !== `${SYSTEMD}.NoSuchUnit`) throw error;
      return this.#hasUnitFile(unit);
    }
    return (await this.#property(path, UNIT, 'LoadState')) !== 'not-found';
  }

  /** Whether a unit file of that name is there (GetUnitFileState: "No such file" when none is). */
  async #hasUnitFile(unit: string): Promise<boolean> {
    try {
      await systemCall(
        typedCall(
          this.#bus,
          {
            destination: SYSTEMD,
            path: MANAGER_PATH,
            interface: MANAGER,
            member: 'GetUnitFileState',
            signature: 's',
            body: [unit],
            reply: 's',
          },
          z.tuple([boundedText(64)]),
          READ,
        ),
        SYSTEMD_IN_WORDS,
      );
      return true;
    } catch (error) {
      if (NO_UNIT_FILE.has(remoteErrorName(error) ?? '')) return false;
      throw error;
    }
  }

  /** Every name systemd knows the unit by: its own (Id) and its aliases (Names), as "default.target" is graphical.target's. */
  async names(unit: string): Promise<string[]> {
    const path = await this.#load(unit);
    const [id, names] = await Promise.all([this.#property(path, UNIT, 'Id'), this.#property(path, UNIT, 'Names')]);
    return [...new Set([unit, id, ...names])];
  }

  /**
   * What systemd recorded of the unit's last run (systemctl status reads the same properties): how its main
   * process ended, how often it was restarted, the file it is made of, its command lines, the invocation whose
   * lines those were, and the units it requires with their load state (a masked one with the file that masks it).
   */
  async record(unit: string): Promise<UnitRecord> {
    const path = await this.#load(unit);
    const get: PropertyReader = (iface, name) => this.#property(path, iface, name);
    const [loadState, activeState, subState, fragment, invocation, requires, bindsTo, requisite] = await Promise.all([
      get(UNIT, 'LoadState'),
      get(UNIT, 'ActiveState'),
      get(UNIT, 'SubState'),
      get(UNIT, 'FragmentPath'),
      get(UNIT, 'InvocationID'),
      get(UNIT, 'Requires'),
      get(UNIT, 'BindsTo'),
      get(UNIT, 'Requisite'),
    ]);
    if (loadState === 'not-found') throw new StewardError('InvalidArgs', `no unit named ${unit}`);
    const needed = [...new Set([...requires, ...bindsTo, ...requisite])];
    // A timer, path or socket starts another unit: one that is not there (or masked) fails its start too
    // ("Refusing to start, unit x.service to trigger not loaded").
    const triggers = unit.endsWith('.service') ? [] : await get(UNIT, 'Triggers');
    const requirements = await Promise.all([
      ...needed.map((name) => this.#requirement(name)),
      ...triggers
        .filter((name) => !needed.includes(name))
        .map(async (name) => ({
          ...(await this.#requirement(name)),
          triggered: true,
        })),
    ]);
    const record: UnitRecord = {
      unit,
      loadState: String(loadState),
      activeState: String(activeState),
      subState: String(subState),
      fragmentPath: String(fragment),
      invocationId: Buffer.from(invocation as Uint8Array).toString('hex'),
      requirements,
    };
    if (unit.endsWith('.mount')) return { ...record, ...(await this.#mountRecord(get)) };
    if (!unit.endsWith('.service')) return record;
    const [result, code, status, restarts, starts, ...others] = await Promise.all([
      get(SERVICE, 'Result'),
      get(SERVICE, 'ExecMainCode'),
      get(SERVICE, 'ExecMainStatus'),
      get(SERVICE, 'NRestarts'),
      get(SERVICE, 'ExecStart'),
      // ExecCondition= came with systemd 243.
      ...(['ExecCondition', 'ExecStartPre', 'ExecStartPost'] as const).map((name) =>
        get(SERVICE, name).catch((): ExecCommands => []),
      ),
    ]);
    const runPids = [...new Set([starts, ...others].flatMap((commands) => commands.map(([, , , , , , , pid]) => pid)))];
    const settingName = Number(code) === CLD_EXITED ? SETTING_OF_SETUP_STATUS[Number(status)] : undefined;
    const setting = settingName && { name: settingName, value: String(await get(SERVICE, settingName)) };
    const environmentFiles = result === 'resources' && (await requiredFiles(await get(SERVICE, 'EnvironmentFiles')));
    // No main process ran: a command before it failed (or a condition it checks).
    const failedCommand =
      Number(code) === 0 && result !== 'success' ? await this.#failedCommand(get, SERVICE, START_COMMANDS) : undefined;
    const startup = result === 'timeout' ? await this.#startupWait(get) : undefined;
    return {
      ...record,
      ...(startup && { startup }),
      result: String(result),
      mainCode: Number(code),
      mainStatus: Number(status),
      restarts: Number(restarts),
      execStart: starts.map(([program, argv]) => ({ program, argv })),
      runPids: runPids.filter((pid) => pid > 1),
      ...(setting && { setting }),
      ...(environmentFiles && { environmentFiles }),
      ...(failedCommand && { failedCommand }),
    };
  }

  /** What systemd waited for the service to do before it counted as started, and whether that is there now. */
  async #startupWait(get: PropertyReader): Promise<StartupWait> {
    const optional = (name: UnitPropertyName) => get(SERVICE, name).catch(() => undefined);
    const [type, notifyAccess, pidFile, busName, timeout, statusText, started, exited] = await Promise.all(
      (
        [
          'Type',
          'NotifyAccess',
          'PIDFile',
          'BusName',
          'TimeoutStartUSec',
          'StatusText',
          'ExecMainStartTimestamp',
          'ExecMainExitTimestamp',
        ] as const
      ).map(optional),
    );
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const wait: StartupWait = {
      type: text(type),
      notifyAccess: text(notifyAccess),
      pidFile: text(pidFile),
      busName: text(busName),
      timeoutUs: Number(timeout ?? 0),
      statusText: text(statusText),
    };
    if (wait.pidFile) {
      wait.pidFilePresent = await access(wait.pidFile).then(
        () => true,
        () => false,
      );
    }
    if (wait.busName) {
      wait.busNameOwned = await nameHasOwner(this.#bus, wait.busName).catch(() => undefined);
    }
    const [from, to] = [Number(started ?? 0), Number(exited ?? 0)];
    if (from > 0 && to >= from) wait.ranUs = to - from;
    return wait;
  }

  /** The first command of `settings` (in the order systemd runs them) that ended badly. */
  async #failedCommand(
    get: PropertyReader,
    iface: string,
    settings: readonly ('ExecCondition' | 'ExecStartPre' | 'ExecMount')[],
  ): Promise<FailedCommand | undefined> {
    for (const setting of settings) {
      const failed = failedCommandOf(setting, await get(iface, setting));
      if (failed) return failed;
    }
    return undefined;
  }

  async #mountRecord(get: PropertyReader): Promise<Partial<UnitRecord>> {
    const [result, what, where, type, sourcePath] = await Promise.all([
      get(MOUNT, 'Result'),
      get(MOUNT, 'What'),
      get(MOUNT, 'Where'),
      get(MOUNT, 'Type'),
      get(UNIT, 'SourcePath'),
    ]);
    const failedCommand = result === 'success' ? undefined : await this.#failedCommand(get, MOUNT, ['ExecMount']);
    // A device node, an image file or a directory to bind; "tmpfs", "server:/export" and the like are no path.
    const whatPresent = what.startsWith('/')
      ? await access(what).then(
          () => true,
          () => false,
        )
      : undefined;
    const fstab = sourcePath.endsWith('fstab') ? await fstabLine(sourcePath, where) : undefined;
    return {
      result,
      mount: { what, where, type, whatPresent, ...(fstab && { fstab }) },
      ...(failedCommand && { failedCommand }),
    };
  }

  /**
   * The unit's memory limits and use as its cgroup has them (systemctl show reads the same properties); null for a
   * unit type that has no cgroup of its own. UINT64_MAX, systemd's "infinity", reads as undefined.
   */
  async memory(unit: string): Promise<UnitMemory | null> {
    const iface = CGROUP_INTERFACES[unit.slice(unit.lastIndexOf('.') + 1)];
    if (!iface) return null;
    const path = await this.#load(unit);
    const [loadState, max, high, current, peak] = await Promise.all([
      this.#property(path, UNIT, 'LoadState'),
      ...(['MemoryMax', 'MemoryHigh', 'MemoryCurrent', 'MemoryPeak'] as const).map((name) =>
        this.#property(path, iface, name).catch(() => undefined),
      ),
    ]);
    if (loadState === 'not-found') throw new StewardError('InvalidArgs', `no unit named ${unit}`);
    const bytes = (value: unknown) =>
      (typeof value === 'bigint' || typeof value === 'number') && BigInt(value) !== UINT64_MAX
        ? Number(value)
        : undefined;
    return { unit, max: bytes(max), high: bytes(high), current: bytes(current), peak: bytes(peak) };
  }

  async #requirement(unit: string): Promise<UnitRequirement> {
    const path = await this.#load(unit);
    const [loadState, unitFileState, fragment] = await Promise.all([
      this.#property(path, UNIT, 'LoadState'),
      this.#property(path, UNIT, 'UnitFileState'),
      this.#property(path, UNIT, 'FragmentPath'),
    ]);
    return {
      unit,
      loadState: String(loadState),
      unitFileState: String(unitFileState),
      fragmentPath: String(fragment),
    };
  }

  /**
   * When the unit last left the inactive or failed state (InactiveExitTimestamp): the start of its runs since, the
   * restarts of a crash loop among them. Absent when systemd has no time for it.
   */
  async runsSince(unit: string): Promise<Date | undefined> {
    const path = await this.#load(unit);
    return dateOf(await this.#property(path, UNIT, 'InactiveExitTimestamp'));
  }

  /** When the unit last became active; absent when it never did since the manager started. */
  async activeSince(unit: string): Promise<Date | undefined> {
    const path = await this.#load(unit);
    return dateOf(await this.#property(path, UNIT, 'ActiveEnterTimestamp'));
  }

  /** The user and group a service runs as (User=, Group=; empty for root) and whether systemd makes the user. */
  async runsAs(unit: string): Promise<{ user: string; group: string; dynamic: boolean }> {
    if (!unit.endsWith('.service')) return { user: '', group: '', dynamic: false };
    const path = await this.#load(unit);
    const [user, group, dynamic] = await Promise.all(
      (['User', 'Group', 'DynamicUser'] as const).map((name) => this.#property(path, SERVICE, name)),
    );
    return { user: String(user), group: String(group), dynamic: dynamic === true };
  }

  /**
   * A service's open-file limits as systemd sets them (LimitNOFILESoft=, LimitNOFILE=; 2^64-1 for "infinity") and
   * its main process now (0 when none runs).
   */
  async fileLimits(unit: string): Promise<{ soft: bigint; hard: bigint; mainPid: number }> {
    const path = await this.#load(unit);
    const [soft, hard, mainPid] = await Promise.all(
      (['LimitNOFILESoft', 'LimitNOFILE', 'MainPID'] as const).map((name) => this.#property(path, SERVICE, name)),
    );
    return { soft: BigInt(soft as bigint), hard: BigInt(hard as bigint), mainPid: Number(mainPid) };
  }

  /** The ports a socket unit listens on (see listenPortsOf). */
  async listenPorts(unit: string): Promise<number[]> {
    const path = await this.#load(unit);
    return listenPortsOf(await this.#property(path, SOCKET, 'Listen'));
  }

  /** What decides whether restarting the failed `unit` can now go differently (see FailureContext). */
  async failureContext(unit: string): Promise<FailureContext> {
    const path = await this.#load(unit);
    const get: PropertyReader = (iface, name) => this.#property(path, iface, name);
    const [inactiveSince, fragment, dropIns, requires, wants] = await Promise.all([
      get(UNIT, 'InactiveEnterTimestamp'),
      get(UNIT, 'FragmentPath'),
      get(UNIT, 'DropInPaths'),
      get(UNIT, 'Requires'),
      get(UNIT, 'Wants'),
    ]);
    // ExecStart: a(sasbttttuii), each the program and its argv. WorkingDirectory: "-" or "!" before it are flags.
    // EnvironmentFiles: a(sb), each a file and whether a missing one is ignored.
    const [starts, workingDirectory, environmentFiles] = unit.endsWith('.service')
      ? await Promise.all([
          get(SERVICE, 'ExecStart'),
          get(SERVICE, 'WorkingDirectory'),
          get(SERVICE, 'EnvironmentFiles'),
        ])
      : ([[], '', []] as const);
    const named = [
      ...starts.flatMap(([program, argv]) => [program, ...argv.flatMap((arg) => arg.match(ABSOLUTE_PATH) ?? [])]),
      workingDirectory.replace(/^[-!+]+/, ''),
      ...environmentFiles.map(([file]) => file),
    ];
    const failedAt = dateOf(inactiveSince);
    return {
      ...(failedAt && { failedAt }),
      paths: [...new Set([String(fragment), ...dropIns, ...named].filter((p) => p.startsWith('/')))],
      dependencies: [...requires, ...wants],
    };
  }

  /** What a unit's file makes it now: its load state, its file, and when that file last changed. */
  async #fileState(path: string): Promise<string> {
    const [loadState, fragment] = await Promise.all([
      this.#property(path, UNIT, 'LoadState').catch(() => ''),
      this.#property(path, UNIT, 'FragmentPath').catch(() => ''),
    ]);
    const changedAt = fragment
      ? await stat(fragment).then(
          (file) => file.mtimeMs,
          () => 0,
        )
      : 0;
    return `${loadState} ${fragment} ${changedAt}`;
  }

  /**
   * Calls `changed` when one of `units` becomes active or is loaded anew (unmasked, its file replaced), or a
   * reload of the manager changed what one of them is; resolves, once systemd sends those signals, with a
   * function that stops listening.
   */
  async watchUnits(units: readonly string[], changed: () => void): Promise<() => Promise<void>> {
    const paths = new Set(await Promise.all(units.map((unit) => this.#load(unit))));
    // Every daemon-reload on the machine ends in Reloading(false) and UnitFilesChanged: only one that changed
    // what these units are (masked, unmasked, their file rewritten) is a change for the watcher.
    const seen = new Map(
      await Promise.all([...paths].map(async (path) => [path, await this.#fileState(path)] as const)),
    );
    // systemd sends a unit's PropertiesChanged, ActiveState and LoadState included, whenever anything of it changes:
    // loading or unloading another unit that names it is enough, and reading a unit that is not loaded loads it. Only
    // a change of those two states is one, or a watcher that reads units on a change would hear its own reads.
    const states = new Map(
      await Promise.all(
        [...paths].map(
          async (path) =>
            [
              path,
              {
                active: await this.#property(path, UNIT, 'ActiveState').catch(() => ''),
                load: await this.#property(path, UNIT, 'LoadState').catch(() => ''),
              },
            ] as const,
        ),
      ),
    );
    const recheck = async () => {
      let differs = false;
      for (const path of paths) {
        const now = await this.#fileState(path);
        differs ||= now !== seen.get(path);
        seen.set(path, now);
      }
      if (differs) changed();
    };
    const router = new SignalRouter(this.#bus, READ);
    const unsubscribe = await Promise.all([
      router.subscribe(
        { sender: SYSTEMD, interface: PROPERTIES, member: 'PropertiesChanged', signature: 'sa{sv}as' },
        ([iface, properties], message) => {
          const before = message.path === undefined ? undefined : states.get(message.path);
          if (iface !== UNIT || !message.path || !before) return;
          const change = unitChange.safeParse(properties);
          if (!change.success) return;
          const now = { active: change.data.ActiveState ?? before.active, load: change.data.LoadState ?? before.load };
          states.set(message.path, now);
          if ((now.active === 'active' && before.active !== 'active') || now.load !== before.load) changed();
        },
      ),
      // Reloading(false): the reload ended, so a unit masked or rewritten before it is what its file now says.
      router.subscribe(
        { sender: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member: 'Reloading', signature: 'b' },
        ([active]) => {
          if (active === false) void recheck();
        },
      ),
      router.subscribe(
        { sender: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member: 'UnitFilesChanged', signature: '' },
        () => {
          void recheck();
        },
      ),
    ]);
    await this.#subscribe();
    return async () => {
      await Promise.all(unsubscribe.map((stop) => stop()));
    };
  }

  /**
   * Runs `argv` (no shell) once as the transient oneshot service `unit` with `environment`, and waits until it
   * ended: its start job ends 'done' only when the program exited 0. Its output goes to the journal, under `unit`.
   */
  async runTransient(unit: string, argv: readonly string[], environment: readonly string[], signal: AbortSignal) {
    const properties = [
      ['Description', new Variant('s', `Steward: ${argv.join(' ')}`)],
      ['Type', new Variant('s', 'oneshot')],
      ['Environment', new Variant('as', environment)],
      ['ExecStart', new Variant('a(sasb)', [[argv[0], argv, false]])],
    ];
    await this.#waitForJob(
      () => this.#changing('StartTransientUnit', 'o', JOB, 'ssa(sv)a(sa(sv))', [unit, 'fail', properties, []]),
      `run ${argv.join(' ')}`,
      signal,
    );
  }

  /** Queues a job for the unit and waits until systemd removes it; fails unless it ended 'done'. */
  async runJob(method: JobMethod, unit: string, signal: AbortSignal): Promise<void> {
    await this.#waitForJob(
      () => this.#changing(method, 'o', JOB, 'ss', [unit, 'replace']),
      `${JOB_VERBS[method]} ${unit}`,
      signal,
    );
  }

  async #waitForJob(queue: () => Promise<unknown[]>, what: string, signal: AbortSignal): Promise<void> {
    // JobRemoved may come before the reply that names the job, so every result is kept until then.
    const results = new Map<string, string>();
    let job: string | undefined;
    let ended: (result: string) => void = () => undefined;
    const end = new Promise<string>((resolve) => (ended = resolve));
    const check = () => {
      const result = job === undefined ? undefined : results.get(job);
      if (result !== undefined) ended(result);
    };
    const router = new SignalRouter(this.#bus, READ);
    const unsubscribe = await router.subscribe(
      { sender: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member: 'JobRemoved', signature: 'uoss' },
      ([, path, , result]) => {
        results.set(path as string, result as string);
        check();
      },
    );
    // A manager that leaves the bus (re-executed, or gone) never reports the job's end.
    const wait = await PeerWait.begin(router, SYSTEMD, {
      what: `the job to ${what}`,
      deadlineMs: JOB_DEADLINE_MS,
      left: () => new StewardError('Unavailable', `systemd left the bus before the job to ${what} ended`),
      late: () =>
        new StewardError('Timeout', `systemd did not end the job to ${what} within ${JOB_DEADLINE_MS / 60_000} min`),
    }).catch(async (error: unknown) => {
      await unsubscribe();
      throw error;
    });
    let answered = false;
    try {
      await wait.race(this.#subscribe());
      [job] = (await wait.race(queue())) as [string];
      check();
      const result = await abortable(wait.race(end), signal);
      answered = true;
      if (result !== 'done') throw new Error(`systemd could not ${what}: its job ended "${result}"`);
    } finally {
      await wait.end(answered);
      await unsubscribe();
    }
  }

  /** Clears the unit's failed state and start-limit counter (ResetFailedUnit). */
  async resetFailed(unit: string): Promise<void> {
    await this.#changing('ResetFailedUnit', '', NOTHING, 's', [unit]);
  }

  /** Enables or disables the unit's file and reloads the manager, as `systemctl enable` does. */
  async setEnabled(unit: string, enabled: boolean): Promise<UnitFileChange[]> {
    const changes = enabled
      ? (await this.#changing('EnableUnitFiles', 'ba(sss)', ENABLED, 'asbb', [[unit], false, false]))[1]
      : (await this.#changing('DisableUnitFiles', 'a(sss)', CHANGED, 'asb', [[unit], false]))[0];
    await this.#changing('Reload', '', NOTHING);
    return changes;
  }

  /**
   * Masks or unmasks the unit's file and reloads the manager, as `systemctl mask` and `unmask` do; `runtime`: the
   * mask in /run (until reboot) rather than /etc.
   */
  async setMasked(unit: string, masked: boolean, runtime: boolean): Promise<UnitFileChange[]> {
    const [changes] = masked
      ? await this.#changing('MaskUnitFiles', 'a(sss)', CHANGED, 'asbb', [[unit], runtime, false])
      : await this.#changing('UnmaskUnitFiles', 'a(sss)', CHANGED, 'asb', [[unit], runtime]);
    await this.#changing('Reload', '', NOTHING);
    return changes;
  }

  // systemd sends job signals only to subscribers. Subscriptions are counted
  // per connection, which may also carry the units watcher's, so this one is
  // left for systemd to drop when the connection closes.
  async #subscribe(): Promise<void> {
    await voidCall(
      this.#bus,
      { destination: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member: 'Subscribe' },
      READ,
    ).catch((error: unknown) => {
      if (remoteErrorName(error) !== `${SYSTEMD}.AlreadySubscribed`) throw error;
    });
  }

  /** A manager call that changes something, its reply (of D-Bus type `reply`) read by `schema`. */
  #changing<T extends z.ZodType>(
    member: string,
    reply: string,
    schema: T,
    signature = '',
    body: unknown[] = [],
  ): Promise<z.output<T>> {
    return systemCall(
      typedCall(
        this.#bus,
        { destination: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member, signature, body, reply },
        schema,
        this.#change,
      ),
      SYSTEMD_IN_WORDS,
    );
  }

  /** The unit's object path; LoadUnit, unlike GetUnit, also answers for a unit that is not loaded right now. */
  #load(unit: string): Promise<string> {
    return systemCall(unitPath(this.#bus, 'LoadUnit', unit, READ), SYSTEMD_IN_WORDS);
  }

  #property<Name extends UnitPropertyName>(path: string, iface: string, name: Name): Promise<UnitPropertyValue<Name>> {
    return unitProperty(this.#bus, path, iface, name, READ);
  }
}

const JOB_VERBS: Record<JobMethod, string> = { StartUnit: 'start', StopUnit: 'stop', RestartUnit: 'restart' };

/** The line of an fstab(5) file that mounts on `where` (its second field, with fstab's octal escapes), if any. */
export async function fstabLine(
  path: string,
  where: string,
): Promise<{ path: string; line: number; text: string } | undefined> {
  const lines = (await readFile(path, 'utf8').catch(() => '')).split('\n');
  const unescape = (field: string) =>
    field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  const index = lines.findIndex((text) => {
    const fields = text.trim().split(/\s+/);
    return (
      !text.trimStart().startsWith('#') &&
      fields[1] !== undefined &&
      unescape(fields[1]).replace(/\/+$/, '') === where.replace(/\/+$/, '')
    );
  });
  const text = lines[index];
  return text === undefined ? undefined : { path, line: index + 1, text: text.trim() };
}
