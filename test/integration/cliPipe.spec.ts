// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { CLI_SCRIPT } from '../support/service.js';

describe('the command line writing into a pipe whose reader has gone (steward … | head)', () => {
  it('ends quietly with status 0, no stack trace', async () => {
    const child = spawn(process.execPath, [CLI_SCRIPT, 'help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the command has loaded, so its first write meets a pipe without a reader.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect(stderr).toBe('');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
