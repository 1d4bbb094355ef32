// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { z } from 'zod';

import { type AssistantTool, defineTool } from '../../service/src/assistant/tool.js';
import { assistantTools } from '../../service/src/assistant/tools/index.js';
import {
  byImportance,
  MORE_TOOLS,
  moreToolsTool,
  OfferedTools,
  selectTools,
} from '../../service/src/assistant/toolSelection.js';

const RESTART = [{ name: 'systemd.restart_unit', params: 'unit, scope: user|system' }];
const names = (tools: readonly AssistantTool[]) => tools.map((tool) => tool.name);
const all = assistantTools(RESTART);
const OVERVIEW = ['system_summary', 'list_findings'];
const ALWAYS = [...OVERVIEW, 'propose_action'];
/** The overview, the question's tools, then propose_action, whose listed actions follow the question's topics. */
const offering = (...tools: string[]) => [...OVERVIEW, ...tools, 'propose_action'];

describe('the tool selection', () => {
  it('offers the overview tools first, then the tools a question points to, in the registry order', () => {
    expect(names(selectTools('How full is my disk?', all))).toEqual(offering('disk_usage'));
    expect(names(selectTools('My Wi-Fi keeps dropping', all))).toEqual(offering('network_status'));
    expect(names(selectTools('Why did the backup service fail last night?', all))).toEqual(
      offering('unit_status', 'search_journal'),
    );
    expect(names(selectTools('The laptop is SLOW and the fan is loud', all))).toContain('top_processes');
    expect(names(selectTools('What is in ~/.config/app/settings.ini?', all))).toContain('read_file');
    expect(names(selectTools('Is blender installed?', all))).toEqual(
      jasmine.arrayContaining(['search_packages', 'package_status']),
    );
  });

  it('on NixOS offers the nixos tools where PackageKit’s would be, for installing and for options', () => {
    const nixos = assistantTools(RESTART, { nixos: true });
    expect(names(nixos)).not.toContain('search_packages');
    expect(names(nixos)).not.toContain('package_status');
    expect(names(selectTools('Install Blender for me', nixos))).toEqual(offering('nixos_config', 'nixos_search'));
    expect(names(selectTools('Enable the SSH server', nixos))).toEqual(
      jasmine.arrayContaining(['nixos_config', 'nixos_search']),
    );
    expect(names(selectTools('Roll back to the previous generation', nixos))).toContain('nixos_config');
    expect(names(selectTools('How full is my disk?', nixos))).toEqual(offering('disk_usage'));
    expect(names(all)).not.toContain('nixos_search');
  });

  it('offers only the overview tools to a question that names nothing it knows', () => {
    expect(names(selectTools('Hello there', all))).toEqual(ALWAYS);
    expect(names(selectTools('How do I make ssh keep the connection alive?', all))).toEqual(
      jasmine.arrayContaining(['search_docs', 'read_doc']),
    );
    expect(names(selectTools('', all))).toEqual(ALWAYS);
  });

  it('matches whole word beginnings, not letters inside words', () => {
    // "discussion" holds "disk"'s letters nowhere at its start; "iphone" does not start with "ip".
    expect(names(selectTools('a discussion about my iphone', all))).toEqual(ALWAYS);
    expect(names(selectTools('the disks', all))).toContain('disk_usage');
  });

  it('always offers a tool it has no keywords for, so a new tool is never lost', () => {
    const newTool = defineTool({
      name: 'printer_status',
      description: 'Printers.',
      params: z.object({}),
      progress: 'checking printers…',
      run: () => Promise.resolve('idle'),
    });
    expect(names(selectTools('Hello there', [...all, newTool]))).toEqual(offering('printer_status'));
  });

  it('offers fewer tools than there are for a narrow question', () => {
    expect(selectTools('How full is my disk?', all).length).toBeLessThan(all.length / 2);
  });

  it('offers, question after question, the tools offered before and then the new ones, so the list only grows', () => {
    const offered = new OfferedTools();
    expect(names(offered.offer('How full is my disk?', all))).toEqual(offering('disk_usage'));
    expect(names(offered.offer('Is my Wi-Fi working?', all))).toEqual(offering('disk_usage', 'network_status'));
    expect(names(offered.offer('Hello', all))).toEqual(offering('disk_usage', 'network_status'));
    const everything = names(offered.offer('Hello', all, true));
    expect(everything.slice(0, 4)).toEqual([...OVERVIEW, 'disk_usage', 'network_status']);
    expect(everything.at(-1)).toBe('propose_action');
    expect([...everything].sort()).toEqual(names(all).sort());
  });

  it('leaves out a tool offered before that is gone now', () => {
    const offered = new OfferedTools();
    offered.offer('How full is my disk?', all);
    const withoutDisk = all.filter((tool) => tool.name !== 'disk_usage');
    expect(names(offered.offer('How full is my disk?', withoutDisk))).toEqual(ALWAYS);
  });

  it('has more_tools name the tools held back', async () => {
    const held = all.filter((tool) => tool.name === 'audit_history' || tool.name === 'read_file');
    const more = moreToolsTool(held);
    expect(more.name).toBe(MORE_TOOLS);
    expect(more.params.safeParse({}).success).toBeTrue();
    await expectAsync(more.run({}, {} as never)).toBeResolvedTo(
      'These tools are now available: audit_history, read_file.',
    );
  });

  it('ranks the offered tools for a small context: more_tools, what the question points to, the overview, the rest', () => {
    const offered = new OfferedTools();
    offered.offer('My Wi-Fi keeps dropping', all);
    const now = offered.offer('How full is my disk?', all);
    expect(byImportance('How full is my disk?', now)).toEqual([MORE_TOOLS, 'disk_usage', ...ALWAYS, 'network_status']);
  });

  it('tells what it would offer without adding to what was offered', () => {
    const offered = new OfferedTools();
    expect(names(offered.candidates('How full is my disk?', all))).toEqual(offering('disk_usage'));
    expect(names(offered.offer('hello', all))).toEqual(ALWAYS);
  });
});
