// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The throw-away process that tries one llama.cpp backend: it loads the
// backend's build, the probe model fully offloaded, and evaluates a few
// tokens. A backend that cannot run here may abort the process (a CUDA
// kernel the driver cannot load ends in ggml's abort): that is why this runs
// apart from the service and from the real worker.
import { pathToFileURL } from 'node:url';

import { getLlama, type Llama, LlamaLogLevel } from 'node-llama-cpp';

import { testHooks } from '../testHooks.js';
import { type ProbeReply, probeReplySchema, type ProbeRequest, probeRequestSchema } from './backendProbeProtocol.js';

if (!process.send) throw new Error('steward-backend-probe runs only as a child process of the Steward service');
const sendToParent = process.send.bind(process);

type Gpu = 'cuda' | 'vulkan' | false;
type BackendLoader = (gpu: Gpu) => Promise<Llama>;

/**
 * node-llama-cpp's own loader: 'never' builds (compiling llama.cpp in a desktop service could take an hour),
 * and its progress logs on, so that why a build did not load reaches the parent on stderr.
 */
const loadBuild: BackendLoader = (gpu) =>
  getLlama({ gpu, build: 'never', progressLogs: true, logLevel: LlamaLogLevel.warn });

/**
 * The test hook backendStandIn names a module that stands in for backends this machine cannot have (a GPU that
 * cannot run here); it exports `backends` (the names it stands in for) and `load(gpu)`. Unset in real sessions.
 */
async function loaderFor(gpu: Gpu): Promise<BackendLoader> {
  const standIn = testHooks().backendStandIn;
  if (!standIn) return loadBuild;
  const module = (await import(pathToFileURL(standIn).href)) as { backends: string[]; load: BackendLoader };
  return module.backends.includes(gpu === false ? 'cpu' : gpu) ? module.load : loadBuild;
}

function send(reply: ProbeReply): Promise<void> {
  probeReplySchema.parse(reply);
  return new Promise((resolve) => sendToParent(reply, undefined, {}, () => resolve()));
}

async function probe({ backend, modelPath, threads }: ProbeRequest): Promise<ProbeReply> {
  const gpu: Gpu = backend === 'cpu' ? false : backend;
  let llama: Llama;
  try {
    llama = await (await loaderFor(gpu))(gpu);
  } catch (error) {
    return { type: 'unavailable', message: (error as Error).message };
  }
  if (llama.gpu !== gpu) {
    return { type: 'unavailable', message: `node-llama-cpp loaded its ${llama.gpu || 'CPU'} build instead` };
  }
  // Every layer on the GPU: a backend that works only for the layers it does not get has not been tried.
  const model = await llama.loadModel({ modelPath, gpuLayers: gpu === false ? 0 : 'max' });
  const context = await model.createContext({ contextSize: 256, sequences: 1, threads });
  const sequence = context.getSequence();
  let generated = 0;
  for await (const token of sequence.evaluate(model.tokenize('Steward probes this backend.'), { temperature: 0 })) {
    void token;
    generated += 1;
    if (generated >= 2) break;
  }
  const { total, free } = await llama.getVramState();
  const devices = await llama.getGpuDeviceNames();
  await llama.dispose();
  return { type: 'works', devices, vram: { total, free } };
}

process.once('message', (data) => {
  probe(probeRequestSchema.parse(data)).then(
    async (reply) => {
      await send(reply);
      process.exit(0);
    },
    async (error: Error) => {
      await send({ type: 'failed', message: error.message });
      process.exit(0);
    },
  );
});
process.on('disconnect', () => process.exit(0));
