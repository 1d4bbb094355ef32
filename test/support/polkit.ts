// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { POLKITD } from './packagekit.js';
import { type PrivateBus, startPrivateBus } from './privateBus.js';
import { nameHasOwner, waitFor } from './service.js';
import { makeTempDir, type TempDir } from './tempDir.js';

export interface Polkit {
  /** The private system bus polkitd is on. */
  bus: PrivateBus;
  /** What the test rule answers for `action`: "yes", "no", or anything else to leave it to the action's defaults. */
  answer(value: string): Promise<void>;
  /** Everything polkitd wrote so far, the rule's log lines included. */
  log(): string;
  stop(): Promise<void>;
}

// The answer is read on each check, so one polkitd answers both ways; polkit.spawn runs as polkitd's user.
const rule = (action: string, answerFile: string) => `polkit.addRule(function (action, subject) {
  if (action.id !== ${JSON.stringify(action)}) return undefined;
  var answer = polkit.spawn(["/bin/cat", ${JSON.stringify(answerFile)}]).trim();
  polkit.log("test rule: " + answer + " for uid " + subject.user + ": " + action.lookup("change"));
  if (answer === "yes") return polkit.Result.YES;
  if (answer === "no") return polkit.Result.NO;
  return undefined;
});
`;

/**
 * The real polkitd on a private system bus (`onBus`, left running when polkitd stops, or one of its own), seeing
 * `policyFiles` as the only installed actions and a rule of the test's for `action`: it runs in a mount
 * namespace of its own, where these directories are bound over polkit's fixed
 * /usr/share/polkit-1/actions and /etc/polkit-1/rules.d, so the machine's are never touched.
 */
export async function startPolkit(policyFiles: string[], action: string, onBus?: PrivateBus): Promise<Polkit> {
  const dir: TempDir = await makeTempDir('steward-polkit-');
  const [actions, rules, answerFile] = [join(dir.path, 'actions'), join(dir.path, 'rules.d'), join(dir.path, 'answer')];
  await mkdir(actions);
  await mkdir(rules);
  for (const file of policyFiles) await copyFile(file, join(actions, file.split('/').at(-1)!));
  await writeFile(join(rules, '10-steward-test.rules'), rule(action, answerFile));
  await writeFile(answerFile, 'ask\n');
  // polkitd drops to its own user, which must read all of it.
  for (const path of [dir.path, actions, rules]) await chmod(path, 0o755);
  const bus = onBus ?? (await startPrivateBus({ system: true }));
  const script =
    'mount --bind "$1" /usr/share/polkit-1/actions && mount --bind "$2" /etc/polkit-1/rules.d && exec "$3"';
  const polkitd: ChildProcess = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', actions, rules, POLKITD],
    { env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bus.address }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  polkitd.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  polkitd.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (polkitd.exitCode === null && polkitd.signalCode === null) {
      const exited = new Promise((resolve) => polkitd.once('exit', resolve));
      polkitd.kill('SIGTERM');
      await exited;
    }
    if (!onBus) await bus.stop();
    await dir.remove();
  };
  try {
    const client = await bus.connect();
    await waitFor(async () => {
      if (polkitd.exitCode !== null) throw new Error(`polkitd exited with ${polkitd.exitCode}:\n${output}`);
      return nameHasOwner(client, 'org.freedesktop.PolicyKit1');
    }, 'polkitd');
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    bus,
    answer: (value) => writeFile(answerFile, `${value}\n`),
    log: () => output,
    stop,
  };
}
