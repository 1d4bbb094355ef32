// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// shell.run through real bubblewrap: the secret places it must not show, and the
// Unix sockets (agents, keyrings, desktop services) it must not reach.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';

import type { ActionContext } from '../../service/src/fixes/action.js';
import { shellRunAction, type ShellRunParams } from '../../service/src/fixes/actions/shell.js';
import { stewardSecretPaths } from '../../service/src/secretPlaces.js';
import { homeContext, runOptions } from '../unit/fixes/actionContext.js';

// python3 from the read-only root: it reports the errno a system call ended with.
const python = (program: string): ShellRunParams => ({ argv: ['/usr/bin/python3', '-c', program] });

describe('shell.run and secrets', () => {
  let root: string;
  let context: ActionContext;
  let stateDirectory: string;
  let apiKeyFile: string;
  let agent: Server;
  let agentSocket: string;
  let agentConnections = 0;
  const action = () => shellRunAction({ stewardSecrets: () => stewardSecretPaths(stateDirectory, apiKeyFile) });
  const run = async (params: ShellRunParams) => (await action().run(params, context, runOptions())).summary;

  const secretFiles: Record<string, string> = {};
  const plant = async (path: string, content: string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    secretFiles[path] = content;
  };

  beforeAll(async () => {
    // Not under /tmp: the sandbox has an empty /tmp of its own, and the home must be visible in it.
    root = await mkdtemp('/var/tmp/steward-secrets-');
    context = homeContext(join(root, 'home'));
    const home = context.home;
    // XDG_STATE_HOME moved out of the home, and a key file whose name says nothing.
    stateDirectory = join(root, 'state', 'steward');
    apiKeyFile = join(home, 'work', 'endpoint-token');
    await plant(apiKeyFile, 'sk-live-endpoint-token-1111\n');
    await plant(join(stateDirectory, 'chat.db'), 'SQLite format 3 chat-history-2222\n');
    await plant(join(stateDirectory, 'known-good', 'a'.repeat(64)), 'db:5432:*:ana:pgpass-3333\n');
    await plant(join(home, '.netrc'), 'machine example.org login ana password netrc-4444\n');
    await plant(join(home, '.git-credentials'), 'https://ana:gitcred-5555@example.org\n');
    await plant(join(home, '.mozilla/firefox/x1.default-release/cookies.sqlite'), 'SQLite format 3 cookie-6666\n');
    await plant(
      join(home, '.var/app/org.mozilla.firefox/.mozilla/firefox/x2.default/cookies.sqlite'),
      'SQLite format 3 cookie-7777\n',
    );
    await plant(join(home, '.config/google-chrome/Default/Cookies'), 'SQLite format 3 cookie-8888\n');
    // Secret files outside the fixed places, found by name or, for a key-like name, by content.
    await plant(join(home, 'projects/site/.netrc'), 'machine ci.example.org login bot password netrc-1212\n');
    await plant(join(home, 'backup/2024/server.key'), 'tls-key-1313\n');
    await plant(join(home, 'backup/id_ed25519.old'), '-----BEGIN OPENSSH PRIVATE KEY-----\nsshkey-1414\n');
    await plant(join(home, '.config/newbrowser/Default/Cookies'), 'SQLite format 3 cookie-1515\n');
    await plant(join(home, '.local/share/Trash/files/.pgpass'), 'db:5432:*:ana:trashed-1616\n');
    await writeFile(join(home, 'backup/2024/readme.txt'), 'visible backup notes\n');
    await writeFile(join(home, 'notes.txt'), 'visible notes\n');

    agentSocket = join(home, '.agent.sock');
    agent = createServer((connection) => {
      agentConnections += 1;
      connection.end('agent-secret-9999\n');
    });
    await new Promise<void>((resolve) => agent.listen(agentSocket, resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => agent.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it('cannot connect to a Unix socket in the home: socket(AF_UNIX) fails with EPERM and the listener sees nobody', async () => {
    const program = [
      'import socket',
      'try:',
      '  s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
      `  s.connect(${JSON.stringify(agentSocket)})`,
      '  print("answered", s.recv(100))',
      'except OSError as error:',
      '  print("errno", error.errno)',
    ].join('\n');
    const outcome = await run(python(program));
    expect(outcome.split('\n').slice(1)).toEqual(['errno 1']);
    expect(outcome).not.toContain('agent-secret');
    expect(agentConnections).toBe(0);
  });

  it('still has what harms nothing: a socketpair, an IP socket in its own network namespace, files it may read', async () => {
    const pair = 'import socket\na, b = socket.socketpair()\na.send(b"ping")\nprint(b.recv(4).decode())';
    expect(await run(python(pair))).toMatch(/exited with 0\nping$/);
    const inet = 'import socket\nsocket.socket(socket.AF_INET, socket.SOCK_STREAM)\nprint("made")';
    expect(await run(python(inet))).toMatch(/exited with 0\nmade$/);
    expect(await run({ argv: ['cat', 'notes.txt'] })).toBe('cat notes.txt exited with 0\nvisible notes');
    expect(await run({ argv: ['cat', 'backup/2024/readme.txt'] })).toMatch(/exited with 0\nvisible backup notes$/);
  });

  it('cannot use io_uring (which opens sockets without socket()) nor the x32 ABI', async () => {
    // io_uring_setup(1, params) is 425 on x86_64 and aarch64; x32's socket is 41 | 0x40000000.
    const program = [
      'import ctypes, platform',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'libc.syscall.restype = ctypes.c_long',
      'params = ctypes.create_string_buffer(120)',
      'print("io_uring", libc.syscall(ctypes.c_long(425), ctypes.c_long(1), params), ctypes.get_errno())',
      'if platform.machine() == "x86_64":',
      '  print("x32", libc.syscall(ctypes.c_long(0x40000000 | 41), ctypes.c_long(1), ctypes.c_long(1), ctypes.c_long(0)), ctypes.get_errno())',
      'else:',
      '  print("x32 -1 1")',
    ].join('\n');
    const outcome = await run(python(program));
    expect(outcome.split('\n').slice(1)).toEqual(['io_uring -1 1', 'x32 -1 1']);
  });

  it("shows none of the secret places: Steward's state and API key file, .netrc, .git-credentials, cookie stores", async () => {
    for (const [path, content] of Object.entries(secretFiles)) {
      const outcome = await run({ argv: ['cat', path] });
      expect(outcome).withContext(path).not.toContain(content.trim());
    }
    // Nor through a search of the whole home and the state directory.
    const everything = await run({
      argv: ['grep', '-r', '-a', '-h', '-e', '-[0-9][0-9][0-9][0-9]', context.home, root],
    });
    for (const content of Object.values(secretFiles)) expect(everything).not.toContain(content.trim());
  });
});
