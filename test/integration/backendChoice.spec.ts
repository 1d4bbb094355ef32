// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The backend chosen by what runs: on a machine whose prebuilt CUDA build
// cannot drive its card (a named stand-in: an H100 on driver 580, whose CUDA
// probe aborts with llama.cpp's PTX error) and with no Vulkan driver, the
// service probes, answers on the CPU (a real probe and a real worker on the
// tiny model), starts its worker once, and says why in status and doctor.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus } from '@jellybrick/dbus-next';

import type { DoctorReport } from '../../service/src/cli/doctorReport.js';
import { localBackendSelector } from '../../service/src/engine/localBackend.js';
import { createLogger } from '../../service/src/logging.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { writePtxFailureMachine } from '../support/ptxFailureStandIn.js';
import {
  activateModel,
  quietWatch,
  runCli,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';

const PROBE_SCRIPT = join(process.cwd(), 'dist', 'service', 'steward-backend-probe.js');

const occurrences = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;

describe('the inference backend on a machine whose CUDA build cannot run', () => {
  let bus: PrivateBus;
  let home: TempDir;
  let client: MessageBus;
  let service: RunningService;
  let serviceEnv: NodeJS.ProcessEnv;
  let cliEnv: NodeJS.ProcessEnv;
  const config = { watch: quietWatch(), inference: { threads: 1, contextSize: 512, maxAnswerTokens: 16 } };

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir();
    client = await bus.connect();
    const machine = await writePtxFailureMachine(join(home.path, 'machine'));
    await mkdir(join(home.path, 'data', 'steward', 'models'), { recursive: true });
    await writeTinyModel(join(home.path, 'data', 'steward', 'models', 'tiny.gguf'));
    serviceEnv = {
      PATH: `${machine.bin}:${process.env.PATH}`,
      STEWARD_TEST_GPU_ROOT: machine.gpuRoot,
      STEWARD_TEST_BACKEND_STAND_IN: machine.loader,
    };
    cliEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
    service = await startConfiguredService(bus, client, home.path, config, serviceEnv);
    await activateModel(client, 'store:tiny.gguf');
  });

  afterAll(async () => {
    await service?.stop();
    await bus.stop();
    await home.remove();
  });

  // One story in order: the probes, the answer, what status and doctor say, then a second start.
  it('answers on the CPU with a worker started once, says why in status and doctor, and remembers the choice', async () => {
    await waitFor(() => service.log().includes('inference backend chosen'), 'the backend probes', 120_000);
    expect(service.log()).toMatch(/inference backend probe failed .*backend=cuda/);

    const asked = await runCli(['ask', '--no-tools', '--max-tokens', '4', 'is the disk ok?'], cliEnv);
    expect(asked.code).withContext(asked.stderr).toBe(0);
    expect(asked.stdout.trim()).not.toBe('');

    const log = service.log();
    expect(occurrences(log, /starting the inference engine/)).toBe(1);
    expect(log).toMatch(/starting the inference engine .*gpu=false/);
    expect(log).not.toContain('stopped unexpectedly');
    expect(log).toMatch(/inference engine ready .*backend=cpu/);
    // The test's settings, not the defaults: one thread, set deliberately, and a small context.
    expect(log).toMatch(/inference engine ready .*contextSize=512.*threads=1/);

    const doctor = await runCli(['doctor', '--json'], cliEnv);
    const report = JSON.parse(doctor.stdout) as DoctorReport;
    expect(report.backend?.chosen).toBe('cpu');
    expect(report.backend?.steps).toEqual([
      {
        backend: 'cuda',
        result: 'failed',
        reason: 'this driver (580.159.04) cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1)',
      },
      { backend: 'vulkan', result: 'skipped', reason: 'no Vulkan driver for a GPU' },
      { backend: 'cpu', result: 'works', reason: jasmine.any(String) },
    ]);
    expect(report.backend?.remedy).toContain('CUDA 13.1 or later (590.44.01 or newer)');
    expect(report.backend?.remedy).toMatch(/&& npx --no node-llama-cpp source download --gpu cuda$/);

    const text = (await runCli(['doctor'], cliEnv)).stdout;
    expect(text).toContain('Inference backend: CPU');
    expect(text).toContain(
      '✗ CUDA    this driver (580.159.04) cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1)',
    );
    expect(text).toContain('To use CUDA: update the NVIDIA driver');
    const status = (await runCli(['status'], cliEnv)).stdout;
    expect(status).toContain(
      'Backend:       CUDA: this driver (580.159.04) cannot run the prebuilt kernels for sm_90 (needs CUDA 13.1); Vulkan: no Vulkan driver for a GPU; using the CPU',
    );

    const cache = join(home.path, '.cache', 'steward', 'inference-backend.json');
    expect(existsSync(cache)).toBeTrue();
    expect(await readFile(cache, 'utf8')).toContain('580.159.04');
    await service.stop();
    service = await startConfiguredService(bus, client, home.path, config, serviceEnv);
    await waitFor(() => service.log().includes('inference backend remembered'), 'the remembered backend');
    expect(service.log()).not.toContain('inference backend probe failed');
  }, 240_000);
});

describe('the backend probes on this machine, with a Vulkan driver manifest but no Vulkan loader', () => {
  let dir: TempDir;

  beforeAll(async () => {
    dir = await makeTempDir();
  });

  afterAll(async () => {
    await dir.remove();
  });

  it('probes node-llama-cpp’s real Vulkan build, which does not load, then the real CPU, and remembers nothing', async () => {
    // What the Vulkan loader reads and a render node: enough for the service to try the build.
    const gpuRoot = join(dir.path, 'gpu-root');
    await mkdir(join(gpuRoot, 'usr', 'share', 'vulkan', 'icd.d'), { recursive: true });
    await writeFile(join(gpuRoot, 'usr', 'share', 'vulkan', 'icd.d', 'radeon_icd.x86_64.json'), '{}');
    await mkdir(join(gpuRoot, 'dev', 'dri'), { recursive: true });
    await writeFile(join(gpuRoot, 'dev', 'dri', 'renderD128'), '');
    const lines: string[] = [];
    const selector = localBackendSelector({
      cacheDirectory: join(dir.path, 'cache'),
      probeScript: PROBE_SCRIPT,
      gpuRoot,
      log: createLogger({ level: 'debug', journal: false, write: (line) => lines.push(line) }),
    });
    const choice = await selector.choose('auto');
    expect(choice.backend).toBe('cpu');
    expect(choice.steps).toEqual([
      { backend: 'cuda', result: 'skipped', reason: 'no NVIDIA driver is loaded' },
      {
        backend: 'vulkan',
        result: 'unavailable',
        reason: 'the Vulkan build does not load (no Vulkan loader, or no Vulkan driver for this GPU)',
      },
      { backend: 'cpu', result: 'works', reason: 'works' },
    ]);
    expect(choice.remedy).toBe("To use Vulkan: install the Vulkan loader (libvulkan1) and the GPU's Vulkan driver");
    expect(existsSync(join(dir.path, 'cache', 'backend-probe.gguf'))).toBeTrue();
    expect(existsSync(join(dir.path, 'cache', 'inference-backend.json'))).toBeFalse();
  }, 120_000);
});
