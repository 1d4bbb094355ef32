// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
/** A Debian release to test in, and the GNOME Shell major version it ships. */
export interface Suite {
  name: string;
  gnomeVersion: number;
}

export const SUITES: readonly Suite[] = [
  { name: 'trixie', gnomeVersion: 48 },
  { name: 'forky', gnomeVersion: 50 },
  { name: 'sid', gnomeVersion: 51 },
];

/**
 * The suites named in STEWARD_E2E_SUITES: comma-separated Debian suite names or GNOME major versions
 * ("trixie,50"); trixie when unset; none for "none".
 */
export function selectedSuites(value = process.env.STEWARD_E2E_SUITES ?? 'trixie'): Suite[] {
  const names = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  return names.map((entry) => {
    const suite = SUITES.find((s) => s.name === entry || String(s.gnomeVersion) === entry);
    if (!suite) {
      const known = SUITES.map((s) => `${s.name} (${s.gnomeVersion})`).join(', ');
      throw new Error(`STEWARD_E2E_SUITES names "${entry}"; choose from ${known}, or none`);
    }
    return suite;
  });
}
