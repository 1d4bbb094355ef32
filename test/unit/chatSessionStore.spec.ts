// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { statSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import type { ToolCallRecord } from '../../service/src/assistant/turn.js';
import { ChatSessionStore, type StoredMessage, titleFrom } from '../../service/src/chat/sessionStore.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, seconds));

const user = (text: string, seconds = 0): StoredMessage => ({
  role: 'user',
  text,
  time: at(seconds),
  toolCalls: [],
  proposalIds: [],
});

const diskUsage: ToolCallRecord = {
  id: 'call-1',
  name: 'disk_usage',
  arguments: { path: '/home', depth: 2 },
  result: '/home/ada/.cache 12 GiB',
  status: 'done',
};

const answer = (text: string, seconds = 1, extra: Partial<StoredMessage> = {}): StoredMessage => ({
  role: 'assistant',
  text,
  time: at(seconds),
  toolCalls: [],
  proposalIds: [],
  ...extra,
});

function notFound(action: () => unknown): StewardError {
  try {
    action();
  } catch (error) {
    return error as StewardError;
  }
  throw new Error('expected NotFound');
}

describe('the chat session store', () => {
  let dir: TempDir;
  let file: string;
  let store: ChatSessionStore;

  beforeEach(async () => {
    dir = await makeTempDir();
    file = join(dir.path, 'chat.db');
    store = new ChatSessionStore(file);
  });

  afterEach(async () => {
    store.close();
    await dir.remove();
  });

  it('creates untitled, empty sessions with their own ids', () => {
    const first = store.create();
    const second = store.create();
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.id).not.toBe(first.id);
    expect(first).toEqual(jasmine.objectContaining({ title: '', messageCount: 0 }));
    expect(store.get(first.id)).toEqual(first);
  });

  it('lists the most recently updated first, and bounds the list', () => {
    const [a, b, c] = [store.create(), store.create(), store.create()];
    expect(store.list().map((s) => s.id)).toEqual([c.id, b.id, a.id]);
    store.append(a.id, user('Why is my disk full?'));
    expect(store.list().map((s) => s.id)).toEqual([a.id, c.id, b.id]);
    expect(store.list(2).map((s) => s.id)).toEqual([a.id, c.id]);
    expect(store.get(a.id).updatedAt.getTime()).toBeGreaterThanOrEqual(a.updatedAt.getTime());
  });

  it('renames and deletes sessions', () => {
    const session = store.create();
    store.append(session.id, user('Hello'), answer('Hi'));
    expect(store.rename(session.id, 'Greetings').title).toBe('Greetings');
    expect(store.get(session.id).title).toBe('Greetings');
    store.delete(session.id);
    expect(store.list()).toEqual([]);
    expect(notFound(() => store.messages(session.id)).errorName).toBe('NotFound');
  });

  it('says NotFound for an unknown session, whatever is asked of it', () => {
    const unknown = '0b5b0a4e-8d38-4c53-9e5e-3f0b3d1c2a11';
    const attempts: [string, () => unknown][] = [
      ['get', () => store.get(unknown)],
      ['rename', () => store.rename(unknown, 'x')],
      ['delete', () => store.delete(unknown)],
      ['append', () => store.append(unknown, user('Hello'))],
      ['messages', () => store.messages(unknown)],
      ['summary', () => store.summary(unknown)],
      ['setSummary', () => store.setSummary(unknown, { text: 'x', coveredMessages: 0 })],
    ];
    for (const [name, attempt] of attempts) {
      const error = notFound(attempt);
      expect(error).withContext(name).toBeInstanceOf(StewardError);
      expect(error.errorName).withContext(name).toBe('NotFound');
      expect(error.message).withContext(name).toContain(unknown);
    }
  });

  it('keeps messages with their tool calls and proposals, oldest first', () => {
    const session = store.create();
    const failed: ToolCallRecord = {
      ...diskUsage,
      id: 'call-2',
      arguments: {},
      result: 'no such path',
      status: 'failed',
    };
    const messages = [
      user('Why is my disk full?', 0),
      answer('Your cache is 12 GiB; I propose clearing it.', 1, {
        toolCalls: [diskUsage, failed],
        proposalIds: [7, 9],
      }),
      user('Thanks', 2),
      answer('You are welcome.', 3),
    ];
    store.append(session.id, messages[0]!, messages[1]!);
    store.append(session.id, messages[2]!, messages[3]!);
    expect(store.messages(session.id)).toEqual(messages);
    expect(store.get(session.id).messageCount).toBe(4);
  });

  it('keeps everything across close and reopen, as across a restart of the service', () => {
    const session = store.create();
    store.append(session.id, user('Why is my disk full?'), answer('The cache.', 1, { toolCalls: [diskUsage] }));
    store.setSummary(session.id, { text: 'The user asked about disk space.', coveredMessages: 2 });
    store.close();
    store = new ChatSessionStore(file);
    expect(store.list()).toEqual([jasmine.objectContaining({ id: session.id, title: 'Why is my disk full?' })]);
    expect(store.messages(session.id)[1]?.toolCalls).toEqual([diskUsage]);
    expect(store.summary(session.id)).toEqual({ text: 'The user asked about disk space.', coveredMessages: 2 });
  });

  it('has no summary until one is set', () => {
    const session = store.create();
    expect(store.summary(session.id)).toBeNull();
    store.setSummary(session.id, { text: 'Earlier: disk space.', coveredMessages: 0 });
    expect(store.summary(session.id)).toEqual({ text: 'Earlier: disk space.', coveredMessages: 0 });
  });

  it('forgets the least recently updated sessions beyond the limit', () => {
    store.close();
    store = new ChatSessionStore(file, { maxSessions: 2 });
    const [a, b] = [store.create(), store.create()];
    store.append(a.id, user('Keep me'));
    const c = store.create();
    expect(store.list().map((s) => s.id)).toEqual([c.id, a.id]);
    expect(notFound(() => store.get(b.id)).errorName).toBe('NotFound');
  });

  it('drops the oldest messages beyond the limit and moves the summary boundary with them', () => {
    store.close();
    store = new ChatSessionStore(file, { maxMessagesPerSession: 4 });
    const session = store.create();
    store.append(session.id, user('q1', 0), answer('a1', 1), user('q2', 2), answer('a2', 3));
    store.setSummary(session.id, { text: 'q1 and a1, q2 and a2', coveredMessages: 3 });
    store.append(session.id, user('q3', 4), answer('a3', 5));
    expect(store.messages(session.id).map((m) => m.text)).toEqual(['q2', 'a2', 'q3', 'a3']);
    expect(store.summary(session.id)).toEqual({ text: 'q1 and a1, q2 and a2', coveredMessages: 1 });
    store.append(session.id, user('q4', 6), answer('a4', 7), user('q5', 8));
    expect(store.messages(session.id).map((m) => m.text)).toEqual(['a3', 'q4', 'a4', 'q5']);
    expect(store.summary(session.id)?.coveredMessages).toBe(0);
    expect(store.get(session.id).messageCount).toBe(4);
  });

  it('names a session after its first question, once', () => {
    const session = store.create();
    store.append(session.id, user('  Why is\tmy \u001b[31mdisk\u001b[0m full?\n'), answer('The cache.'));
    expect(store.get(session.id).title).toBe('Why is my disk full?');
    store.append(session.id, user('Something else entirely'));
    expect(store.get(session.id).title).toBe('Why is my disk full?');
    const renamed = store.create();
    store.rename(renamed.id, 'Mine');
    store.append(renamed.id, user('Hello'));
    expect(store.get(renamed.id).title).toBe('Mine');
  });

  it('cuts a long title on a word boundary', () => {
    const long = 'My laptop gets very hot and the fans spin loudly whenever I open the browser and a video';
    const title = titleFrom(long);
    expect(title).toBe('My laptop gets very hot and the fans spin loudly whenever I…');
    expect(title.length).toBeLessThanOrEqual(60);
    expect(long.startsWith(title.slice(0, -1))).toBeTrue();
    expect(titleFrom('x'.repeat(100))).toBe(`${'x'.repeat(59)}…`);
    expect(titleFrom('Short question?')).toBe('Short question?');
  });

  it('reads a message whose tool calls or proposals are corrupt, without them', () => {
    const session = store.create();
    store.append(session.id, user('Why?'), answer('Because.', 1, { toolCalls: [diskUsage], proposalIds: [3] }));
    const raw = new Database(file);
    raw
      .prepare(`UPDATE messages SET tool_calls = '{not json', proposal_ids = '["seven"]' WHERE role = 'assistant'`)
      .run();
    raw.close();
    expect(store.messages(session.id)).toEqual([user('Why?'), answer('Because.', 1)]);
  });

  it('keeps its database file private to the user', () => {
    const session = store.create();
    store.append(session.id, user('Why is my disk full?'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
  });
});
