// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { join } from 'node:path';

import { getLlama, type Llama, LlamaChatSession, readGgufFileInfo } from 'node-llama-cpp';

import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { tinyModel, writeTinyModel } from '../support/tinyModel.js';

describe('the tiny test model', () => {
  let dir: TempDir;
  let path: string;
  let llama: Llama;

  beforeAll(async () => {
    dir = await makeTempDir();
    path = await writeTinyModel(join(dir.path, 'tiny.gguf'));
    llama = await getLlama({ gpu: false, build: 'never', progressLogs: false });
  });

  afterAll(async () => {
    await llama.dispose();
    await dir.remove();
  });

  it('is the same for the same seed', () => {
    expect(tinyModel({ seed: 7 }).equals(tinyModel({ seed: 7 }))).toBeTrue();
    expect(tinyModel({ seed: 7 }).equals(tinyModel({ seed: 8 }))).toBeFalse();
  });

  it('is a GGUF file whose metadata node-llama-cpp reads', async () => {
    const info = await readGgufFileInfo(path);
    expect(info.version).toBe(3);
    expect(info.metadata.general.architecture).toBe('llama');
    expect(info.tensorInfo?.length).toBe(2 + 2 * 9);
  });

  it('loads in llama.cpp and streams a chat answer', async () => {
    const model = await llama.loadModel({ modelPath: path });
    const context = await model.createContext({ contextSize: 512, threads: 1 });
    const session = new LlamaChatSession({ contextSequence: context.getSequence() });
    const chunks: string[] = [];
    await session.prompt('Is the disk ok?', { maxTokens: 8, onTextChunk: (chunk) => chunks.push(chunk) });
    expect(chunks.length).toBeGreaterThan(0);
    await model.dispose();
  });
});
