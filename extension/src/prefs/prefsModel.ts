// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The preferences' logic that needs no GTK: the service's configuration as
// rows and back as JSON Merge Patches, the fix rules of the service's catalog, the models'
// rows and the diagnostics text. Runs under Node in the unit tests.

import { text } from '../shared/model.js';
import { engineSummary } from '../shared/serviceStatus.js';
import { format, formatBytes } from '../shared/text.js';
type Gettext = (text: string) => string;
type NGettext = (singular: string, plural: string, count: number) => string;

export type Risk = 'low' | 'medium' | 'high';
export type Policy = 'ask' | 'never' | 'auto';

/** What an action changes, for the Safety page's groups; null for a step that only reads. */
export type Touches = 'services' | 'packages' | 'files' | 'network' | 'desktop' | 'other' | null;

/** An action of the service's catalog, as the service lists it (Proposals.Catalog): the preferences keep no copy. */
export interface CatalogAction {
  name: string;
  /** In the service's language, which is the session's. */
  title: string;
  /** 'varies' where it depends on the parameters: a user unit's restart is low, a system unit's medium. */
  risk: Risk | 'varies';
  touches: Touches;
}

const RISK_NAMES: readonly string[] = ['low', 'medium', 'high'];
const AREAS: readonly string[] = ['services', 'packages', 'files', 'network', 'desktop'];

/**
 * Proposals.Catalog's dictionaries (unpacked) as actions. A risk this version does not know counts as one that
 * varies (no "auto"), and a change of an area it does not know is listed under "Other": a newer service may add both.
 */
export function catalogActions(dicts: readonly Record<string, unknown>[]): CatalogAction[] {
  return dicts.map((dict) => {
    const risk = text(dict['risk']);
    const changes = text(dict['changes']);
    return {
      name: text(dict['name']),
      title: text(dict['title']) || text(dict['name']),
      risk: RISK_NAMES.includes(risk) ? (risk as Risk) : 'varies',
      touches: dict['read-only'] === true ? null : AREAS.includes(changes) ? (changes as Touches) : 'other',
    };
  });
}

/** The part of the service's configuration (service/src/config.ts) that the preferences show. */
export interface ServiceConfig {
  inference: {
    engine: 'local' | 'remote';
    remote?: { url: string; model: string; apiKeyFile?: string };
  };
  watch: {
    journal: { system: boolean; user: boolean; directories: string[] };
    units: boolean;
    network: boolean;
    desktop: boolean;
    disks: DiskSettings;
    files: { watchDefaults: boolean; paths: string[] };
  };
  fixes: { policy: Record<string, Policy>; expertShell: boolean };
  assistant: { redactLocal: boolean };
  voice: { output: 'desktop' | 'neural'; neuralModel?: string };
}

export interface DiskSettings {
  mounts: string[];
  intervalSeconds: number;
  lowPercent: number;
  lowGB: number;
  criticalPercent: number;
  criticalGB: number;
}

/** The configuration from GetConfig or ConfigChanged; the service sends it with every default filled in. */
export function parseConfig(json: string): ServiceConfig {
  return JSON.parse(json) as ServiceConfig;
}

/** A JSON Merge Patch that sets one value, e.g. mergePatch(['watch', 'units'], false). */
export function mergePatch(path: readonly string[], value: unknown): string {
  const patch = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
  return JSON.stringify(patch);
}

/** The choices for an action: 'auto' only for low-risk ones, as the service honours it only for those. */
export function policyChoices(risk: CatalogAction['risk']): Policy[] {
  return risk === 'low' ? ['ask', 'never', 'auto'] : ['ask', 'never'];
}

export function policyLabel(policy: Policy, _: Gettext): string {
  switch (policy) {
    case 'ask':
      return _('Ask');
    case 'never':
      return _('Never');
    case 'auto':
      return _('Automatically');
  }
}

export interface PolicyRow {
  name: string;
  title: string;
  choices: Policy[];
  /** Index into choices. */
  selected: number;
}

/** Which of a row's choices a policy is; one the service would not honour shows as what it does, "ask". */
export function policyIndex(policies: ServiceConfig['fixes']['policy'], row: Omit<PolicyRow, 'selected'>): number {
  return Math.max(row.choices.indexOf(policies[row.name] ?? 'ask'), 0);
}

/** A row per catalog action that changes something: a step that only reads asks nothing of the person. */
export function policyRows(actions: readonly CatalogAction[], policies: ServiceConfig['fixes']['policy']): PolicyRow[] {
  return actions
    .filter((action) => action.touches !== null)
    .map((action) => {
      const row = { name: action.name, title: action.title, choices: policyChoices(action.risk) };
      return { ...row, selected: policyIndex(policies, row) };
    });
}

/** What a change acts on: the Safety page's groups. */
export type PolicyArea = Exclude<Touches, null>;

export interface PolicyGroup {
  touches: PolicyArea;
  title: string;
  rows: PolicyRow[];
}

const GROUP_TITLES: Record<PolicyArea, (_: Gettext) => string> = {
  services: (_) => _('Services'),
  packages: (_) => _('Packages'),
  files: (_) => _('Files'),
  network: (_) => _('Network'),
  desktop: (_) => _('Desktop'),
  other: (_) => _('Other'),
};

/** The groups of the Safety page, in the order a person looks for them. */
export const POLICY_AREAS = Object.keys(GROUP_TITLES) as PolicyArea[];

export function policyAreaTitle(touches: PolicyArea, _: Gettext): string {
  return GROUP_TITLES[touches](_);
}

/** The rows of policyRows, grouped by what their actions change, in the order of POLICY_AREAS. */
export function policyGroups(
  actions: readonly CatalogAction[],
  policies: ServiceConfig['fixes']['policy'],
  _: Gettext,
): PolicyGroup[] {
  const rows = policyRows(actions, policies);
  const touchesOf = (row: PolicyRow) => actions.find((action) => action.name === row.name)?.touches;
  return POLICY_AREAS.map((touches) => ({
    touches,
    title: policyAreaTitle(touches, _),
    rows: rows.filter((r) => touchesOf(r) === touches),
  })).filter((group) => group.rows.length > 0);
}

/** The one line that stands for every step that only reads. */
export function readOnlySummary(actions: readonly CatalogAction[], ngettext: NGettext): string {
  const count = actions.filter((action) => action.touches === null).length;
  return format(
    ngettext(
      '{count} step reads logs, crash reports or disk use and changes nothing. Its answer comes with the proposal.',
      '{count} steps read logs, crash reports or disk use and change nothing. Their answers come with the proposal.',
      count,
    ),
    { count },
  );
}

/** The patch for a policy; "ask" is the default, so it removes the entry. */
export function policyPatch(name: string, policy: Policy): string {
  return mergePatch(['fixes', 'policy', name], policy === 'ask' ? null : policy);
}

/** The patch that chooses the engine; a remote one needs its endpoint in the same patch. */
export function enginePatch(engine: 'local' | 'remote', url: string, model: string): string {
  if (engine === 'local') return mergePatch(['inference', 'engine'], 'local');
  return JSON.stringify({ inference: { engine: 'remote', remote: { url: url.trim(), model: model.trim() } } });
}

/** A list of paths as one line, for an entry row. */
export function listText(items: readonly string[]): string {
  return items.join(', ');
}

/** The paths of an entry row: separated by commas or spaces, empty ones left out. */
export function parseList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

export const NOTIFICATION_LEVELS = ['all', 'warnings', 'errors', 'none'] as const;

export function notificationLevelLabel(level: string, _: Gettext): string {
  switch (level) {
    case 'all':
      return _('Every problem');
    case 'warnings':
      return _('Warnings and worse');
    case 'errors':
      return _('Errors only');
    default:
      return _('Never');
  }
}

export interface ModelRow {
  id: string;
  title: string;
  subtitle: string;
  active: boolean;
  usable: boolean;
}

function speedLabel(speedClass: unknown, _: Gettext): string {
  switch (speedClass) {
    case 'fast':
      return _('fast');
    case 'usable':
      return _('usable');
    case 'slow':
      return _('slow');
    default:
      return _('too large for this computer');
  }
}

function placementLabel(placement: unknown, _: Gettext): string {
  switch (placement) {
    case 'gpu':
      return _('runs on the GPU');
    case 'cpu':
      return _('runs on the CPU');
    default:
      return _('does not fit in memory');
  }
}

/** A row per installed model, from Models.List's dictionaries (unpacked). */
export function modelRows(models: readonly Record<string, unknown>[], _: Gettext): ModelRow[] {
  return models.map((model) => {
    const supported = model['supported'] !== false;
    const details = supported
      ? [placementLabel(model['placement'], _), speedLabel(model['speed-class'], _)]
      : [text(model['unsupported-reason']) || _('not supported')];
    const size = Number(model['file-bytes'] ?? 0);
    if (size > 0) details.push(formatBytes(size, _));
    const label = [model['size-label'], model['quantization']].filter(Boolean).join(' ');
    return {
      id: String(model['id']),
      title: label ? `${String(model['name'])} (${label})` : String(model['name']),
      subtitle: details.join(' · '),
      active: model['active'] === true,
      usable: supported && model['placement'] !== 'none',
    };
  });
}

/** The recommended model and its download size, from Models.Recommend; null when nothing fits. */
export function recommendationTitle(recommendation: Record<string, unknown>, _: Gettext): string | null {
  if (!recommendation['uri']) return null;
  return format(_('{name} ({size} download)'), {
    name: `${String(recommendation['name'])} ${text(recommendation['quantization'])}`.trim(),
    size: formatBytes(Number(recommendation['approx-bytes'] ?? 0), _),
  });
}

export interface Diagnostics {
  extensionVersion: string;
  shellVersion: string;
  /** GetStatus's dictionary, unpacked; null when the service is not running. */
  service: Record<string, unknown> | null;
  engine: Record<string, unknown> | null;
}

function dictionaryLines(dictionary: Record<string, unknown>): string[] {
  return Object.keys(dictionary)
    .sort()
    .map((key) => {
      const value = dictionary[key];
      return `  ${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`;
    });
}

/** What "Copy diagnostics" puts on the clipboard: plain text to paste into a bug report. */
export function diagnosticsText(diagnostics: Diagnostics): string {
  return [
    `Steward extension: ${diagnostics.extensionVersion}`,
    `GNOME Shell: ${diagnostics.shellVersion}`,
    'Service:',
    ...(diagnostics.service ? dictionaryLines(diagnostics.service) : ['  not running']),
    'Engine:',
    ...(diagnostics.engine ? dictionaryLines(diagnostics.engine) : ['  unknown']),
    '',
  ].join('\n');
}

/** What the preferences' status row says of a running service: its version, model and any trouble. */
export function runningServiceText(
  status: Record<string, unknown>,
  engine: Record<string, unknown>,
  _: Gettext,
): { title: string; subtitle: string } {
  // The engine's line as the top-bar menu says it: the model, local or on the remote server.
  const details = [format(_('Version {version}'), { version: text(status['version']) }), engineSummary(engine, _)];
  // Where answers are computed, and why not on a faster backend ("CUDA: …; using Vulkan").
  if (text(status['inference-backend-summary'])) details.push(text(status['inference-backend-summary']));
  const degraded = status['state'] === 'degraded';
  if (degraded && text(status['state-reason'])) details.push(text(status['state-reason']));
  return {
    title: degraded ? _('Steward is running, with a problem') : _('Steward is running'),
    subtitle: details.join(' · '),
  };
}

/** Whether the file `uri` names (a catalogue entry's) is among the installed models (Models.List, unpacked). */
export function isInstalled(uri: string, models: readonly Record<string, unknown>[]): boolean {
  const file = uri.split(/[/#]/).find((part) => part.endsWith('.gguf'));
  return file !== undefined && models.some((model) => text(model['path']).endsWith(`/${file}`));
}
