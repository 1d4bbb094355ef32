// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// flatpak.update: updates one Flatpak app, and only that one, to the commit its
// installation has waiting (flatpak.ts: its remote's ref, fetched, newer than the
// deployed commit). The Flatpak CLI does it with a fixed argv, no shell; for the
// system installation flatpak itself goes through its system helper, which asks
// polkit. The check reads the installation's files again.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import { type ActionContext, type ActionDefinition, NotAuthorizedError, type Preview } from '../../fixes/action.js';
import { _, format, N_ } from '../../i18n.js';
import { cleanLine } from '../../untrustedText.js';
import {
  deploymentIn,
  type FlatpakDeployment,
  type FlatpakInstallation,
  flatpakRef,
  type FlatpakUpdate,
  flatpakUpdateOf,
  isFlatpakAppId,
  remoteCommitOf,
} from '../appCrash/flatpak.js';

const run = promisify(execFile);

/** A Flatpak app ID: reverse-DNS elements of letters, digits, '_' and '-', never starting with a digit or '-'. */
export const flatpakAppId = z.string().min(3).max(255).refine(isFlatpakAppId, { message: 'not a Flatpak app ID' });

const updateParams = z.object({
  app: flatpakAppId,
  /** The user's installation (~/.local/share/flatpak) or the system's (/var/lib/flatpak, through polkit). */
  installation: z.enum(['user', 'system']),
});
type UpdateParams = z.infer<typeof updateParams>;

export interface FlatpakUpdateOptions {
  /** The system's Flatpak installation, /var/lib/flatpak unless a test places it. */
  systemFlatpak?: string;
  /** The flatpak command, `flatpak` on PATH. */
  command?: string;
}

const UPDATE_TIMEOUT_MS = 30 * 60_000;

/** "1.2 (commit 3f2a…)" or the commit alone where the app's metainfo names no release. */
const deployed = ({ version, commit }: FlatpakDeployment) =>
  version ? format(_('{version} (commit {commit})'), { version, commit: commit.slice(0, 12) }) : commit.slice(0, 12);

export function flatpakUpdateAction(options: FlatpakUpdateOptions = {}): ActionDefinition<UpdateParams> {
  const installationOf = (kind: UpdateParams['installation'], context: ActionContext): FlatpakInstallation =>
    kind === 'user'
      ? { kind, path: join(context.dataHome, 'flatpak') }
      : { kind, path: options.systemFlatpak ?? '/var/lib/flatpak' };

  async function requireDeployment({ app, installation }: UpdateParams, context: ActionContext) {
    const deployment = await deploymentIn(app, installationOf(installation, context));
    if (!deployment)
      throw new StewardError(
        'NotFound',
        format(_('The {installation} Flatpak installation has no app {app}'), { installation, app }),
      );
    return deployment;
  }

  async function requireUpdate(
    params: UpdateParams,
    context: ActionContext,
  ): Promise<{ deployment: FlatpakDeployment; update: FlatpakUpdate }> {
    const deployment = await requireDeployment(params, context);
    const update = await flatpakUpdateOf(deployment);
    if (!update)
      throw new StewardError(
        'NotFound',
        format(_('No update for the Flatpak app {app} {version} is waiting'), {
          app: params.app,
          version: deployed(deployment),
        }),
      );
    return { deployment, update };
  }

  return {
    name: 'flatpak.update',
    title: N_('Update a Flatpak app'),
    params: updateParams,
    risk: 'medium',
    needsAuthorization: ({ installation }) => installation === 'system',
    readOnly: false,
    changes: 'packages',
    async preview(params, context): Promise<Preview> {
      const { deployment, update } = await requireUpdate(params, context);
      return {
        summary: format(_('Update the Flatpak app {app} from {from} to commit {to}'), {
          app: params.app,
          from: deployed(deployment),
          to: update.commit.slice(0, 12),
        }),
        details: [
          format(_('{ref} in the {installation} installation ({path})'), {
            ref: flatpakRef(deployment),
            installation: params.installation,
            path: deployment.installation.path,
          }),
          format(_('deployed: commit {commit}'), { commit: deployment.commit }),
          format(_('waiting: commit {commit}, fetched from {remote}'), {
            commit: update.commit,
            remote: update.remote,
          }),
          _('Only this app is updated, with the runtime it needs; other waiting updates are left for later.'),
        ],
        changesNothing: false,
      };
    },
    async run(params, context, { progress, signal }) {
      const { deployment, update } = await requireUpdate(params, context);
      progress(null, format(_('Updating {ref}'), { ref: flatpakRef(deployment) }));
      // The installation Steward read is the one flatpak updates: the user's by its path, the system's by its own
      // (a test's stand-in by FLATPAK_SYSTEM_DIR).
      const env = { ...process.env };
      if (params.installation === 'user') env.FLATPAK_USER_DIR = deployment.installation.path;
      else if (options.systemFlatpak) env.FLATPAK_SYSTEM_DIR = options.systemFlatpak;
      const argv = [
        'update',
        '--noninteractive',
        '-y',
        `--${params.installation}`,
        `--commit=${update.commit}`,
        flatpakRef(deployment),
      ];
      await run(options.command ?? 'flatpak', argv, {
        env,
        signal,
        timeout: UPDATE_TIMEOUT_MS,
        maxBuffer: 4 * 1024 * 1024,
      }).catch((error: NodeJS.ErrnoException & { stderr?: string; stdout?: string }) => {
        const said = `${error.stderr ?? ''}\n${error.stdout ?? ''}`;
        // The system helper's polkit refusal reads "Not authorized". --noninteractive has the helper ask polkit
        // without a prompt: Flatpak's own policy allows org.freedesktop.Flatpak.app-update to an active local
        // session (unattended updates need it), and anything else is refused rather than left waiting.
        if (/not authori[sz]ed|AccessDenied/i.test(said)) throw new NotAuthorizedError();
        const reason = error.code === 'ENOENT' ? _('flatpak is not installed') : said.trim() || error.message;
        throw new StewardError(
          'Unavailable',
          format(_('flatpak update failed: {reason}'), { reason: cleanLine(reason, 300) }),
        );
      });
      return {
        summary: format(_('Updated the Flatpak app {app} to commit {commit}'), {
          app: params.app,
          commit: update.commit.slice(0, 12),
        }),
        undo: {
          impossible: format(
            _(
              'Steward does not go back to {app} {from}: an update has no undo here; the remote may still offer ' +
                'the old commit, which “flatpak update --commit” can deploy again',
            ),
            { app: params.app, from: deployed(deployment) },
          ),
        },
      };
    },
    async verify(params, context) {
      const deployment = await deploymentIn(params.app, installationOf(params.installation, context));
      if (!deployment)
        return {
          ok: false,
          observed: format(_('The {installation} Flatpak installation has no app {app}'), {
            installation: params.installation,
            app: params.app,
          }),
        };
      const remote = await remoteCommitOf(deployment);
      if (remote === deployment.commit)
        return {
          ok: true,
          observed: format(_('{app} {version} is deployed, the commit its remote last offered; none is waiting'), {
            app: params.app,
            version: deployed(deployment),
          }),
        };
      return {
        ok: false,
        observed: remote
          ? format(_('{app} {version} is deployed; commit {commit} is still waiting'), {
              app: params.app,
              version: deployed(deployment),
              commit: remote.slice(0, 12),
            })
          : format(_('{app} {version} is deployed; which commit its remote offers is not known'), {
              app: params.app,
              version: deployed(deployment),
            }),
      };
    },
  };
}
