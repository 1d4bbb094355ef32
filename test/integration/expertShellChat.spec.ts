// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The expert shell through the running service: the chat's model proposes shell.run only
// while fixes.expertShell is on, Apply runs it, and turning the setting off stops a waiting one.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { type Script, scriptedReply } from '../support/replayModel.js';
import { BUS_NAME, OBJECT_PATH, quietWatch, waitFor } from '../support/service.js';
import { plain, startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const CHAT = 'io.github.steward.Steward1.Chat';
const PROPOSALS = 'io.github.steward.Steward1.Proposals';
const SETTINGS = 'io.github.steward.Steward1.Settings';
const QUESTION = 'Which kernel is this?';

const proposeUname = {
  name: 'propose_action',
  arguments: { action: 'shell.run', params: { argv: ['uname', '-s'], cwd: '/' }, reason: 'to see the kernel' },
};
// A token as a command prints it: the job's summary holds the command's output.
const TOKEN = 'ghp_8Nw2bQk5XvT1pLr7cZy4Hd9FmJs3Ua6GeWq0';
const TOKEN_QUESTION = 'What does my deploy script print?';
const proposePrint = {
  name: 'propose_action',
  arguments: {
    action: 'shell.run',
    params: { argv: ['printf', `GITHUB_TOKEN=${TOKEN}\\n`], cwd: '/' },
    reason: 'to see what it prints',
  },
};
const scripts: Script[] = [
  { question: QUESTION, turns: [{ toolCalls: [proposeUname] }, { text: 'Apply it to see.' }] },
  { question: TOKEN_QUESTION, turns: [{ toolCalls: [proposePrint] }, { text: 'Apply it to see.' }] },
];

describe('the expert shell in the service', () => {
  let scenario: UnitScenario;
  let server: OpenAIServer;

  const setExpertShell = async (on: boolean) => {
    if (!on) return scenario.call(SETTINGS, 'UpdateConfig', 's', [JSON.stringify({ fixes: { expertShell: false } })]);
    // Turning it on widens trust, which a bus peer may not do unasked: the user edits the file and reloads.
    const file = join(scenario.home.path, 'config', 'steward', 'config.json');
    const settings = JSON.parse(await readFile(file, 'utf8')) as { fixes?: Record<string, unknown> };
    await writeFile(file, JSON.stringify({ ...settings, fixes: { ...settings.fixes, expertShell: true } }));
    scenario.service.process.kill('SIGHUP');
    return waitFor(async () => {
      const [config] = (await scenario.call(SETTINGS, 'GetConfig')) as [string];
      return (JSON.parse(config) as { fixes: { expertShell: boolean } }).fixes.expertShell;
    }, 'the reload');
  };
  const ask = async (question = QUESTION) => {
    const [session] = (await scenario.call(CHAT, 'Send', 'ssa{sv}', ['', question, {}])) as [string];
    await waitFor(async () => {
      const [sessions] = (await scenario.call(CHAT, 'ListSessions')) as [Record<string, Variant>[]];
      const info = sessions.map(plain).find((s) => s.id === session);
      return info?.answering === false && info.messages === 2;
    }, 'the answer to end');
    const [history] = (await scenario.call(CHAT, 'GetHistory', 's', [session])) as [Record<string, Variant>[]];
    return plain(history[1]!);
  };
  // The catalog the model may propose from is in propose_action's description, which checks the name against it.
  const lastCatalog = () =>
    JSON.stringify(server.requests.at(-1)?.body.tools?.find((tool) => tool.function.name === 'propose_action'));

  beforeAll(async () => {
    server = await startOpenAIServer({ reply: scriptedReply(scripts) });
    scenario = await startUnitScenario([], async () => ({
      watch: quietWatch(),
      inference: { engine: 'remote', remote: { url: server.url, model: 'test-model' } },
      fixes: { policy: { 'shell.run': 'auto' } },
    }));
  });

  afterAll(async () => {
    await scenario.stop();
    await server.close();
  });

  it('is refused while off: the catalog does not offer it', async () => {
    await setExpertShell(false);
    const answer = await ask();
    expect(lastCatalog()).not.toContain('shell.run');
    const steps = (answer['tool-steps'] as Record<string, Variant>[]).map(plain);
    expect(steps.map((step) => [step.tool, step.status])).toEqual([['propose_action', 'failed']]);
    expect(answer.proposals).toEqual([]);
  });

  it('once on, makes a proposal that waits for Apply, runs it, and refuses it once turned off again', async () => {
    await setExpertShell(true);
    const answer = await ask();
    expect(lastCatalog()).toContain('shell.run');
    const [id] = answer.proposals as string[];
    expect(id).toBeDefined();
    const [proposal] = (await scenario.call(PROPOSALS, 'Get', 's', [id])) as [Record<string, Variant>];
    const [action] = (proposal.actions!.value as Record<string, Variant>[]).map(plain);
    expect(action).toEqual(jasmine.objectContaining({ name: 'shell.run', risk: 'high', policy: 'ask' }));
    expect((await scenario.list(PROPOSALS, 'ListJobs')).filter((j) => j['proposal-id'] === id)).toEqual([]);

    const [job] = (await scenario.call(PROPOSALS, 'Apply', 'ss', [id, 'shell.run'])) as [string];
    await waitFor(
      async () => (await scenario.list(PROPOSALS, 'ListJobs')).some((j) => j.id === job && j.state === 'done'),
      'the job',
    );
    const done = (await scenario.list(PROPOSALS, 'ListJobs')).find((j) => j.id === job);
    expect(done?.summary).toBe('uname -s exited with 0\nLinux');

    await setExpertShell(false);
    await expectAsync(scenario.call(PROPOSALS, 'Apply', 'ss', [id, 'shell.run'])).toBeRejectedWith(
      jasmine.objectContaining({ type: 'io.github.steward.Steward1.Error.NotAuthorized' }),
    );
  });

  it("gives any other peer of the bus a job's output redacted, as the audit keeps it", async () => {
    await setExpertShell(true);
    const [id] = (await ask(TOKEN_QUESTION)).proposals as string[];
    const [job] = (await scenario.call(PROPOSALS, 'Apply', 'ss', [id, 'shell.run'])) as [string];
    const peer = await scenario.bus.connect();
    try {
      const listJobs = async () => {
        const [jobs] = (await callMethod(peer, {
          destination: BUS_NAME,
          path: OBJECT_PATH,
          interface: PROPOSALS,
          member: 'ListJobs',
          signature: 'a{sv}',
          body: [{}],
        })) as [Record<string, Variant>[]];
        return jobs.map(plain);
      };
      await waitFor(async () => (await listJobs()).some((j) => j.id === job && j.state === 'done'), 'the job');
      const done = (await listJobs()).find((j) => j.id === job);
      expect(done?.summary).toMatch(/^printf .* exited with 0\nGITHUB_TOKEN=/);
      expect(String(done?.summary)).not.toContain(TOKEN);
      expect(String(done?.summary)).not.toContain(TOKEN.slice(4, 20));
    } finally {
      peer.disconnect();
    }
  });
});
