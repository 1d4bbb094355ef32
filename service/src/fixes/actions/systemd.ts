// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Actions on systemd units of the user's manager (no polkit) or the system's
// (polkit asks in GNOME's dialog): start, stop, restart, enable, disable.
import { z } from 'zod';

import { _, format, N_ } from '../../i18n.js';
import type { ActionDefinition, Risk, UndoPlan, Verification } from '../action.js';
import { startableUnitName, unitName, unitScope } from '../params.js';
import { isSessionCritical } from '../sessionCritical.js';
import { describeStatus, type JobMethod, type UnitFileChange, UnitManager, type UnitStatus } from './systemdUnits.js';

const unitParams = z.object({ unit: unitName, scope: unitScope });
// What starts a unit (now or at boot) takes no template instance that is a path.
const startParams = z.object({ unit: startableUnitName, scope: unitScope });
type UnitParams = z.infer<typeof unitParams>;

/** The risk by scope, and high for any unit the session stands on (sessionCritical.ts). */
const byScope =
  (user: Risk, system: Risk) =>
  ({ unit, scope }: UnitParams): Risk =>
    isSessionCritical(unit) ? 'high' : scope === 'user' ? user : system;

/** An operation's words for people, in their language: each takes `{unit}`. */
interface UnitTexts {
  /** "Restart {unit}". */
  summary: string;
  /** "Restarted {unit}". */
  done: string;
  /** Where it happens: "Restart it in your user's service manager". */
  user: string;
  system: string;
}

const undo = (action: string, summary: string, unit: string, scope: UnitParams['scope']): UndoPlan => ({
  action,
  params: { unit, scope },
  summary: format(summary, { unit }),
});

/** The part that differs between the actions; the rest is shared by unitAction. */
interface UnitOperation {
  name: string;
  /** unitParams, or startParams for an operation that starts the unit. */
  params?: typeof unitParams;
  title: string;
  texts(): UnitTexts;
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
  return {
    name: operation.name,
    title: operation.title,
    params: operation.params ?? unitParams,
    risk: operation.risk,
    needsAuthorization: ({ scope }) => scope === 'system',
    readOnly: false,
    changes: 'services',
    async preview(params, context) {
      const before = await new UnitManager(context, params.scope).status(params.unit);
      const texts = operation.texts();
      return {
        summary: format(texts.summary, params),
        details: [operation.observe(before), format(texts[params.scope], params)],
        changesNothing: operation.changesNothing(before),
      };
    },
    async run(params, context, { progress, signal }) {
      const manager = new UnitManager(context, params.scope);
      const before = await manager.status(params.unit);
      const texts = operation.texts();
      progress(null, `${format(texts.summary, params)}…`);
      const changed = await operation.apply(manager, params.unit, signal);
      const done = format(texts.done, params);
      progress(1, done);
      return {
        summary: changed ? `${done}: ${changed}` : done,
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
// A oneshot service (a timer's job) is inactive again once its run succeeded: that run is what a (re)start asked for.
const ranOrRuns = (status: UnitStatus) =>
  isActive(status) || (status.activeState === 'inactive' && status.result === 'success');
// A stop whose process exits non-zero on SIGTERM leaves the unit failed: not running either way.
const isStopped = (status: UnitStatus) => status.activeState === 'inactive' || status.activeState === 'failed';
const fileState = (status: UnitStatus) =>
  status.unitFileState
    ? // Translators: {state} is systemd's word for the unit file's state, such as "enabled" or "static".
      format(_('{unit} is {state}'), { unit: status.unit, state: status.unitFileState })
    : format(_('{unit} is without a unit file'), { unit: status.unit });

function job(method: JobMethod) {
  return (manager: UnitManager, unit: string, signal: AbortSignal) =>
    manager.runJob(method, unit, signal).then(() => '');
}

/** "created ~/.config/systemd/user/default.target.wants/backup.service": the links systemd changed. */
const describeChanges = (changes: UnitFileChange[]) =>
  changes.length === 0
    ? _('no links changed')
    : changes
        .map(([type, file]) => format(type === 'symlink' ? _('created {file}') : _('removed {file}'), { file }))
        .join(', ');

/** `why` is a template with `{unit}`: "nothing to undo: {unit} was already running". */
const nothingToUndo = (status: UnitStatus, why: string): UndoPlan => ({
  impossible: format(why, { unit: status.unit }),
});

const stopTexts = (): UnitTexts => ({
  summary: _('Stop {unit}'),
  done: _('Stopped {unit}'),
  user: _("Stop it in your user's service manager"),
  system: _("Stop it in the system's service manager; the system asks for authorization"),
});

const startTexts = (): UnitTexts => ({
  summary: _('Start {unit}'),
  done: _('Started {unit}'),
  user: _("Start it in your user's service manager"),
  system: _("Start it in the system's service manager; the system asks for authorization"),
});

const enableTexts = (): UnitTexts => ({
  summary: _('Enable {unit}'),
  done: _('Enabled {unit}'),
  user: _("Enable it in your user's service manager"),
  system: _("Enable it in the system's service manager; the system asks for authorization"),
});

const disableTexts = (): UnitTexts => ({
  summary: _('Disable {unit}'),
  done: _('Disabled {unit}'),
  user: _("Disable it in your user's service manager"),
  system: _("Disable it in the system's service manager; the system asks for authorization"),
});

const restart = unitAction({
  name: 'systemd.restart_unit',
  params: startParams,
  title: N_('Restart a service'),
  texts: () => ({
    summary: _('Restart {unit}'),
    done: _('Restarted {unit}'),
    user: _("Restart it in your user's service manager"),
    system: _("Restart it in the system's service manager; the system asks for authorization"),
  }),
  risk: byScope('low', 'medium'),
  changesNothing: () => false,
  apply: job('RestartUnit'),
  undo: (before, { unit, scope }) =>
    isActive(before)
      ? {
          impossible: format(_('a restart cannot be undone: {unit} was running before and is running again'), {
            unit,
          }),
        }
      : undo('systemd.stop_unit', stopTexts().summary, unit, scope),
  verified: ranOrRuns,
  observe: describeStatus,
});

const start = unitAction({
  name: 'systemd.start_unit',
  params: startParams,
  title: N_('Start a service'),
  texts: startTexts,
  risk: byScope('low', 'medium'),
  changesNothing: isActive,
  apply: job('StartUnit'),
  undo: (before, { unit, scope }) =>
    isActive(before)
      ? nothingToUndo(before, _('nothing to undo: {unit} was already running'))
      : undo('systemd.stop_unit', stopTexts().summary, unit, scope),
  verified: ranOrRuns,
  observe: describeStatus,
});

const stop = unitAction({
  name: 'systemd.stop_unit',
  title: N_('Stop a service'),
  texts: stopTexts,
  risk: byScope('medium', 'high'),
  // A failed unit runs nothing: stopping it would change nothing (it stays failed), so it is not offered.
  changesNothing: isStopped,
  apply: job('StopUnit'),
  undo: (before, { unit, scope }) =>
    isStopped(before)
      ? nothingToUndo(before, _('nothing to undo: {unit} was already stopped'))
      : undo('systemd.start_unit', startTexts().summary, unit, scope),
  verified: isStopped,
  observe: describeStatus,
});

const enable = unitAction({
  name: 'systemd.enable_unit',
  params: startParams,
  title: N_('Start a service automatically'),
  texts: enableTexts,
  risk: byScope('medium', 'medium'),
  changesNothing: (before) => before.unitFileState === 'enabled',
  apply: (manager, unit) => manager.setEnabled(unit, true).then(describeChanges),
  undo: (before, { unit, scope }) =>
    before.unitFileState === 'enabled'
      ? nothingToUndo(before, _('nothing to undo: {unit} was already enabled'))
      : undo('systemd.disable_unit', disableTexts().summary, unit, scope),
  verified: (after) => after.unitFileState === 'enabled',
  observe: fileState,
});

const disable = unitAction({
  name: 'systemd.disable_unit',
  title: N_('Stop starting a service automatically'),
  texts: disableTexts,
  risk: byScope('medium', 'high'),
  changesNothing: (before) => before.unitFileState === 'disabled',
  apply: (manager, unit) => manager.setEnabled(unit, false).then(describeChanges),
  undo: (before, { unit, scope }) =>
    before.unitFileState === 'disabled'
      ? nothingToUndo(before, _('nothing to undo: {unit} was already disabled'))
      : undo('systemd.enable_unit', enableTexts().summary, unit, scope),
  verified: (after) => after.unitFileState === 'disabled',
  observe: fileState,
});

// A crash loop ends with the unit failed and its start limit hit: a start is refused until the failure is
// cleared, as `systemctl reset-failed` does. Clearing it alone changes nothing else.
const resetFailed = unitAction({
  name: 'systemd.reset_failed',
  title: N_("Clear a service's failed state"),
  texts: () => ({
    summary: _('Clear the failed state of {unit}'),
    done: _('Cleared the failed state of {unit}'),
    user: _("Forget its failures and start limit in your user's service manager, as systemctl reset-failed does"),
    system: _(
      "Forget its failures and start limit in the system's service manager, as systemctl reset-failed does; " +
        'the system asks for authorization',
    ),
  }),
  risk: byScope('low', 'medium'),
  changesNothing: (before) => before.activeState !== 'failed',
  apply: (manager, unit) => manager.resetFailed(unit).then(() => ''),
  undo: (before) => nothingToUndo(before, _('a cleared failed state cannot be put back: {unit} was failed')),
  verified: (after) => after.activeState !== 'failed',
  observe: describeStatus,
});

const maskTexts = (): UnitTexts => ({
  summary: _('Mask {unit}'),
  done: _('Masked {unit}'),
  user: _("Link it to /dev/null in your user's service manager, so that nothing can start it"),
  system: _(
    "Link it to /dev/null in the system's service manager, so that nothing can start it; the system asks for authorization",
  ),
});

const isMasked = (status: UnitStatus) => status.loadState === 'masked';
const maskState = (status: UnitStatus) =>
  isMasked(status)
    ? format(_('{unit} is masked ({state})'), { unit: status.unit, state: status.unitFileState || 'masked' })
    : format(_('{unit} is not masked ({state})'), {
        unit: status.unit,
        state: status.unitFileState || status.loadState,
      });
// A mask in /run lasts until reboot; `systemctl unmask` removes it there, and the undo puts it back there.
const inRuntime = (status: UnitStatus) => status.unitFileState === 'masked-runtime';

// A mask is usually deliberate: unmasking is offered only as a later step than the one showing where the mask
// lives, and its undo masks the unit again where it was.
const unmask = unitAction({
  name: 'systemd.unmask_unit',
  title: N_('Unmask a service'),
  texts: () => ({
    summary: _('Unmask {unit}'),
    done: _('Unmasked {unit}'),
    user: _("Remove its link to /dev/null in your user's service manager, as systemctl unmask does"),
    system: _(
      "Remove its link to /dev/null in the system's service manager, as systemctl unmask does; the system asks for authorization",
    ),
  }),
  risk: byScope('medium', 'medium'),
  changesNothing: (before) => !isMasked(before),
  apply: async (manager, unit) => {
    const before = await manager.status(unit);
    return manager.setMasked(unit, false, inRuntime(before)).then(describeChanges);
  },
  undo: (before, { unit, scope }) =>
    isMasked(before)
      ? {
          action: 'systemd.mask_unit',
          params: { unit, scope, runtime: inRuntime(before) },
          summary: format(maskTexts().summary, { unit }),
        }
      : nothingToUndo(before, _('nothing to undo: {unit} was not masked')),
  verified: (after) => !isMasked(after),
  observe: maskState,
});

const maskParams = unitParams.extend({ runtime: z.boolean().optional() });

/** systemd.mask_unit: the undo of an unmask, putting the mask back where it was (/etc, or /run with `runtime`). */
const mask: ActionDefinition<z.infer<typeof maskParams>> = {
  name: 'systemd.mask_unit',
  title: N_('Mask a service'),
  params: maskParams,
  risk: byScope('medium', 'high'),
  needsAuthorization: ({ scope }) => scope === 'system',
  readOnly: false,
  changes: 'services',
  async preview(params, context) {
    const before = await new UnitManager(context, params.scope).status(params.unit);
    return {
      summary: format(maskTexts().summary, { unit: params.unit }),
      details: [maskState(before), format(maskTexts()[params.scope], { unit: params.unit })],
      changesNothing: isMasked(before),
    };
  },
  async run(params, context, { progress }) {
    const manager = new UnitManager(context, params.scope);
    const before = await manager.status(params.unit);
    progress(null, `${format(maskTexts().summary, { unit: params.unit })}…`);
    const changed = describeChanges(await manager.setMasked(params.unit, true, params.runtime ?? false));
    const done = format(maskTexts().done, { unit: params.unit });
    progress(1, done);
    return {
      summary: `${done}: ${changed}`,
      undo: isMasked(before)
        ? nothingToUndo(before, _('nothing to undo: {unit} was already masked'))
        : undo('systemd.unmask_unit', _('Unmask {unit}'), params.unit, params.scope),
    };
  },
  async verify(params, context) {
    const after = await new UnitManager(context, params.scope).status(params.unit);
    return { ok: isMasked(after), observed: maskState(after) };
  },
};

export const systemdActions = [restart, start, stop, enable, disable, resetFailed, unmask, mask];
