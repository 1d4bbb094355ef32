// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// `steward sessions`: the stored conversations, listed, shown and removed, each
// named by a unique prefix of its id as git names commits.
import type { MessageBus } from '@jellybrick/dbus-next';

import { callMethod } from '../dbus/client.js';
import { StewardError } from '../dbus/errors.js';
import { BUS_NAME, CHAT_INTERFACE, OBJECT_PATH } from '../dbus/interfaces.js';
import { _, format, ngettext } from '../i18n.js';
import { cleanLine } from '../untrustedText.js';
import { UsageError } from './argv.js';
import { readAllPages } from './paging.js';
import { type Dict, unpack, when } from './proposalsReport.js';
import { styleFor } from './terminal.js';

/** How many characters of a conversation's id the lists show: enough to tell them apart. */
export const SESSION_PREFIX = 8;

const callChat = (bus: MessageBus, member: string, signature = '', body: unknown[] = []) =>
  callMethod(bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT_INTERFACE, member, signature, body });

export async function listSessions(bus: MessageBus): Promise<Dict[]> {
  return unpack(await readAllPages((page) => callChat(bus, 'ListSessionsPage', 'a{sv}', [page]))) as Dict[];
}

/** The one conversation whose id starts with `prefix`; NotFound or InvalidArgs in the user's words otherwise. */
export function sessionByPrefix(sessions: Dict[], prefix: string): Dict {
  const matches = sessions.filter((session) => String(session.id).startsWith(prefix.toLowerCase()));
  const [match] = matches;
  if (prefix === '' || match === undefined)
    throw new StewardError(
      'NotFound',
      format(_('there is no conversation “{id}”; “steward sessions” lists them'), { id: cleanLine(prefix, 60) }),
    );
  if (matches.length > 1)
    throw new StewardError(
      'InvalidArgs',
      format(
        ngettext(
          '“{id}” starts the ids of {count} conversation; give more of it',
          '“{id}” starts the ids of {count} conversations; give more of it',
          matches.length,
        ),
        { id: prefix, count: matches.length },
      ),
    );
  return match;
}

const write = (text: string) => process.stdout.write(text);

/** The conversations, one a line: short id, when, how many messages, title. */
export function formatSessions(sessions: Dict[]): string {
  if (sessions.length === 0) return `${_('No conversations yet.')}\n`;
  const style = styleFor(process.stdout);
  return sessions
    .map((session) => {
      const count = Number(session.messages);
      const messages = format(ngettext('{count} message', '{count} messages', count), { count });
      const title = cleanLine(String(session.title)) || _('(untitled)');
      return `${style.bold(String(session.id).slice(0, SESSION_PREFIX))}  ${when(session.updated)}  ${messages.padEnd(12)}  ${title}\n`;
    })
    .join('');
}

/** A conversation's messages, the user's and Steward's, as they were said. */
export function formatConversation(session: Dict, messages: Dict[]): string {
  const style = styleFor(process.stdout);
  const header = `${style.bold(cleanLine(String(session.title)) || _('(untitled)'))}  ${style.dim(String(session.id))}\n`;
  return (
    header +
    messages
      .map((message) => {
        const who = message.role === 'user' ? _('You') : _('Steward');
        const text = String(message.text)
          .split('\n')
          .map((line) => cleanLine(line, 10_000))
          .join('\n');
        return `\n${style.bold(`${who}:`)} ${style.dim(when(message.time))}\n${text}\n`;
      })
      .join('')
  );
}

export async function sessionsCommand(bus: MessageBus, args: string[], json: boolean): Promise<number> {
  const [subcommand = 'list', prefix, ...extra] = args;
  if (subcommand === 'list') {
    if (prefix !== undefined) throw new UsageError(_('“sessions list” takes no arguments'));
    const sessions = await listSessions(bus);
    write(json ? `${JSON.stringify(sessions)}\n` : formatSessions(sessions));
    return 0;
  }
  if (prefix === undefined || extra.length > 0)
    throw new UsageError(format(_('“sessions {command}” takes one conversation id'), { command: subcommand }));
  const session = sessionByPrefix(await listSessions(bus), prefix);
  const id = String(session.id);
  if (subcommand === 'show') {
    const [history] = await callChat(bus, 'GetHistory', 's', [id]);
    const messages = unpack(history) as Dict[];
    write(json ? `${JSON.stringify({ ...session, history: messages })}\n` : formatConversation(session, messages));
    return 0;
  }
  await callChat(bus, 'DeleteSession', 's', [id]);
  write(json ? `${JSON.stringify({ deleted: id })}\n` : `${format(_('Deleted conversation {id}.'), { id })}\n`);
  return 0;
}
