// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Every tool the model may call, in the order it sees them.
import type { AssistantTool } from '../tool.js';
import { diskUsageTool } from './disk.js';
import { readDocTool, searchDocsTool } from './docs.js';
import { readFileTool } from './files.js';
import { searchJournalTool } from './journal.js';
import { networkStatusTool } from './network.js';
import { nixosConfigTool, nixosSearchTool } from './nixos.js';
import { packageStatusTool, searchPackagesTool } from './packages.js';
import { topProcessesTool } from './processes.js';
import { type ActionLine, proposeActionTool } from './propose.js';
import { auditHistoryTool, listFindingsTool, listProposalsTool } from './steward.js';
import { systemSummaryTool } from './system.js';
import { unitStatusTool } from './units.js';

/** What the tools depend on: on NixOS the nixos_* tools stand where PackageKit's would (it has no Nix backend). */
export interface ToolPlatform {
  nixos: boolean;
}

/** `actions`: the catalog's, as propose_action takes them; `shownActions`: those it lists (all by default). */
export function assistantTools(
  actions: readonly ActionLine[],
  platform: ToolPlatform = { nixos: false },
  shownActions?: readonly string[],
): AssistantTool[] {
  const packageTools = platform.nixos ? [nixosConfigTool, nixosSearchTool] : [searchPackagesTool, packageStatusTool];
  return [
    systemSummaryTool,
    diskUsageTool,
    topProcessesTool,
    unitStatusTool,
    searchJournalTool,
    networkStatusTool,
    ...packageTools,
    listFindingsTool,
    listProposalsTool,
    auditHistoryTool,
    readFileTool,
    searchDocsTool,
    readDocTool,
    proposeActionTool(actions, shownActions),
  ];
}

/** The tools that only read: what outside agents may run (Agents.RunTool); they propose through Agents.Propose. */
export function readOnlyTools(platform: ToolPlatform = { nixos: false }): AssistantTool[] {
  return assistantTools([], platform).filter((tool) => tool.name !== 'propose_action');
}
