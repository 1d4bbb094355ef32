import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { MessageBus } from '@jellybrick/dbus-next';
import { callMethod } from '../dbus/client.js';
import { JOURNAL_READER_GROUPS, type Capability } from './capabilityCatalogue.js';
import { gpuCapabilities, probeGpuFacts, type GpuFacts } from './gpuCapabilities.js';

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
export async function probeCapabilities(context: CapabilityProbeContext): Promise<Capability[]> {
  const noNames: BusNames = { owned: new Set(), activatable: new Set() };
  const [sessionNames, systemNames, journalctl, sandbox] = await Promise.all([
    busNames(context.sessionBus),
    context.systemBus ? busNames(context.systemBus) : noNames,
    succeeds('journalctl', ['--version']),
    // The sandbox shell.run uses, made for real: bwrap alone says nothing about user namespaces.
    succeeds('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all', '--', 'true']),
  ]);
  const capabilities = busServices
    .filter(({ bus, name, onDemand }) => {
      const names = bus === 'session' ? sessionNames : systemNames;
      return names.owned.has(name) || (onDemand && names.activatable.has(name));
    })
    .map(({ capability }) => capability);
  if (journalctl) {
    capabilities.push('journal.user');
    if (context.uid === 0 || context.groups.some((g) => JOURNAL_READER_GROUPS.includes(g))) {
      capabilities.push('journal.system');
    }
  }
  if (sandbox) capabilities.push('sandbox');
  capabilities.push(
    ...gpuCapabilities(context.gpuFacts ?? probeGpuFacts(), { platform: process.platform, arch: process.arch }),
  );
  return capabilities.sort();
}

async function busNames(bus: MessageBus): Promise<BusNames> {
  const list = async (member: string) => {
    try {
      const [names] = await callMethod(
        bus,
        {
          destination: 'org.freedesktop.DBus',
          path: '/org/freedesktop/DBus',
          interface: 'org.freedesktop.DBus',
          member,
        },
        { timeoutMs: PROBE_TIMEOUT_MS },
      );
      return new Set(names as string[]);
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
