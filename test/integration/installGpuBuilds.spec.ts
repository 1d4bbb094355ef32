// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import {
  expectedPrebuilts,
  makeSandbox,
  mustRun,
  presentPackages,
  removeSandbox,
  ROOT,
  type Sandbox,
} from './install/sandbox.js';

describe('build/install.sh with STEWARD_KEEP_GPU_PREBUILTS=1', () => {
  let sandbox: Sandbox;
  let output: string;

  beforeAll(async () => {
    sandbox = await makeSandbox();
    sandbox.env.STEWARD_KEEP_GPU_PREBUILTS = '1';
    output = await mustRun(sandbox, 'install.sh');
  });

  afterAll(() => removeSandbox(sandbox));

  it('keeps every GPU build of llama.cpp that the repository has', async () => {
    const { gpu } = await expectedPrebuilts();
    const inRepository = presentPackages(ROOT, gpu);
    expect(presentPackages(sandbox.libDir, inRepository)).toEqual(inRepository);
    expect(output).not.toContain('Left out the GPU builds');
  });
});
