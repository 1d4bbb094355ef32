// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Text for `steward chat` and `steward ask`: tool steps, proposal cards, the
// list of conversations, and the JSON lines of --json. Everything that came
// over the bus passes cleanLine, since a model chose some of it.
import { cleanLine } from '../untrustedText.js';
import { actionsOf, actionTraits, type Dict, when } from './proposalsReport.js';
import type { Style } from './terminal.js';

export { COLOURED, PLAIN, type Style } from './terminal.js';

const str = (value: unknown) => (typeof value === 'string' ? cleanLine(value) : '');

export interface ToolStep {
  stepId: string;
  tool: string;
  description: string;
  status: string;
}

const STEP_MARKS: Record<string, string> = { running: '…', done: '✓', failed: '✗' };

/** "  ✓ checking disk usage": the description without the ellipsis it carries while running. */
export function toolStepLine(step: Pick<ToolStep, 'description' | 'status'>): string {
  const description = cleanLine(step.description).replace(/(…|\.\.\.)$/, '');
  return `  ${STEP_MARKS[step.status] ?? '?'} ${description}`;
}

/** Where a card points for applying and dismissing: chat's own commands, or the shell's. */
export type Hints = 'chat' | 'shell';

const hintLine = (id: string, hints: Hints) =>
  hints === 'chat' ? `/apply ${id}  ·  /dismiss ${id}` : `steward apply ${id}  ·  steward proposals show ${id}`;

/** A proposal from Proposals.Get (unpacked): its title, each action with its risk and preview, and how to act on it. */
export function proposalCard(proposal: Dict, style: Style, hints: Hints): string {
  const id = str(proposal.id);
  const actions = actionsOf(proposal).map(
    (action) => `  ${str(action.name)} (${actionTraits(action, style)}): ${str(action.preview)}`,
  );
  return [style.bold(`Proposal ${id}: ${str(proposal.title)}`), ...actions, style.dim(`  ${hintLine(id, hints)}`)]
    .map((line) => `${line}\n`)
    .join('');
}

/** The conversations from ListSessions (unpacked), the current one marked. */
export function sessionList(sessions: Dict[], current: string): string {
  if (sessions.length === 0) return 'No conversations yet.\n';
  return sessions
    .map((session) => {
      const mark = session.id === current ? '*' : ' ';
      const count = Number(session.messages);
      const title = str(session.title) || '(untitled)';
      return `${mark} ${str(session.id)}  ${when(session.updated)}  ${count} ${count === 1 ? 'message' : 'messages'}  ${title}\n`;
    })
    .join('');
}

export const RECENT_MESSAGES = 4;
const RECENT_MESSAGE_LENGTH = 300;

/** The end of a conversation from GetHistory (unpacked), one line per message, to remind the user where it stood. */
export function recentMessages(messages: Dict[], style: Style): string {
  return messages
    .slice(-RECENT_MESSAGES)
    .map((message) => {
      const who = message.role === 'user' ? 'You' : 'Steward';
      return `${style.dim(`${who}: ${cleanLine(String(message.text), RECENT_MESSAGE_LENGTH)}`)}\n`;
    })
    .join('');
}

export const CHAT_HELP = `Commands:
  /apply ID [ACTION]   Apply a proposed fix, after showing what it does
  /dismiss ID          Dismiss a proposal
  /new                 Start a new conversation
  /sessions            List the conversations
  /rename TITLE        Name this conversation
  /delete [ID]         Delete a conversation (this one without an ID)
  /help                Show this help
  /quit                Leave (or Ctrl+D); Ctrl+C stops an answer
`;

/** The end of an answer, as the ResponseDone signal reports it. */
export interface DoneEvent {
  session: string;
  status: string;
  text: string;
  usage: Record<string, unknown>;
  notice: string;
  error: string;
  message: string;
  proposalIds: string[];
}

/** One line of `steward chat --json`. */
export type JsonEvent =
  | { event: 'chunk'; text: string }
  | { event: 'tool-step'; step: string; tool: string; description: string; status: string }
  | (Omit<DoneEvent, 'proposalIds' | 'error' | 'message'> & {
      event: 'done';
      proposals: Dict[];
      error?: string;
      message?: string;
    });

export const chunkJson = (text: string): JsonEvent => ({ event: 'chunk', text });

export const toolStepJson = (step: ToolStep): JsonEvent => ({
  event: 'tool-step',
  step: step.stepId,
  tool: step.tool,
  description: step.description,
  status: step.status,
});

export function doneJson(done: DoneEvent, proposals: Dict[]): JsonEvent {
  const { session, status, text, usage, notice, error, message } = done;
  return { event: 'done', session, status, text, usage, notice, proposals, ...(error ? { error, message } : {}) };
}
