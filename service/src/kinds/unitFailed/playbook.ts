// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// unit-failed: why a unit failed, by the cause its last run shows, and a restart only where one may now succeed.
import { stat } from 'node:fs/promises';

import { setupNeeds } from '../../causes/exitStatus.js';
import { plainResult } from '../../causes/systemdResult.js';
import { systemErrorOf } from '../../causes/systemError.js';
import { isConfigPath } from '../../findings/detectorOptions.js';
import type { FindingWithEvidence } from '../../findings/store.js';
import { holderOf, machineInterfaces } from '../../fixes/actions/addresses.js';
import { outOfInodesOnly } from '../../fixes/actions/inodeUsage.js';
import { UnitManager } from '../../fixes/actions/systemdUnits.js';
import { heldPortOfCommandLine, stillRefused, writtenMounts } from '../../fixes/causeCheck.js';
import { failureCause } from '../../fixes/failureCause.js';
import { missingModulePackage } from '../../fixes/missingModulePackage.js';
import { mountOf } from '../../fixes/playbooks/mounts.js';
import { systemErrorDraft } from '../../fixes/playbooks/systemErrorDraft.js';
import {
  heldListenPort,
  maskedRequirement,
  missingPackage,
  runsUnprivileged,
} from '../../fixes/playbooks/unitCauses.js';
import {
  changeSinceFailure,
  endedState,
  recordedEnd,
  runsSince,
  unitRecordStep,
  unitStatusOrNull,
} from '../../fixes/playbooks/unitState.js';
import {
  type CandidateAction,
  knownUnit,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
  unitLogsStep,
} from '../../fixes/playbookSteps.js';
import { _, format } from '../../i18n.js';
import { changedBetween } from '../../storage/knownGoodStore.js';
import { killedForMemory, killedForMemoryByKernel } from '../oomKill/playbook.js';

// A socket's or a path unit's results when the unit it starts kept failing or ending at once (socket.c, path.c).
const TRIGGERED_UNIT_FAILED = new Set(['service-start-limit-hit', 'unit-start-limit-hit', 'trigger-limit-hit']);

/**
 * A socket or path unit that gave up because the service it starts kept failing (systemd's result
 * service-start-limit-hit, unit-start-limit-hit) or ended at once too often (trigger-limit-hit): starting it
 * again fails the same way, so the first step is that service's own failure.
 */
async function triggeredServiceFailed(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  logs: CandidateAction,
  tools: PlaybookTools,
): Promise<ProposalDraft | null> {
  const record = await new UnitManager(tools.context, known.scope).record(known.unit).catch(() => null);
  const service = record?.requirements.find((requirement) => requirement.triggered)?.unit;
  if (!service) return null;
  return {
    title: format(_('See why {service} failed, which {unit} starts'), { service, unit: known.unit }),
    explanation: format(
      _(
        '{title}. systemd stopped {unit} because {service}, which it starts, kept failing: starting {unit} again ' +
          'fails the same way until that service starts, so the first step is what systemd recorded of its failure.',
      ),
      { title: finding.title, unit: known.unit, service },
    ),
    actions: [unitRecordStep({ unit: service, scope: known.scope }), logs],
  };
}

/** systemd's Result word from its own line ("Failed with result 'timeout'"), where D-Bus has none to give. */
const RESULT_LINE = /Failed with result '([\w-]+)'/;

/** Whether `path` changed after `since`: a configuration fixed since the failure may now start. */
async function changedSince(path: string, since: Date): Promise<boolean> {
  const file = await stat(path).catch(() => null);
  return file !== null && file.mtime.getTime() > since.getTime();
}

/**
 * A unit that did not finish starting (or stopping) within its timeout: what systemd waited for and what the process
 * did come first; a restart waits for the same thing, so it is offered only once something the unit needs changed.
 */
async function timedOut(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  logs: CandidateAction,
  tools: PlaybookTools,
): Promise<ProposalDraft> {
  const { unit, scope } = known;
  const changed = await changeSinceFailure(unit, scope, finding.lastSeen, tools);
  return {
    title: changed
      ? format(_('Restart {unit}'), { unit })
      : format(_('See what systemd waited for while {unit} started'), { unit }),
    explanation: format(
      changed
        ? _('{title}. It did not finish starting within its timeout; since then, {change}: a restart may now succeed.')
        : _(
            '{title}. It did not finish starting within its timeout. The first step shows what systemd waited for ' +
              '(the unit’s Type=: a READY=1 notification, a PID file, a bus name) and what its process did; a ' +
              'restart waits for the same thing, so none is offered until the program or its unit is changed.',
          ),
      { title: finding.title, change: changed ?? '' },
    ),
    actions: [unitRecordStep(known), logs, ...(changed ? [{ name: 'systemd.restart_unit', params: known }] : [])],
  };
}

/** Whether a command is in one of the usual bin folders now (installed since the shell looked for it). */
async function commandInstalled(command: string): Promise<boolean> {
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    if ((await stat(`${dir}/${command}`).catch(() => null))?.isFile()) return true;
  }
  return false;
}

/** The first absolute path a line names ("write /var/lib/x/db: No space left on device"). */
const PATH_IN_LINE = /(?:^|[\s'"(=])(\/[^\s'":,)]+)/;

// What systemd recorded of the run that ended (its exit status and what it means, the command line, that run's last
// lines) comes before the plain log wherever it recorded one: it says more, in fewer lines.
export const unitFailed: Playbook = async (finding, tools) => {
  // A unit this machine's systemd does not know is a forged or foreign name: nothing is proposed about it.
  const known = await knownUnit(finding, tools);
  return known ? unitFailedDraft(finding, known, tools) : null;
};

/** The draft for a failed unit this machine's systemd knows, by the cause its last run shows. */
export async function unitFailedDraft(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  tools: PlaybookTools,
): Promise<ProposalDraft | null> {
  const byCause = await unitFailedByCause(finding, known, tools);
  const context = byCause && (await alsoChanged(finding, known, tools));
  const draft = byCause && context ? { ...byCause, explanation: `${byCause.explanation} ${context}` } : byCause;
  if (draft?.actions[0]?.name !== 'info.show_logs' || (await recordedEnd(known, tools)) === null) return draft;
  return { ...draft, actions: [unitRecordStep(known), ...draft.actions] };
}

/** How long before a failure a change of configuration is worth a mention, as the detector's window. */
const RECENTLY_MS = 10 * 60_000;
const MENTIONED = 3;

/**
 * The configuration files that changed shortly before the failure with nothing linking them to the unit (a link makes
 * them a config-changed finding of their own), in words: context for the person, never a step.
 */
async function alsoChanged(
  finding: FindingWithEvidence,
  { unit, scope }: { unit: string; scope: 'user' | 'system' },
  tools: PlaybookTools,
): Promise<string | null> {
  const failed = finding.lastSeen.getTime();
  const changed = (
    await changedBetween(tools.context.knownGoodDirectory, new Date(failed - RECENTLY_MS), new Date(failed + 2_000))
  ).filter((path) => isConfigPath(path) && (scope === 'user' || !path.startsWith(`${tools.context.home}/`)));
  if (changed.length === 0) return null;
  const shown = changed.slice(0, MENTIONED).join(', ');
  const more = changed.length - MENTIONED;
  return format(
    more > 0
      ? _('Also changed recently, with nothing linking it to {unit}: {paths} and {more} more.')
      : _('Also changed recently, with nothing linking it to {unit}: {paths}.'),
    { unit, paths: shown, more },
  );
}

async function unitFailedByCause(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  tools: PlaybookTools,
): Promise<ProposalDraft | null> {
  const { unit, scope } = known;
  // Only a program claims it failed, and systemd sees it running: nothing to propose (as the proposer holds).
  const now = finding.vouchedBy === null ? await unitStatusOrNull(unit, scope, tools) : null;
  if (now && now.activeState !== 'failed') return null;
  // The lines of the runs that ended so: a finding come again keeps lines of an earlier occurrence (a store keeps a
  // finding's first lines), whose cause (a drop-in deleted since) is not this one's.
  const since = await runsSince(unit, scope, tools);
  const current = finding.evidence.filter((evidence) => since === undefined || evidence.at >= since);
  const lines = [finding.title, ...current.map((evidence) => evidence.text)];
  const ended = await endedState(unit, scope, tools);
  const result = ended.result && ended.result !== 'success' ? ended.result : undefined;
  const lineResult = lines.map((text) => RESULT_LINE.exec(text)?.[1]).find(Boolean);
  const logs = await unitLogsStep(finding, known, tools);
  if (TRIGGERED_UNIT_FAILED.has(result ?? lineResult ?? '')) {
    const draft = await triggeredServiceFailed(finding, known, logs, tools);
    if (draft) return draft;
  }
  const told =
    (await maskedRequirement(unit, scope, tools)) ?? failureCause(lines, { ...ended, result: result ?? lineResult });
  const cause = (told.kind === 'unknown' && (await heldListenPort(unit, scope, tools))) || told;
  const restart = { name: 'systemd.restart_unit', params: { unit, scope } };
  const evidenceOf = (line: string) => format(_('The evidence: “{line}”.'), { line });
  // A module or library the program could not load, which a package not installed yet provides: whatever exit it
  // made, that is the cause, and a restart before the package is in fails the same way.
  const missing =
    cause.kind === 'setup' || cause.kind === 'masked-dependency' ? null : await missingModulePackage(lines, tools);
  if (missing) {
    return {
      title: format(_('Install {package} for {unit}'), { package: missing.name, unit }),
      explanation: format(
        missing.module.runtime === 'command'
          ? _(
              '{title}: the shell could not find the command {module} it runs, which the package {package} ' +
                'provides; once it is installed, restart the unit.',
            )
          : _(
              '{title}: it cannot load {module}, which the package {package} provides; once it is installed, restart the service.',
            ),
        { title: finding.title, module: missing.module.name, package: missing.name },
      ),
      actions: [{ name: 'packages.install', params: { packages: [missing.name] } }, restart, logs],
    };
  }
  switch (cause.kind) {
    case 'setup': {
      const missing = cause.step === 'EXEC' ? await missingPackage(finding, tools) : null;
      if (missing) {
        return {
          title: format(_('Install {package} for {unit}'), { package: missing.name, unit }),
          explanation: format(
            _(
              '{title}: it cannot start because {program} is missing. ' +
                'The package {package} provides it; once it is installed, restart the service.',
            ),
            { title: finding.title, program: missing.executable, package: missing.name },
          ),
          actions: [{ name: 'packages.install', params: { packages: [missing.name] } }, restart, logs],
        };
      }
      // The directory, program or unit file it lacked, made or changed since: the same start may now succeed.
      const changed = await changeSinceFailure(unit, scope, finding.lastSeen, tools);
      if (changed) {
        return {
          title: format(_('Restart {unit}'), { unit }),
          explanation: format(
            _(
              '{title}. systemd could not set the process up (step {step}): it needs {needs}. Since then, {change}: ' +
                'a restart may now succeed. {evidence}',
            ),
            {
              title: finding.title,
              step: cause.step,
              needs: setupNeeds(cause.step),
              change: changed,
              evidence: evidenceOf(cause.evidence),
            },
          ),
          actions: [logs, restart],
        };
      }
      return {
        title: format(_('See why systemd could not start {unit}'), { unit }),
        explanation: format(
          _(
            '{title}. systemd could not set the process up (step {step}): it needs {needs}. ' +
              'Restarting fails the same way until that exists or the service’s setting is changed, so no restart is offered. {evidence}',
          ),
          {
            title: finding.title,
            step: cause.step,
            needs: setupNeeds(cause.step),
            evidence: evidenceOf(cause.evidence),
          },
        ),
        actions: [logs],
      };
    }
    case 'port-in-use': {
      cause.port ??= await heldPortOfCommandLine(known, tools.context);
      const holder = cause.port
        ? await tools.preview({ name: 'info.port_holder', params: { port: cause.port } })
        : null;
      if (cause.port && (holder === null || holder.changesNothing)) {
        return {
          title: format(_('Restart {unit}: port {port} is free now'), { unit, port: cause.port }),
          explanation: format(
            _(
              '{title}. It could not bind port {port}, which another process held; no process holds it now. {evidence}',
            ),
            { title: finding.title, port: cause.port, evidence: evidenceOf(cause.evidence) },
          ),
          actions: [logs, restart],
        };
      }
      return {
        title: format(_('See which process holds the port {unit} needs'), { unit }),
        explanation: format(
          _(
            '{title}. Another process holds the address it listens on{holder}; restarting fails the same way ' +
              'until that process stops or one of the two listens elsewhere. {evidence}',
          ),
          {
            title: finding.title,
            holder: holder?.details[0] ? ` (${holder.details[0]})` : '',
            evidence: evidenceOf(cause.evidence),
          },
        ),
        actions: [...(cause.port ? [{ name: 'info.port_holder', params: { port: cause.port } }] : []), logs],
      };
    }
    case 'no-space': {
      // A line without a path ("java.io.IOException: No space left on device") is about a file system the unit
      // writes to, not about `/`.
      const named = PATH_IN_LINE.exec(cause.evidence)?.[1];
      const mount = named
        ? await mountOf(named)
        : ((await writtenMounts(known, tools.context, mountOf).catch(() => []))[0] ?? '/');
      if (await outOfInodesOnly(mount)) {
        return {
          title: format(_('Remove files on {mount} for {unit}'), { mount, unit }),
          explanation: format(
            _(
              '{title}. It failed writing to {mount}, which has space left but no inode left for another file; ' +
                'restarting fails the same way until files are removed there. {evidence}',
            ),
            { title: finding.title, mount, evidence: evidenceOf(cause.evidence) },
          ),
          actions: [{ name: 'info.inode_usage', params: { path: mount } }, logs],
        };
      }
      return {
        title: format(_('Free space on {mount} for {unit}'), { mount, unit }),
        explanation: format(
          _(
            '{title}. It failed writing to a full disk; restarting fails the same way until space is freed. {evidence}',
          ),
          { title: finding.title, evidence: evidenceOf(cause.evidence) },
        ),
        actions: [{ name: 'info.disk_usage', params: { path: mount } }, logs],
      };
    }
    case 'permission': {
      if (cause.privilegedPort !== undefined && (await runsUnprivileged(unit, scope, tools))) {
        return {
          title: format(_('See why {unit} may not use port {port}'), { unit, port: cause.privilegedPort }),
          explanation: format(
            _(
              '{title}. Ports below 1024 are for root: a service running as another user may listen there only ' +
                'when its unit grants it (AmbientCapabilities=CAP_NET_BIND_SERVICE), or it listens on a higher ' +
                'port. Restarting is refused the same way until one of them changes. {evidence}',
            ),
            { title: finding.title, evidence: evidenceOf(cause.evidence) },
          ),
          actions: [logs],
        };
      }
      const access = cause.path && { name: 'info.path_access', params: { path: cause.path, unit, scope } };
      // The owner, mode or user changed since, and the unit's user may now use the path: the restart can help. Only
      // EACCES is the mode bits' refusal; EPERM's (a capability, an immutable file) is not seen in them.
      const byMode = systemErrorOf([cause.evidence])?.errno.code === 'EACCES';
      const refused =
        cause.path && byMode ? await stillRefused(cause.path, known, tools.context).catch(() => null) : null;
      if (access && refused === false) {
        return {
          title: format(_('Restart {unit}'), { unit }),
          explanation: format(
            _(
              '{title}. It was refused access to {path}; the user it runs as may use it now: a restart may now ' +
                'succeed. {evidence}',
            ),
            { title: finding.title, path: access.params.path, evidence: evidenceOf(cause.evidence) },
          ),
          actions: [access, logs, restart],
        };
      }
      return {
        title: cause.path
          ? format(_('See why {unit} may not use {path}'), { unit, path: cause.path })
          : format(_('See what {unit} was refused'), { unit }),
        explanation: format(
          _(
            '{title}. It was refused access to a file: restarting is refused the same way until the file’s owner or ' +
              'mode, or the user the service runs as, is changed. {evidence}',
          ),
          { title: finding.title, evidence: evidenceOf(cause.evidence) },
        ),
        actions: [...(access ? [access] : []), logs],
      };
    }
    case 'system-error':
      return systemErrorDraft(finding, known, cause.error, logs, tools);
    case 'missing-command': {
      const { command } = cause;
      const installed = await commandInstalled(command);
      return {
        title: installed
          ? format(_('Restart {unit}'), { unit })
          : format(_('See why {unit} cannot run {command}'), { unit, command }),
        explanation: format(
          installed
            ? _(
                '{title}. The shell could not find the command {command} it runs (status 127); it is installed now: ' +
                  'a restart may now succeed. {evidence}',
              )
            : _(
                '{title}. The shell could not find the command {command} it runs (status 127), and Steward found ' +
                  'no package to install that provides it: restarting fails the same way until it is installed or ' +
                  'the script names it where it is, so no restart is offered. {evidence}',
              ),
          { title: finding.title, command, evidence: evidenceOf(cause.evidence) },
        ),
        actions: [logs, ...(installed ? [restart] : [])],
      };
    }
    case 'interface': {
      const { name, address } = cause.missing;
      const interfaces = await machineInterfaces().catch(() => null);
      const present =
        interfaces !== null &&
        (name
          ? interfaces.some((found) => found.name === name)
          : address
            ? holderOf(address, interfaces) !== null
            : false);
      const step = { name: 'info.addresses', params: name ? { interface: name } : address ? { address } : {} };
      return {
        title: present
          ? format(_('Restart {unit}'), { unit })
          : format(_('See which interfaces and addresses this machine has for {unit}'), { unit }),
        explanation: format(
          present
            ? _('{title}. It was told of {what}, which this machine has now: a restart may now succeed. {evidence}')
            : _(
                '{title}. It was told of {what}, which this machine does not have: restarting fails the same way ' +
                  'until its setting names one the machine has, or that interface comes up. {evidence}',
              ),
          {
            title: finding.title,
            what: name
              ? format(_('the interface {name}'), { name })
              : format(_('the address {address}'), { address: address ?? '' }),
            evidence: evidenceOf(cause.evidence),
          },
        ),
        actions: [step, logs, ...(present ? [restart] : [])],
      };
    }
    case 'config-line': {
      const fixed = await changedSince(cause.path, finding.lastSeen);
      return {
        title: format(_('Fix line {line} of {path}'), { line: cause.line, path: cause.path }),
        explanation: format(
          fixed
            ? _(
                '{title}. It stopped at line {line} of {path}, which has changed since: a restart may now succeed. {evidence}',
              )
            : _(
                '{title}. It stopped at line {line} of {path}; restarting fails the same way until that line is fixed. {evidence}',
              ),
          { title: finding.title, line: cause.line, path: cause.path, evidence: evidenceOf(cause.evidence) },
        ),
        actions: [
          { name: 'config.show_error', params: { path: cause.path, line: cause.line } },
          { name: 'config.validate', params: { path: cause.path } },
          logs,
          ...(fixed ? [restart] : []),
        ],
      };
    }
    case 'masked-dependency': {
      const dependency = cause.unit && (await unitStatusOrNull(cause.unit, scope, tools));
      const stillMasked = dependency ? dependency.loadState === 'masked' : true;
      const unmask = { name: 'systemd.unmask_unit', params: { unit: cause.unit, scope } };
      return {
        title: format(_('{unit} needs {dependency}, which is masked'), { unit, dependency: cause.unit }),
        explanation: format(
          stillMasked
            ? _(
                '{title}. A masked unit cannot start, so neither can what requires it. The first step shows where the ' +
                  'mask lives and what requires it. A mask is usually deliberate, so unmasking is only the second step, ' +
                  'if it should run (its undo masks it again); then {unit} can be started. {evidence}',
              )
            : _('{title}. {dependency} is no longer masked, so a restart may now succeed. {evidence}'),
          { title: finding.title, unit, dependency: cause.unit, evidence: evidenceOf(cause.evidence) },
        ),
        actions: [unitRecordStep(known), ...(stillMasked ? [unmask, logs] : [logs, restart])],
      };
    }
    case 'transient': {
      if (cause.result === 'oom-kill') return killedForMemory(finding, known, finding.firstSeen);
      if (cause.result === 'timeout') return timedOut(finding, known, logs, tools);
      // SIGKILL without systemd's word on memory (a memory cgroup systemd does not watch, cgroup v1): the kernel's
      // lines say whether its OOM killer did it, in this unit's cgroup.
      const killed = cause.result === 'signal' ? await killedForMemoryByKernel(finding, known, tools) : null;
      if (killed) return killed;
      return {
        title: format(_('Restart {unit}'), { unit }),
        explanation: format(
          // Translators: {title} is the finding's title; {reason} is how systemd says it ended, such as "it stopped
          // responding"; "Show the logs" is the title of a step of the fix.
          _(
            '{title}. systemd says {reason}. That can pass (something slow or busy at that moment): ' +
              'its last lines are in “Show the logs”, and a restart may succeed.',
          ),
          { title: finding.title, reason: plainResult(cause.result) ?? cause.result },
        ),
        actions: [logs, restart],
      };
    }
    case 'pid-file':
      return {
        title: format(_('See why no PID file of {unit} appeared'), { unit }),
        explanation: format(
          _(
            '{title}. systemd waited for the daemon to write {path}, as PIDFile= says, and none came, so it could not ' +
              'tell which process is the service. A restart waits for the same file: the daemon’s own setting for ' +
              'its PID file and PIDFile= must name the same path. {evidence}',
          ),
          { title: finding.title, path: cause.path, evidence: evidenceOf(cause.evidence) },
        ),
        actions: [logs],
      };
    case 'program-error':
      return {
        title: format(_('See why {unit} failed'), { unit }),
        explanation: format(
          _(
            '{title}. The program stopped on an error of its own, which the next start meets again: ' +
              'its last lines say what to change, and no restart is offered until then. {evidence}',
          ),
          { title: finding.title, evidence: evidenceOf(cause.evidence) },
        ),
        actions: [logs],
      };
    case 'unknown': {
      // A bare exit status says only that the program gave up; the same start gives up the same way unless
      // something it reads or needs changed since.
      const changed = await changeSinceFailure(unit, scope, finding.lastSeen, tools);
      if (changed) {
        return {
          title: format(_('Restart {unit}'), { unit }),
          explanation: format(
            // Translators: {title} is the finding's title; {change} says what changed, such as "/etc/x.conf changed".
            _('{title}. Since it failed, {change}: a restart may now succeed; if not, “Show the logs” says why.'),
            { title: finding.title, change: changed },
          ),
          actions: [logs, restart],
        };
      }
      const ended = result ?? lineResult ?? 'exit-code';
      return {
        title: format(_('See why {unit} failed'), { unit }),
        explanation: format(
          // Translators: {title} is the finding's title; {reason} is how systemd says it ended, such as "its program
          // ended with an error".
          _(
            '{title}. systemd says {reason}, and nothing it runs, reads or needs has changed since: a restart ' +
              'would fail the same way until its last lines’ cause is fixed, so none is offered yet.',
          ),
          { title: finding.title, reason: plainResult(ended) ?? ended },
        ),
        actions: [logs],
      };
    }
  }
}
