// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { MessageBus } from '@jellybrick/dbus-next';

import { storeApiKey } from '../engine/apiKey.js';
import { EXIT_USAGE } from './exitCodes.js';

async function readLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('API key (not shown): ');
  const chunks: Buffer[] = [];
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if ((chunk as Buffer).includes(0x0d) || (chunk as Buffer).includes(0x0a)) break;
  }
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(false);
    process.stderr.write('\n');
  }
  return (
    Buffer.concat(chunks)
      .toString('utf8')
      .split(/[\r\n]/)[0]
      ?.trim() ?? ''
  );
}

/** Stores the key where the service looks for it: the keyring item for this endpoint's URL. */
export async function apiKeyCommand(bus: MessageBus, url: string): Promise<number> {
  const key = await readLine();
  if (key === '') {
    process.stderr.write('steward: no API key given\n');
    return EXIT_USAGE;
  }
  await storeApiKey(bus, url, key);
  process.stdout.write(`Saved the API key for ${url} in your keyring.\n`);
  return 0;
}
