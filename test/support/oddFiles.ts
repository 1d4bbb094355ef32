// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A home whose state files are hostile: what a careless user, a crashed
// download or another program may leave where the service looks for its files.
import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';

import { homeEnv, quietWatch, type RunningService, spawnService, waitUntilReady } from './service.js';

/** Fills the model store, the Ollama directory and the state directory of a service kept in `home` with odd files. */
async function placeOddFiles(home: string): Promise<void> {
  const store = join(home, 'data', 'steward', 'models');
  const ollama = join(home, 'ollama');
  const state = join(home, 'state', 'steward');
  for (const dir of [
    store,
    join(store, 'dir.gguf'),
    state,
    join(ollama, 'manifests', 'registry.ollama.ai', 'library', 'odd'),
    join(ollama, 'blobs'),
  ])
    await mkdir(dir, { recursive: true });
  await symlink('/dev/zero', join(store, 'zero.gguf'));
  await symlink(join(store, 'missing.gguf'), join(store, 'dangling.gguf'));
  await symlink(join(store, 'loop.gguf'), join(store, 'loop.gguf'));
  await promisify(execFile)('mkfifo', [join(store, 'fifo.gguf')]);
  await writeFile(join(store, 'empty.gguf'), '');
  await writeFile(join(store, 'text.gguf'), 'not a model\n');
  await writeFile(
    join(store, 'GGUF-header-only.gguf'),
    Buffer.from('GGUF\x03\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff', 'latin1'),
  );
  await writeFile(join(store, `odd\nname\u202e${'x'.repeat(200)}.gguf`), 'GGUF');
  await symlink('/dev/zero', join(state, 'active-model.json'));
  const manifests = join(ollama, 'manifests', 'registry.ollama.ai', 'library', 'odd');
  await symlink('/dev/zero', join(manifests, 'zero'));
  await writeFile(
    join(manifests, 'broken'),
    '{"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:../../../../etc/passwd"}]}',
  );
  await writeFile(join(manifests, 'deep'), `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
  await mkdir(join(manifests, 'dir'));
}

/** Starts a quiet service (no watchers, no model) kept in `home`, among odd files; resolves when it is ready. */
export async function startServiceAmongOddFiles(
  bus: { address: string },
  client: MessageBus,
  home: string,
): Promise<RunningService> {
  await placeOddFiles(home);
  await mkdir(join(home, 'config', 'steward'), { recursive: true });
  await writeFile(
    join(home, 'config', 'steward', 'config.json'),
    JSON.stringify({ logLevel: 'debug', watch: quietWatch() }),
  );
  const service = spawnService(bus.address, {
    ...homeEnv(home),
    XDG_DATA_HOME: join(home, 'data'),
    OLLAMA_MODELS: join(home, 'ollama'),
  });
  await waitUntilReady(client, service);
  return service;
}
