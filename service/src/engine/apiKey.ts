// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Where the remote endpoint's API key comes from: a file only its owner can
// read, or the user's keyring through the Secret Service D-Bus API.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { SignalRouter } from '../dbus/client.js';
import { remoteErrorName, StewardError } from '../dbus/errors.js';
import { PeerWait } from '../dbus/peerWait.js';
import { boundedList, objectPath, typedCall } from '../dbus/typedCalls.js';
import { checkedAnswer } from '../dbus/unexpected.js';
import { variantOf } from '../dbus/variants.js';

const SECRETS = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
const SERVICE = 'org.freedesktop.Secret.Service';
const APPLICATION = 'io.github.steward.Steward1';
/** The Secret Service's "no object" path: no prompt needed, no collection. */
const NONE = '/';
/** How long a person has to answer the keyring's unlock dialog. */
const PROMPT_TIMEOUT_MS = 5 * 60_000;

export const NO_KEYRING_ERRORS = [
  'org.freedesktop.DBus.Error.ServiceUnknown',
  'org.freedesktop.DBus.Error.NameHasNoOwner',
];

// Far more than any API key.
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** A secret as the Secret Service sends it: session, parameters, value, content type. */
type Secret = [string, Buffer, Buffer, string];

// The Secret Service's replies, as its specification types them.
const paths = boundedList(objectPath, 10_000);
const PATH = z.tuple([objectPath]);
const NOTHING = z.tuple([]);
const bytes = (max: number) => z.instanceof(Buffer).refine((value) => value.length <= max, `at most ${max} bytes`);
const SECRET = z.tuple([z.tuple([objectPath, bytes(4096), bytes(MAX_KEY_FILE_BYTES), z.string().max(255)])]);

export interface ReadApiKeyOptions {
  /** A file holding the key; it must not be readable by group or others. */
  file?: string;
  /** The user's session bus, for the keyring; without it (and without a file) there is no key. */
  sessionBus?: MessageBus;
  /** The endpoint the key belongs to. */
  url: string;
  /** Ask the keyring to unlock itself (it may show a password dialog) when the key is in a locked keyring. */
  unlock?: boolean;
}

/** The API key for `url`, or null when there is none to use. */
export async function readApiKey(options: ReadApiKeyOptions): Promise<string | null> {
  if (options.file !== undefined) return readKeyFile(options.file);
  if (!options.sessionBus) return null;
  return readKeyringKey(options.sessionBus, options.url, options.unlock ?? false);
}

/** Saves `key` for `url` in the default keyring, replacing the one saved before. */
export async function storeApiKey(bus: MessageBus, url: string, key: string): Promise<void> {
  const secrets = new SecretService(bus);
  const [collection] = await secrets.call(SERVICE_PATH, SERVICE, 'ReadAlias', 'o', PATH, 's', ['default']);
  if (collection === NONE) {
    throw new StewardError('Unavailable', 'the keyring has no default collection to save the API key in');
  }
  const session = await secrets.openSession();
  try {
    const properties = {
      'org.freedesktop.Secret.Item.Label': new Variant('s', `Steward API key for ${url}`),
      'org.freedesktop.Secret.Item.Attributes': new Variant('a{ss}', attributesFor(url)),
    };
    const secret: Secret = [session, Buffer.alloc(0), Buffer.from(key, 'utf8'), 'text/plain'];
    const [, prompt] = await secrets.call(
      collection,
      'org.freedesktop.Secret.Collection',
      'CreateItem',
      'oo',
      z.tuple([objectPath, objectPath]),
      'a{sv}(oayays)b',
      [properties, secret, true],
    );
    if (prompt !== NONE && (await secrets.prompt(prompt)).dismissed) {
      throw new StewardError('NotAuthorized', 'the keyring was not unlocked, so the API key was not saved');
    }
  } finally {
    await secrets.closeSession(session);
  }
}

async function readKeyFile(file: string): Promise<string> {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer for ever.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    const cause = { ENOENT: 'no such file', EACCES: 'permission denied' }[error.code ?? ''] ?? error.message;
    throw new StewardError('NotFound', `cannot read the API key file ${file}: ${cause}`);
  });
  try {
    // Checked on the open file, so the file read is the file checked.
    const info = await handle.stat();
    if (!info.isFile() || info.size > MAX_KEY_FILE_BYTES) {
      throw new StewardError('NotFound', `the API key file ${file} is not a regular file of at most 64 KB`);
    }
    const { mode } = info;
    if ((mode & 0o077) !== 0) {
      throw new StewardError(
        'NotAuthorized',
        `the API key file ${file} can be read by other users; make it private with "chmod 600 ${file}"`,
      );
    }
    const key = (await handle.readFile('utf8')).trim();
    if (key === '') throw new StewardError('InvalidArgs', `the API key file ${file} is empty`);
    return key;
  } finally {
    await handle.close();
  }
}

async function readKeyringKey(bus: MessageBus, url: string, unlock: boolean): Promise<string | null> {
  const secrets = new SecretService(bus);
  let found: [string[], string[]];
  try {
    found = await secrets.call(SERVICE_PATH, SERVICE, 'SearchItems', 'aoao', z.tuple([paths, paths]), 'a{ss}', [
      attributesFor(url),
    ]);
  } catch (error) {
    if (NO_KEYRING_ERRORS.includes(remoteErrorName(error) ?? '')) return null;
    throw error;
  }
  const [unlocked, locked] = found;
  let items = unlocked;
  if (items.length === 0 && locked.length > 0) {
    if (!unlock) {
      throw new StewardError(
        'NotAuthorized',
        `the API key for ${url} is in a locked keyring; unlock the keyring first`,
      );
    }
    items = await secrets.unlock(locked, url);
  }
  const item = items[0];
  if (item === undefined) return null;
  const session = await secrets.openSession();
  try {
    const [secret] = await secrets.call(item, 'org.freedesktop.Secret.Item', 'GetSecret', '(oayays)', SECRET, 'o', [
      session,
    ]);
    return secret[2].toString('utf8').trim();
  } finally {
    await secrets.closeSession(session);
  }
}

const attributesFor = (url: string) => ({ application: APPLICATION, endpoint: url });

/** The few Secret Service calls Steward needs. */
class SecretService {
  constructor(private readonly bus: MessageBus) {}

  /** A call to the Secret Service whose reply, of D-Bus type `reply`, `schema` reads. */
  call<T extends z.ZodType>(
    path: string,
    iface: string,
    member: string,
    reply: string,
    schema: T,
    signature = '',
    body: unknown[] = [],
  ): Promise<z.output<T>> {
    return typedCall(
      this.bus,
      { destination: SECRETS, path, interface: iface, member, signature, body, reply },
      schema,
    );
  }

  /** A session that passes secrets unencrypted: both ends are on this computer's session bus. */
  async openSession(): Promise<string> {
    const [, session] = await this.call(
      SERVICE_PATH,
      SERVICE,
      'OpenSession',
      'vo',
      z.tuple([z.unknown(), objectPath]),
      'sv',
      ['plain', new Variant('s', '')],
    );
    return session;
  }

  async closeSession(session: string): Promise<void> {
    await this.call(session, 'org.freedesktop.Secret.Session', 'Close', '', NOTHING);
  }

  /** Unlocks the items, asking the person through the keyring's dialog when needed; the items now unlocked. */
  async unlock(items: string[], url: string): Promise<string[]> {
    const [unlocked, prompt] = await this.call(
      SERVICE_PATH,
      SERVICE,
      'Unlock',
      'aoo',
      z.tuple([paths, objectPath]),
      'ao',
      [items],
    );
    if (prompt === NONE) return unlocked;
    const completed = await this.prompt(prompt);
    if (completed.dismissed) {
      throw new StewardError('NotAuthorized', `the keyring holding the API key for ${url} was not unlocked`);
    }
    // Only the items asked for: the answer names what was unlocked, never which secret to read.
    return checkedAnswer(variantOf('ao', paths), completed.result, SECRETS, 'Completed').filter((path) =>
      items.includes(path),
    );
  }

  /**
   * Shows a prompt the service asked for and waits for the person's answer: only the keyring's own Completed
   * counts, the wait has a deadline, and it ends when the keyring leaves the bus.
   */
  async prompt(path: string): Promise<{ dismissed: boolean; result: unknown }> {
    const router = new SignalRouter(this.bus);
    let settle!: (completed: { dismissed: boolean; result: unknown }) => void;
    const completed = new Promise<{ dismissed: boolean; result: unknown }>((resolve) => (settle = resolve));
    const unsubscribe = await router.subscribe(
      { sender: SECRETS, path, interface: 'org.freedesktop.Secret.Prompt', member: 'Completed', signature: 'bv' },
      // Of signature 'bv', checked by the router.
      ([dismissed, result]) => settle({ dismissed: dismissed as boolean, result }),
    );
    const wait = await PeerWait.begin(router, SECRETS, {
      what: 'the keyring’s prompt',
      deadlineMs: PROMPT_TIMEOUT_MS,
      // The person, not the keyring, is who did not answer.
      person: true,
      left: () => new StewardError('Unavailable', 'the keyring left the bus before its dialog was answered'),
      late: () => new StewardError('Timeout', 'nobody answered the keyring dialog'),
    }).catch(async (error: unknown) => {
      await unsubscribe();
      throw error;
    });
    let answered = false;
    try {
      await wait.race(this.call(path, 'org.freedesktop.Secret.Prompt', 'Prompt', '', NOTHING, 's', ['']));
      const result = await wait.race(completed);
      answered = true;
      return result;
    } finally {
      await wait.end(answered);
      await unsubscribe();
    }
  }
}
