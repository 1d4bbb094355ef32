// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The nixos.* catalog actions: a structural edit of configuration.nix (or
// home.nix) shown as a diff with its dry build, applied by the privileged helper
// through pkexec (Home Manager's own switch runs as the user), checked, and then
// held in a confirm-or-revert window. Undo switches back and restores the file.

import { readFile, writeFile } from 'node:fs/promises';

import { z } from 'zod';

import { detectNixos, type ManagedFile } from '../core/nixosPlatform.js';
import { StewardError } from '../dbus/errors.js';
import type {
  ActionContext,
  ActionDefinition,
  Preview,
  RunOptions,
  RunOutcome,
  Verification,
} from '../fixes/action.js';
import { ConfirmWindows } from '../fixes/confirmWindow.js';
import { unifiedDiff } from '../fixes/unifiedDiff.js';
import { _, format, N_ } from '../i18n.js';
import { dryBuild } from './dryBuild.js';
import { DEFAULT_LAUNCHER, homeSwitch, runHelper } from './helperRun.js';
import { keepReplaced, markKnownGood, replacedCopy } from './knownGood.js';
import { attributePath, editNixModule, type NixEdit, nixLiteral } from './nixEdits.js';
import { nixPackageParams, nixServiceParams, targetFile } from './nixosPreview.js';
import type { NixosReader } from './nixosReader.js';
import { proposeNixEdit } from './nixProposal.js';
import { currentGeneration, readGenerations } from './profileLinks.js';
import { checkSwitch, failedUnits } from './switchCheck.js';

/** The answer of nixsearch's NixosSearch: whether a name exists in the nixpkgs the system was built from. */
type NameCheck = { ok: true } | { ok: false; why: string; suggestions: string[] };
export interface NameChecker {
  checkPackage(name: string): Promise<NameCheck>;
  checkOption(path: string): Promise<NameCheck>;
}

export interface NixosActionOptions {
  /** Stands for `/`: STEWARD_TEST_NIXOS_ROOT in tests, unset in real use. */
  root?: string;
  /** pkexec and the helper's path; a test's stand-in launcher in tests. */
  launcher?: readonly string[];
  /** The confirm-or-revert window, fixes.nixosConfirmSeconds in milliseconds, read at each switch. */
  confirmMs: () => number;
  windows: ConfirmWindows;
  /** nixpkgs' names, where the search can read them; without it the dry build is what catches a wrong name. */
  names?: () => Promise<NameChecker | null>;
}

type Scope = 'system' | 'home';

const optionValue = z.union([
  z.boolean(),
  z
    .number()
    .int()
    .min(-(2 ** 53) + 1)
    .max(2 ** 53 - 1),
  z.string().max(4096),
  z.array(z.string().max(4096)).max(100),
]);

const optionParams = z.object({
  /** A NixOS option path: "networking.hostName", "time.timeZone". */
  option: z
    .string()
    .min(3)
    .max(200)
    .refine((name) => (attributePath(name)?.length ?? 0) >= 2, { message: 'not a NixOS option path' }),
  value: optionValue,
});

const rollbackParams = z.object({
  scope: z.enum(['system', 'home']),
  /** The generation the change made (system): Undo refuses once the system moved on from it. */
  generation: z.number().int().min(1).nullable(),
  /** The hash of the file's copy to restore, as kept in the known-good store. */
  restore: z.string().regex(/^[0-9a-f]{64}$/),
});

async function fileFor(scope: Scope, context: ActionContext, options: NixosActionOptions): Promise<ManagedFile> {
  return targetFile(await detectNixos({ root: options.root, home: context.home }), scope);
}

/** The edit's new text; null when the file already says it. Unavailable when it cannot be edited safely. */
async function plan(scope: Scope, edit: NixEdit, context: ActionContext, options: NixosActionOptions) {
  const file = await fileFor(scope, context, options);
  const before = await readFile(file.path, 'utf8');
  const proposal = await proposeNixEdit(file.path, before, edit);
  if (proposal.status === 'refused')
    throw new StewardError(
      'Unavailable',
      format(_('{file} cannot be edited safely: {why}'), { file: file.path, why: proposal.why }),
    );
  if (proposal.status !== 'changed') return { file, before, unchanged: proposal.why };
  return { file, before, after: proposal.after, diff: proposal.diff };
}

async function checkName(options: NixosActionOptions, kind: 'package' | 'option', name: string) {
  const names = await options.names?.();
  if (!names) return;
  const check = kind === 'package' ? await names.checkPackage(name) : await names.checkOption(name);
  if (check.ok) return;
  throw new StewardError(
    'InvalidArgs',
    check.suggestions.length > 0
      ? format(_('{why} (did you mean {names}?)'), { why: check.why, names: check.suggestions.join(', ') })
      : check.why,
  );
}

async function preview(
  scope: Scope,
  edit: NixEdit,
  summary: (file: string) => string,
  context: ActionContext,
  options: NixosActionOptions,
): Promise<Preview> {
  const planned = await plan(scope, edit, context, options);
  if (planned.unchanged !== undefined) return { summary: planned.unchanged, details: [], changesNothing: true };
  const platform = await detectNixos({ root: options.root, home: context.home });
  const flake = scope === 'system' && (platform?.system?.flake ?? false);
  const built = await dryBuild(scope, planned.file.path, planned.after, { flake });
  if (!built.ok)
    throw new StewardError(
      'Unavailable',
      format(_('the edited configuration does not build: {why}'), { why: built.lines.join(' / ') }),
    );
  const title = scope === 'system' ? _('Dry build (nixos-rebuild dry-build):') : _('Dry build (home-manager build):');
  return {
    summary: summary(planned.file.path),
    details: [...planned.diff, title, ...built.lines],
    changesNothing: false,
  };
}

/**
 * Switches to `text` as the scope's file: the privileged helper for the system, home-manager for the user.
 * The helper's rollback takes no text: it puts back the copy its last switch kept (the same as `text`), so
 * that the one verb a session may run without a password cannot write a configuration of the caller's.
 */
async function switchTo(
  scope: Scope,
  file: ManagedFile,
  text: string,
  verb: 'switch' | 'rollback',
  options: NixosActionOptions,
  run: Pick<RunOptions, 'progress' | 'signal'>,
): Promise<void> {
  if (scope === 'system')
    return runHelper(options.launcher ?? DEFAULT_LAUNCHER, verb, verb === 'switch' ? text : null, run);
  await writeFile(file.path, text);
  await homeSwitch(run);
}

async function apply(
  scope: Scope,
  edit: NixEdit,
  summary: string,
  context: ActionContext,
  options: NixosActionOptions,
  run: RunOptions,
): Promise<RunOutcome> {
  const planned = await plan(scope, edit, context, options);
  if (planned.unchanged !== undefined)
    return { summary: planned.unchanged, undo: { impossible: _('nothing was changed') } };
  const { file, before, after } = planned;
  const root = options.root ?? '/';
  const previous = currentGeneration(await readGenerations(root));
  const failedBefore = context.systemBus && scope === 'system' ? await failedUnits(context.systemBus) : [];
  const restore = await keepReplaced(context.knownGoodDirectory, file.path, before);
  run.progress(null, format(_('Switching to the edited {file}'), { file: file.path }));
  await switchTo(scope, file, after, 'switch', options, run);
  let generation: number | null = null;
  if (scope === 'system') {
    const check = await checkSwitch(root, previous, context.systemBus, failedBefore);
    if (!check.ok) {
      run.progress(null, _('The switch did not check out; switching back'));
      await switchTo(scope, file, before, 'rollback', options, run);
      throw new Error(
        format(_('{summary}: {why}; switched back to the previous generation'), { summary, why: check.why }),
      );
    }
    generation = check.generation.number;
  }
  await markKnownGood(context.knownGoodDirectory, file.path, after);
  const windowMs = options.confirmMs();
  options.windows.open(summary, windowMs, async () => {
    // An Undo (or a later change) in the meantime leaves nothing of this change to revert.
    const moved =
      scope === 'system'
        ? currentGeneration(await readGenerations(root))?.number !== generation
        : (await readFile(file.path, 'utf8')) !== after;
    if (moved) {
      context.log.info('an unconfirmed NixOS change was already switched away from', { change: summary });
      return;
    }
    const signal = new AbortController().signal;
    await switchTo(scope, file, before, 'rollback', options, { progress: () => undefined, signal });
    await markKnownGood(context.knownGoodDirectory, file.path, before);
  });
  // The window's own length, not the time left (a millisecond later 1.5 s would read as 1).
  const seconds = Math.ceil(windowMs / 1000);
  return {
    summary: format(_('{summary}; confirm within {seconds} s (steward confirm) or it is reverted'), {
      summary,
      seconds: String(seconds),
    }),
    undo: {
      action: 'nixos.rollback',
      params: { scope, generation, restore },
      summary: format(_('Switch back to the previous generation and restore {file}'), { file: file.path }),
    },
  };
}

/** Whether the file now says what the edit wanted, and (system) the current generation is the profile's. */
async function verifyEdit(
  scope: Scope,
  edit: NixEdit,
  context: ActionContext,
  options: NixosActionOptions,
): Promise<Verification> {
  const file = await fileFor(scope, context, options);
  const result = editNixModule(await readFile(file.path, 'utf8'), edit);
  if (result.status !== 'unchanged')
    return { ok: false, observed: format(_('{file} does not say it'), { file: file.path }) };
  if (scope === 'home') return { ok: true, observed: result.why };
  const state = await readGenerations(options.root ?? '/');
  const current = currentGeneration(state);
  return current && current.number === state.profile
    ? {
        ok: true,
        observed: format(_('{what}; generation {number} is current'), {
          what: result.why,
          number: String(current.number),
        }),
      }
    : { ok: false, observed: _('the profile’s newest generation is not the current system') };
}

/** Preview, Apply and verification of one edit of a configuration file: the same for every action that edits one. */
function editSteps<P extends Record<string, unknown>>(
  options: NixosActionOptions,
  steps: {
    scope: (params: P) => Scope;
    edit: (params: P) => NixEdit;
    summary: (params: P) => (file: string) => string;
    /** Refuses a package or option that does not exist before anything is shown. */
    check: (params: P) => Promise<void>;
  },
): Pick<ActionDefinition<P>, 'preview' | 'run' | 'verify'> {
  const { scope, edit, summary, check } = steps;
  return {
    async preview(params, context) {
      await check(params);
      return preview(scope(params), edit(params), summary(params), context, options);
    },
    async run(params, context, run) {
      const file = await fileFor(scope(params), context, options);
      return apply(scope(params), edit(params), summary(params)(file.path), context, options, run);
    },
    verify: (params, context) => verifyEdit(scope(params), edit(params), context, options),
  };
}

type PackageParams = z.infer<typeof nixPackageParams>;

function packageAction(
  kind: 'add-package' | 'remove-package',
  options: NixosActionOptions,
): ActionDefinition<PackageParams> {
  const add = kind === 'add-package';
  const edit = ({ package: name, scope }: PackageParams): NixEdit => ({
    kind,
    list: scope === 'home' ? 'home.packages' : 'environment.systemPackages',
    name,
  });
  const summary =
    ({ package: name, scope }: PackageParams) =>
    (file: string) =>
      format(add ? _('Add {name} to {list} in {file}') : _('Remove {name} from {list} in {file}'), {
        name,
        list: scope === 'home' ? 'home.packages' : 'environment.systemPackages',
        file,
      });
  return {
    name: add ? 'nixos.add_package' : 'nixos.remove_package',
    title: add ? N_('Add a package to the NixOS configuration') : N_('Remove a package from the NixOS configuration'),
    params: nixPackageParams,
    risk: add ? 'medium' : 'high',
    needsAuthorization: ({ scope }) => scope === 'system',
    readOnly: false,
    changes: 'packages',
    ...editSteps(options, {
      scope: (params) => params.scope,
      edit,
      summary,
      check: async (params) => {
        if (add) await checkName(options, 'package', params.package);
      },
    }),
  };
}

type ServiceParams = z.infer<typeof nixServiceParams>;

function serviceAction(options: NixosActionOptions): ActionDefinition<ServiceParams> {
  const edit = ({ service, enable }: ServiceParams): NixEdit => ({ kind: 'set-service', service, enable });
  const summary =
    ({ service, enable }: ServiceParams) =>
    (file: string) =>
      format(enable ? _('Enable services.{service} in {file}') : _('Disable services.{service} in {file}'), {
        service,
        file,
      });
  return {
    name: 'nixos.set_service_enabled',
    title: N_('Enable or disable a NixOS service'),
    params: nixServiceParams,
    // Enabling a service can open a port (sshd does); disabling one can cut off what depends on it.
    risk: 'high',
    needsAuthorization: true,
    readOnly: false,
    changes: 'services',
    ...editSteps(options, {
      scope: () => 'system',
      edit,
      summary,
      check: (params) => checkName(options, 'option', `services.${params.service}.enable`),
    }),
  };
}

type OptionParams = z.infer<typeof optionParams>;

function optionAction(options: NixosActionOptions): ActionDefinition<OptionParams> {
  const edit = ({ option, value }: OptionParams): NixEdit => ({ kind: 'set-option', option, value });
  const summary =
    ({ option, value }: OptionParams) =>
    (file: string) =>
      format(_('Set {option} to {value} in {file}'), { option, value: nixLiteral(value), file });
  return {
    name: 'nixos.set_option',
    title: N_('Set a NixOS option'),
    params: optionParams,
    risk: 'high',
    needsAuthorization: true,
    readOnly: false,
    changes: 'files',
    ...editSteps(options, {
      scope: () => 'system',
      edit,
      summary,
      check: (params) => checkName(options, 'option', params.option),
    }),
  };
}

type RollbackParams = z.infer<typeof rollbackParams>;

/** What Undo runs: the previous generation again, and the file as it was before the change. */
function rollbackAction(options: NixosActionOptions): ActionDefinition<RollbackParams> {
  /** Only a version of this very file that a change of Steward's replaced: never another kept copy. */
  const restored = async (params: RollbackParams, context: ActionContext) => {
    const file = await fileFor(params.scope, context, options);
    const text = await replacedCopy(context.knownGoodDirectory, file.path, params.restore);
    if (text === null)
      throw new StewardError(
        'Unavailable',
        format(_('no version of {file} that a change replaced is kept by that name'), { file: file.path }),
      );
    return text;
  };
  /** Refuses once the system moved on from the generation the change made: switching back would skip a later change. */
  const checkGeneration = async ({ scope, generation }: RollbackParams) => {
    if (scope !== 'system' || generation === null) return;
    const current = currentGeneration(await readGenerations(options.root ?? '/'));
    if (current?.number !== generation)
      throw new StewardError(
        'Unavailable',
        format(_('the system is on generation {current}, not {generation} that the change made'), {
          current: String(current?.number ?? '?'),
          generation: String(generation),
        }),
      );
  };
  return {
    name: 'nixos.rollback',
    title: N_('Switch back to the previous NixOS generation'),
    params: rollbackParams,
    risk: 'medium',
    needsAuthorization: ({ scope }) => scope === 'system',
    readOnly: false,
    changes: 'packages',
    async preview(params, context) {
      await checkGeneration(params);
      const file = await fileFor(params.scope, context, options);
      const text = await restored(params, context);
      const now = await readFile(file.path, 'utf8');
      return {
        summary: format(_('Switch back to the previous generation and restore {file}'), { file: file.path }),
        details: unifiedDiff(now, text, [`a${file.path}`, `b${file.path}`]),
        changesNothing: false,
      };
    },
    async run(params, context, run) {
      await checkGeneration(params);
      const file = await fileFor(params.scope, context, options);
      const text = await restored(params, context);
      await switchTo(params.scope, file, text, 'rollback', options, run);
      await markKnownGood(context.knownGoodDirectory, file.path, text);
      return {
        summary: format(_('Switched back and restored {file}'), { file: file.path }),
        undo: { impossible: _('apply the change again from a new proposal') },
      };
    },
    async verify(params, context) {
      const file = await fileFor(params.scope, context, options);
      if ((await readFile(file.path, 'utf8')) !== (await restored(params, context)))
        return { ok: false, observed: format(_('{file} is not the restored copy'), { file: file.path }) };
      if (params.scope === 'home' || params.generation === null)
        return { ok: true, observed: _('the file is restored') };
      const current = currentGeneration(await readGenerations(options.root ?? '/'));
      return current && current.number < params.generation
        ? { ok: true, observed: format(_('generation {number} is current again'), { number: String(current.number) }) }
        : { ok: false, observed: _('the system did not switch back') };
    },
  };
}

/** Every nixos.* action; they are offered only where detectNixos finds NixOS (each preview says Unavailable elsewhere). */
export function nixosActions(options: NixosActionOptions): ActionDefinition[] {
  return [
    packageAction('add-package', options),
    packageAction('remove-package', options),
    serviceAction(options),
    optionAction(options),
    rollbackAction(options),
  ] as unknown as ActionDefinition[];
}

/**
 * What the fixes take of NixOS: its actions, switched on where `reader` found NixOS (it does not come and go while
 * Steward runs), the names they add checked against the system's own nixpkgs first.
 */
export function nixosFixes(
  reader: NixosReader | null,
  options: Omit<NixosActionOptions, 'windows' | 'names'>,
): { actions: (windows: ConfirmWindows) => ActionDefinition[]; active: () => boolean } {
  return {
    actions: (windows) =>
      nixosActions({ ...options, windows, names: async () => (await reader?.nameChecker()) ?? null }),
    active: () => reader !== null,
  };
}
