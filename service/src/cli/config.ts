// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';

import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../dbus/client.js';
import { remoteErrorName } from '../dbus/errors.js';
import { BUS_NAME, OBJECT_PATH, SETTINGS_INTERFACE } from '../dbus/interfaces.js';
import { cleanLine } from '../untrustedText.js';
import { UsageError } from './argv.js';
import { EXIT_FAILURE } from './exitCodes.js';

// A change that widens trust waits for the user's answer in a dialog (polkit's or GNOME Shell's).
const ANSWER_TIMEOUT_MS = 5 * 60_000;
const CONFIRMATION_REQUIRED = 'io.github.steward.Steward1.Error.ConfirmationRequired';

const call = (bus: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(
    bus,
    { destination: BUS_NAME, path: OBJECT_PATH, interface: SETTINGS_INTERFACE, member, signature, body },
    { timeoutMs: ANSWER_TIMEOUT_MS },
  );

/**
 * Shows `question` on the controlling terminal and reads the answer there, never from
 * stdin, which a pipe may fill; null when the process has no terminal.
 */
async function askOnTerminal(question: string): Promise<string | null> {
  const terminal = await open('/dev/tty', 'r+').catch(() => null);
  if (!terminal) return null;
  const lines = createInterface({
    input: terminal.createReadStream({ autoClose: false }),
    output: terminal.createWriteStream({ autoClose: false }),
  });
  try {
    return await lines.question(question);
  } finally {
    lines.close();
    await terminal.close();
  }
}

/** VALUE as JSON when it is JSON ("2", "true", '{"a":1}'), else as the text itself ("debug"). */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The merge patch that sets the dotted `path` to `value` (null removes it), or null when the path has an empty name. */
export function patchFor(path: string, value: unknown): Record<string, unknown> | null {
  const names = path.split('.');
  if (names.some((name) => name === '')) return null;
  return names.reduceRight<unknown>((inner, name) => ({ [name]: inner }), value) as Record<string, unknown>;
}

function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, name) => (node as Record<string, unknown> | undefined)?.[name], config);
}

export async function configCommand(bus: MessageBus, args: string[]): Promise<number> {
  const [subcommand, path, value, ...extra] = args;
  if (subcommand === undefined) return show(bus);
  if (subcommand === 'set' && path !== undefined && value !== undefined && extra.length === 0) {
    return update(bus, path, parseValue(value));
  }
  if (subcommand === 'unset' && path !== undefined && value === undefined) return update(bus, path, null);
  if (subcommand === 'set') throw new UsageError('“config set” takes a PATH and a VALUE');
  if (subcommand === 'unset') throw new UsageError('“config unset” takes a PATH');
  throw new UsageError(`unknown command “config ${subcommand}”`);
}

async function update(bus: MessageBus, path: string, value: unknown): Promise<number> {
  const patch = patchFor(path, value);
  if (!patch) throw new UsageError(`“${path}” is not a setting’s path, e.g. inference.threads`);
  const text = JSON.stringify(patch);
  let reply: unknown;
  try {
    [reply] = await call(bus, 'UpdateConfig', 's', [text]);
  } catch (error) {
    // Nothing in the session could ask the user, so this terminal does: the service checks that there is one.
    if (remoteErrorName(error) !== CONFIRMATION_REQUIRED) throw error;
    const reason = cleanLine((error as { text?: string }).text ?? '', 2000);
    const answer = await askOnTerminal(`${reason}\nAllow it? [y/N] `);
    if (answer === null) throw error;
    if (!/^y(es)?$/i.test(answer.trim())) {
      process.stderr.write('steward: not confirmed; nothing changed\n');
      return EXIT_FAILURE;
    }
    [reply] = await call(bus, 'UpdateConfigFromTerminal', 's', [text]);
  }
  const current = valueAt(JSON.parse(reply as string), path);
  process.stdout.write(`${path} = ${current === undefined ? '(not set)' : JSON.stringify(current)}\n`);
  return 0;
}

async function show(bus: MessageBus): Promise<number> {
  const [config, file, valid, problem] = (await call(bus, 'GetConfig')) as [string, string, boolean, string];
  if (!valid)
    process.stderr.write(`steward: ${file} is not valid, so the defaults are in use: ${cleanLine(problem)}\n`);
  process.stdout.write(`${JSON.stringify(JSON.parse(config), null, 2)}\n`);
  return 0;
}
