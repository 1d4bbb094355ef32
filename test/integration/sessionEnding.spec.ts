// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Every way a proposal is made, asked to end the session: the chat's model, the model advisor, an agent through
// steward mcp, and a script calling Agents.Propose. The units are there and running in the (dbusmock) user
// manager, so that only the catalog's refusal stands between the request and a proposal.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { callMethod } from '../../service/src/dbus/client.js';
import { appendToJournal, unitFailure } from '../support/journal.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { scriptedReply } from '../support/replayModel.js';
import { BUS_NAME, CLI_SCRIPT, OBJECT_PATH, quietWatch, waitFor } from '../support/service.js';
import { mockCall, setUnitState, UNIT } from '../support/systemdMock.js';
import { plain, startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const AGENTS = 'io.github.steward.Steward1.Agents';
const CHAT = 'io.github.steward.Steward1.Chat';
const FINDINGS = 'io.github.steward.Steward1.Findings';
const PROPOSALS = 'io.github.steward.Steward1.Proposals';
const SESSION_ENDING = 'io.github.steward.Steward1.Error.SessionEnding';

/** What the attack review had the chat and the advisor offer, each verb on a unit the session stands on. */
const ENDING_STEPS = [
  { action: 'systemd.stop_unit', params: { unit: 'org.gnome.Shell@wayland.service', scope: 'user' } },
  { action: 'systemd.stop_unit', params: { unit: 'gnome-session-manager@gnome.service', scope: 'user' } },
  { action: 'systemd.restart_unit', params: { unit: 'user@1000.service', scope: 'user' } },
  { action: 'systemd.restart_unit', params: { unit: 'graphical.target', scope: 'user' } },
  { action: 'systemd.start_unit', params: { unit: 'exit.target', scope: 'user' } },
  { action: 'systemd.disable_unit', params: { unit: 'graphical-session.target', scope: 'user' } },
  { action: 'systemd.mask_unit', params: { unit: 'dbus.socket', scope: 'user' } },
  { action: 'systemd.reset_failed', params: { unit: 'org.gnome.Shell@wayland.service', scope: 'user' } },
];
/** A unit under an innocent name whose other name, as systemd knows it, is graphical.target. */
const ALIAS = 'desktop-alias.target';

const CHAT_QUESTION = 'My desktop feels slow, can you fix it?';
const proposeEach = ENDING_STEPS.map(({ action, params }) => ({
  name: 'propose_action',
  arguments: { action, params, reason: 'a fresh session is faster' },
}));

describe('a change that would end the session', () => {
  let scenario: UnitScenario;
  let server: OpenAIServer;
  let journal: string;
  let script: MessageBus;

  const proposals = () => scenario.list(PROPOSALS, 'List', { state: new Variant('s', 'all') });
  const changingProposals = async () =>
    (await proposals()).filter((proposal) =>
      (proposal.actions as Record<string, Variant>[]).some((action) => action['read-only']?.value === false),
    );
  /** Agents.Propose as any program on the bus calls it. */
  const proposeFromScript = (action: string, params: unknown) =>
    callMethod(script, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: AGENTS,
      member: 'Propose',
      signature: 'ssss',
      body: ['a script', action, JSON.stringify(params), 'a fresh session is faster'],
    });

  beforeAll(async () => {
    server = await startOpenAIServer({
      reply: scriptedReply([
        { question: CHAT_QUESTION, turns: [{ toolCalls: proposeEach }, { text: 'I could not propose those.' }] },
      ]),
      // The advisor's request is the one whose schema asks for actions; the explainer's gets a plain example.
      json: (body) =>
        body.response_format?.json_schema?.schema.properties?.actions
          ? JSON.stringify({
              explanation: 'Restart the session.',
              // The advisor takes at most three.
              actions: ENDING_STEPS.slice(0, 4)
                .filter((step) => step.params.unit !== 'gnome-session-manager@gnome.service')
                .map(({ action, params }) => ({ name: action, params: JSON.stringify(params) })),
            })
          : undefined,
    });
    scenario = await startUnitScenario([], async (home) => {
      journal = join(home, 'journal');
      await mkdir(journal);
      return {
        watch: quietWatch({ journal: { system: false, user: false, directories: [journal] } }),
        inference: { engine: 'remote', remote: { url: server.url, model: 'test-model' } },
        assistant: { maxToolCalls: ENDING_STEPS.length },
        // A rule that would run a low-risk restart with no click: it must never reach these.
        fixes: { policy: { 'systemd.restart_unit': 'auto', 'systemd.stop_unit': 'auto' } },
      };
    });
    for (const unit of [
      'org.gnome.Shell@wayland.service',
      'gnome-session-manager@gnome.service',
      'user@1000.service',
      'graphical-session.target',
      'dbus.socket',
    ])
      await setUnitState(scenario.client, unit, 'active');
    for (const unit of ['graphical.target', 'exit.target']) await setUnitState(scenario.client, unit, 'inactive');
    await setUnitState(scenario.client, ALIAS, 'active');
    const [aliasPath] = (await callMethod(scenario.client, {
      destination: 'org.freedesktop.systemd1',
      path: '/org/freedesktop/systemd1',
      interface: 'org.freedesktop.systemd1.Manager',
      member: 'LoadUnit',
      signature: 's',
      body: [ALIAS],
    })) as [string];
    await mockCall(scenario.client, aliasPath, 'UpdateProperties', 'sa{sv}', [
      UNIT,
      { Id: new Variant('s', 'graphical.target'), Names: new Variant('as', ['graphical.target', ALIAS]) },
    ]);
    script = await scenario.bus.connect();
  });

  afterAll(async () => {
    script?.disconnect();
    await scenario?.stop();
    await server?.close();
  });

  it('is refused to the chat: each propose_action fails with the refusal, and no proposal is made', async () => {
    const [session] = (await scenario.call(CHAT, 'Send', 'ssa{sv}', ['', CHAT_QUESTION, {}])) as [string];
    await waitFor(async () => {
      const [sessions] = (await scenario.call(CHAT, 'ListSessions')) as [Record<string, Variant>[]];
      const info = sessions.map(plain).find((s) => s.id === session);
      return info?.answering === false && info.messages === 2;
    }, 'the answer to end');
    const [history] = (await scenario.call(CHAT, 'GetHistory', 's', [session])) as [Record<string, Variant>[]];
    const answer = plain(history[1]!);
    const steps = (answer['tool-steps'] as Record<string, Variant>[]).map(plain);
    expect(steps.map((step) => [step.tool, step.status])).toEqual(ENDING_STEPS.map(() => ['propose_action', 'failed']));
    expect(answer.proposals).toEqual([]);
    // The model was told why, in the catalog's words.
    const toolResults = server.requests.at(-1)?.body.messages.filter((message) => message.role === 'tool') ?? [];
    expect(toolResults.length).toBe(ENDING_STEPS.length);
    for (const result of toolResults) expect(result.content).toMatch(/could end or replace the session/);
    expect(await changingProposals()).toEqual([]);
  });

  it('is refused to the model advisor: nothing it suggested becomes a proposal', async () => {
    // ghost.service is no unit systemd knows: no playbook acts on it, so the model is asked.
    await appendToJournal(journal, [unitFailure('ghost.service')]);
    let finding: Record<string, unknown> | undefined;
    await waitFor(async () => {
      const [list] = (await scenario.call(FINDINGS, 'List', 'a{sv}', [{}])) as [Record<string, Variant>[]];
      finding = list.map(plain).find((f) => f.subject === 'ghost.service');
      return finding !== undefined;
    }, 'the finding');
    let decided = '';
    await waitFor(async () => {
      if ((await proposals()).some((p) => p['finding-id'] === finding?.id)) decided = 'proposed';
      else {
        const [full] = (await scenario.call(FINDINGS, 'Get', 's', [finding?.id])) as [Record<string, Variant>];
        decided = (full['no-proposal-reason']?.value as string | undefined) ?? '';
      }
      return decided === 'proposed' || decided === 'nothing in its fix applies on this computer now';
    }, "the advisor's suggestions to be decided");
    expect(decided).toBe('nothing in its fix applies on this computer now');
    expect(scenario.service.log()).toMatch(/dropped a proposed action .*could end or replace the session/);
    expect(await changingProposals()).toEqual([]);
    const jobs = await scenario.list(PROPOSALS, 'ListJobs');
    expect(jobs.filter((job) => !String(job.action).startsWith('info.'))).toEqual([]);
  });

  it('is refused to a script calling Agents.Propose with the SessionEnding error, for every verb', async () => {
    for (const { action, params } of ENDING_STEPS)
      await expectAsync(proposeFromScript(action, params))
        .withContext(`${action} ${params.unit}`)
        .toBeRejectedWith(
          jasmine.objectContaining({ type: SESSION_ENDING, text: jasmine.stringMatching(params.unit) }),
        );
    expect(await changingProposals()).toEqual([]);
  });

  it('is refused where systemd knows the unit by a session-ending alias', async () => {
    await expectAsync(proposeFromScript('systemd.stop_unit', { unit: ALIAS, scope: 'user' })).toBeRejectedWith(
      jasmine.objectContaining({ type: SESSION_ENDING, text: jasmine.stringMatching(/graphical\.target/) }),
    );
    expect(await changingProposals()).toEqual([]);
  });

  it('is refused to an agent through steward mcp, with the refusal as its answer', async () => {
    const client = new Client({ name: 'Spec Agent', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI_SCRIPT, 'mcp'],
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: scenario.home.path,
          DBUS_SESSION_BUS_ADDRESS: scenario.bus.address,
        },
        stderr: 'pipe',
      }),
    );
    try {
      for (const { action, params } of ENDING_STEPS) {
        const result = (await client.callTool({
          name: 'propose_fix',
          arguments: { action, params, reason: 'a fresh session is faster' },
        })) as CallToolResult;
        expect(result.isError).withContext(action).toBeTrue();
        const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
        expect(text)
          .withContext(action)
          .toMatch(/could end or replace the session/);
      }
    } finally {
      await client.close();
    }
    expect(await changingProposals()).toEqual([]);
  });
});
