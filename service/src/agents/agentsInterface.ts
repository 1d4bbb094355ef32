// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// io.github.steward.Steward1.Agents: the assistant's read-only tools and chat-like
// proposals for outside agents (`steward mcp`). Every policy stays here: the
// tools' own validation and secret places, redaction, the catalog, and "always
// ask" for what an agent proposes. Nothing here applies, dismisses or undoes.
import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { catalogEntries } from '../assistant/proposalSink.js';
import { type AssistantTool, MAX_TOOL_OUTPUT, type ToolContext } from '../assistant/tool.js';
import { toolSpec } from '../assistant/toolLoop.js';
import { untrustedData } from '../assistant/untrustedData.js';
import { StewardError } from '../dbus/errors.js';
import { method, type TypedInterfaceImpl } from '../dbus/objectServer.js';
import type { Catalog } from '../fixes/catalog.js';
import type { FixesStore, Job, Proposal } from '../fixes/store.js';
import { cleanLine, cleanText } from '../untrustedText.js';
import { describeAgent } from './agentIdentity.js';

/** What an agent says it is ("Claude Desktop"): shown to the user, never trusted for anything else. */
const clientName = z
  .string()
  .min(1, 'the client name is empty')
  .max(80, 'the client name is longer than 80 characters');
const toolName = z.string().regex(/^[a-z_]{1,40}$/, 'not a tool name');
const actionName = z.string().regex(/^[a-z]+\.[a-z_]+$/, 'not an action name like "systemd.restart_unit"');
/** JSON text of an object, at most 16 KiB: no tool takes more. */
const jsonObject = (what: string) =>
  z
    .string()
    .max(16_384, `the ${what} are longer than 16 KiB`)
    .transform((text, context) => {
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value === 'object' && value !== null && !Array.isArray(value))
          return value as Record<string, unknown>;
      } catch {
        // reported below
      }
      context.addIssue({ code: 'custom', message: `the ${what} are not a JSON object` });
      return z.NEVER;
    });
const proposalId = z.string().regex(/^[1-9]\d{0,15}$/, 'not a proposal id');

/** A tool that does not answer within this long is reported as failed; the agent may ask again. */
const TOOL_TIMEOUT_MS = 30_000;

const describeIssues = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; ');

function bounded(text: string): string {
  if (text.length <= MAX_TOOL_OUTPUT) return text;
  return `${text.slice(0, MAX_TOOL_OUTPUT)}\n… (${text.length - MAX_TOOL_OUTPUT} more characters left out)`;
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StewardError('Timeout', 'the tool took too long and was stopped')),
      TOOL_TIMEOUT_MS,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** The job that applied the proposal's action most recently, if any. */
const latestJob = (store: FixesStore, proposal: Proposal): Job | undefined =>
  store.jobs(1000).find((job) => job.proposalId === proposal.id && job.undoOf === null);

/** What the user decided, in the agent's terms. */
function decision(proposal: Proposal, job: Job | undefined): string {
  if (proposal.state === 'dismissed') return 'dismissed';
  if (proposal.state === 'resolved') return 'withdrawn';
  if (job) return job.undoneBy === null ? 'applied' : 'applied-then-undone';
  return 'waiting';
}

export interface AgentsInterfaceOptions {
  /** The assistant's read-only tools (propose_action is Propose here). */
  tools: readonly AssistantTool[];
  /** What the tools read with: the machine, the readable roots and Steward's secrets, as for the chat. */
  toolContext: () => Omit<ToolContext, 'signal'>;
  /** The catalog the chat may propose from now. */
  catalog: () => Catalog;
  store: FixesStore;
  propose(
    name: string,
    params: Record<string, unknown>,
    reason: string,
    agent: { client: string; caller: string },
  ): Promise<Proposal>;
  /** The built-in rules and the user's patterns: what leaves for a remote model leaves for an agent too. */
  redact: (text: string) => string;
  /** Clients (by the name they declare) the user lets see tool results unredacted. */
  unredactedClients: () => readonly string[];
  bus: MessageBus;
}

export class AgentsInterface {
  constructor(private readonly options: AgentsInterfaceOptions) {}

  private redactFor(client: string): (text: string) => string {
    return this.options.unredactedClients().includes(client) ? (text) => text : this.options.redact;
  }

  private async runTool(client: string, name: string, args: Record<string, unknown>): Promise<string> {
    const tool = this.options.tools.find((candidate) => candidate.name === name);
    if (!tool) throw new StewardError('NotFound', `there is no read-only tool named ${name}`);
    const parsed = tool.params.safeParse(args);
    if (!parsed.success)
      throw new StewardError(
        'InvalidArgs',
        `the arguments for ${name} are not valid (${describeIssues(parsed.error)})`,
      );
    const redact = this.redactFor(client);
    const context = { ...this.options.toolContext(), signal: new AbortController().signal };
    try {
      const output = await withTimeout(tool.run(parsed.data, context));
      return untrustedData(name, redact(bounded(output)));
    } catch (error) {
      // The tools' messages may quote what they read: redacted like their results.
      const message = redact(cleanLine((error as Error).message, 500));
      throw new StewardError(
        error instanceof StewardError ? error.errorName : 'Unavailable',
        `${name} failed: ${message}`,
      );
    }
  }

  private status(client: string, proposal: Proposal): Record<string, Variant> {
    const job = latestJob(this.options.store, proposal);
    const redact = this.redactFor(client);
    return {
      id: new Variant('s', String(proposal.id)),
      state: new Variant('s', proposal.state),
      decision: new Variant('s', decision(proposal, job)),
      title: new Variant('s', redact(cleanLine(proposal.title))),
      'job-state': new Variant('s', job?.state ?? ''),
      result: new Variant('s', job ? redact(cleanText(job.summary)) : ''),
    };
  }

  get impl(): TypedInterfaceImpl<'io.github.steward.Steward1.Agents'> {
    const { store, bus } = this.options;
    return {
      properties: {},
      methods: {
        ListTools: method(z.tuple([]), () =>
          this.options.tools.map((tool) => {
            const { name, description, parameters } = toolSpec(tool);
            return {
              name: new Variant('s', name),
              description: new Variant('s', description),
              'input-schema': new Variant('s', JSON.stringify(parameters)),
            };
          }),
        ),
        ListActions: method(z.tuple([]), () =>
          catalogEntries(this.options.catalog()).map((entry) => ({
            name: new Variant('s', entry.name),
            description: new Variant('s', entry.description),
            risk: new Variant('s', entry.risk),
          })),
        ),
        RunTool: method(z.tuple([clientName, toolName, jsonObject('arguments')]), ([client, name, args]) =>
          this.runTool(client, name, args),
        ),
        Propose: method(
          z.tuple([
            clientName,
            actionName,
            jsonObject('parameters'),
            z.string().trim().min(1, 'the reason is empty').max(300),
          ]),
          async ([client, action, params, reason], { sender }) => {
            const caller = await describeAgent(bus, sender, client);
            const proposal = await this.options.propose(action, params, reason, { client, caller });
            const [proposed] = proposal.actions;
            const redact = this.redactFor(client);
            return {
              ...this.status(client, proposal),
              action: new Variant('s', proposed?.name ?? action),
              params: new Variant('s', JSON.stringify(proposed?.params ?? params)),
              effect: new Variant('s', redact(proposed?.preview.summary ?? '')),
              details: new Variant('as', (proposed?.preview.details ?? []).map(redact)),
              risk: new Variant('s', proposed?.risk ?? ''),
              'needs-authorization': new Variant('b', proposed?.needsAuthorization ?? false),
            };
          },
        ),
        ProposalStatus: method(z.tuple([clientName, proposalId]), ([client, id]) => {
          const proposal = store.proposal(Number(id));
          if (!proposal) throw new StewardError('NotFound', `there is no proposal ${id}`);
          return this.status(client, proposal);
        }),
      },
    };
  }
}
