// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Assistant } from '../../service/src/assistant/assistant.js';
import type { Machine } from '../../service/src/assistant/machine.js';
import { catalogEntries } from '../../service/src/assistant/proposalSink.js';
import { defaultConfig } from '../../service/src/config.js';
import type { ToolSpec } from '../../service/src/engine/protocol.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { ScriptedEngine, type ScriptedTurn } from '../support/scriptedEngine.js';

const catalog = catalogEntries(createCatalog({ kinds: KINDS }));
const machine = { systemSummary: () => Promise.reject(new Error('no summary here')), home: () => '/nonexistent' };

function assistant(): Assistant {
  return new Assistant({
    machine: machine as unknown as Machine,
    proposals: { catalog: () => catalog, propose: () => Promise.reject(new Error('no proposals here')) },
    settings: () => defaultConfig.assistant,
    contextSize: () => null,
    log: createLogger({ level: 'error', journal: false, write: () => undefined }),
  });
}

async function ask(steward: Assistant, prompt: string, turns: ScriptedTurn[] = [{ text: 'ok' }]) {
  const engine = new ScriptedEngine(turns);
  const answer = await steward.start({
    engine,
    messages: [],
    prompt,
    maxTokens: 50,
    useTools: true,
    toolChoice: 'auto',
    callbacks: {},
  });
  await answer.handle.result;
  return engine.requests;
}

const proposeOf = (tools: readonly ToolSpec[] | undefined) => tools?.find((tool) => tool.name === 'propose_action');

describe("the assistant's tools for a question's topics", () => {
  it('shows propose_action last, listing the actions of the question’s topics', async () => {
    const [first] = await ask(assistant(), 'How full is my disk?');
    expect(first?.tools?.map((tool) => tool.name)).toEqual([
      'more_tools',
      'system_summary',
      'list_findings',
      'disk_usage',
      'propose_action',
    ]);
    expect(proposeOf(first?.tools)?.description).toContain('files.empty_trash');
    expect(proposeOf(first?.tools)?.description).not.toContain('network.reconnect');
  });

  it('keeps what the quick chat’s Prepare evaluated as the start of the next question’s prompt', async () => {
    const steward = assistant();
    await ask(steward, 'How full is my disk?');
    const engine = new ScriptedEngine([]);
    const prefix = await steward.prefix(engine);
    const [next] = await ask(steward, 'How much disk space is left?');
    expect(next?.tools).toEqual(prefix.tools);
  });

  it('lists the whole catalog once the model asked for more tools', async () => {
    const [first, second] = await ask(assistant(), 'How full is my disk?', [
      { calls: [{ name: 'more_tools', arguments: {} }] },
      { text: 'ok' },
    ]);
    expect(proposeOf(first?.tools)?.description).not.toContain('network.reconnect');
    const everything = proposeOf(second?.tools)?.description ?? '';
    for (const { name } of catalog) expect(everything).toContain(name);
  });
});
