// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Deterministic playbooks: for each finding kind Steward knows, the fixes worth
// offering, so that it is useful without any model. A playbook only names
// catalog actions with parameters; the proposer validates and previews them
// and drops those that would change nothing.
import { readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';

import { checkStep, heldPortOfCommandLine, stillRefused, stillStands } from '../causes/check.js';
import { type SystemError, systemErrorOf } from '../causes/systemError.js';
import { crashedPackage } from '../desktop/appCrash/origin.js';
import { desktopPlaybooks } from '../desktop/index.js';
import { AUTH_WINDOW_MS } from '../findings/detectors/authFailures.js';
import { DPKG_STATUS, DPKG_UPDATES } from '../findings/detectors/dpkgState.js';
import { missingExecutableIn } from '../findings/detectors/unitFailed.js';
import type { FindingWithEvidence } from '../findings/store.js';
import { _, format } from '../i18n.js';
import { cleanLine } from '../untrustedText.js';
import { loopBacking } from './actions/blockDevice.js';
import { crashFieldsAt } from './actions/coredump.js';
import { networkLinks } from './actions/defaultRoute.js';
import { resolverState } from './actions/dnsServers.js';
import { largestCacheDirectories } from './actions/files.js';
import { mountOf as mountOfBlockDevice } from './actions/filesystemErrors.js';
import { outOfInodesOnly } from './actions/inodeUsage.js';
import { linkManager, linkNow } from './actions/linkState.js';
import { managedDeviceState, notConnected } from './actions/networkDevice.js';
import { packagesProviding } from './actions/packageKit.js';
import { UnitManager } from './actions/systemdUnits.js';
import {
  type EndedState,
  type FailureCause,
  failureCause,
  PASSING_SETUP_STEPS,
  SETUP_EXIT_STATUSES,
  setupNeeds,
} from './failureCause.js';
import {
  type CandidateAction,
  isActionableUnit,
  journalPlace,
  knownUnit,
  logsStep,
  OWN_LINES,
  type Playbook,
  type PlaybookTools,
  type ProposalDraft,
  readLogs,
  unitLogsStep,
} from './playbookSteps.js';

const CACHE_DIRECTORIES_OFFERED = 5;

export { type CandidateAction, isActionableUnit, type Playbook, type PlaybookTools, type ProposalDraft };

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

/** How the unit last ended, from its manager over D-Bus; nothing when the manager cannot say. */
async function endedState(unit: string, scope: 'user' | 'system', tools: PlaybookTools): Promise<EndedState> {
  try {
    const { result, exitCode } = await new UnitManager(tools.context, scope).status(unit);
    return { ...(result !== undefined && { result }), ...(exitCode !== undefined && { exitCode }) };
  } catch {
    return {};
  }
}

/**
 * A unit it requires that systemd holds masked now: no start of it can succeed, whatever its last run's lines say
 * (a process killed from outside looks passing, but systemd's restart is refused).
 */
async function maskedRequirement(
  unit: string,
  scope: 'user' | 'system',
  tools: PlaybookTools,
): Promise<FailureCause | null> {
  const record = await new UnitManager(tools.context, scope).record(unit).catch(() => null);
  const masked = record?.requirements.find((requirement) => requirement.loadState === 'masked');
  if (!masked) return null;
  return {
    kind: 'masked-dependency',
    unit: masked.unit,
    evidence: format(_('systemd holds {unit}, which {requirer} requires, masked ({state})'), {
      unit: masked.unit,
      requirer: unit,
      state: masked.unitFileState || 'masked',
    }),
  };
}

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

/** Whether a process holds `port` now (info.port_holder's preview is empty where none does). */
async function portHeld(port: number, tools: PlaybookTools): Promise<boolean> {
  const holder = await tools.preview({ name: 'info.port_holder', params: { port } });
  return holder !== null && !holder.changesNothing;
}

/** Whether the unit's processes run as a user other than root: a user's unit, or a system unit with User=. */
async function runsUnprivileged(unit: string, scope: 'user' | 'system', tools: PlaybookTools): Promise<boolean> {
  if (scope === 'user') return true;
  const { user, dynamic } = await new UnitManager(tools.context, scope)
    .runsAs(unit)
    .catch(() => ({ user: '', dynamic: false }));
  return dynamic || (user !== '' && user !== 'root' && user !== '0');
}

/**
 * A socket unit that failed while another process holds a port it listens on: systemd could not bind it. Read
 * from the machine now, as systemd's own line saying so ("Address already in use") comes from a helper process
 * that may be gone before the journal names its unit.
 */
async function heldListenPort(
  unit: string,
  scope: 'user' | 'system',
  tools: PlaybookTools,
): Promise<FailureCause | null> {
  if (!unit.endsWith('.socket')) return null;
  const ports = await new UnitManager(tools.context, scope).listenPorts(unit).catch(() => []);
  for (const port of ports) {
    if (await portHeld(port, tools)) {
      return {
        kind: 'port-in-use',
        port,
        evidence: format(_('{unit} listens on port {port}, which another process holds now'), { unit, port }),
      };
    }
  }
  return null;
}

/** systemd's Result word from its own line ("Failed with result 'timeout'"), where D-Bus has none to give. */
const RESULT_LINE = /Failed with result '([\w-]+)'/;

/** Whether `path` changed after `since`: a configuration fixed since the failure may now start. */
async function changedSince(path: string, since: Date): Promise<boolean> {
  const file = await stat(path).catch(() => null);
  return file !== null && file.mtime.getTime() > since.getTime();
}

/**
 * What changed since the unit failed, in words: one of `alsoPaths` (files a finding blames) or the files it is made
 * of, runs or names on its command line (written, created or its mode changed), or a unit it requires or wants that
 * became active since; null when nothing did, or systemd cannot say when it failed.
 */
async function changeSinceFailure(
  unit: string,
  scope: 'user' | 'system',
  lastSeen: Date,
  tools: PlaybookTools,
  alsoPaths: readonly string[] = [],
): Promise<string | null> {
  const manager = new UnitManager(tools.context, scope);
  const context = await manager.failureContext(unit).catch(() => null);
  if (!context) return null;
  const since = context.failedAt ?? lastSeen;
  for (const path of new Set([...alsoPaths, ...context.paths])) {
    const file = await stat(path).catch(() => null);
    if (file && Math.max(file.mtimeMs, file.ctimeMs) > since.getTime()) return format(_('{path} changed'), { path });
  }
  for (const dependency of context.dependencies) {
    const up = await manager.activeSince(dependency).catch(() => undefined);
    if (up && up.getTime() > since.getTime()) return format(_('{dependency} started'), { dependency });
  }
  return null;
}

/** What a system error is about, in words: " about /srv/x", " on port 8080", " for db.example". */
function objectWords(error: SystemError): string {
  if (error.path) return format(_(' about {path}'), { path: error.path });
  if (error.host) return format(_(' for {host}'), { host: error.port ? `${error.host}:${error.port}` : error.host });
  if (error.port) return format(_(' on port {port}'), { port: error.port });
  return '';
}

/**
 * A program that failed on a system error its last lines carry: what systemd recorded, the read-only step that checks
 * the error's object on this machine, and a restart only once that check passes (or, where this machine cannot tell,
 * once something the unit reads or needs changed since).
 */
async function systemErrorDraft(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  error: SystemError,
  logs: CandidateAction,
  tools: PlaybookTools,
): Promise<ProposalDraft> {
  const { unit, scope } = known;
  const step = checkStep(error, known);
  const stands = await stillStands(error, known, tools.context).catch(() => null);
  const changed =
    stands === null
      ? await changeSinceFailure(unit, scope, finding.lastSeen, tools, error.path ? [error.path] : [])
      : null;
  const facts = {
    title: finding.title,
    unit,
    code: error.errno.code,
    text: error.errno.text,
    about: objectWords(error),
    change: changed ?? '',
    evidence: format(_('The evidence: “{line}”.'), { line: error.line }),
  };
  const restartHelps = stands === false || changed !== null;
  const explanation =
    stands === true
      ? _(
          '{title}. Its program failed with {code} ({text}){about}, and this machine still shows it: restarting ' +
            'fails the same way until that changes, so no restart is offered. {evidence}',
        )
      : stands === false
        ? _(
            '{title}. Its program failed with {code} ({text}){about}; this machine no longer shows it: a restart may now succeed. {evidence}',
          )
        : changed
          ? _(
              '{title}. Its program failed with {code} ({text}){about}; since then, {change}: a restart may now succeed. {evidence}',
            )
          : _(
              '{title}. Its program failed with {code} ({text}){about}, which this machine cannot check by itself: ' +
                'no restart is offered until something it needs changes. {evidence}',
            );
  return {
    title: restartHelps
      ? format(_('Restart {unit}'), { unit })
      : format(_('See why {unit} failed with {code}{about}'), facts),
    explanation: format(explanation, facts),
    actions: [
      unitRecordStep(known),
      ...(step ? [step] : []),
      logs,
      ...(restartHelps ? [{ name: 'systemd.restart_unit', params: { unit, scope } }] : []),
    ],
  };
}

/** The first absolute path a line names ("write /var/lib/x/db: No space left on device"). */
const PATH_IN_LINE = /(?:^|[\s'"(=])(\/[^\s'":,)]+)/;

// What systemd recorded of the run that ended (its exit status and what it means, the command line, that run's last
// lines) comes before the plain log wherever it recorded one: it says more, in fewer lines.
const unitFailed: Playbook = async (finding, tools) => {
  // A unit this machine's systemd does not know is a forged or foreign name: nothing is proposed about it.
  const known = await knownUnit(finding, tools);
  if (!known) return null;
  const draft = await unitFailedByCause(finding, known, tools);
  if (draft?.actions[0]?.name !== 'info.show_logs' || (await recordedEnd(known, tools)) === null) return draft;
  return { ...draft, actions: [unitRecordStep(known), ...draft.actions] };
};

async function unitFailedByCause(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  tools: PlaybookTools,
): Promise<ProposalDraft | null> {
  const { unit, scope } = known;
  // Only a program claims it failed, and systemd sees it running: nothing to propose (as the proposer holds).
  const now = finding.vouchedBy === null ? await unitStatusOrNull(unit, scope, tools) : null;
  if (now && now.activeState !== 'failed') return null;
  const lines = [finding.title, ...finding.evidence.map((evidence) => evidence.text)];
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
  switch (cause.kind) {
    case 'setup': {
      const missing = cause.step === 'EXEC' ? await missingPackage(finding, tools) : null;
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
              'Restarting fails the same way until that exists or the unit’s setting is changed, so no restart is offered. {evidence}',
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
      const mount = await mountOf(PATH_IN_LINE.exec(cause.evidence)?.[1] ?? '/');
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
              'mode, or the user the unit runs as, is changed. {evidence}',
          ),
          { title: finding.title, evidence: evidenceOf(cause.evidence) },
        ),
        actions: [...(access ? [access] : []), logs],
      };
    }
    case 'system-error':
      return systemErrorDraft(finding, known, cause.error, logs, tools);
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
      // SIGKILL without systemd's word on memory (a memory cgroup systemd does not watch, cgroup v1): the kernel's
      // lines say whether its OOM killer did it, in this unit's cgroup.
      const killed = cause.result === 'signal' ? await killedForMemoryByKernel(finding, known, tools) : null;
      if (killed) return killed;
      return {
        title: format(_('Restart {unit}'), { unit }),
        explanation: format(
          // Translators: {title} is the finding's title; "Show the logs" is the title of a step of the fix.
          _(
            '{title}. It ended with “{result}”, which can pass (something slow or busy at that moment): ' +
              'its last lines are in “Show the logs”, and a restart may succeed.',
          ),
          { title: finding.title, result: cause.result },
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
      return {
        title: format(_('See why {unit} failed'), { unit }),
        explanation: format(
          // Translators: {title} is the finding's title; {result} is systemd's word for how it ended.
          _(
            '{title}. It ended with “{result}”, and nothing it runs, reads or needs has changed since: a restart ' +
              'would fail the same way until its last lines’ cause is fixed, so none is offered yet.',
          ),
          { title: finding.title, result: result ?? lineResult ?? 'exit-code' },
        ),
        actions: [logs],
      };
    }
  }
}

// A few seconds before the first evidence: the kernel's summary line comes just before the kill it reports.
const OOM_LINES_BEFORE_MS = 10_000;

/**
 * A unit killed for memory (systemd's result "oom-kill", or the kernel's lines): started again as it was, it grows
 * into the same kill. What it held, its limit and the memory free come first, and no restart.
 */
function killedForMemory(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  from: Date,
  inUnit?: boolean,
): ProposalDraft {
  const { directory } = journalPlace(finding);
  const since = new Date(from.getTime() - OOM_LINES_BEFORE_MS).toISOString();
  return {
    title: format(_('See what {unit} held when it was killed for memory'), { unit: known.unit }),
    explanation: format(
      _(
        '{title}. A process of it was killed for memory (by the kernel’s out-of-memory killer or systemd-oomd), ' +
          'at its memory limit or when the system’s memory ran out. Restarted as it is, it grows into the same ' +
          'kill; the first step shows how much it held, its limit and the memory free now, so no restart is ' +
          'offered until the limit or its use changes.',
      ),
      { title: finding.title },
    ),
    actions: [
      {
        name: 'info.oom_kill',
        params: { since, ...known, ...(directory && { directory }), ...(inUnit && { inUnit }) },
      },
      logsStep(finding, known),
    ],
  };
}

/** The same, where the kernel's lines show its OOM killer killed in the unit's cgroup as it last failed. */
async function killedForMemoryByKernel(
  finding: FindingWithEvidence,
  known: { unit: string; scope: 'user' | 'system' },
  tools: PlaybookTools,
): Promise<ProposalDraft | null> {
  const draft = killedForMemory(finding, known, finding.lastSeen, true);
  const [show] = draft.actions;
  const shown = show ? await tools.preview(show) : null;
  return shown && !shown.changesNothing ? draft : null;
}

async function unitStatusOrNull(unit: string, scope: 'user' | 'system', tools: PlaybookTools) {
  return new UnitManager(tools.context, scope).status(unit).catch(() => null);
}

/** The step showing what systemd recorded of the unit's last run; the proposer drops it where it recorded nothing. */
const unitRecordStep = (unit: { unit: string; scope: 'user' | 'system' }): CandidateAction => ({
  name: 'info.unit_failure',
  params: unit,
});

/**
 * systemd's own words for how the unit's last run ended (its record's second line; '' where it has none), or null
 * where systemd recorded nothing of it.
 */
async function recordedEnd(unit: { unit: string; scope: 'user' | 'system' }, tools: PlaybookTools) {
  const recorded = await tools.preview(unitRecordStep(unit));
  return recorded && !recorded.changesNothing ? (recorded.details[1] ?? '') : null;
}

// A unit in a crash loop is failed (or between two failed starts): stopping it changes nothing, and a plain
// restart fails the same way, or is refused once its start limit is hit. So: what systemd recorded of the last
// run and its lines, and only after the cause is fixed, the failed state cleared and one start; none while
// systemd says the process could not even be set up (a missing program, user or directory fails every start).
const crashLoop: Playbook = async (finding, tools) => {
  const known = await knownUnit(finding, tools);
  if (!known) return null;
  const logs = await unitLogsStep(finding, known, tools);
  const ended = await endedState(known.unit, known.scope, tools);
  const setup = ended.exitCode !== undefined ? SETUP_EXIT_STATUSES[ended.exitCode] : undefined;
  const recorded = await recordedEnd(known, tools);
  const facts = { title: finding.title, recorded: recorded ? ` ${recorded}` : '' };
  if (setup && !PASSING_SETUP_STEPS.has(setup)) {
    return {
      title: format(_('Find out why {unit} keeps failing'), { unit: known.unit }),
      explanation: format(
        _(
          '{title}.{recorded} Every start fails this way until that exists or the unit’s setting is changed, ' +
            'so no start is offered.',
        ),
        facts,
      ),
      actions: [unitRecordStep(known), logs],
    };
  }
  return {
    title: format(_('Find out why {unit} keeps failing'), { unit: known.unit }),
    explanation: format(
      _(
        '{title}.{recorded} Each restart failed the same way, so restarting again will not help until the cause is ' +
          'fixed: the first step shows what systemd recorded of the last run and its lines. Once the cause is ' +
          'addressed, clearing the failed state lets systemd start it again.',
      ),
      facts,
    ),
    actions: [
      unitRecordStep(known),
      logs,
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

/** The clean-ups that free space (and inodes) on `mount`: caches, trash, old journal files. */
async function cleanUps(mount: string, tools: PlaybookTools): Promise<CandidateAction[]> {
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
  return actions;
}

/** What fills the disk first, then the clean-ups that free that mount; files, not bytes, when statfs says so. */
const diskSpace: Playbook = async (finding, tools) => {
  const mount = await findingMount(finding);
  if (await outOfInodesOnly(mount)) return inodeExhaustion(finding, tools);
  const actions: CandidateAction[] = [
    { name: 'info.disk_usage', params: { path: mount } },
    ...(await cleanUps(mount, tools)),
  ];
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

/** Which directories hold the most files on a mount out of inodes, then the clean-ups that remove files there. */
const inodeExhaustion: Playbook = async (finding, tools) => {
  const mount = await findingMount(finding);
  return {
    title: format(_('Find the many small files on {mount}'), { mount }),
    explanation: format(
      _(
        '{title}. Every file takes one inode, and {mount} has (almost) none left: writes fail with “No space left ' +
          'on device” although space is left. A cache or spool full of small files is the usual cause; the first ' +
          'step shows the inodes used and free and the directories that hold the most entries.',
      ),
      { title: finding.title, mount },
    ),
    actions: [{ name: 'info.inode_usage', params: { path: mount } }, ...(await cleanUps(mount, tools))],
  };
};

// The step shows who holds the memory, and for the session's pressure which of its units waited; what to close is the
// person's choice.
const memoryPressure: Playbook = async (finding) => {
  const cgroup = /^user@\d+\.service$/.test(finding.subject) ? sessionCgroup(finding) : undefined;
  return {
    title: _('See what holds the memory'),
    explanation: format(
      _(
        '{title}. Programs wait for memory: the kernel reclaims and swaps, and the desktop stalls. The first step ' +
          'shows memory and swap now, how long tasks waited for memory, and the processes holding the most memory ' +
          'with their units; closing the biggest one that is not needed frees it.',
      ),
      { title: finding.title },
    ),
    actions: [{ name: 'info.memory_use', params: cgroup ? { cgroup } : {} }],
  };
};

/** The cgroup directory whose memory.pressure the session's finding read (memoryPressure.ts's evidence). */
function sessionCgroup(finding: FindingWithEvidence): string | undefined {
  const path = finding.evidence.find((evidence) => evidence.path?.endsWith('/memory.pressure'))?.path;
  return path?.slice(0, -'/memory.pressure'.length);
}

const reconnect: Playbook = async (finding) => ({
  title: _('Reconnect to the network'),
  explanation: format(
    _('{title}. Reconnecting renews the address and the route, which fixes most stalled connections.'),
    { title: finding.title },
  ),
  actions: [{ name: 'network.reconnect', params: {} }],
});

/** What a link-down finding recorded the link held: "inet 10.0.0.2/24", "route default via 10.0.0.1" (linkDown.ts). */
function heldBefore(finding: FindingWithEvidence) {
  const texts = finding.evidence.filter((evidence) => evidence.kind === 'text').map((evidence) => evidence.text);
  const after = (prefix: RegExp) => texts.flatMap((text) => (prefix.test(text) ? [text.replace(prefix, '')] : []));
  return { addresses: after(/^inet6? /), routes: after(/^route /) };
}

// A link went down: its state now first (switched off, or no carrier, what it lost), and a way up only where a
// manager owns it and the link is switched off: a missing carrier is a cable or the other end, which no command fixes.
const linkDown: Playbook = async (finding, tools) => {
  const name = finding.subject;
  if (!/^[\w.:@-]{1,15}$/.test(name)) return null;
  const show = { name: 'info.link_state', params: { interface: name, ...heldBefore(finding) } };
  const now = await linkNow(name).catch(() => null);
  const manager = await linkManager(tools.context, name).catch(() => ({ kind: 'none' }) as const);
  if (now && !now.adminUp && manager.kind !== 'none') {
    return {
      title: format(_('Bring {name} up again'), { name }),
      explanation: format(
        _(
          '{title}. It was switched off (administratively down); {manager} owns it and can bring it up as its settings say.',
        ),
        { title: finding.title, manager: manager.kind },
      ),
      actions: [show, { name: 'network.link_up', params: { interface: name } }],
    };
  }
  if (manager.kind === 'NetworkManager') {
    return {
      title: format(_('See why {name} went down'), { name }),
      explanation: format(
        _(
          '{title}. NetworkManager owns it; the first step shows whether it lost its carrier and what it lost. Reconnecting helps once the carrier is back.',
        ),
        { title: finding.title },
      ),
      actions: [show, { name: 'network.reconnect', params: { interface: name } }],
    };
  }
  return {
    title: format(_('See why {name} went down'), { name }),
    explanation: format(
      now && now.adminUp && !now.carrier
        ? _(
            '{title}. It is still switched on but has lost its carrier: the cable, the switch or router at the other end, ' +
              'or the radio link is down, and no command on this computer brings that back. The first step shows what it lost.',
          )
        : _('{title}. The first step shows its state now, what it lost and which network manager owns it.'),
      { title: finding.title },
    ),
    actions: [show],
  };
};

/** Links shown for a lost default route; a machine has a few, a host with containers many more. */
const ROUTE_LINKS_SHOWN = 4;

// The default route is gone: the links it could leave through first (up, with a carrier), with their addresses and
// routes now, and a way back only where a manager owns such a link and configures its routes again.
const noRoute: Playbook = async (finding, tools) => {
  const links = await Promise.all(
    (await networkLinks().catch(() => [])).map(async (name) => ({
      name,
      now: await linkNow(name).catch(() => null),
      manager: await linkManager(tools.context, name).catch(() => ({ kind: 'none' }) as const),
    })),
  );
  // The finding recorded where the default route went out ("route default via 10.0.0.1 dev eth0"): that link first.
  const wentOut = heldBefore(finding).routes.flatMap((route) => /\bdev ([\w.:@-]{1,15})$/.exec(route)?.[1] ?? []);
  const rank = ({ name, now, manager }: (typeof links)[number]) =>
    (wentOut.includes(name) ? 0 : 4) + (now?.adminUp && now.carrier ? 0 : 2) + (manager.kind === 'none' ? 1 : 0);
  const shown = links.sort((a, b) => rank(a) - rank(b)).slice(0, ROUTE_LINKS_SHOWN);
  const actions: CandidateAction[] = shown.map(({ name }) => ({
    name: 'info.link_state',
    params: { interface: name },
  }));
  const usable = shown.filter(({ now }) => now?.adminUp && now.carrier);
  const networkd = usable.find(({ manager }) => manager.kind === 'systemd-networkd');
  const networkManager = usable.find(({ manager }) => manager.kind === 'NetworkManager');
  if (networkd) {
    return {
      title: format(_('Put the default route back on {name}'), { name: networkd.name }),
      explanation: format(
        _(
          '{title}. {name} is up and has a carrier, and systemd-networkd owns it: configuring it again puts back the routes its settings give it. ' +
            'The first step shows its addresses and routes now.',
        ),
        { title: finding.title, name: networkd.name },
      ),
      actions: [...actions, { name: 'network.reconfigure_link', params: { interface: networkd.name } }],
    };
  }
  if (networkManager) {
    return {
      title: format(_('Put the default route back on {name}'), { name: networkManager.name }),
      explanation: format(
        _(
          '{title}. {name} is up and has a carrier, and NetworkManager owns it: reconnecting renews its address and routes. ' +
            'The first step shows its addresses and routes now.',
        ),
        { title: finding.title, name: networkManager.name },
      ),
      actions: [...actions, { name: 'network.reconnect', params: { interface: networkManager.name } }],
    };
  }
  return {
    title: _('See why the default route is gone'),
    explanation: format(
      usable.length > 0
        ? _(
            '{title}. No network manager owns the links that are up ({names}): the route was set by hand or by a script, ' +
              'and only that brings it back. The first step shows each link’s addresses and routes now.',
          )
        : _(
            '{title}. No link is up with a carrier ({names}): the route goes with it. The first step shows each link’s state now.',
          ),
      {
        title: finding.title,
        names: (usable.length > 0 ? usable : shown).map(({ name }) => name).join(', ') || _('none'),
      },
    ),
    actions,
  };
};

// A captive portal: the network lets nothing through until someone signs in on its page.
const captivePortal: Playbook = async (finding) => ({
  title: _('Sign in to the network'),
  explanation: format(
    _(
      '{title}. The network answers NetworkManager’s connectivity check with its own page: it lets nothing through until you sign in there. ' +
        'The step opens that check’s address in your web browser, which the network sends on to its sign-in page.',
    ),
    { title: finding.title },
  ),
  actions: [{ name: 'network.open_portal', params: {} }],
});

/** A failure the journal tells of a link: reconnect where NetworkManager runs, else the link's own state and way up. */
// NetworkManager's own reason for a failed activation: "device (eth0): state change: ip-config -> failed (reason
// 'ip-config-unavailable', managed-type: 'full')".
const NM_FAILED_REASON = /-> failed \(reason '([a-z0-9-]{1,40})'/;

// A device NetworkManager tried to connect and could not (it has its carrier): reconnecting has no active connection
// to take down, and only a cause that went away (a DHCP server answering again) makes connecting again work. What
// NetworkManager tried and the reason it gave come first.
async function activationFailed(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft | null> {
  const name = finding.subject;
  if (!/^[\w.:@-]{1,15}$/.test(name)) return null;
  if (!notConnected(await managedDeviceState(tools.context, name).catch(() => null))) return null;
  const reason = finding.evidence.map((evidence) => NM_FAILED_REASON.exec(evidence.text)?.[1]).find(Boolean);
  return {
    title: format(_('See why NetworkManager could not connect {name}'), { name }),
    explanation: format(
      _(
        '{title}. NetworkManager tried to connect it and gave up{reason}. The first step shows how it tries (by DHCP, ' +
          'and how long it waits, or a fixed address), what it holds now and the reason it gave; connecting again ' +
          'helps once the cause is gone (a DHCP server that answers again, a network in range again).',
      ),
      { title: finding.title, reason: reason ? format(_(" (reason '{reason}')"), { reason }) : '' },
    ),
    actions: [
      { name: 'info.network_device', params: reason ? { interface: name, reason } : { interface: name } },
      { name: 'network.connect_device', params: { interface: name } },
    ],
  };
}

const networkFailure: Playbook = async (finding, tools) => {
  const failedActivation = await activationFailed(finding, tools);
  if (failedActivation) return failedActivation;
  const viaNetworkManager = await reconnect(finding, tools);
  const step = viaNetworkManager?.actions[0];
  const preview = step && (await tools.preview(step));
  // No active connection to reconnect: the link's own state, where the finding names one.
  if (preview && !preview.changesNothing) return viaNetworkManager;
  return finding.subject ? linkDown(finding, tools) : viaNetworkManager;
};

// The failed connection is not active, so a reconnect would take down another, working one: the device that
// failed is connected again instead, and NetworkManager's secret agent (GNOME's dialog) asks for the password.
const wifiSecrets: Playbook = async (finding) => {
  const name = finding.subject;
  if (!/^[\w.:@-]{1,15}$/.test(name)) return null;
  return {
    title: format(_('Connect {name} to the Wi-Fi network again'), { name }),
    explanation: format(
      _(
        '{title}. The network asked for its password and none was given (a wrong or forgotten password, ' +
          'or the keyring was locked). Connecting again asks for it; if it keeps failing, check the password in Settings → Wi-Fi.',
      ),
      { title: finding.title },
    ),
    actions: [{ name: 'network.connect_device', params: { interface: name } }],
  };
};

// systemd-resolved's own words for an answer that did not validate (resolved-dns-transaction.c).
const DNSSEC_FAILED = /DNSSEC validation failed/;
const RESOLVED_UNIT = 'systemd-resolved.service';
// resolved's stub listeners: a resolv.conf that names one depends on resolved running.
const RESOLVED_STUB = /^\s*nameserver\s+127\.0\.0\.5[34]\s*$/m;

/** The resolver's unit when resolv.conf sends every lookup to it and it is not running now. */
async function resolverDown(tools: PlaybookTools): Promise<{ unit: string; scope: 'system'; state: string } | null> {
  const conf = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  if (!RESOLVED_STUB.test(conf)) return null;
  const status = await unitStatusOrNull(RESOLVED_UNIT, 'system', tools);
  if (!status || status.activeState === 'active' || status.activeState === 'activating') return null;
  return { unit: RESOLVED_UNIT, scope: 'system', state: status.activeState };
}

const dnsFailure: Playbook = async (finding, tools) => {
  const server = isIP(finding.subject) ? finding.subject : undefined;
  const show = { name: 'info.dns_servers', params: server ? { server } : {} };
  const resolver = await resolverState(tools.context).catch(() => null);
  if (finding.evidence.some((evidence) => DNSSEC_FAILED.test(evidence.text)) || finding.title.startsWith('DNSSEC')) {
    const inUse = resolver?.scopes.flatMap((scope) => (scope.current ? [scope.current] : [])) ?? [];
    return {
      title: _('See which DNS answer did not validate'),
      explanation: format(
        _(
          '{title}. systemd-resolved checked the answer’s DNSSEC signatures and they did not hold{servers}. ' +
            'When only this name fails, its owner’s signatures are wrong (expired, missing keys) and only they can fix it; ' +
            'when every name fails, the server or the network in between drops DNSSEC’s records, or the clock is wrong. ' +
            'Flushing the cache asks the same server again and changes nothing; turning validation off (DNSSEC=allow-downgrade ' +
            'or no in resolved.conf) is a choice about trust that Steward leaves to you.',
        ),
        {
          title: finding.title,
          servers: inUse.length > 0 ? format(_(' (asked: {servers})'), { servers: inUse.join(', ') }) : '',
        },
      ),
      actions: [show, logsStep(finding)],
    };
  }
  const down = resolver ? null : await resolverDown(tools);
  if (down) {
    return {
      title: format(_('Start the DNS resolver ({unit})'), { unit: down.unit }),
      explanation: format(
        _(
          '{title}. /etc/resolv.conf sends every lookup to systemd-resolved, which is {state}: no name resolves until it runs again.',
        ),
        { title: finding.title, state: down.state },
      ),
      actions: [
        { name: 'systemd.restart_unit', params: { unit: down.unit, scope: down.scope } },
        logsStep(finding, { unit: down.unit, scope: down.scope }),
      ],
    };
  }
  if (!resolver) {
    return {
      title: _('See which DNS servers this machine uses'),
      explanation: format(
        _(
          '{title}. This machine does not resolve through systemd-resolved: the first step shows the servers ' +
            '/etc/resolv.conf names and what wrote it. Steward changes no resolver it does not manage through its own ' +
            'D-Bus API, so nothing is run: the program that wrote the file (or its network settings) is where to change them.',
        ),
        { title: finding.title },
      ),
      actions: [show, logsStep(finding)],
    };
  }
  return {
    title: server
      ? format(_('See why DNS server {server} fails'), { server })
      : _('See which DNS server this machine asks'),
    explanation: format(
      server
        ? _(
            '{title}. systemd-resolved fell back to plainer queries with {server}: the server (or something between) ' +
              'dropped or garbled its answers. The first step shows which servers are configured and which is in use; ' +
              'once the network is fine again, resolved can be told to retry the server’s full features. ' +
              'A server that never answers has to be replaced in the network settings.',
          )
        : _(
            '{title}. The first step shows which DNS servers are configured and which one is in use: a lookup that ' +
              'fails on every name points at that server or the link to it, not at a cache.',
          ),
      { title: finding.title, server: server ?? '' },
    ),
    actions: [show, ...(server ? [{ name: 'network.reset_dns_features', params: {} }] : []), logsStep(finding)],
  };
};

// The unit worked with the files as they were before the change: put those versions back, the difference shown
// first. Until a file changed again since the failure (restored, or mended by hand) a restart reads the same file and
// fails the same way, so it is offered only then; what systemd recorded of the failed run comes last. Where no file
// can be put back (a system file, no copy kept), the failed unit's own steps, as this proposal stands in for the
// unit's.
const configChanged: Playbook = async (finding, tools) => {
  const paths = [...new Set(finding.evidence.flatMap((evidence) => (evidence.path ? [evidence.path] : [])))];
  if (paths.length === 0) return null;
  const restores = paths.map((path) => ({ name: 'config.restore', params: { path } }));
  const known = await knownUnit(finding, tools);
  const restorable = (await Promise.all(restores.map((restore) => tools.preview(restore)))).some(Boolean);
  if (known && !restorable) return unitFailed(finding, tools);
  const changed = known && (await changeSinceFailure(known.unit, known.scope, finding.lastSeen, tools, paths));
  const record = known ? [unitRecordStep(known)] : [];
  const title = format(_('Put back the configuration {unit} worked with'), { unit: finding.subject });
  if (known && changed) {
    return {
      title,
      explanation: format(
        _(
          '{title}. Steward kept the version from before the change. Since the failure, {change}: a restart ' +
            'may now succeed.',
        ),
        { title: finding.title, change: changed },
      ),
      actions: [...restores, { name: 'systemd.restart_unit', params: known }, ...record],
    };
  }
  return {
    title,
    explanation: format(
      _(
        '{title}. The file changed shortly before the failure; Steward kept the version from before. ' +
          'Restoring it shows the difference first, and can be undone; once the file is back, Steward offers ' +
          'to restart the unit.',
      ),
      { title: finding.title },
    ),
    actions: [...restores, ...record],
  };
};

/**
 * A daemon named a file and line. What this computer holds now chooses the first step: that line in context
 * where the file is there to read; else the daemon's own check of the file, where one is installed; else the
 * daemon's own lines around the error. The last known-good copy follows where Steward kept one (the proposer
 * drops the steps that do not fit).
 */
const configError: Playbook = async (finding, tools) => {
  const named = finding.evidence.filter((evidence) => evidence.path).at(-1);
  const logs = logsStep(finding, undefined, OWN_LINES);
  if (!named?.path)
    return readLogs(finding, _('Read the configuration error'), _('The log says which setting is wrong.'), OWN_LINES);
  const { path, line } = named;
  const show = line ? { name: 'config.show_error', params: { path, line } } : null;
  const validate = { name: 'config.validate', params: { path } };
  const restore = { name: 'config.restore', params: { path } };
  const [shown, checked] = await Promise.all([show && tools.preview(show), tools.preview(validate)]);
  const facts = {
    title: finding.title,
    path,
    where: line ? format(_('line {line} of {path}'), { line, path }) : path,
    reporter: finding.reportedBy,
    evidence: format(_('The evidence: “{line}”.'), { line: named.text }),
  };
  if (show && shown) {
    return {
      title: format(_('Fix the error in {path}'), { path }),
      explanation: format(
        _(
          '{title}. {reporter} refused {where}: the first step shows that line as the file has it now. The ' +
            'program’s own check says whether the file is right once it is changed; and where Steward kept an ' +
            'earlier version that worked, it can be put back. {evidence}',
        ),
        facts,
      ),
      actions: [show, validate, restore, logs],
    };
  }
  if (checked) {
    return {
      title: format(_('Check {path} with its program’s own validator'), { path }),
      explanation: format(
        _(
          '{title}. {reporter} refused {where}. Steward cannot show that line here (the file has no such line now, ' +
            'or you may not read it), so the first step runs the program’s own check of the file, which says ' +
            'whether the error is still there and where. {evidence}',
        ),
        facts,
      ),
      actions: [validate, restore, logs],
    };
  }
  return {
    title: format(_('Read the error reported in {path}'), facts),
    explanation: format(
      _(
        '{title}. {reporter} refused {where}, but {path} is not on this computer now or you may not read it, and no check ' +
          'of the program’s own is installed: its lines around the error say which setting it refused. {evidence}',
      ),
      facts,
    ),
    actions: [logs, restore],
  };
};

// What crashed: systemd-coredump's report where it kept one (the stack trace), else what systemd recorded of the
// unit whose process died (the signal, the program and its package, where the core went), then the lines.
const crash: Playbook = async (finding, tools) => {
  const title = format(_('See why {program} crashed'), { program: finding.subject || _('a program') });
  const report = finding.kind === 'coredump' ? finding.evidence.find((evidence) => evidence.cursor) : undefined;
  const advice = _(
    'The lines before the crash usually say what it was doing; a crash that repeats after an update is worth reporting to its developers.',
  );
  const known = await knownUnit(finding, tools);
  const recorded = known ? await recordedEnd(known, tools) : null;
  if (!report?.cursor) {
    const draft = readLogs(finding, title, advice);
    if (!known || recorded === null) return draft;
    return {
      ...draft,
      explanation: format(
        _(
          '{title}. {recorded} The first step shows what systemd recorded: the program, the package it comes from ' +
            'and its version, and whether a core was kept; that is what its developers need in a bug report. {advice}',
        ),
        { title: finding.title, recorded, advice },
      ),
      actions: [unitRecordStep(known), ...draft.actions],
    };
  }
  const { scope, directory } = journalPlace(finding);
  return {
    title,
    explanation: format(
      _(
        '{title}. The crash report shows the signal, the program, its package and version and the stack trace, ' +
          'as coredumpctl info does: that is what its developers need in a bug report. {advice}',
      ),
      { title: finding.title, advice },
    ),
    actions: [
      { name: 'info.coredump', params: { cursor: report.cursor, scope, ...(directory && { directory }) } },
      ...(await crashUpdateStep({ cursor: report.cursor, scope, ...(directory && { directory }) }, tools)),
      ...(known && recorded !== null ? [unitRecordStep(known)] : []),
      logsStep(finding),
    ],
  };
};

/**
 * packages.update for the crashed program's package when PackageKit has an update for it waiting: a fixed
 * crash is often just that. Nothing for a Flatpak app (its files are not the host's packages), nor where
 * PackageKit cannot say.
 */
async function crashUpdateStep(
  place: { cursor: string; scope: 'user' | 'system'; directory?: string },
  tools: PlaybookTools,
): Promise<{ name: string; params: { name: string } }[]> {
  if (!tools.context.systemBus) return [];
  try {
    // The finding's own journal directory is one the service follows.
    const fields = await crashFieldsAt(place, { directories: () => (place.directory ? [place.directory] : []) });
    const crashed = fields && (await crashedPackage(tools.context, fields));
    return crashed?.update ? [{ name: 'packages.update', params: { name: crashed.name } }] : [];
  } catch (error) {
    tools.context.log.debug('no update lookup for a crashed program', { error: String(error) });
    return [];
  }
}

// The kill's own numbers first (what, how much it held, the limit of the unit it ran in, memory and swap now);
// the lines after. Nothing is restarted: what was killed may be started again by its manager or by the person,
// and doing so before memory is freed invites the next kill.
const oomKill: Playbook = async (finding, tools) => {
  const draft = readLogs(
    finding,
    _('See what ran out of memory'),
    _(
      'The kernel or systemd-oomd ended a process to free memory. The first step shows which one, how much it held, ' +
        'the memory limit of the service it ran in and the memory and swap free now; closing memory-hungry ' +
        'programs, raising a limit that is too low, or adding swap helps.',
    ),
  );
  const { directory } = journalPlace(finding);
  const known = await knownUnit(finding, tools);
  // A few seconds before the first evidence: the kernel's summary line comes just before the kill it reports.
  const since = new Date(finding.firstSeen.getTime() - OOM_LINES_BEFORE_MS).toISOString();
  const show = {
    name: 'info.oom_kill',
    params: { since, ...known, ...(directory && { directory }) },
  };
  return { ...draft, actions: [show, ...draft.actions] };
};

/** The mount of the block device `name` ("sda1", "nvme0n1p2", "dm-0") as /proc/self/mounts has it now. */
async function mountOfDevice(name: string): Promise<{ point: string; type: string; readOnly: boolean } | null> {
  if (!/^[\w.-]+$/.test(name)) return null;
  return mountOfBlockDevice(name, await readFile('/proc/self/mounts', 'utf8').catch(() => ''));
}

/** What the machine says now of the device a storage finding names: where it is mounted, and whether read-only. */
async function deviceState(finding: FindingWithEvidence): Promise<string> {
  const device = finding.subject.replace(/^\/dev\//, '');
  const mount = device ? await mountOfDevice(device) : null;
  if (!device) return '';
  if (!mount) return format(_('{device} is not mounted now.'), { device: `/dev/${device}` });
  return format(
    mount.readOnly
      ? _('{device} ({type}) is mounted on {point} and is now read-only: the kernel stopped writing to protect it.')
      : _('{device} ({type}) is mounted on {point}, still writable.'),
    { device: `/dev/${device}`, type: mount.type, point: mount.point },
  );
}

/** The device's health first (UDisks2; dropped where it does not know the device), then the lines. */
async function storageDraft(
  finding: FindingWithEvidence,
  title: string,
  advice: string,
  first: CandidateAction[] = [],
): Promise<ProposalDraft> {
  const device = finding.subject.replace(/^\/dev\//, '');
  const draft = readLogs(finding, title, [await deviceState(finding), advice].filter(Boolean).join(' '));
  const health = { name: 'info.disk_health', params: { device } };
  return /^[a-z][a-z0-9_-]*$/.test(device)
    ? { ...draft, actions: [...first, health, ...draft.actions] }
    : { ...draft, actions: [...first, ...draft.actions] };
}

/** A loop device's data is a file: its errors are that file's storage failing, not a drive that SMART knows. */
const LOOP_DEVICE = /^loop\d+$/;

/** What the kernel says of a loop device's file now, for the explanation; a detached one has none. */
async function loopFileState(device: string): Promise<string> {
  const backing = await loopBacking(device);
  if (!backing) return format(_('/dev/{device} is a loop device, attached to no file now.'), { device });
  return format(
    backing.deleted
      ? _(
          '/dev/{device} is a loop device: its data is the file {file}, deleted since, so these errors are reading or writing that file failing.',
        )
      : _(
          '/dev/{device} is a loop device: its data is the file {file}, so these errors are reading or writing that file failing, in the file system that holds it (a FUSE or network file system, or the disk under it).',
        ),
    { device, file: cleanLine(backing.file) },
  );
}

// A drive UDisks2 knows: its SMART health first, then what the kernel publishes of it. A loop device, or a disk
// UDisks2 does not know (it does not run, or the device is not its): what the kernel publishes (sysfs), which for
// a loop device names the file behind it and the file system that file is on.
const storageError: Playbook = async (finding, tools) => {
  const device = finding.subject.replace(/^\/dev\//, '');
  const line = finding.evidence[0]?.text;
  const evidence = line ? format(_('The kernel reported: “{line}”.'), { line: cleanLine(line) }) : '';
  const title = _('Check the disk that reported errors');
  if (!/^[a-z][a-z0-9_-]*$/.test(device)) {
    return readLogs(finding, title, [evidence, _('The log shows which sectors failed.')].filter(Boolean).join(' '));
  }
  const kernelView = { name: 'info.block_device', params: { device } };
  if (LOOP_DEVICE.test(device)) {
    const draft = readLogs(
      finding,
      _('Check the file behind the loop device that reported errors'),
      [
        evidence,
        await loopFileState(device),
        _(
          'Copy what matters from it while it still reads. The first step shows the file, the file system it is on and where the loop device is mounted.',
        ),
      ]
        .filter(Boolean)
        .join(' '),
    );
    return { ...draft, actions: [kernelView, ...draft.actions] };
  }
  const health = { name: 'info.disk_health', params: { device } };
  const smart = (await tools.preview(health)) !== null;
  const shown = await tools.preview(kernelView);
  const kernelKnows = shown !== null && !shown.changesNothing;
  const next = smart
    ? kernelKnows
      ? _('The first step shows the drive’s own health (SMART); the next, what the kernel knows of it.')
      : _('The first step shows the drive’s own health (SMART).')
    : format(
        kernelKnows
          ? _(
              'UDisks2 does not run here or does not know {device}, so the drive’s own health (SMART) cannot be read: the first step shows what the kernel knows of it (size, model, error counters, mounts).',
            )
          : _(
              'UDisks2 does not run here or does not know {device}, and the kernel has no disk of that name now: the log shows what failed.',
            ),
        { device },
      );
  const draft = readLogs(
    finding,
    title,
    [
      evidence,
      await deviceState(finding),
      _('A disk that reports read or write errors may be failing: back up what matters now, before anything else.'),
      next,
    ]
      .filter(Boolean)
      .join(' '),
  );
  return { ...draft, actions: [...(smart ? [health] : []), ...(kernelKnows ? [kernelView] : []), ...draft.actions] };
};

// What the kernel recorded of the file system first (its error count, the first and last error, read-only or
// not: /sys/fs/ext4/DEV or Btrfs's counters, readable without UDisks2), then the drive's health where UDisks2
// knows it, then the lines.
const filesystemError: Playbook = async (finding, tools) => {
  const device = finding.subject.replace(/^\/dev\//, '');
  const line = finding.evidence[0]?.text;
  const evidence = line ? format(_('The kernel reported: “{line}”.'), { line: cleanLine(line) }) : '';
  const repair = _(
    'A damaged file system can lose data: back up what matters now. A check (fsck) cannot repair a mounted ' +
      'file system; it runs at the next boot when the boot asks for it (fsck.mode=force on the kernel command ' +
      'line), or on the unmounted device.',
  );
  const show = { name: 'info.filesystem_errors', params: { device } };
  // Its preview is empty where nothing of the device is mounted and the kernel keeps nothing of it.
  const shown = /^[a-z][a-z0-9_-]*$/.test(device) ? await tools.preview(show) : null;
  const known = shown !== null && !shown.changesNothing;
  return storageDraft(
    finding,
    _('Check the file system that reported errors'),
    [
      evidence,
      repair,
      known
        ? _(
            'The first step shows what the kernel recorded of its errors, where it is mounted and the commands that ' +
              'check it; the next, the drive’s health (SMART) where UDisks2 knows the drive.',
          )
        : _('The first step shows the drive’s health (SMART).'),
    ]
      .filter(Boolean)
      .join(' '),
    known ? [show] : [],
  );
};

/** NVIDIA's words for libraries newer (or older) than the kernel module still loaded. */
const DRIVER_MISMATCH = /API mismatch|version mismatch/i;

/** The kernel's words for a PCI device that stopped answering (NVIDIA's Xid 79, PCIe "fallen off the bus"). */
const OFF_THE_BUS = /fallen off the bus|Xid \(PCI:[^)]*\): 79\b/i;

const gpuFault: Playbook = async (finding) => {
  if (finding.evidence.some((evidence) => DRIVER_MISMATCH.test(evidence.text))) {
    const draft = readLogs(
      finding,
      _('See which NVIDIA driver versions differ'),
      _(
        'The driver was updated, but the kernel still runs its old module, so programs that use the GPU fail. ' +
          'The first step shows the loaded module’s version beside the installed packages’ and names the package ' +
          'that aligns them; usually restarting the computer loads the new module.',
      ),
    );
    // Dropped by the proposer where this computer has no NVIDIA module nor package to compare.
    return { ...draft, actions: [{ name: 'info.gpu_driver_versions', params: {} }, ...draft.actions] };
  }
  if (finding.evidence.some((evidence) => OFF_THE_BUS.test(evidence.text))) {
    // Nothing a program can run brings the device back: only a power cycle does.
    return readLogs(
      finding,
      _('The graphics card stopped answering'),
      _(
        'The card fell off the PCI bus: no command brings it back while the computer runs, so Steward runs none. ' +
          'Save your work and shut down fully (not only restart); if it happens again, check the card’s power and seating, and its temperature.',
      ),
    );
  }
  return readLogs(
    finding,
    _('See what the graphics driver reported'),
    _(
      'The graphics driver reported a fault. After a driver update, a restart of the computer loads the matching driver; ' +
        'a fault that repeats is worth reporting with these log lines.',
    ),
  );
};

// Who and from where, in the words sshd and pam_unix print: "Failed password for invalid user admin from 203.0.113.9
// port 4242 ssh2", "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root".
const AUTH_USER = /(?:for (?:invalid user )?|\buser=)([\w.@-]+)/;
const AUTH_FROM = /(?:\bfrom |\brhost=)([\w.:-]+)/;

/** "root, admin from 203.0.113.9": the names and addresses the failed attempts' lines give, most frequent first. */
function whoAndWhere(texts: readonly string[]): string {
  const top = (pattern: RegExp) => {
    const counts = new Map<string, number>();
    for (const text of texts) {
      const value = pattern.exec(text)?.[1];
      if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([value]) => value);
  };
  const users = top(AUTH_USER);
  const from = top(AUTH_FROM);
  if (users.length === 0 && from.length === 0) return '';
  return format(_('Attempts as {users} from {from}.'), {
    users: users.join(', ') || '?',
    from: from.join(', ') || _('this computer'),
  });
}

// Who was tried and from where, counted over the reporting program's lines, comes first; the lines themselves
// after. Blocking an address is a choice about the network that Steward leaves to a later, explicit step.
const authFailures: Playbook = async (finding) => {
  const draft = readLogs(
    finding,
    _('See the failed sign-in attempts'),
    [
      whoAndWhere(finding.evidence.map((evidence) => evidence.text)),
      _(
        'The first step counts the attempts by user and address over every line the program that reported them ' +
          'wrote since they began; the log shows them. Mistyped passwords are harmless; attempts you did not make are not.',
      ),
    ]
      .filter(Boolean)
      .join(' '),
    OWN_LINES,
  );
  const { scope, directory, cursor } = journalPlace(finding);
  if (!cursor) return draft;
  // The finding is raised at the failure that reached the threshold: the ones before it, within the detector's
  // window, belong to it too.
  const since = new Date(finding.firstSeen.getTime() - AUTH_WINDOW_MS).toISOString();
  const tally = { name: 'info.auth_attempts', params: { cursor, since, scope, ...(directory && { directory }) } };
  return { ...draft, actions: [tally, ...draft.actions] };
};

// The lock files apt, dpkg and rpm name when another process holds them ("Could not get lock /var/lib/dpkg/lock-frontend").
const LOCK_FILE =
  /(\/var\/lib\/dpkg\/lock(?:-frontend)?|\/var\/lib\/apt\/lists\/lock|\/var\/cache\/apt\/archives\/lock|\/(?:var\/lib|usr\/lib\/sysimage)\/rpm\/\.rpm\.lock)\b/;
// apt's words for a dpkg run that stopped half-way ("E: dpkg was interrupted, you must manually run 'dpkg --configure -a'").
const DPKG_INTERRUPTED = /dpkg was interrupted/;
// A run that ended on an error of its own rather than being cut off: dpkg's "error processing package x
// (--configure)", a maintainer script's "… post-installation script subprocess returned error exit status 1", apt's
// "Sub-process /usr/bin/dpkg returned an error code (1)". Running it again fails the same way until that is fixed.
const DPKG_RUN_FAILED =
  /dpkg: error processing |script (?:subprocess )?returned error exit status|Sub-?process \S*dpkg returned an error code/;

const packageManagerError: Playbook = async (finding, tools) => {
  const texts = finding.evidence.map((evidence) => evidence.text);
  const lock = texts.map((text) => LOCK_FILE.exec(text)?.[1]).find(Boolean);
  if (lock) {
    const step = { name: 'info.lock_holder', params: { path: lock } };
    const holder = await tools.preview(step);
    if (holder && !holder.changesNothing) {
      return {
        title: format(_('See which process holds {path}'), { path: lock }),
        explanation: format(
          _(
            '{title}. Another package run holds the lock ({holder}); let it finish, or close the program that runs it. ' +
              'Deleting the lock file is never the fix: two runs at once can break the package database.',
          ),
          { title: finding.title, holder: holder.details.join('; ') },
        ),
        actions: [step, logsStep(finding, undefined, OWN_LINES)],
      };
    }
    return readLogs(
      finding,
      _('See what held the package manager’s lock'),
      format(_('No process holds {path} now: the run that held it has ended, and the next one can proceed.'), {
        path: lock,
      }),
      OWN_LINES,
    );
  }
  // dpkg's own database, where the finding came from it: a run's journal left behind is a run cut off; a package
  // left part-way with no journal, a run that ended on an error (its output may have gone to a terminal).
  const readIn = (path: string) => finding.evidence.some((evidence) => evidence.path === path);
  const interrupted = texts.some((text) => DPKG_INTERRUPTED.test(text)) || readIn(DPKG_UPDATES);
  const failed = texts.some((text) => DPKG_RUN_FAILED.test(text)) || readIn(DPKG_STATUS);
  // dpkg's own database says what is left: the step is offered only while there is something to finish.
  const repair = { name: 'packages.repair_system', params: {} };
  const unfinished = interrupted || failed ? await tools.preview(repair) : null;
  if (unfinished && !unfinished.changesNothing) {
    const evidence =
      texts.find((text) => DPKG_INTERRUPTED.test(text) || DPKG_RUN_FAILED.test(text)) ?? cleanLine(texts[0] ?? '');
    if (interrupted) {
      return {
        title: _('Finish the interrupted package installation'),
        explanation: format(
          _(
            '{title}. A dpkg run stopped half-way, and no package can be installed until it is finished: the step ' +
              'lists what dpkg’s database says is left, and finishes it as `dpkg --configure -a` does; it cannot be ' +
              'undone. The evidence: “{evidence}”.',
          ),
          { title: finding.title, evidence },
        ),
        actions: [repair, logsStep(finding, undefined, OWN_LINES)],
      };
    }
    // dpkg ended on an error of its own (a package's script failed): finishing again fails the same way first.
    return {
      title: _('See why the package installation failed'),
      explanation: format(
        _(
          '{title}. dpkg stopped on an error of its own, such as a package’s script that failed; finishing the run ' +
            'again fails the same way until the log’s cause is fixed, then “Finish an interrupted package ' +
            'installation” completes it. The first step shows which packages dpkg’s database holds unfinished, in ' +
            'which state, and the script that runs again. The evidence: “{evidence}”.',
        ),
        { title: finding.title, evidence },
      ),
      actions: [{ name: 'info.dpkg_audit', params: {} }, logsStep(finding, undefined, OWN_LINES), repair],
    };
  }
  if (interrupted) {
    return readLogs(
      finding,
      _('See what interrupted the package installation'),
      _(
        'A dpkg run stopped half-way, but dpkg’s database shows nothing left to finish now: ' +
          'the run was finished since. The log shows which package failed.',
      ),
      OWN_LINES,
    );
  }
  return readLogs(
    finding,
    _('See what the package manager reported'),
    _(
      'The log shows which package or repository failed; an interrupted update can usually be finished once that is fixed.',
    ),
    OWN_LINES,
  );
};

// Nothing to run: the machine slows itself down to cool off, and the explanation says what helps.
// Heat is looked at before anything is changed: the temperatures against their limits, the throttling, the fans
// and what keeps the processor busy, all only read.
const thermalThrottling: Playbook = async (finding) => {
  const line = finding.evidence[0]?.text;
  return {
    title: _('See what heats the computer'),
    explanation: [
      format(_('{title}. The processor slows down to cool off.'), { title: finding.title }),
      line ? format(_('The kernel reported: “{line}”.'), { line: cleanLine(line) }) : '',
      _(
        'The first step shows the temperatures now against their limits, how often the processor was throttled ' +
          'and how fast it runs now, the fans, and the processes keeping it busy with their units. Clean the ' +
          'vents, keep them free, and close programs that keep it busy.',
      ),
    ]
      .filter(Boolean)
      .join(' '),
    actions: [{ name: 'info.thermal', params: {} }],
  };
};

const PLAYBOOKS: Record<string, Playbook> = {
  'unit-failed': unitFailed,
  'crash-loop': crashLoop,
  'disk-low': diskSpace,
  'disk-critical': diskSpace,
  'no-space': diskSpace,
  'inode-exhaustion': inodeExhaustion,
  'memory-pressure': memoryPressure,
  'no-connectivity': reconnect,
  'network-failure': networkFailure,
  'link-down': linkDown,
  'no-route': noRoute,
  'captive-portal': captivePortal,
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
  ...desktopPlaybooks(),
};

/**
 * Steps whose verification observes the finding's own problem gone: dpkg's database with nothing left to finish,
 * the unit active again. A fix verified this way resolves its finding; where nothing else would say so (no line
 * tells that dpkg's run was finished, nor that a crash loop ended), the finding would otherwise stay active.
 */
const RESOLVED_WHEN_VERIFIED: Record<string, readonly string[]> = {
  'package-manager-error': ['packages.repair_system'],
  'crash-loop': ['systemd.start_unit', 'systemd.restart_unit'],
  'unit-failed': ['systemd.start_unit', 'systemd.restart_unit'],
  'config-changed-before-failure': ['systemd.restart_unit'],
};

/** Whether `action`, verified fixed, shows a finding of `kind` resolved. */
export function resolvesWhenVerified(kind: string, action: string): boolean {
  return RESOLVED_WHEN_VERIFIED[kind]?.includes(action) ?? false;
}

/** The playbook's draft for a finding, or null when Steward knows no fix for it. */
export async function draftFor(finding: FindingWithEvidence, tools: PlaybookTools): Promise<ProposalDraft | null> {
  return (await PLAYBOOKS[finding.kind]?.(finding, tools)) ?? null;
}

export const PLAYBOOK_KINDS = Object.keys(PLAYBOOKS);
