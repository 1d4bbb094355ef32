// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Deterministic playbooks: for each finding kind Steward knows, the fixes worth
// offering, so that it is useful without any model. A playbook only names
// catalog actions with parameters; the proposer validates and previews them
// and drops those that would change nothing.
import { readFile, stat } from 'node:fs/promises';

import { missingExecutableIn } from '../findings/detectors/unitFailed.js';
import type { FindingWithEvidence } from '../findings/store.js';
import { _, format } from '../i18n.js';
import type { ActionContext, Preview } from './action.js';
import { largestCacheDirectories } from './actions/files.js';
import { packagesProviding } from './actions/packageKit.js';
import { unitName } from './params.js';

export interface CandidateAction {
  name: string;
  params: Record<string, unknown>;
}

export interface ProposalDraft {
  title: string;
  explanation: string;
  actions: CandidateAction[];
}

export interface PlaybookTools {
  context: ActionContext;
  /** The action's preview, or null when its parameters do not fit this machine (no such unit, no such package). */
  preview(candidate: CandidateAction): Promise<Preview | null>;
}

type Playbook = (finding: FindingWithEvidence, tools: PlaybookTools) => Promise<ProposalDraft | null>;

const CACHE_DIRECTORIES_OFFERED = 5;

/** Whether the unit lives in the user's manager or the system's: the one that knows it. */
async function unitScope(unit: string, tools: PlaybookTools): Promise<'user' | 'system' | null> {
  for (const scope of ['user', 'system'] as const) {
    if (await tools.preview({ name: 'systemd.start_unit', params: { unit, scope } })) return scope;
  }
  return null;
}

/** The package that would provide the program a unit could not find, when the evidence names one and PackageKit knows it. */
async function missingPackage(finding: FindingWithEvidence, tools: PlaybookTools) {
  const executable = finding.evidence.map((evidence) => missingExecutableIn(evidence.text)).find(Boolean);
  if (!executable || !tools.context.systemBus) return null;
  const [name] = await packagesProviding(tools.context, executable).catch((error: Error) => {
    tools.context.log.debug('no package lookup for a missing program', { executable, error: error.message });
    return [];
  });
  return name ? { executable, name } : null;
}

/** Units a playbook may act on: never PID 1's own init.scope nor any scope (a session's, an app's). */
export function isActionableUnit(name: string): boolean {
  return unitName.safeParse(name).success && !name.endsWith('.scope');
}

/** Where the finding's journal lines are: the journal they came from and the latest line's cursor. */
interface JournalPlace {
  scope: 'user' | 'system';
  directory?: string;
  cursor?: string;
}

function journalPlace(finding: FindingWithEvidence): JournalPlace {
  const latest = finding.evidence.filter((evidence) => evidence.kind === 'journal' && evidence.cursor).at(-1);
  const journal = latest?.journal;
  return {
    scope: journal === 'user' ? 'user' : 'system',
    ...(journal?.startsWith('/') && { directory: journal }),
    ...(latest?.cursor && { cursor: latest.cursor }),
  };
}

/**
 * info.show_logs for the finding, in the journal it came from: the unit's log when it names one, else the
 * lines around its latest evidence, else the journal since the finding began. show_logs is dropped by the
 * proposer when it would show nothing.
 */
function logsStep(finding: FindingWithEvidence, unit?: { unit: string; scope: 'user' | 'system' }): CandidateAction {
  const { scope, directory, cursor } = journalPlace(finding);
  const where = directory ? { directory } : {};
  if (unit) return { name: 'info.show_logs', params: { ...unit, ...where } };
  if (cursor) return { name: 'info.show_logs', params: { scope, cursor, ...where } };
  return { name: 'info.show_logs', params: { scope, since: finding.firstSeen.toISOString(), ...where } };
}

/** The unit and the manager that knows it, when the subject is a unit this machine's systemd knows. */
async function knownUnit(finding: FindingWithEvidence, tools: PlaybookTools) {
  const unit = finding.subject;
  if (!isActionableUnit(unit)) return null;
  const scope = await unitScope(unit, tools);
  return scope ? { unit, scope } : null;
}

/** A proposal whose only step is reading the logs: the subject's when it is a unit, else around the evidence. */
function readLogs(finding: FindingWithEvidence, title: string, advice: string): ProposalDraft {
  const unit = isActionableUnit(finding.subject)
    ? { unit: finding.subject, scope: journalPlace(finding).scope }
    : undefined;
  return {
    title,
    explanation: format(_('{title}. {advice}'), { title: finding.title, advice }),
    actions: [logsStep(finding, unit)],
  };
}

const unitFailed: Playbook = async (finding, tools) => {
  // A unit this machine's systemd does not know is a forged or foreign name: nothing is proposed about it.
  const known = await knownUnit(finding, tools);
  if (!known) return null;
  const { unit, scope } = known;
  const missing = await missingPackage(finding, tools);
  if (missing) {
    return {
      title: format(_('Install {package} for {unit}'), { package: missing.name, unit }),
      explanation: format(
        _(
          '{title}: it cannot start because {program} is missing. ' +
            'The package {package} provides it; once it is installed, restart the unit.',
        ),
        { title: finding.title, program: missing.executable, package: missing.name },
      ),
      actions: [
        { name: 'packages.install', params: { packages: [missing.name] } },
        { name: 'systemd.restart_unit', params: { unit, scope } },
        logsStep(finding, known),
      ],
    };
  }
  return {
    title: format(_('Restart {unit}'), { unit }),
    explanation: format(
      // Translators: {title} is the finding's title; "Show the logs" is the title of a step of the fix.
      _(
        '{title}. Its last log lines are in the evidence and in “Show the logs”. ' +
          'Restarting it helps when the cause was temporary (a device or network that was not ready); ' +
          'if it fails again, the logs say what to change.',
      ),
      { title: finding.title },
    ),
    actions: [logsStep(finding, known), { name: 'systemd.restart_unit', params: { unit, scope } }],
  };
};

// A unit in a crash loop is failed (or between two failed starts): stopping it changes nothing, and a plain
// restart fails the same way, or is refused once its start limit is hit. So: the logs, and only after the
// cause is fixed, the failed state cleared and one start.
const crashLoop: Playbook = async (finding, tools) => {
  const known = await knownUnit(finding, tools);
  if (!known) return null;
  return {
    title: format(_('Find out why {unit} keeps failing'), { unit: known.unit }),
    explanation: format(
      _(
        '{title}. Each restart failed the same way, so restarting again will not help until the cause is fixed: ' +
          'read the logs first. Once the cause is addressed, clearing the failed state lets systemd start it again.',
      ),
      { title: finding.title },
    ),
    actions: [
      logsStep(finding, known),
      { name: 'systemd.reset_failed', params: known },
      { name: 'systemd.start_unit', params: known },
    ],
  };
};

/** Whether two paths are on the same file system, so freeing one frees the other's mount. */
async function sameDevice(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return first !== null && second !== null && first.dev === second.dev;
}

/** The mount point that holds `path` (the longest mount point above it), from /proc/self/mounts. */
async function mountOf(path: string): Promise<string> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const points = mounts
    .split('\n')
    // Octal escapes (\040 for a space) as the kernel writes them.
    .map((line) =>
      (line.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_match, octal: string) =>
        String.fromCharCode(parseInt(octal, 8)),
      ),
    )
    .filter((point) => point && (point === '/' || path === point || path.startsWith(`${point}/`)));
  return points.sort((a, b) => b.length - a.length)[0] ?? '/';
}

/** The mount a disk finding is about: its subject when that is a path, else the path its evidence names. */
async function findingMount(finding: FindingWithEvidence): Promise<string> {
  const path = [finding.subject, ...finding.evidence.map((evidence) => evidence.path)].find((candidate) =>
    candidate?.startsWith('/'),
  );
  return mountOf(path ?? '/');
}

/** What fills the disk first, then the clean-ups that free that mount: caches, trash, old journal files. */
const diskSpace: Playbook = async (finding, tools) => {
  const mount = await findingMount(finding);
  const { context } = tools;
  const actions: CandidateAction[] = [{ name: 'info.disk_usage', params: { path: mount } }];
  if (await sameDevice(mount, context.cacheHome)) {
    const biggest = (await largestCacheDirectories(context.cacheHome)).slice(0, CACHE_DIRECTORIES_OFFERED);
    if (biggest.length > 0) {
      actions.push({ name: 'files.clear_cache', params: { directories: biggest.map((entry) => entry.name) } });
    }
  }
  if (await sameDevice(mount, context.dataHome)) actions.push({ name: 'files.empty_trash', params: {} });
  if (await sameDevice(mount, '/var/log/journal')) {
    actions.push({ name: 'journal.vacuum', params: { scope: 'system' } });
  }
  return {
    title: format(_('Free space on {mount}'), { mount }),
    explanation: format(
      _(
        '{title}. Programs fail in odd ways when a disk fills up. ' +
          'The first step shows what takes the space; each clean-up says how much it frees. ' +
          'Caches are rebuilt when needed, the trash and old logs are gone for good.',
      ),
      { title: finding.title },
    ),
    actions,
  };
};

const reconnect: Playbook = async (finding) => ({
  title: _('Reconnect to the network'),
  explanation: format(
    _('{title}. Reconnecting renews the address and the route, which fixes most stalled connections.'),
    { title: finding.title },
  ),
  actions: [{ name: 'network.reconnect', params: {} }],
});

const wifiSecrets: Playbook = async (finding) => ({
  title: _('Reconnect to the Wi-Fi network'),
  explanation: format(
    _(
      '{title}. The network asked for its password and none was given (a wrong or forgotten password, ' +
        'or the keyring was locked). Reconnecting asks again; if it keeps failing, check the password in Settings → Wi-Fi.',
    ),
    { title: finding.title },
  ),
  actions: [{ name: 'network.reconnect', params: {} }],
});

const dnsFailure: Playbook = async (finding) => ({
  title: _('Forget cached DNS answers'),
  explanation: format(
    _('{title}. A stale or failed answer can stay cached; flushing makes the next lookup ask again.'),
    { title: finding.title },
  ),
  actions: [{ name: 'network.flush_dns', params: {} }],
});

const configChanged: Playbook = async (finding) => {
  const paths = [...new Set(finding.evidence.flatMap((evidence) => (evidence.path ? [evidence.path] : [])))];
  if (paths.length === 0) return null;
  return {
    title: format(_('Put back the configuration {unit} worked with'), { unit: finding.subject }),
    explanation: format(
      _(
        '{title}. The file changed shortly before the failure; Steward kept the version from before. ' +
          'Restoring it shows the difference first, and can be undone.',
      ),
      { title: finding.title },
    ),
    actions: paths.map((path) => ({ name: 'config.restore', params: { path } })),
  };
};

/**
 * A daemon named a file and line: that line in context, the daemon's own validator, and the last known-good
 * copy where Steward kept one (the proposer drops the steps that do not fit: no validator, no copy).
 */
const configError: Playbook = async (finding) => {
  const named = finding.evidence.filter((evidence) => evidence.path).at(-1);
  if (!named?.path)
    return readLogs(finding, _('Read the configuration error'), _('The log says which setting is wrong.'));
  const { path, line } = named;
  return {
    title: format(_('Fix the error in {path}'), { path }),
    explanation: format(
      _(
        '{title}. The program will not start with this file as it is. The first step shows the line it ' +
          'complained about; the program’s own check says whether the file is right once it is changed; ' +
          'and where Steward kept an earlier version that worked, it can be put back.',
      ),
      { title: finding.title },
    ),
    actions: [
      ...(line ? [{ name: 'config.show_error', params: { path, line } }] : []),
      { name: 'config.validate', params: { path } },
      { name: 'config.restore', params: { path } },
    ],
  };
};

const crash: Playbook = async (finding) =>
  readLogs(
    finding,
    format(_('See why {program} crashed'), { program: finding.subject || _('a program') }),
    _(
      'The lines before the crash usually say what it was doing; a crash that repeats after an update is worth reporting to its developers.',
    ),
  );

const oomKill: Playbook = async (finding) =>
  readLogs(
    finding,
    _('See what ran out of memory'),
    _(
      'The kernel or systemd-oomd ended a process to free memory. The log shows which one and how much it used; closing memory-hungry programs or adding swap helps.',
    ),
  );

const storageError: Playbook = async (finding) =>
  readLogs(
    finding,
    _('Check the disk that reported errors'),
    _(
      'A disk that reports read or write errors may be failing: back up what matters now. ' +
        'The log shows which device; its health (SMART) can be checked in Disks or with smartctl -a.',
    ),
  );

const filesystemError: Playbook = async (finding) =>
  readLogs(
    finding,
    _('Check the file system that reported errors'),
    _(
      'A damaged file system can lose data: back up what matters now. The log shows which device; ' +
        'a check (fsck) runs at the next boot when the file system is marked for it, and the disk’s health (SMART) can be checked in Disks.',
    ),
  );

/** NVIDIA's words for libraries newer (or older) than the kernel module still loaded. */
const DRIVER_MISMATCH = /API mismatch|version mismatch/i;

const gpuFault: Playbook = async (finding) =>
  finding.evidence.some((evidence) => DRIVER_MISMATCH.test(evidence.text))
    ? readLogs(
        finding,
        _('See which NVIDIA driver versions differ'),
        _(
          'The driver was updated, but the kernel still runs its old module, so programs that use the GPU fail. ' +
            'Restarting the computer loads the new module; the log shows both versions.',
        ),
      )
    : readLogs(
        finding,
        _('See what the graphics driver reported'),
        _(
          'The graphics driver reported a fault. After a driver update, a restart of the computer loads the matching driver; ' +
            'a fault that repeats is worth reporting with these log lines.',
        ),
      );

const authFailures: Playbook = async (finding) =>
  readLogs(
    finding,
    _('See the failed sign-in attempts'),
    _(
      'The log shows who tried, from where and how often. Mistyped passwords are harmless; attempts you did not make are not.',
    ),
  );

const packageManagerError: Playbook = async (finding) =>
  readLogs(
    finding,
    _('See what the package manager reported'),
    _(
      'The log shows which package or repository failed; an interrupted update can usually be finished once that is fixed.',
    ),
  );

// Nothing to run: the machine slows itself down to cool off, and the explanation says what helps.
const thermalThrottling: Playbook = async (finding) => ({
  title: _('The computer is too hot'),
  explanation: format(
    _(
      '{title}. The processor slows down to cool off. Clean the vents, keep them free, and close programs that keep it busy.',
    ),
    { title: finding.title },
  ),
  actions: [],
});

const PLAYBOOKS: Record<string, Playbook> = {
  'unit-failed': unitFailed,
  'crash-loop': crashLoop,
  'disk-low': diskSpace,
  'disk-critical': diskSpace,
  'no-space': diskSpace,
  'no-connectivity': reconnect,
  'network-failure': reconnect,
  'link-down': reconnect,
  'wifi-secrets': wifiSecrets,
  'dns-failure': dnsFailure,
  'config-changed-before-failure': configChanged,
  'config-error': configError,
  coredump: crash,
  crash,
  'oom-kill': oomKill,
  'storage-error': storageError,
  'filesystem-error': filesystemError,
  'gpu-fault': gpuFault,
  'auth-failures': authFailures,
  'package-manager-error': packageManagerError,
  'thermal-throttling': thermalThrottling,
};

/** The playbook's draft for a finding, or null when Steward knows no fix for it. */
export async function draftFor(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft | null> {
  return (await PLAYBOOKS[finding.kind]?.(finding, tools)) ?? null;
}

export const PLAYBOOK_KINDS = Object.keys(PLAYBOOKS);
