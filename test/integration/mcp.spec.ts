// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { realpathSync } from 'node:fs';

import type { Variant } from '@jellybrick/dbus-next';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  type CallToolResult,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

import { readOnlyTools } from '../../service/src/assistant/tools/index.js';
import { PROPOSALS_INTERFACE } from '../../service/src/dbus/interfaces.js';
import { CLI_SCRIPT, quietWatch, waitFor } from '../support/service.js';
import { startUnitScenario, type UnitScenario } from '../support/unitScenario.js';

const textOf = (result: CallToolResult) =>
  result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');

// The official SDK's client over stdio against `steward mcp` and the real
// service on a private bus, with systemd's user manager played by dbusmock:
// from listing the tools to a proposal the user applies through D-Bus.
describe('steward mcp over stdio', () => {
  let scenario: UnitScenario;
  let client: Client;
  const updated: string[] = [];
  let listChanges = 0;

  beforeAll(async () => {
    scenario = await startUnitScenario(['backup.service'], async () => ({
      watch: quietWatch({ units: true }),
      // An agent's proposal is always asked, whatever the user's auto rules say.
      fixes: { policy: { 'systemd.restart_unit': 'auto' } },
    }));
    client = new Client({ name: 'Spec Agent', version: '1.0.0' });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, ({ params }) => {
      updated.push(params.uri);
    });
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      listChanges += 1;
    });
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
  });

  afterAll(async () => {
    await client?.close();
    await scenario?.stop();
  });

  it('declares itself and lists the read-only tools with schemas and annotations, and nothing that applies', async () => {
    expect(client.getServerVersion()?.name).toBe('steward');
    expect(client.getServerCapabilities()?.resources).toEqual({ subscribe: true, listChanged: true });
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual([...readOnlyTools().map((tool) => tool.name), 'propose_fix', 'proposal_status']);
    expect(names.filter((name) => /apply|dismiss|undo|run_|shell/.test(name))).toEqual([]);
    for (const tool of tools.filter((candidate) => candidate.name !== 'propose_fix')) {
      expect(tool.inputSchema.type).withContext(tool.name).toBe('object');
      expect(tool.description?.length).withContext(tool.name).toBeGreaterThan(20);
      expect(tool.annotations)
        .withContext(tool.name)
        .toEqual(jasmine.objectContaining({ readOnlyHint: true, openWorldHint: false, idempotentHint: true }));
    }
    const unitStatus = tools.find((tool) => tool.name === 'unit_status');
    expect(unitStatus?.inputSchema.required).toEqual(['unit']);
    const propose = tools.find((tool) => tool.name === 'propose_fix');
    expect(propose?.annotations).toEqual(
      jasmine.objectContaining({ readOnlyHint: false, destructiveHint: false, openWorldHint: false }),
    );
    expect((propose?.inputSchema.properties?.action as { enum: string[] }).enum).toContain('systemd.restart_unit');
    expect(propose?.outputSchema?.required).toContain('effect');
    expect(tools.find((tool) => tool.name === 'proposal_status')?.outputSchema?.required).toContain('decision');
  });

  it('runs each read-only tool through the service', async () => {
    const calls: Record<string, Record<string, unknown>> = {
      system_summary: {},
      disk_usage: {},
      top_processes: { sort_by: 'memory', limit: 3 },
      unit_status: { unit: 'backup.service', scope: 'user', log_lines: 0 },
      search_journal: { since: '-1h' },
      network_status: {},
      search_packages: { query: 'bash' },
      package_status: { name: 'bash' },
      list_findings: {},
      list_proposals: {},
      audit_history: {},
      read_file: { path: '/etc/hostname' },
      search_docs: { query: 'keep the connection alive' },
      read_doc: { ref: 'ssh_config(5)#ServerAliveInterval' },
    };
    expect(Object.keys(calls).sort()).toEqual(
      readOnlyTools()
        .map((tool) => tool.name)
        .sort(),
    );
    for (const [name, args] of Object.entries(calls)) {
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      const text = textOf(result);
      expect(text).withContext(name).toMatch(/\S/);
      // PackageKit is not on the private bus: its tools fail with the service's own message, as for the chat.
      if (name === 'search_packages' || name === 'package_status') {
        if (result.isError)
          expect(text)
            .withContext(name)
            .toMatch(/^\w+ failed: .*PackageKit/);
        continue;
      }
      // The documentation index is built a minute after start-up: until then its tools say so, as to the chat.
      if ((name === 'search_docs' || name === 'read_doc') && result.isError) {
        expect(text)
          .withContext(name)
          .toMatch(/^\w+ failed: the documentation index is still being built/);
        continue;
      }
      expect(result.isError).withContext(`${name}: ${text}`).toBeFalsy();
      expect(text)
        .withContext(name)
        .toMatch(new RegExp(`^<<<DATA from ${name}\\n[^]*\\nDATA>>>$`));
    }
    const unit = textOf(
      (await client.callTool({
        name: 'unit_status',
        arguments: { unit: 'backup.service', scope: 'user' },
      })) as CallToolResult,
    );
    expect(unit).toContain('backup.service (user)');
    // Inactive, or active once the proposal spec below has applied its restart.
    expect(unit).toMatch(/\nstate: (in)?active /);
    expect(unit).toContain('loaded: loaded');
  });

  it('answers invalid arguments and unknown actions with isError and a clear message', async () => {
    const badUnit = (await client.callTool({
      name: 'propose_fix',
      arguments: { action: 'systemd.restart_unit', params: { unit: 'backup.service; rm -rf ~' }, reason: 'try it' },
    })) as CallToolResult;
    expect(badUnit.isError).toBeTrue();
    expect(textOf(badUnit)).toMatch(/unit/);
    const unknown = (await client.callTool({
      name: 'propose_fix',
      arguments: { action: 'systemd.format_disk', params: {}, reason: 'why not' },
    })) as CallToolResult;
    expect(unknown.isError).toBeTrue();
    expect(textOf(unknown)).toMatch(/systemd\.format_disk/);
    const noReason = (await client.callTool({
      name: 'propose_fix',
      arguments: { action: 'systemd.restart_unit', params: { unit: 'backup.service', scope: 'user' } },
    })) as CallToolResult;
    expect(noReason.isError).toBeTrue();
    expect(textOf(noReason)).toContain('reason');
    const badArgs = (await client.callTool({ name: 'unit_status', arguments: { unit: 42 } })) as CallToolResult;
    expect(badArgs.isError).toBeTrue();
    expect(textOf(badArgs)).toMatch(/^the arguments for unit_status are not valid \(unit: /);
    const noSuchProposal = (await client.callTool({
      name: 'proposal_status',
      arguments: { proposal_id: '999' },
    })) as CallToolResult;
    expect(noSuchProposal).toEqual(jasmine.objectContaining({ isError: true }));
    expect(textOf(noSuchProposal)).toBe('there is no proposal 999');
    await expectAsync(client.callTool({ name: 'apply_fix', arguments: {} })).toBeRejectedWithError(
      /Unknown tool: apply_fix/,
    );
    expect(await scenario.list(PROPOSALS_INTERFACE, 'List')).toEqual([]);
  });

  it('proposes a fix that waits for the user, shows who proposed it, and reports the verified result after Apply', async () => {
    await client.subscribeResource({ uri: 'steward://proposals' });
    const made = (await client.callTool({
      name: 'propose_fix',
      arguments: {
        action: 'systemd.restart_unit',
        params: { unit: 'backup.service', scope: 'user' },
        reason: 'The backup service is not running.',
      },
    })) as CallToolResult;
    expect(made.isError).withContext(textOf(made)).toBeFalsy();
    const structured = made.structuredContent as Record<string, unknown>;
    const id = structured.proposal_id as string;
    expect(structured).toEqual(
      jasmine.objectContaining({
        title: 'Agent “Spec Agent” proposes: Restart backup.service',
        decision: 'waiting',
        state: 'open',
        action: 'systemd.restart_unit',
        params: { unit: 'backup.service', scope: 'user' },
        job_state: '',
      }),
    );
    expect(structured.effect).toContain('backup.service');
    expect(textOf(made)).toContain(`Proposal ${id} waits for the user's decision in GNOME`);
    expect(textOf(made)).toContain('Nothing has run.');

    // On D-Bus, as the extension and `steward proposals` see it: the agent's name, always asked.
    const [dict] = (await scenario.call(PROPOSALS_INTERFACE, 'Get', 's', [id])) as [Record<string, Variant>];
    expect(dict.title?.value).toBe('Agent “Spec Agent” proposes: Restart backup.service');
    expect(dict.origin?.value).toBe('agent');
    expect(dict['reported-by']?.value).toBe('Spec Agent');
    expect(dict['one-click']?.value).toBeFalse();
    expect((dict.actions?.value as Record<string, Variant>[])[0]?.policy?.value).toBe('ask');
    expect(await scenario.list(PROPOSALS_INTERFACE, 'ListJobs')).toEqual([]);
    // The audit trail names the client and the real program behind the pipe: this spec's node, steward mcp's parent.
    const history = await scenario.list(PROPOSALS_INTERFACE, 'History');
    const proposed = history.find((record) => record.event === 'proposed' && record['proposal-id'] === id);
    expect(proposed?.caller).toContain(`“Spec Agent” via ${realpathSync(process.execPath)} (pid ${process.pid})`);
    await waitFor(async () => updated.includes('steward://proposals') && listChanges > 0, 'resource notifications');

    const [jobId] = await scenario.call(PROPOSALS_INTERFACE, 'Apply', 'ss', [id, 'systemd.restart_unit']);
    let status: Record<string, unknown> = {};
    await waitFor(async () => {
      const result = (await client.callTool({
        name: 'proposal_status',
        arguments: { proposal_id: id },
      })) as CallToolResult;
      status = result.structuredContent as Record<string, unknown>;
      return status.job_state === 'fixed';
    }, 'the verified result');
    expect(status).toEqual(
      jasmine.objectContaining({ proposal_id: id, decision: 'applied', state: 'fixed', job_state: 'fixed' }),
    );
    expect(status.result).toMatch(/\S/);
    expect(jobId).toMatch(/^\d+$/);
    const resource = await client.readResource({ uri: `steward://proposals/${id}` });
    expect(JSON.parse((resource.contents[0] as { text: string }).text)).toEqual(
      jasmine.objectContaining({ id, decision: 'applied', jobState: 'fixed' }),
    );
    const proposals = await client.readResource({ uri: 'steward://proposals' });
    expect((proposals.contents[0] as { text: string }).text).toContain('DATA from list_proposals');
  });
});
