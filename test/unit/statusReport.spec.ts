// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';

import { formatEngine, formatStatus, unpackStatus } from '../../service/src/cli/statusReport.js';

describe('steward status output', () => {
  const record = unpackStatus({
    version: new Variant('s', '0.1.0'),
    'api-version': new Variant('u', 1),
    state: new Variant('s', 'degraded'),
    'state-reason': new Variant('s', 'Config is broken.'),
    capabilities: new Variant('as', ['journal.user', 'packagekit']),
    pid: new Variant('u', 42),
    'started-at': new Variant('x', 1_700_000_000_000_000n),
    'config-file': new Variant('s', '/home/a/.config/steward/config.json'),
    'config-valid': new Variant('b', false),
    'state-directory': new Variant('s', '/home/a/.local/state/steward'),
  });

  it('unpacks variants and 64-bit integers into plain JSON values', () => {
    expect(record['started-at']).toBe(1_700_000_000_000_000);
    expect(JSON.parse(JSON.stringify(record))).toEqual(jasmine.objectContaining({ pid: 42, state: 'degraded' }));
  });

  it('prints a short human summary', () => {
    const text = formatStatus(record);
    expect(text).toContain('Steward 0.1.0 (API 1): degraded\n  Config is broken.\n');
    expect(text).toContain('Capabilities:  journal.user, packagekit');
    expect(text).toContain('(invalid, defaults in use)');
    expect(text).toContain('(pid 42)');
  });

  it('points from "attention" to the findings, and leaves out a model name it does not have', () => {
    expect(formatStatus({ ...record, state: 'attention', 'state-reason': '2 findings' })).toContain(
      ': attention\n  2 findings\n  “steward findings” shows what needs your attention.\n',
    );
    expect(formatEngine(unpackStatus({ state: new Variant('s', 'unloaded'), model: new Variant('s', '') }))[0]).toBe(
      'Inference:     unloaded: loads on the next question',
    );
  });

  it('says which backend the service chose and what would make a faster one work', () => {
    const text = formatStatus({
      ...record,
      'inference-backend-summary':
        'CUDA: this driver (580.159.04) cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1); using Vulkan',
      'inference-backend-remedy': 'To use CUDA: update the NVIDIA driver',
    });
    expect(text).toContain(
      'Backend:       CUDA: this driver (580.159.04) cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1); using Vulkan\n  To use CUDA: update the NVIDIA driver\n',
    );
    expect(formatStatus({ ...record, 'inference-backend-summary': '' })).not.toContain('Backend:');
  });

  it('says which engine answers and on what', () => {
    const loaded = unpackStatus({
      state: new Variant('s', 'ready'),
      location: new Variant('s', 'local'),
      model: new Variant('s', '/models/qwen3-4b.gguf'),
      backend: new Variant('s', 'cuda'),
      devices: new Variant('as', ['NVIDIA H100']),
      'context-size': new Variant('u', 8192),
      threads: new Variant('u', 4),
      sequences: new Variant('u', 2),
      'vram-total': new Variant('t', 80n * 2n ** 30n),
      'vram-used': new Variant('t', 3n * 2n ** 30n),
    });
    expect(formatEngine(loaded)).toEqual([
      'Inference:     ready, qwen3-4b.gguf: CUDA (NVIDIA H100), context 8192 tokens, 4 threads, 2 chats at once, VRAM 3.2 GB of 86 GB',
    ]);
    const remote = unpackStatus({
      state: new Variant('s', 'ready'),
      location: new Variant('s', 'remote'),
      model: new Variant('s', 'llama3'),
      endpoint: new Variant('s', 'http://gpu-box:8080/v1'),
    });
    expect(formatEngine(remote)[0]).toContain('prompts leave this computer');
    expect(formatEngine(unpackStatus({ state: new Variant('s', 'unconfigured') }))[0]).toContain('no model set up');
    const fellBack = unpackStatus({
      state: new Variant('s', 'unloaded'),
      model: new Variant('s', '/m/a.gguf'),
      'cpu-fallback-reason': new Variant('s', 'the cuda backend cannot be used'),
    });
    expect(formatStatus(record, fellBack)).toContain(
      'Inference:     unloaded, a.gguf: loads on the next question\n  the cuda backend cannot be used\n',
    );
  });

  it('says what the service watches only in part, and why', () => {
    const text = formatStatus({
      ...record,
      notes: ['256 folders are watched, the most Steward watches at once; changes in others are not seen.'],
    });
    expect(text).toContain(
      'Watching:      256 folders are watched, the most Steward watches at once; changes in others are not seen.\n',
    );
    expect(formatStatus(record)).not.toContain('Watching:');
  });
});
