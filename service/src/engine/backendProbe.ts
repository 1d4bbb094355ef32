// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs one backend probe in a throw-away process and says how it ended:
// whatever the backend does (throws, aborts, hangs), the service only reads
// a message or an exit.
import { fork } from 'node:child_process';

import { type ProbedBackend, probeReplySchema } from './backendProbeProtocol.js';

export type ProbeOutcome =
  | { result: 'works'; devices: string[]; vram: { total: number; free: number } }
  /** The build did not load (no driver, device or build): `output` is what node-llama-cpp said. */
  | { result: 'unavailable'; message: string; output: string }
  /** It loaded and then failed: threw, crashed (`signal`), or did not finish in time. */
  | { result: 'failed'; message: string; output: string; signal: NodeJS.Signals | null };

export interface ProbeOptions {
  /** The built probe entry (dist/service/steward-backend-probe.js). */
  probeScript: string;
  modelPath: string;
  threads: number;
  timeoutMs: number;
  /** Test hooks the probe process honours (STEWARD_TEST_BACKEND_STAND_IN); nothing else of the service's. */
  env?: NodeJS.ProcessEnv;
}

/** The last lines a crashing backend printed are where llama.cpp says why. */
const OUTPUT_KEPT = 8_000;

export function probeBackend(backend: ProbedBackend, options: ProbeOptions): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const child = fork(options.probeScript, [], {
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Never download or build llama.cpp at run time.
      env: { ...process.env, ...options.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' },
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let reply: ProbeOutcome | null = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('message', (data) => {
      const parsed = probeReplySchema.safeParse(data);
      if (!parsed.success) return;
      const message = parsed.data;
      reply =
        message.type === 'works'
          ? { result: 'works', devices: message.devices, vram: message.vram }
          : message.type === 'unavailable'
            ? { result: 'unavailable', message: message.message, output: '' }
            : { result: 'failed', message: message.message, output: '', signal: null };
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ result: 'failed', message: error.message, output, signal: null });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const printed = output.trim();
      if (reply?.result === 'works') resolve(reply);
      else if (reply) resolve({ ...reply, output: printed });
      else if (timedOut)
        resolve({
          result: 'failed',
          message: `it did not finish within ${Math.round(options.timeoutMs / 1000)} s`,
          output: printed,
          signal: null,
        });
      else
        resolve({
          result: 'failed',
          message: signal ? `it stopped with signal ${signal}` : `it exited with code ${code}`,
          output: printed,
          signal,
        });
    });
    child.send({ backend, modelPath: options.modelPath, threads: options.threads });
  });
}
