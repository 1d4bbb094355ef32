// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { parseJsonObject } from './json.js';
import { makeTempDir, type TempDir } from './tempDir.js';

/** What the stand-in does on the bus, reported as one JSON line each. */
const SCRIPT = `
  const { sessionBus, Message } = await import('@jellybrick/dbus-next');
  const SETTINGS = 'io.github.steward.Steward1.Settings';
  const bus = sessionBus({ busAddress: process.env.BUS });
  await new Promise((resolve) => bus.once('connect', resolve));
  const say = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
  const call = (member, signature = '', body = []) =>
    bus.call(new Message({ destination: 'io.github.steward.Steward1', path: '/io/github/steward/Steward1',
      interface: SETTINGS, member, signature, body }));
  bus.on('message', (message) => {
    if (message.member === 'ConfirmationRequested')
      say({ request: message.body[0], caller: message.body[1], changes: message.body[2], from: message.sender });
  });
  await bus.requestName('org.gnome.Shell', 4);
  await call('RegisterConfirmationAgent').then(() => say({ registered: bus.name }), (e) => say({ refused: e.type }));
  for await (const line of (await import('node:readline')).createInterface({ input: process.stdin })) {
    const { request, allowed } = JSON.parse(line);
    await call('AnswerConfirmation', 'ub', [request, allowed]).then(() => say({ answered: request }), (e) => say({ failed: e.type }));
  }
`;

export interface ShellStandIn {
  /** The lines it reported so far. */
  reports: Record<string, unknown>[];
  /** Answers request `request` from its own connection. */
  answer(request: number, allowed: boolean): void;
  stop(): Promise<void>;
}

/**
 * A stand-in for GNOME Shell whose executable really is /usr/bin/gnome-shell, as
 * /proc/PID/exe tells the service: node, bound over that path in a mount
 * namespace of its own (the machine's /usr/bin is never touched). It owns
 * org.gnome.Shell, registers as the confirmation agent and answers as told.
 */
export async function startShellStandIn(busAddress: string): Promise<ShellStandIn> {
  const dir: TempDir = await makeTempDir('steward-shell-');
  const binary = join(dir.path, 'gnome-shell');
  await writeFile(binary, '');
  const mountAndRun =
    'mount --bind "$1" "$2" && mount --rbind "$3" /usr/bin && exec /usr/bin/gnome-shell --input-type=module -e "$4"';
  const child: ChildProcess = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', mountAndRun, 'sh', process.execPath, binary, dir.path, SCRIPT],
    { env: { ...process.env, BUS: busAddress }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const reports: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => reports.push(parseJsonObject(line)));
  return {
    reports,
    answer: (request, allowed) => child.stdin!.write(`${JSON.stringify({ request, allowed })}\n`),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await dir.remove();
    },
  };
}
