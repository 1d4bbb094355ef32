// Actions on systemd units of the user's manager (no polkit) or the system's
// (polkit asks in GNOME's dialog): start, stop, restart, enable, disable.
import { z } from 'zod';
import type { ActionDefinition, Risk, UndoPlan, Verification } from '../action.js';
import { unitName, unitScope } from '../params.js';
import { describeStatus, UnitManager, type JobMethod, type UnitFileChange, type UnitStatus } from './systemdUnits.js';

const unitParams = z.object({ unit: unitName, scope: unitScope });
type UnitParams = z.infer<typeof unitParams>;

const byScope =
  (user: Risk, system: Risk) =>
  ({ scope }: UnitParams): Risk =>
    scope === 'user' ? user : system;

const whose = ({ scope }: UnitParams) =>
  scope === 'user'
    ? "in your user's service manager"
    : "in the system's service manager; the system asks for authorization";

const undo = (action: string, verb: string, unit: string, scope: UnitParams['scope']): UndoPlan => ({
  action,
  params: { unit, scope },
  summary: `${verb} ${unit}`,
});

/** The part that differs between the actions; the rest is shared by unitAction. */
interface UnitOperation {
  name: string;
  title: string;
  /** "Restart", "Restarted". */
  verb: [string, string];
  risk: Risk | ((params: UnitParams) => Risk);
  changesNothing(before: UnitStatus): boolean;
  /** Changes the unit; resolves with what changed beyond the verb, or ''. */
  apply(manager: UnitManager, unit: string, signal: AbortSignal): Promise<string>;
  undo(before: UnitStatus, params: UnitParams): UndoPlan;
  verified(after: UnitStatus): boolean;
  /** What the check shows: the active state or the unit file state. */
  observe(after: UnitStatus): string;
}

function unitAction(operation: UnitOperation): ActionDefinition<UnitParams> {
  const [verb, done] = operation.verb;
  return {
    name: operation.name,
    title: operation.title,
    params: unitParams,
    risk: operation.risk,
    needsAuthorization: ({ scope }) => scope === 'system',
    readOnly: false,
    async preview(params, context) {
      const before = await new UnitManager(context, params.scope).status(params.unit);
      return {
        summary: `${verb} ${params.unit}`,
        details: [operation.observe(before), `${verb} it ${whose(params)}`],
        changesNothing: operation.changesNothing(before),
      };
    },
    async run(params, context, { progress, signal }) {
      const manager = new UnitManager(context, params.scope);
      const before = await manager.status(params.unit);
      progress(null, `${verb} ${params.unit}…`);
      const changed = await operation.apply(manager, params.unit, signal);
      progress(1, `${done} ${params.unit}`);
      return {
        summary: `${done} ${params.unit}${changed ? `: ${changed}` : ''}`,
        undo: operation.undo(before, params),
      };
    },
    async verify(params, context): Promise<Verification> {
      const after = await new UnitManager(context, params.scope).status(params.unit);
      return { ok: operation.verified(after), observed: operation.observe(after) };
    },
  };
}

const isActive = (status: UnitStatus) => status.activeState === 'active';
// A stop whose process exits non-zero on SIGTERM leaves the unit failed: not running either way.
const isStopped = (status: UnitStatus) => status.activeState === 'inactive' || status.activeState === 'failed';
const fileState = (status: UnitStatus) => `${status.unit} is ${status.unitFileState || 'without a unit file'}`;

function job(method: JobMethod) {
  return (manager: UnitManager, unit: string, signal: AbortSignal) =>
    manager.runJob(method, unit, signal).then(() => '');
}

/** "created ~/.config/systemd/user/default.target.wants/backup.service": the links systemd changed. */
const describeChanges = (changes: UnitFileChange[]) =>
  changes.length === 0
    ? 'no links changed'
    : changes.map(([type, file]) => `${type === 'symlink' ? 'created' : 'removed'} ${file}`).join(', ');

const nothingToUndo = (status: UnitStatus, how: string): UndoPlan => ({
  impossible: `nothing to undo: ${status.unit} was already ${how}`,
});

const restart = unitAction({
  name: 'systemd.restart_unit',
  title: 'Restart a service',
  verb: ['Restart', 'Restarted'],
  risk: byScope('low', 'medium'),
  changesNothing: () => false,
  apply: job('RestartUnit'),
  undo: (before, { unit, scope }) =>
    isActive(before)
      ? { impossible: `a restart cannot be undone: ${unit} was running before and is running again` }
      : undo('systemd.stop_unit', 'Stop', unit, scope),
  verified: isActive,
  observe: describeStatus,
});

const start = unitAction({
  name: 'systemd.start_unit',
  title: 'Start a service',
  verb: ['Start', 'Started'],
  risk: byScope('low', 'medium'),
  changesNothing: isActive,
  apply: job('StartUnit'),
  undo: (before, { unit, scope }) =>
    isActive(before) ? nothingToUndo(before, 'running') : undo('systemd.stop_unit', 'Stop', unit, scope),
  verified: isActive,
  observe: describeStatus,
});

const stop = unitAction({
  name: 'systemd.stop_unit',
  title: 'Stop a service',
  verb: ['Stop', 'Stopped'],
  risk: byScope('medium', 'high'),
  changesNothing: (before) => before.activeState === 'inactive',
  apply: job('StopUnit'),
  undo: (before, { unit, scope }) =>
    isStopped(before) ? nothingToUndo(before, 'stopped') : undo('systemd.start_unit', 'Start', unit, scope),
  verified: isStopped,
  observe: describeStatus,
});

const enable = unitAction({
  name: 'systemd.enable_unit',
  title: 'Start a service automatically',
  verb: ['Enable', 'Enabled'],
  risk: 'medium',
  changesNothing: (before) => before.unitFileState === 'enabled',
  apply: (manager, unit) => manager.setEnabled(unit, true).then(describeChanges),
  undo: (before, { unit, scope }) =>
    before.unitFileState === 'enabled'
      ? nothingToUndo(before, 'enabled')
      : undo('systemd.disable_unit', 'Disable', unit, scope),
  verified: (after) => after.unitFileState === 'enabled',
  observe: fileState,
});

const disable = unitAction({
  name: 'systemd.disable_unit',
  title: 'Stop starting a service automatically',
  verb: ['Disable', 'Disabled'],
  risk: byScope('medium', 'high'),
  changesNothing: (before) => before.unitFileState === 'disabled',
  apply: (manager, unit) => manager.setEnabled(unit, false).then(describeChanges),
  undo: (before, { unit, scope }) =>
    before.unitFileState === 'disabled'
      ? nothingToUndo(before, 'disabled')
      : undo('systemd.enable_unit', 'Enable', unit, scope),
  verified: (after) => after.unitFileState === 'disabled',
  observe: fileState,
});

export const systemdActions = [restart, start, stop, enable, disable];
