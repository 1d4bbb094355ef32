// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How a person who has only the extension gets Steward's service: the exact command for the distribution
// named in os-release(5). Pure, so it runs under Node in the unit tests; the caller reads the file.

import { format } from '../shared/text.js';

type Gettext = (text: string) => string;

/** os-release(5)'s KEY=value lines, with the shell quoting the format allows undone. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match?.[1]) continue;
    fields[match[1]] = (match[2] ?? '').replace(/^(["'])(.*)\1$/, '$2').replace(/\\(["$`\\])/g, '$1');
  }
  return fields;
}

/** The prerequisites of `npm run install-user` (git, Node.js with npm, glib-compile-schemas, msgfmt), by family. */
const PREREQUISITES: readonly { family: string; command: string }[] = [
  { family: 'debian', command: 'sudo apt install git nodejs npm libglib2.0-bin gettext' },
  { family: 'ubuntu', command: 'sudo apt install git nodejs npm libglib2.0-bin gettext' },
  { family: 'fedora', command: 'sudo dnf install git nodejs npm glib2 gettext' },
  { family: 'arch', command: 'sudo pacman -S --needed git nodejs npm glib2 gettext' },
  { family: 'suse', command: 'sudo zypper install git nodejs npm glib2-tools gettext-tools' },
];

/** The family of the distribution: its ID, else the first of ID_LIKE that the table knows. */
function familyOf(fields: Record<string, string>): string {
  const ids = [fields.ID ?? '', ...(fields.ID_LIKE ?? '').split(/\s+/)].filter(Boolean);
  if (ids.includes('nixos')) return 'nixos';
  return (
    ids
      .map((id) => (id.startsWith('opensuse') ? 'suse' : id))
      .find((id) => PREREQUISITES.some((p) => p.family === id)) ?? ''
  );
}

export interface InstallHelp {
  /** The distribution as os-release names it, or '' when unknown. */
  distribution: string;
  /** One command to copy into a terminal, or the configuration line on NixOS. */
  command: string;
  /** What to do, holding the command: shown under the heading that says the service is not installed. */
  text: string;
}

/**
 * How to install Steward's service here, from the text of /etc/os-release ('' when it could not be read).
 * `projectHome` is where the source is published, '' while it is nowhere public: then the help names
 * what works from a copy of the source (its README's quick start) rather than a page that does not exist.
 */
export function installHelp(osRelease: string, projectHome: string, _: Gettext): InstallHelp {
  const fields = parseOsRelease(osRelease);
  const distribution = fields.PRETTY_NAME ?? fields.NAME ?? '';
  const family = familyOf(fields);
  const install = 'npm run install-user';
  const inSource = format(_('Then run “{command}” in a copy of Steward’s source.'), { command: install });
  if (family === 'nixos') {
    const command = 'services.steward.enable = true;';
    const text = projectHome
      ? format(_('Add the flake at {home} with “{command}”, then run “sudo nixos-rebuild switch”.'), {
          home: projectHome,
          command,
        })
      : `${format(_('Add the flake of a copy of Steward’s source with “{command}”.'), { command })} ${_(
          'Then run “sudo nixos-rebuild switch”.',
        )}`;
    return { distribution, command, text };
  }
  const clone = projectHome ? `git clone ${projectHome} ~/steward && cd ~/steward && ${install}` : '';
  const prerequisites = PREREQUISITES.find((entry) => entry.family === family)?.command;
  if (!prerequisites) {
    const text = clone
      ? format(_('Install git, Node.js 20.19 or later with npm, GLib’s tools and gettext, then run “{command}”.'), {
          command: clone,
        })
      : `${_('Install git, Node.js 20.19 or later with npm, GLib’s tools and gettext.')} ${inSource}`;
    return { distribution, command: clone || install, text };
  }
  if (!clone) {
    const where = format(_('On {distribution}, install what it builds with “{command}”.'), {
      distribution: distribution || family,
      command: prerequisites,
    });
    return { distribution, command: prerequisites, text: `${where} ${inSource}` };
  }
  const command = `${prerequisites} && ${clone}`;
  return {
    distribution,
    command,
    text: format(_('On {distribution}, install it for yourself with “{command}”.'), {
      distribution: distribution || family,
      command,
    }),
  };
}
