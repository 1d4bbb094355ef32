// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { catalogEntries } from '../../service/src/assistant/proposalSink.js';
import type { AssistantTool } from '../../service/src/assistant/tool.js';
import { assistantTools } from '../../service/src/assistant/tools/index.js';
import { proposeActionTool } from '../../service/src/assistant/tools/propose.js';
import { OfferedTools, selectTools } from '../../service/src/assistant/toolSelection.js';
import { actionsFor, CORE_ACTIONS, topicsOf, topicsOfFinding } from '../../service/src/assistant/topics.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';

const catalog = catalogEntries(createCatalog({ kinds: KINDS }));
const actionNames = catalog.map((action) => action.name);
const tools = assistantTools(catalog);
const names = (list: readonly AssistantTool[]) => list.map((tool) => tool.name);
const actionsOfQuestion = (question: string) => actionsFor(topicsOf(question), actionNames);

describe('the topics of a question', () => {
  it('give a question about a failed unit the unit tools and the systemd actions', () => {
    const question = 'The backup service failed, can you restart it?';
    expect(names(selectTools(question, tools))).toEqual(
      jasmine.arrayContaining(['unit_status', 'search_journal', 'propose_action']),
    );
    expect(actionsOfQuestion(question)).toEqual(
      jasmine.arrayContaining(['systemd.restart_unit', 'systemd.reset_failed', 'info.unit_failure', 'info.show_logs']),
    );
    expect(actionsOfQuestion(question)).not.toContain('network.reconnect');
  });

  it('give a question about the network the network tool and actions, and not the units’', () => {
    const question = 'My Wi-Fi keeps dropping';
    expect(names(selectTools(question, tools))).toContain('network_status');
    expect(names(selectTools(question, tools))).not.toContain('unit_status');
    const actions = actionsOfQuestion(question);
    expect(actions).toEqual(jasmine.arrayContaining(['network.reconnect', 'info.dns_servers', 'info.link_state']));
    expect(actions).not.toContain('systemd.stop_unit');
    expect(actions).not.toContain('packages.install');
  });

  it('give a general question the overview tools and the core actions only', () => {
    expect(names(selectTools('hello', tools))).toEqual(['system_summary', 'list_findings', 'propose_action']);
    expect(actionsOfQuestion('hello')).toEqual([...CORE_ACTIONS].sort());
  });

  it('give the desktop’s parts their actions though no tool looks at them', () => {
    expect(actionsOfQuestion('My bluetooth headphones will not pair')).toEqual(
      jasmine.arrayContaining(['bluetooth.power_on', 'bluetooth.unblock']),
    );
    expect(actionsOfQuestion('Nothing prints')).toContain('printing.resume_printer');
    expect(actionsOfQuestion('Nothing prints')).not.toContain('bluetooth.power_on');
  });

  it('list an action no topic names for every question, so a new action is never lost', () => {
    expect(actionsFor([], ['systemd.restart_unit', 'network.reconnect', 'printers.new_thing'])).toEqual([
      'systemd.restart_unit',
      'printers.new_thing',
    ]);
  });

  it('leave out a core action the catalog does not hold now', () => {
    expect(actionsFor([], ['network.reconnect'])).toEqual([]);
  });

  it('list fewer than a third of the catalog for a narrow question', () => {
    expect(actionsOfQuestion('How full is my disk?').length).toBeLessThan(actionNames.length / 3);
  });
});

describe('the topics of a finding', () => {
  it('are read from its kind and subject split into words', () => {
    const unit = actionsFor(topicsOfFinding({ kind: 'unrecognised-errors', subject: 'backup.service' }), actionNames);
    expect(unit).toEqual(jasmine.arrayContaining(['systemd.restart_unit', 'info.unit_failure']));
    expect(unit).not.toContain('network.reconnect');
    const network = actionsFor(
      topicsOfFinding({ kind: 'unrecognised-errors', subject: 'NetworkManager.service' }),
      actionNames,
    );
    expect(network).toEqual(jasmine.arrayContaining(['network.reconnect', 'systemd.restart_unit']));
    expect(actionsFor(topicsOfFinding({ kind: 'no-space', subject: '/home' }), actionNames)).toContain(
      'files.empty_trash',
    );
  });
});

describe('the actions propose_action lists', () => {
  it('grow with the topics offered, and are the whole catalog once the model asked for more tools', () => {
    const offered = new OfferedTools();
    offered.offer('How full is my disk?', tools);
    const disk = offered.actions(actionNames);
    expect(disk).toContain('files.empty_trash');
    expect(disk).not.toContain('network.reconnect');
    offered.offer('My Wi-Fi keeps dropping', tools);
    expect(offered.actions(actionNames)).toEqual(jasmine.arrayContaining([...disk, 'network.reconnect']));
    offered.offer('hello', tools, true);
    expect(offered.actions(actionNames)).toEqual(actionNames);
  });

  it('are what its description names, while it takes any action of the catalog', () => {
    const tool = proposeActionTool(catalog, ['files.empty_trash']);
    expect(tool.description).toContain('files.empty_trash');
    expect(tool.description).not.toContain('network.reconnect');
    const call = { action: 'network.reconnect', params: {}, reason: 'The Wi-Fi dropped.' };
    expect(tool.params.safeParse(call).success).toBeTrue();
    expect(tool.params.safeParse({ ...call, action: 'network.unknown' }).success).toBeFalse();
  });
});
