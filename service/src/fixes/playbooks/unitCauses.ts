// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the machine shows now of why a unit failed, where its own lines do not say: a missing program's package,
// a masked requirement, a port another process holds, the user it runs as.
import { missingExecutableIn } from '../../findings/detectors/unitFailed.js';
import type { FindingWithEvidence } from '../../findings/store.js';
import { _, format } from '../../i18n.js';
import { journalctl } from '../actions/journalctl.js';
import { packagesProviding } from '../actions/packageKit.js';
import { UnitManager } from '../actions/systemdUnits.js';
import { writtenMounts } from '../causeCheck.js';
import type { FailureCause } from '../failureCause.js';
import { isActionableUnit, type PlaybookTools } from '../playbookSteps.js';
import { mountOf } from './mounts.js';

/** The package that would provide the program a unit could not find, when the evidence names one and PackageKit knows it. */
export async function missingPackage(finding: FindingWithEvidence, tools: PlaybookTools) {
  const executable = finding.evidence.map((evidence) => missingExecutableIn(evidence.text)).find(Boolean);
  if (!executable || !tools.context.systemBus) return null;
  const [name] = await packagesProviding(tools.context, executable).catch((error: Error) => {
    tools.context.log.debug('no package lookup for a missing program', { executable, error: error.message });
    return [];
  });
  return name ? { executable, name } : null;
}

/**
 * A unit it requires that systemd holds masked now: no start of it can succeed, whatever its last run's lines say
 * (a process killed from outside looks passing, but systemd's restart is refused).
 */
export async function maskedRequirement(
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

/** Whether a process holds `port` now (info.port_holder's preview is empty where none does). */
async function portHeld(port: number, tools: PlaybookTools): Promise<boolean> {
  const holder = await tools.preview({ name: 'info.port_holder', params: { port } });
  return holder !== null && !holder.changesNothing;
}

/** Whether the unit's processes run as a user other than root: a user's unit, or a system unit with User=. */
export async function runsUnprivileged(unit: string, scope: 'user' | 'system', tools: PlaybookTools): Promise<boolean> {
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
export async function heldListenPort(
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

/**
 * The unit whose process wrote the finding's first journal line, by journald's trusted fields (_SYSTEMD_UNIT, or
 * _SYSTEMD_USER_UNIT in a user's journal), read again at its cursor; null where the line is in no journal this
 * machine has, or no unit's process wrote it.
 */
async function writerUnit(finding: FindingWithEvidence): Promise<{ unit: string; scope: 'user' | 'system' } | null> {
  const line = finding.evidence.find((evidence) => evidence.kind === 'journal' && evidence.cursor);
  if (!line?.cursor || (line.journal !== 'system' && line.journal !== 'user')) return null;
  const { stdout } = await journalctl([
    line.journal === 'user' ? '--user' : '--system',
    '--output=json',
    '--output-fields=_SYSTEMD_UNIT,_SYSTEMD_USER_UNIT',
    `--cursor=${line.cursor}`,
    '--lines=1',
  ]).catch(() => ({ stdout: '' }));
  const entry = stdout.split('\n').find(Boolean);
  if (!entry) return null;
  const fields = JSON.parse(entry) as { _SYSTEMD_UNIT?: unknown; _SYSTEMD_USER_UNIT?: unknown };
  const user = typeof fields._SYSTEMD_USER_UNIT === 'string' ? fields._SYSTEMD_USER_UNIT : undefined;
  const system = typeof fields._SYSTEMD_UNIT === 'string' ? fields._SYSTEMD_UNIT : undefined;
  const found = user
    ? { unit: user, scope: 'user' as const }
    : system
      ? { unit: system, scope: 'system' as const }
      : null;
  return found && isActionableUnit(found.unit) && !/^user@\d+\.service$/.test(found.unit) ? found : null;
}

/**
 * The file system a line without a path was about: the first full one of those its writer's unit writes to (see
 * writtenMounts), or null where the writer ran in no unit or none of them is full.
 */
export async function fullMountOfWriter(finding: FindingWithEvidence, tools: PlaybookTools): Promise<string | null> {
  const writer = await writerUnit(finding).catch(() => null);
  if (!writer) return null;
  const [first] = await writtenMounts(writer, tools.context, mountOf).catch(() => []);
  return first && first !== '/' ? first : null;
}
