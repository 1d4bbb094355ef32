// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { parentExecutable, parentPidOf } from '../../service/src/agents/agentIdentity.js';

describe('the process behind steward mcp', () => {
  it('reads the parent pid after the command name, whatever the name holds', () => {
    expect(parentPidOf('4242 (node) S 4100 4242 4100 0 -1 4194560 ...')).toBe(4100);
    expect(parentPidOf('4242 (a) S 1 (evil)) R 999 4242 ...')).toBe(999);
    expect(parentPidOf('garbage')).toBeNull();
  });

  it("finds this process's parent and its executable from the kernel", async () => {
    const parent = await parentExecutable(process.pid);
    expect(parent?.pid).toBe(process.ppid);
    expect(parent?.executable).toMatch(/^\//);
  });
});
