// Deterministic playbooks: for each finding kind Steward knows, the fixes worth
// offering, so that it is useful without any model. A playbook only names
// catalog actions with parameters; the proposer validates and previews them
// and drops those that would change nothing.
import { stat } from 'node:fs/promises';
import type { FindingWithEvidence } from '../findings/store.js';
import type { ActionContext, Preview } from './action.js';
import { missingExecutableIn } from '../findings/detectors/unitFailed.js';
import { largestCacheDirectories } from './actions/files.js';
import { packagesProviding } from './actions/packageKit.js';
import { _, format } from '../i18n.js';

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

const unitFailed: Playbook = async (finding, tools) => {
  const unit = finding.subject;
  const scope = await unitScope(unit, tools);
  if (!scope) return null;
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
        { name: 'info.show_logs', params: { unit, scope } },
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
    actions: [
      { name: 'info.show_logs', params: { unit, scope } },
      { name: 'systemd.restart_unit', params: { unit, scope } },
    ],
  };
};

const crashLoop: Playbook = async (finding, tools) => {
  const unit = finding.subject;
  const scope = await unitScope(unit, tools);
  if (!scope) return null;
  return {
    title: format(_('Stop {unit} restarting in a loop'), { unit }),
    explanation: format(
      _(
        '{title}. Each restart fails the same way, so restarting again will not help. ' +
          'Read the logs for the cause; stopping the unit ends the loop until you start it again.',
      ),
      { title: finding.title },
    ),
    actions: [
      { name: 'info.show_logs', params: { unit, scope } },
      { name: 'systemd.stop_unit', params: { unit, scope } },
    ],
  };
};

/** Whether two paths are on the same file system, so freeing one frees the other's mount. */
async function sameDevice(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return first !== null && second !== null && first.dev === second.dev;
}

const diskSpace: Playbook = async (finding, tools) => {
  const mount = finding.subject;
  const { context } = tools;
  const actions: CandidateAction[] = [];
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
  if (actions.length === 0) return null;
  return {
    title: format(_('Free space on {mount}'), { mount }),
    explanation: format(
      _(
        '{title}. Programs fail in odd ways when a disk fills up. ' +
          'Each step below says how much it frees; caches are rebuilt when needed, the trash and old logs are gone for good.',
      ),
      { title: finding.title },
    ),
    actions,
  };
};

const noConnectivity: Playbook = async (finding) => ({
  title: _('Reconnect to the network'),
  explanation: format(
    _('{title}. Reconnecting renews the address and the route, which fixes most stalled connections.'),
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

const PLAYBOOKS: Record<string, Playbook> = {
  'unit-failed': unitFailed,
  'crash-loop': crashLoop,
  'disk-low': diskSpace,
  'disk-critical': diskSpace,
  'no-connectivity': noConnectivity,
  'dns-failure': dnsFailure,
  'config-changed-before-failure': configChanged,
};

/** The playbook's draft for a finding, or null when Steward knows no fix for it. */
export async function draftFor(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft | null> {
  return (await PLAYBOOKS[finding.kind]?.(finding, tools)) ?? null;
}

export const PLAYBOOK_KINDS = Object.keys(PLAYBOOKS);
