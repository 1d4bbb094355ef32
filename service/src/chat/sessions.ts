import { randomUUID } from 'node:crypto';
import { StewardError } from '../dbus/errors.js';

export interface ChatMessage {
  role: 'user' | 'assistant';
  text: string;
  time: Date;
}

export interface ChatSession {
  readonly id: string;
  readonly messages: ChatMessage[];
  /** The request being answered, if any: one at a time, so the history stays in order. */
  activeRequestId: string | null;
  lastUsed: number;
}

/**
 * The conversations of this service run, kept in memory. They outlive the
 * clients (the extension is disabled on every screen lock), not the service.
 */
export class ChatSessions {
  private readonly sessions = new Map<string, ChatSession>();

  constructor(
    private readonly maxSessions = 64,
    private readonly maxMessages = 400,
  ) {}

  create(): ChatSession {
    const session: ChatSession = { id: randomUUID(), messages: [], activeRequestId: null, lastUsed: Date.now() };
    this.sessions.set(session.id, session);
    this.evict();
    return session;
  }

  get(id: string): ChatSession {
    const session = this.sessions.get(id);
    if (!session) throw new StewardError('NotFound', `there is no chat session ${id}`);
    session.lastUsed = Date.now();
    return session;
  }

  delete(id: string): ChatSession {
    const session = this.get(id);
    this.sessions.delete(id);
    return session;
  }

  append(session: ChatSession, ...messages: ChatMessage[]): void {
    session.messages.push(...messages);
    session.messages.splice(0, Math.max(0, session.messages.length - this.maxMessages));
  }

  /** Forgets the least recently used idle conversations beyond the limit. */
  private evict(): void {
    const idle = [...this.sessions.values()]
      .filter((session) => session.activeRequestId === null)
      .sort((a, b) => a.lastUsed - b.lastUsed);
    for (const session of idle.slice(0, Math.max(0, this.sessions.size - this.maxSessions))) {
      this.sessions.delete(session.id);
    }
  }
}
