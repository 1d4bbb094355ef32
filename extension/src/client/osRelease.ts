// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Gio from 'gi://Gio';

import { PROJECT_HOME } from './interfaces.js';
import { type InstallHelp, installHelp } from './serviceHelp.js';

/** The text of os-release(5): /etc/os-release, else /usr/lib/os-release, read without blocking; '' when neither reads. */
export async function readOsRelease(cancellable: Gio.Cancellable | null = null): Promise<string> {
  Gio._promisify(Gio.File.prototype, 'load_contents_async', 'load_contents_finish');
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      const [contents] = await Gio.File.new_for_path(path).load_contents_async(cancellable);
      return new TextDecoder().decode(contents);
    } catch {
      // The next place, as os-release(5) says to look.
    }
  }
  return '';
}

/** How to install the service on this machine's distribution: the exact command, and a sentence holding it. */
export async function installHelpHere(_: (text: string) => string): Promise<InstallHelp> {
  return installHelp(await readOsRelease(), PROJECT_HOME, _);
}
