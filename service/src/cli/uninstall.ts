// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward uninstall`: runs the uninstaller that build/install.sh left beside the service; an installation
// that a package manager owns is removed by that package manager, and the command says so.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { _, format } from '../i18n.js';
import { EXIT_FAILURE } from './exitCodes.js';

/** Where this copy of Steward came from, judged by where its command-line script lies. */
export function installationOf(script: string): { kind: 'user'; uninstaller: string } | { kind: 'other'; how: string } {
  const real = existsSync(script) ? realpathSync(script) : script;
  const uninstaller = join(dirname(dirname(real)), 'uninstall.sh');
  // install.sh copies the uninstaller and its manifest beside the service: lib/steward/{service,uninstall.sh}.
  if (existsSync(uninstaller) && existsSync(join(dirname(uninstaller), 'installed-files')))
    return { kind: 'user', uninstaller };
  if (real.startsWith('/nix/store/'))
    return {
      kind: 'other',
      how: _(
        'Nix installed this copy: remove services.steward from your NixOS or Home Manager configuration and rebuild.',
      ),
    };
  if (real.startsWith('/usr/'))
    return {
      kind: 'other',
      how: _('The steward package installed this copy: remove it with “sudo apt remove steward”.'),
    };
  return {
    kind: 'other',
    how: format(
      _(
        'This copy runs from a build in {dir}, which nothing installed; an installation for your user is removed by “bash build/uninstall.sh” in Steward’s source.',
      ),
      { dir: dirname(real) },
    ),
  };
}

export function uninstallCommand(purge: boolean, script = process.argv[1] ?? ''): Promise<number> {
  const installation = installationOf(script);
  if (installation.kind === 'other') {
    process.stderr.write(`steward: ${installation.how}\n`);
    return Promise.resolve(EXIT_FAILURE);
  }
  const child = spawn('bash', [installation.uninstaller, ...(purge ? ['--purge'] : [])], { stdio: 'inherit' });
  return new Promise((resolve) => {
    child.on('error', () => resolve(EXIT_FAILURE));
    child.on('close', (code) => resolve(code ?? EXIT_FAILURE));
  });
}
