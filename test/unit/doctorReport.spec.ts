// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readFileSync } from 'node:fs';

import { doctorReport, formatDoctor, turnedOff, voiceOutputReport } from '../../service/src/cli/doctorReport.js';
import { configSchema, defaultConfig } from '../../service/src/config.js';
import { CAPABILITY_CATALOGUE } from '../../service/src/core/capabilityCatalogue.js';

describe('steward doctor output', () => {
  const status = {
    version: '0.1.0',
    state: 'idle',
    'state-reason': '',
    'config-file': '/home/a/.config/steward/config.json',
    capabilities: ['journal.user', 'network', 'systemd.user'],
  };

  it('says what reads aloud: the neural voice when configured, then the desktop voice it falls back to', () => {
    const desktop = voiceOutputReport('speech-dispatcher', defaultConfig);
    expect(desktop.engine).toBe('speech-dispatcher');
    expect(formatDoctor(doctorReport(status, defaultConfig, desktop))).toContain(
      '\nReading aloud: speech-dispatcher, in the voice and rate chosen for the screen reader\n',
    );
    const neural = voiceOutputReport('espeak-ng', {
      ...defaultConfig,
      voice: { output: 'neural', neuralModel: 'piper-en' },
    });
    expect(neural).toEqual({
      engine: 'neural',
      summary: jasmine.stringMatching(
        /^the neural voice piper-en; when it cannot, espeak-ng \(speech-dispatcher is not/,
      ),
    });
    expect(voiceOutputReport(null).engine).toBe('none');
  });

  it('lists every known capability once, present or missing', () => {
    const report = doctorReport(status);
    expect(report.capabilities.map(({ name }) => name)).toEqual(CAPABILITY_CATALOGUE.map(({ name }) => name));
    expect(report.capabilities.filter(({ present }) => present).map(({ name }) => name)).toEqual([
      'journal.user',
      'systemd.user',
      'network',
    ]);
  });

  it('shows the backends the service tried, why each failed, and what would make the faster one work', () => {
    const remedy =
      'To use CUDA: update the NVIDIA driver to one for CUDA 13.1 or later (590.44.01 or newer), or build the CUDA backend for this card (needs the CUDA toolkit): cd /usr/lib/steward && npx --no node-llama-cpp source download --gpu cuda';
    const report = doctorReport({
      ...status,
      'inference-backend': 'vulkan',
      'inference-backend-summary': 'CUDA: … ; using Vulkan (NVIDIA H100 80GB HBM3)',
      'inference-backend-steps': [
        {
          backend: 'cuda',
          result: 'failed',
          reason: 'this driver (580.159.04) cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1)',
        },
        { backend: 'vulkan', result: 'works', reason: 'works on NVIDIA H100 80GB HBM3' },
      ],
      'inference-backend-remedy': remedy,
    });
    expect(report.backend).toEqual(jasmine.objectContaining({ chosen: 'vulkan', remedy }));
    expect(formatDoctor(report)).toContain(
      [
        'Inference backend: Vulkan',
        '✗ CUDA    this driver (580.159.04) cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1)',
        '✓ Vulkan  works on NVIDIA H100 80GB HBM3',
        `  ${remedy}`,
      ].join('\n'),
    );
  });

  it('says nothing of the backend before the service chose one', () => {
    const report = doctorReport({ ...status, 'inference-backend': '', 'inference-backend-steps': [] });
    expect(report.backend).toBeUndefined();
    expect(formatDoctor(report)).not.toContain('Inference backend');
  });

  it('puts what the service found under a present capability (the files it edits on NixOS)', () => {
    const detail = 'system: /etc/nixos/configuration.nix (root’s: changes need the privileged helper)';
    const report = doctorReport({
      ...status,
      capabilities: [...status.capabilities, 'nixos'],
      'capability-details': { nixos: detail },
    });
    expect(report.capabilities.find(({ name }) => name === 'nixos')).toEqual(jasmine.objectContaining({ detail }));
    expect(formatDoctor(report)).toMatch(
      /✓ nixos +on NixOS: .*\n {19}system: \/etc\/nixos\/configuration\.nix \(root’s/,
    );
  });

  it('marks each line and puts the hint under a missing capability', () => {
    const text = formatDoctor(doctorReport(status));
    expect(text).toMatch(/^Steward 0\.1\.0: idle\n\n/);
    expect(text).toContain('✓ journal.user     your own journal: errors of your apps and user services\n');
    expect(text).toContain(
      '✗ journal.system   the system journal: kernel, boot and system service errors\n' +
        '                   Only root and members of systemd-journal, adm or wheel may read it: ' +
        'run “sudo usermod -aG systemd-journal $USER”, then log out and back in',
    );
    expect(text).toMatch(/✗ packagekit .*\n {19}Install PackageKit: “sudo apt install packagekit” \(Debian, Ubuntu\)/);
    expect(text).toContain(
      '✗ gpu.cuda         running models on an NVIDIA GPU with CUDA\n                   Needs inference.local.\n',
    );
    expect(text).toMatch(/\n\n10 of 13 capabilities missing; Steward works without them\. .*“steward restart”/);
  });

  it('says that links and routes are not watched where the ip command is missing, and which package has it', () => {
    const text = formatDoctor(doctorReport(status));
    expect(text).toMatch(/✗ links +findings when a network link goes down/);
    expect(text).toContain('The ip command is missing: “sudo apt install iproute2” (Debian, Ubuntu)');
    expect(text).not.toContain('watched without it');
    const withLinks = doctorReport({ ...status, capabilities: [...status.capabilities, 'links'] });
    expect(withLinks.capabilities.find(({ name }) => name === 'links')).toEqual(
      jasmine.objectContaining({ present: true }),
    );
  });

  it('names a restart that works without a systemd user manager, which this machine may not have', () => {
    const text = formatDoctor(doctorReport({ ...status, capabilities: ['journal.user', 'network'] }));
    expect(text).toContain('✗ systemd.user');
    expect(text).not.toContain('systemctl --user restart');
    expect(text).toContain('restart it with “steward restart”');
  });

  it('says why the service found a capability missing, above how to get it', () => {
    const problem =
      'journalctl --system could not read it: No journal files were opened due to insufficient permissions. ' +
      '(this user is in none of the groups systemd-journal, adm, wheel that may read it)';
    const report = doctorReport({ ...status, 'capability-problems': { 'journal.system': problem } });
    expect(report.capabilities.find(({ name }) => name === 'journal.system')).toEqual(
      jasmine.objectContaining({ present: false, problem, hint: jasmine.stringContaining('usermod') }),
    );
    expect(report.capabilities.find(({ name }) => name === 'polkit')?.problem).toBeUndefined();
    expect(formatDoctor(report)).toContain(
      `✗ journal.system   the system journal: kernel, boot and system service errors\n                   ${problem}\n                   Only root`,
    );
  });

  it('gives the hint of a capability once the one it needs is present', () => {
    const report = doctorReport({ ...status, capabilities: ['inference.local'] });
    expect(report.capabilities.find(({ name }) => name === 'gpu.cuda')?.hint).toContain('/dev/nvidiactl');
    expect(report.capabilities.find(({ name }) => name === 'gpu.cuda')?.hint).toContain('STEWARD_KEEP_GPU_PREBUILTS=1');
  });

  it('says when nothing is missing, and shows names it does not know', () => {
    const all = [...CAPABILITY_CATALOGUE.map(({ name }) => name), 'future.thing'];
    const text = formatDoctor(doctorReport({ ...status, capabilities: all }));
    expect(text).toContain('✓ future.thing\n');
    expect(text).not.toContain('✗');
    expect(text).toMatch(/\nEvery capability is present\.\n$/);
  });

  it('shows the state reason and the sources the configuration turns off', () => {
    const config = configSchema.parse({ watch: { journal: { system: false }, disks: { mounts: [] } } });
    const text = formatDoctor(
      doctorReport({ ...status, state: 'degraded', 'state-reason': 'The engine crashed.' }, config),
    );
    expect(text).toMatch(/^Steward 0\.1\.0: degraded\n {2}The engine crashed\.\n/);
    expect(text).toContain(
      'Turned off in /home/a/.config/steward/config.json:\n' +
        '  watch.journal.system: the system journal\n' +
        '  watch.disks.mounts: free space checks\n',
    );
  });

  it('finds nothing turned off in the defaults', () => {
    expect(turnedOff(defaultConfig)).toEqual([]);
  });

  it('covers the capabilities the D-Bus documentation names, and no others', () => {
    const xml = readFileSync('dbus-interfaces/io.github.steward.Steward1.xml', 'utf8');
    const doc = /<property name="Capabilities"[\s\S]*?value="([^"]*)"/.exec(xml)?.[1] ?? '';
    const documented = [...doc.matchAll(/&quot;([a-z]+(?:\.[a-z]+)?)&quot;/g)].map(([, name]) => name);
    expect(documented.filter((name) => name !== 'starting').sort()).toEqual(
      CAPABILITY_CATALOGUE.map(({ name }) => name).sort(),
    );
  });

  it('says what the service watches only in part, and why', () => {
    const note = 'Settings folders are watched 3 levels deep; changes in deeper folders are not seen.';
    const report = doctorReport({ ...status, notes: [note] });
    expect(report.notes).toEqual([note]);
    expect(formatDoctor(report)).toContain(`\nWatched only in part:\n  ${note}\n`);
    expect(doctorReport(status).notes).toEqual([]);
  });
});
