// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import { namedOptions, pageNames, readTaskExamples } from '../../service/src/docs/taskExamples.js';

describe('the task examples', () => {
  it('names the page of a subcommand before the command’s own', () => {
    expect(pageNames('flatpak', 'flatpak info {{com.example.App}}')).toEqual(['flatpak-info', 'flatpak']);
    expect(pageNames('chmod', 'chmod u+x {{path/to/file}}')).toEqual(['chmod']);
    // A placeholder is not a subcommand, and another command's line (a pipe's start) names no page of this one.
    expect(pageNames('ssh-keygen', 'ssh-keygen {{-t}} {{ed25519}}')).toEqual(['ssh-keygen']);
    expect(pageNames('tee', 'echo {{text}} | tee {{file}}')).toEqual(['tee']);
  });

  it('names the options and subcommands a command line uses as an entry’s names are written', () => {
    expect(namedOptions('journalctl --vacuum-size=2G')).toEqual(['vacuumsize']);
    expect(namedOptions('systemctl list-units --failed')).toEqual(['listunits', 'failed']);
    expect(namedOptions('ssh -L {{local_port}}:{{host}}:{{port}} {{user}}@{{server}}')).toEqual(['l']);
    expect(namedOptions('chmod u+x {{path/to/file}}')).toEqual([]);
    // tldr writes an option both ways inside a placeholder since 2025.
    expect(namedOptions('tail {{[-n|--lines]}} {{count}} {{path/to/file}}')).toEqual(['n', 'lines']);
    expect(pageNames('cp', 'cp {{[-r|--recursive]}} {{path/to/source}} {{path/to/target}}')).toEqual(['cp']);
  });

  it('reads the bundled snapshot: tldr-pages’ English pages for every platform and Linux', async () => {
    const { version, examples } = await readTaskExamples(
      join(process.cwd(), 'service', 'data', 'task-examples.json.gz'),
    );
    expect(version)
      .withContext('the snapshot and how the index stores it')
      .toMatch(/^[0-9a-f]{40} \d+$/);
    expect(examples.length).toBeGreaterThan(20_000);
    const vacuum = examples.find((example) => example.command === 'journalctl' && example.code.includes('--vacuum'));
    expect(vacuum?.task).toMatch(/delete journal logs/i);
    // tldr's marks of an option's letter ("e[x]ecute") are read away.
    expect(examples.filter((example) => example.command === 'chmod').map((example) => example.task)).toContain(
      'Give the user who owns a file the right to execute it',
    );
  });
});
