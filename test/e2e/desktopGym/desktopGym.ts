// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One desktop gym session: a real headless GNOME Shell (the e2e harness's), the broken extensions installed
// and turned off, the built service on the shell's session bus with desktop watching on, the scenarios one after
// another in that one session (the shell is never restarted), and the score.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { hostDescription, type Row, rowsTable } from '../../gym/score.js';
import { type PrivateBus, startPrivateBus } from '../../support/privateBus.js';
import {
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
  withDeadline,
} from '../../support/service.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { sessionOwnerOf } from '../harness/activation.js';
import { openShell } from '../harness/extensionShell.js';
import { createOverlay, type RootfsOverlay } from '../harness/packages.js';
import { ensureRootfs, TEST_USER } from '../harness/rootfs.js';
import { run } from '../harness/run.js';
import type { ShellSession } from '../harness/session.js';
import { shellVersion } from '../harness/shell.js';
import { writeBrokenExtensions } from './brokenExtensions.js';
import { command } from './command.js';
import { DesktopRunner, type RunHooks } from './runner.js';
import { type DesktopScenario, type GymPart, partsOf, type ShellContext } from './scenario.js';
import { StewardSignals } from './stewardSignals.js';

/** The unit gnome-shell runs in, as systemd's user manager names it (journal.sh puts it there). */
const SHELL_UNIT = 'org.gnome.Shell@wayland.service';

/** A part starts its daemons and waits for them (cupsd, PipeWire, PackageKit's apt preparation); or it is stuck. */
const PART_TIMEOUT_MS = 5 * 60_000;
/** Installing a part's packages from Debian's mirror into the overlay. */
const PREPARE_TIMEOUT_MS = 20 * 60_000;

/** Debian trixie: GNOME Shell 48, the e2e harness's default suite. */
export const DESKTOP_GYM_SUITE = 'trixie';

export interface DesktopScore {
  machine: Record<string, string | number>;
  seconds: { session: number; scenarios: number };
  rows: Row[];
  passed: number;
  total: number;
}

export type JournalEntry = Record<string, unknown> & { MESSAGE?: unknown; PRIORITY?: string };

export interface DesktopGym {
  /** The cached root filesystem the session runs in, which must hold no mount of it once closed. */
  rootfs: string;
  session: ShellSession;
  context: ShellContext;
  steward: StewardSignals;
  service: RunningService;
  /** When the shell and Steward were ready. */
  readyAt: number;
  startedAt: number;
  /** gnome-shell's journal entries so far (its unit's), with journald's fields. */
  shellJournal(): Promise<JournalEntry[]>;
  /** Runs `scenarios` in order in this session. */
  run(scenarios: DesktopScenario[], hooks?: RunHooks, onRow?: (row: Row) => void): Promise<DesktopScore>;
  /** Stops Steward and the session, and leaves their logs in `artifacts`. */
  close(): Promise<void>;
}

/**
 * Opens the session: the shell with the broken extensions, the parts `scenarios` need, Steward on the shell's bus;
 * logs go to `artifacts`.
 */
export async function openDesktopGym(artifacts: string, scenarios: DesktopScenario[]): Promise<DesktopGym> {
  const startedAt = Date.now();
  const home: TempDir = await makeTempDir('steward-desktop-gym-');
  let session: ShellSession | undefined;
  let service: RunningService | undefined;
  let systemBus: PrivateBus | undefined;
  let overlay: RootfsOverlay | undefined;
  const running: GymPart[] = [];
  const stopParts = async () => {
    for (const part of running.splice(0).reverse())
      await withDeadline(part.stop(), `${part.name} to stop`, PART_TIMEOUT_MS).catch((error: Error) =>
        console.error(error.message),
      );
    await systemBus?.stop();
  };
  try {
    const extensions = await writeBrokenExtensions(join(home.path, 'extensions'));
    const partsHome = join(home.path, 'parts');
    await mkdir(partsHome);
    // A part that installs packages gets the session an overlay of the cached root filesystem to install into.
    const preparing = partsOf(scenarios).filter((part) => part.prepare);
    if (preparing.length > 0) {
      overlay = await createOverlay((await ensureRootfs(DESKTOP_GYM_SUITE)).path);
      for (const part of preparing)
        await withDeadline(
          part.prepare?.(overlay, DESKTOP_GYM_SUITE, partsHome),
          `${part.name}'s packages`,
          PREPARE_TIMEOUT_MS,
        );
    }
    const opened = await openShell(DESKTOP_GYM_SUITE, artifacts, undefined, undefined, extensions, true, overlay);
    session = opened.session;
    const { rootfs } = opened;
    const shell = session;
    const bus = { address: shell.busAddress };
    // Subscribed before Steward starts, so that nothing it says is missed.
    const steward = await StewardSignals.subscribe(shell.bus);
    const { journalDir } = shell;
    if (!journalDir) throw new Error('the session has no journal');
    // A private bus stands for the system bus, where the kinds' daemons (or their stand-ins) run, some started
    // by D-Bus activation from the parts' own service files.
    const systemServices = join(home.path, 'system-services');
    await mkdir(systemServices);
    systemBus = await startPrivateBus({ system: true, serviceDirs: [systemServices] });
    const systemClient = await systemBus.connect();
    // The session's own programs, as its root filesystem has them, and its user: whose lines are the desktop's.
    const shellPid = (await sessionOwnerOf(shell, 'org.gnome.Shell')).pid;
    const environment: Record<string, string> = {
      DBUS_SYSTEM_BUS_ADDRESS: systemBus.address,
      STEWARD_TEST_PROGRAMS_ROOT: `/proc/${shellPid}/root`,
      STEWARD_TEST_SESSION_UID: String(TEST_USER.uid),
      // A machine that has run for an hour, whatever the host's uptime: a clock not synchronised by then matters.
      STEWARD_TEST_UPTIME_SECONDS: '3600',
    };
    for (const part of partsOf(scenarios)) {
      running.push(part);
      const started = part.start({ session: shell, rootfs, systemBus, systemClient, home: partsHome, systemServices });
      Object.assign(environment, await withDeadline(started, `${part.name} to start`, PART_TIMEOUT_MS));
    }
    // The session's journal, as Steward reads a desktop's: gnome-shell's lines with journald's trusted fields.
    service = await startConfiguredService(
      bus,
      shell.bus,
      join(home.path, 'steward'),
      { watch: quietWatch({ desktop: true, journal: { system: false, user: false, directories: [journalDir] } }) },
      environment,
    );
    const stewardService = service;
    // Ready for faults once every source watches: the name is owned before they start, and a change made before a
    // source's first read is read as it stands then, not as the event a row makes (a held job's signal).
    await waitFor(() => /\bwatching sources=/.test(stewardService.log()), "Steward's sources to watch");
    const context: ShellContext = { bus: shell.bus, systemBus: systemClient, session: shell };
    const readyAt = Date.now();
    const version = await shellVersion(shell.bus);
    return {
      rootfs,
      session: shell,
      context,
      steward,
      service: stewardService,
      readyAt,
      startedAt,
      async shellJournal() {
        const { stdout } = await command('journalctl', [
          `--directory=${journalDir}`,
          '--output=json',
          '--no-pager',
          `_SYSTEMD_USER_UNIT=${SHELL_UNIT}`,
        ]);
        return stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as JournalEntry);
      },
      async run(scenarios, hooks = {}, onRow = () => undefined) {
        const runner = new DesktopRunner(context, steward, hooks);
        const rows: Row[] = [];
        for (const scenario of scenarios) {
          const row = await runner.run(scenario);
          rows.push(row);
          onRow(row);
        }
        return {
          machine: { ...hostDescription(), suite: DESKTOP_GYM_SUITE, 'gnome-shell': version },
          seconds: { session: seconds(readyAt - startedAt), scenarios: seconds(Date.now() - readyAt) },
          rows,
          passed: rows.filter((row) => row.pass).length,
          total: rows.length,
        };
      },
      async close() {
        await steward.stop().catch(() => undefined);
        await stewardService.stop();
        await mkdir(artifacts, { recursive: true });
        await writeFile(join(artifacts, 'service.log'), stewardService.log());
        // The whole journal, every field: what Steward read, for a failed row's reader.
        await stopParts();
        await run('sh', [
          '-c',
          'journalctl --directory="$0" --output=verbose --no-pager >"$1"',
          journalDir,
          join(artifacts, 'journal.txt'),
        ]);
        await shell.stop();
        await overlay?.dir.remove();
        await home.remove();
      },
    };
  } catch (error) {
    await service?.stop();
    await stopParts();
    await session?.stop();
    await overlay?.dir.remove();
    await home.remove();
    throw error;
  }
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** The score as the gym prints it, with the session's times and the machine. */
export function desktopScoreTable(score: DesktopScore): string {
  return [
    ...rowsTable(score.rows),
    `GNOME Shell session and Steward ready ${score.seconds.session} s, scenarios ${score.seconds.scenarios} s`,
    Object.entries(score.machine)
      .map(([key, value]) => `${key}: ${value}`)
      .join('; '),
  ].join('\n');
}
