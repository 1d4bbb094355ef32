// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { promisify } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { typedCall } from '../dbus/typedCalls.js';
import { _, format } from '../i18n.js';
import { type Capability, JOURNAL_READER_GROUPS } from './capabilityCatalogue.js';
import { gpuCapabilities, type GpuFacts, probeGpuFacts } from './gpuCapabilities.js';
import { describeNixos, detectNixos } from './nixosPlatform.js';

const run = promisify(execFile);
const PROBE_TIMEOUT_MS = 5_000;

export interface CapabilityProbeContext {
  sessionBus: MessageBus;
  /** Null when the system bus cannot be reached (containers, some sandboxes). */
  systemBus: MessageBus | null;
  /** Supplementary group names of this process. */
  groups: string[];
  uid: number;
  /** GPU devices and installed prebuilts; read from this machine when not given. */
  gpuFacts?: GpuFacts;
  /** The journalctl arguments that select each journal, as the watchers read them (a test hook's directory). */
  journals?: { user: string[]; system: string[] };
  /** A directory that stands for `/` where NixOS is detected (a test hook's). */
  nixosRoot?: string;
}

export interface ProbedCapabilities {
  capabilities: Capability[];
  /** Why a capability the service probed for is missing, in words, where the probe found out. */
  problems: Partial<Record<Capability, string>>;
  /** What the probe found behind a present capability, in words (for NixOS: the files Steward manages). */
  details: Partial<Record<Capability, string>>;
}

/**
 * Services behind each capability. Daemons that run all the time count only
 * when they own their name: an activation file alone is often left behind by a
 * package while the daemon is disabled (or, for systemd, not the session's
 * manager). On-demand services count when they can be activated.
 */
const busServices: { capability: Capability; bus: 'session' | 'system'; name: string; onDemand: boolean }[] = [
  { capability: 'systemd.user', bus: 'session', name: 'org.freedesktop.systemd1', onDemand: false },
  { capability: 'systemd.system', bus: 'system', name: 'org.freedesktop.systemd1', onDemand: false },
  { capability: 'network', bus: 'system', name: 'org.freedesktop.NetworkManager', onDemand: false },
  { capability: 'packagekit', bus: 'system', name: 'org.freedesktop.PackageKit', onDemand: true },
  { capability: 'polkit', bus: 'system', name: 'org.freedesktop.PolicyKit1', onDemand: true },
];

interface BusNames {
  owned: Set<string>;
  activatable: Set<string>;
}

/** Finds out what this machine lets the service do; every probe is bounded in time and none throws. */
export async function probeCapabilities(context: CapabilityProbeContext): Promise<ProbedCapabilities> {
  const noNames: BusNames = { owned: new Set(), activatable: new Set() };
  const journals = context.journals ?? { user: ['--user'], system: ['--system'] };
  const [sessionNames, systemNames, userJournal, systemJournal, sandbox, links, nixos] = await Promise.all([
    busNames(context.sessionBus),
    context.systemBus ? busNames(context.systemBus) : noNames,
    journalReadProblem(journals.user),
    journalReadProblem(journals.system),
    // The sandbox shell.run uses, made for real: bwrap alone says nothing about user namespaces.
    succeeds('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all', '--', 'true']),
    // What the link watcher runs (`ip monitor`) needs iproute2's ip and a netlink socket.
    succeeds('ip', ['-json', 'link', 'show', 'lo']),
    detectNixos({ ...(context.nixosRoot && { root: context.nixosRoot }), home: homedir() }),
  ]);
  const capabilities = busServices
    .filter(({ bus, name, onDemand }) => {
      const names = bus === 'session' ? sessionNames : systemNames;
      return names.owned.has(name) || (onDemand && names.activatable.has(name));
    })
    .map(({ capability }) => capability);
  const problems: ProbedCapabilities['problems'] = {};
  if (userJournal === null) capabilities.push('journal.user');
  else problems['journal.user'] = userJournal;
  if (systemJournal === null) capabilities.push('journal.system');
  else {
    const reader = context.uid === 0 || context.groups.some((g) => JOURNAL_READER_GROUPS.includes(g));
    problems['journal.system'] = reader
      ? systemJournal
      : format(_('{problem} (this user is in none of the groups {groups} that may read it)'), {
          problem: systemJournal,
          groups: JOURNAL_READER_GROUPS.join(', '),
        });
  }
  if (sandbox) capabilities.push('sandbox');
  if (links) capabilities.push('links');
  const details: ProbedCapabilities['details'] = {};
  if (nixos?.system || nixos?.home) {
    capabilities.push('nixos');
    details.nixos = describeNixos(nixos);
  } else if (nixos)
    problems.nixos = _('this is NixOS, but there is no /etc/nixos/configuration.nix, flake.nix or home.nix');
  capabilities.push(
    ...gpuCapabilities(context.gpuFacts ?? probeGpuFacts(), { platform: process.platform, arch: process.arch }),
  );
  return { capabilities: capabilities.sort(), problems, details };
}

/**
 * Null when journalctl reads an entry of the journal `args` select (or finds it empty), as the watcher
 * will; otherwise why not, in words. Being installed is not enough: the files may be unreadable to this user.
 */
export async function journalReadProblem(args: string[]): Promise<string | null> {
  try {
    await run('journalctl', [...args, '--lines=1', '--output=json', '--no-pager', '--quiet'], {
      timeout: PROBE_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    return null;
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    if (failure.code === 'ENOENT') return _('journalctl is not installed');
    if (failure.killed) return _('journalctl did not answer within 5 seconds');
    // journalctl's last line says why ("No journal files were opened due to insufficient permissions.").
    const said = (failure.stderr ?? '').trim().split('\n').at(-1) ?? '';
    return format(_('journalctl {args} could not read it: {reason}'), {
      args: args.join(' '),
      reason: said || format(_('exit status {code}'), { code: String(failure.code) }),
    });
  }
}

async function busNames(bus: MessageBus): Promise<BusNames> {
  const list = async (member: string) => {
    try {
      const [names] = await typedCall(
        bus,
        {
          destination: 'org.freedesktop.DBus',
          path: '/org/freedesktop/DBus',
          interface: 'org.freedesktop.DBus',
          member,
          reply: 'as',
        },
        z.tuple([z.array(z.string())]),
        { timeoutMs: PROBE_TIMEOUT_MS },
      );
      return new Set(names);
    } catch {
      // An unanswered probe means the capability is absent, which is what the result says.
      return new Set<string>();
    }
  };
  const [owned, activatable] = await Promise.all([list('ListNames'), list('ListActivatableNames')]);
  return { owned, activatable };
}

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: PROBE_TIMEOUT_MS });
    return true;
  } catch {
    return false;
  }
}

/** Names of the groups this process belongs to, read from /etc/group. */
export async function currentGroupNames(): Promise<string[]> {
  const gids = new Set(process.getgroups?.() ?? []);
  const table = await readFile('/etc/group', 'utf8').catch(() => '');
  return table
    .split('\n')
    .map((line) => line.split(':'))
    .filter(([name, , gid]) => name && gids.has(Number(gid)))
    .map(([name]) => name as string);
}
