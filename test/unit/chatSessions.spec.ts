import { ChatSessions } from '../../service/src/chat/sessions.js';
import type { StewardError } from '../../service/src/dbus/errors.js';

describe('ChatSessions', () => {
  const message = (text: string) => ({ role: 'user' as const, text, time: new Date() });

  it('creates sessions with distinct ids and finds them again', () => {
    const sessions = new ChatSessions();
    const a = sessions.create();
    const b = sessions.create();
    expect(a.id).not.toBe(b.id);
    expect(sessions.get(a.id)).toBe(a);
  });

  it('answers NotFound for an unknown or deleted session', () => {
    const sessions = new ChatSessions();
    const session = sessions.create();
    sessions.delete(session.id);
    let error: StewardError | undefined;
    try {
      sessions.get(session.id);
    } catch (e) {
      error = e as StewardError;
    }
    expect(error?.errorName).toBe('NotFound');
  });

  it('keeps the newest messages within the limit', () => {
    const sessions = new ChatSessions(8, 3);
    const session = sessions.create();
    sessions.append(session, message('1'), message('2'));
    sessions.append(session, message('3'), message('4'));
    expect(session.messages.map((m) => m.text)).toEqual(['2', '3', '4']);
  });

  it('forgets the least recently used idle session beyond the limit, never a busy one', () => {
    const sessions = new ChatSessions(2);
    const busy = sessions.create();
    busy.activeRequestId = 'answering';
    busy.lastUsed = 0;
    const older = sessions.create();
    older.lastUsed = 1;
    const newer = sessions.create();
    expect(sessions.get(busy.id)).toBe(busy);
    expect(sessions.get(newer.id)).toBe(newer);
    expect(() => sessions.get(older.id)).toThrow();
  });
});
