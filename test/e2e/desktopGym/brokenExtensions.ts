// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The desktop gym's broken extensions, as a person installs them from extensions.gnome.org: real GNOME Shell
// extensions (ESM, GNOME 45 and later) whose code fails the way extensions fail in the field. They are written
// into a folder of their own and installed into the session turned off; a scenario turns one on.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** enable() reads a part of the shell that is not there, as an extension written for another version does. */
export const ENABLE_THROWS = 'enable-throws@gym.steward.example.org';
/** Made for GNOME 40 only: GNOME 48 does not run it (OUT_OF_DATE), turned on or not. */
export const OUT_OF_DATE = 'out-of-date@gym.steward.example.org';
/** enable() succeeds; a GLib timeout it added throws a moment later, inside the running shell. */
export const TIMEOUT_THROWS = 'timeout-throws@gym.steward.example.org';
/** Works: the extension whose failure a forged line claims. */
export const WORKING = 'clock@gym.steward.example.org';
/**
 * Turned on after a scenario's fault, one per use: once Steward has reported its failure and proposed on it,
 * Steward has read and proposed on everything before it (it reads the shell's signals and the journal in order).
 */
export const SENTINELS = Array.from({ length: 16 }, (_, index) => index + 1).map(
  (n) => `sentinel-${n}@gym.steward.example.org`,
);

/** What GNOME Shell says of ENABLE_THROWS, as its GetExtensionInfo's "error". */
export const ENABLE_ERROR = 'TypeError: Main.panel.statusArea.gymWeatherIndicator is undefined';
/** The exception TIMEOUT_THROWS's timeout throws, as the shell logs it. */
export const TIMEOUT_ERROR = 'TypeError: this._forecast is undefined';

const header = `import { Extension } from 'resource:///org/gnome/shell/extensions/extension.js';`;

const enableThrows = `${header}
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

export default class GymExtension extends Extension {
    enable() {
        Main.panel.statusArea.gymWeatherIndicator.menu.addMenuItem(null);
    }

    disable() {}
}
`;

const timeoutThrows = `${header}
import GLib from 'gi://GLib';

export default class GymExtension extends Extension {
    enable() {
        this._timeout = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 100, () => {
            this._timeout = 0;
            this._forecast.update();
            return GLib.SOURCE_REMOVE;
        });
    }

    disable() {
        if (this._timeout) GLib.source_remove(this._timeout);
        this._timeout = 0;
    }
}
`;

const fine = `${header}

export default class GymExtension extends Extension {
    enable() {}

    disable() {}
}
`;

const CURRENT = ['48', '49', '50', '51'];

const EXTENSIONS: Record<string, { name: string; code: string; shellVersions?: string[] }> = {
  [ENABLE_THROWS]: { name: 'Gym Weather', code: enableThrows },
  [TIMEOUT_THROWS]: { name: 'Gym Forecast', code: timeoutThrows },
  [OUT_OF_DATE]: { name: 'Gym Old Clock', code: fine, shellVersions: ['40'] },
  [WORKING]: { name: 'Gym Clock', code: fine },
  ...Object.fromEntries(SENTINELS.map((uuid, n) => [uuid, { name: `Gym Sentinel ${n + 1}`, code: enableThrows }])),
};

/** Writes every broken extension into `dir`, one folder each named after its UUID; resolves with the folders. */
export async function writeBrokenExtensions(dir: string): Promise<string[]> {
  const folders: string[] = [];
  for (const [uuid, { name, code, shellVersions = CURRENT }] of Object.entries(EXTENSIONS)) {
    const folder = join(dir, uuid);
    await mkdir(folder, { recursive: true });
    const metadata = {
      uuid,
      name,
      description:
        uuid === WORKING
          ? 'A working extension of Steward’s desktop gym'
          : 'A broken extension of Steward’s desktop gym',
      'shell-version': shellVersions,
    };
    await writeFile(join(folder, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    await writeFile(join(folder, 'extension.js'), code);
    folders.push(folder);
  }
  return folders;
}
