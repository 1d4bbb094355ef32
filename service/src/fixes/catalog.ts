// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The action catalog: every action Steward can take, by name. Nothing outside
// it can run, and every call's parameters pass its schema first.
import { StewardError } from '../dbus/errors.js';
import type { ActionContext, ActionDefinition, ActionOptions } from './action.js';
import { addressesAction } from './actions/addresses.js';
import { blockDeviceAction } from './actions/blockDevice.js';
import { configActions } from './actions/config.js';
import { diskHealthAction } from './actions/diskHealth.js';
import { dpkgAuditAction } from './actions/dpkgAudit.js';
import { fileActions } from './actions/files.js';
import { filesystemErrorsAction } from './actions/filesystemErrors.js';
import { infoActions } from './actions/info.js';
import { inodeUsageAction } from './actions/inodeUsage.js';
import { journalActions } from './actions/journal.js';
import { lockHolderAction } from './actions/lockHolder.js';
import { memoryUseAction } from './actions/memoryUse.js';
import { networkActions } from './actions/network.js';
import { openFilesAction } from './actions/openFiles.js';
import { packageActions } from './actions/packages.js';
import { packageUpdateAction } from './actions/packageUpdate.js';
import { pathAccessAction } from './actions/pathAccess.js';
import { pathMountAction } from './actions/pathMount.js';
import { portHolderAction } from './actions/portHolder.js';
import { repairSystemAction } from './actions/repairSystem.js';
import { SHELL_RUN, shellRunAction } from './actions/shell.js';
import { systemdActions } from './actions/systemd.js';
import { UnitManager } from './actions/systemdUnits.js';
import type { Kind } from './kind.js';
import { endsSession } from './sessionCritical.js';
import { withNamesShown } from './shownNames.js';

export interface ValidatedCall {
  action: ActionDefinition;
  params: Record<string, unknown>;
}

/**
 * Why an action is switched off now ("the expert shell is turned off…"), or null while it is on; asked at each
 * use, so a settings change applies at once.
 */
export type ActionGate = (name: string) => string | null;

/** The unit an action would change, with its manager; null for an action that reads only or names no unit. */
function changedUnit(action: ActionDefinition, params: Record<string, unknown>) {
  const { unit, scope } = params;
  if (action.readOnly || typeof unit !== 'string') return null;
  return { unit, scope: scope === 'user' ? ('user' as const) : ('system' as const) };
}

const sessionEnding = (action: string, unit: string) =>
  new StewardError(
    'SessionEnding',
    `${action} on ${unit} could end or replace the session or the system: Steward never changes that unit, whoever asks`,
  );

/**
 * `action` that also refuses a unit systemd knows under a session-ending name (an alias: default.target for
 * graphical.target, dbus-org.freedesktop.login1.service for logind), asked of systemd as it is previewed and run.
 */
function withSessionGuard(action: ActionDefinition): ActionDefinition {
  const refuseAliases = async (params: Record<string, unknown>, context: ActionContext) => {
    const target = changedUnit(action, params);
    if (!target) return;
    const names = await new UnitManager(context, target.scope).names(target.unit);
    const ending = names.find(endsSession);
    if (ending !== undefined) throw sessionEnding(action.name, `${target.unit} (${ending})`);
  };
  return {
    ...action,
    async preview(params, context) {
      await refuseAliases(params, context);
      return action.preview(params, context);
    },
    async run(params, context, options) {
      await refuseAliases(params, context);
      return action.run(params, context, options);
    },
  };
}

export class Catalog {
  private readonly actions: Map<string, ActionDefinition>;

  constructor(
    actions: readonly ActionDefinition[],
    private readonly offReason: ActionGate = () => null,
  ) {
    this.actions = new Map(actions.map((action) => [action.name, withSessionGuard(withNamesShown(action))]));
  }

  /** The names of the actions switched on now. */
  names(): string[] {
    return this.all().map((action) => action.name);
  }

  /** Every action switched on now, sorted by name. */
  all(): ActionDefinition[] {
    return [...this.actions.values()]
      .filter((action) => this.offReason(action.name) === null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): ActionDefinition | undefined {
    return this.offReason(name) === null ? this.actions.get(name) : undefined;
  }

  /**
   * The action and its parsed parameters; InvalidArgs for an unknown action or parameters outside its schema,
   * NotAuthorized for an action the user's settings switch off, SessionEnding for a change to a unit the session
   * or the system stands on (sessionCritical.ts), whatever the verb and whoever asks: every proposal (a playbook's,
   * the model advisor's, the chat's, an agent's), every Apply and every undo passes here.
   */
  validate(name: string, params: unknown): ValidatedCall {
    const action = this.actions.get(name);
    if (!action) throw new StewardError('InvalidArgs', `"${name.slice(0, 100)}" is not an action Steward knows`);
    const off = this.offReason(name);
    if (off !== null) throw new StewardError('NotAuthorized', `"${name}" is not an action Steward knows while ${off}`);
    const parsed = action.params.safeParse(params);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'parameters'}: ${issue.message}`);
      throw new StewardError('InvalidArgs', `Parameters of ${name} are not valid: ${problems.join('; ')}`);
    }
    const target = changedUnit(action, parsed.data);
    if (target && endsSession(target.unit)) throw sessionEnding(name, target.unit);
    return { action, params: parsed.data };
  }
}

export interface FindingActionsOptions extends ActionOptions {
  /** The kinds whose actions join the engine's own (service/parts.ts hands them in). */
  kinds: readonly Pick<Kind, 'actions'>[];
}

const findingActions = ({ kinds, journalDirectories = () => [], testHooks = {} }: FindingActionsOptions) =>
  [
    ...systemdActions,
    ...packageActions,
    packageUpdateAction,
    ...networkActions,
    ...fileActions,
    ...journalActions,
    ...configActions,
    repairSystemAction({ root: testHooks.dpkgRoot }),
    dpkgAuditAction({ root: testHooks.dpkgRoot }),
    portHolderAction(),
    addressesAction(),
    diskHealthAction(),
    blockDeviceAction({ root: testHooks.dpkgRoot }),
    filesystemErrorsAction({ root: testHooks.dpkgRoot }),
    inodeUsageAction(),
    pathAccessAction(),
    pathMountAction(),
    openFilesAction(),
    memoryUseAction({ root: testHooks.dpkgRoot }),
    lockHolderAction(),
    ...kinds.flatMap((kind) => kind.actions({ journalDirectories, testHooks })),
    ...infoActions({
      directories: journalDirectories,
      systemJournal: testHooks.systemJournal,
      userJournal: testHooks.userJournal,
    }),
  ] as ActionDefinition[];

export const EXPERT_SHELL_OFF = 'the expert shell is turned off in the settings (fixes.expertShell)';

export const NOT_NIXOS = 'this is not NixOS';
export const ON_NIXOS = 'this is NixOS, where packages are declared in configuration.nix (nixos.add_package)';
const PACKAGEKIT_ACTIONS = new Set([
  'packages.install',
  'packages.remove',
  'packages.repair_system',
  'packages.update',
]);

export interface CatalogOptions extends FindingActionsOptions {
  /**
   * The nixos.* actions, switched on while `active()` (NixOS was detected); PackageKit's package actions are
   * then off, as PackageKit has no Nix backend and the next rebuild would undo what they change.
   */
  nixos?: { actions: readonly ActionDefinition[]; active: () => boolean };
  /** fixes.expertShell, read at each use; without it the expert shell stays off. */
  expertShell?: () => boolean;
  /** Steward's own secrets as the settings place them now; the expert shell hides them. */
  stewardSecrets?: () => string[];
}

/** Every action; shell.run only while the user has turned the expert shell on. */
export function createCatalog({
  expertShell = () => false,
  stewardSecrets,
  nixos,
  ...options
}: CatalogOptions): Catalog {
  const shell = shellRunAction({ stewardSecrets });
  const declared = nixos?.actions ?? [];
  return new Catalog([...findingActions(options), shell, ...declared] as ActionDefinition[], (name) => {
    if (name === SHELL_RUN && !expertShell()) return EXPERT_SHELL_OFF;
    const onNixos = nixos?.active() ?? false;
    if (name.startsWith('nixos.') && !onNixos) return NOT_NIXOS;
    if (PACKAGEKIT_ACTIONS.has(name) && onNixos) return ON_NIXOS;
    return null;
  });
}

/**
 * The actions a finding may lead to, for playbooks and the model that advises on findings: a
 * finding's text comes from logs any program can write, so the expert shell is never among them.
 */
export function createFindingsCatalog(options: FindingActionsOptions): Catalog {
  return new Catalog(findingActions(options));
}
