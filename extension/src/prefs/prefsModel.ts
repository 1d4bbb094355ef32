// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The preferences' logic that needs no GTK: the service's configuration as
// rows and back as JSON Merge Patches, the choices of a fix policy, the models'
// rows and the diagnostics text. Runs under Node in the unit tests.

import { text } from '../shared/model.js';
import { engineSummary } from '../shared/serviceStatus.js';
import { format, formatBytes } from '../shared/text.js';
type Gettext = (text: string) => string;
type NGettext = (singular: string, plural: string, count: number) => string;

export type Risk = 'low' | 'medium' | 'high';
export type Policy = 'ask' | 'never' | 'auto';

/** What an action changes, for the Safety page's groups; null for a step that only reads. */
export type Touches = 'services' | 'packages' | 'files' | 'network' | 'desktop' | null;

export interface CatalogAction {
  name: string;
  risk: Risk;
  title: (_: Gettext) => string;
  touches: Touches;
}

/**
 * The actions of the service's catalog (service/src/fixes/actions/*.ts), which
 * has no D-Bus method to list them. An action whose risk depends on its
 * parameters counts as 'medium' here. A unit test keeps the two the same.
 */
export const CATALOG_ACTIONS: readonly CatalogAction[] = [
  { name: 'bluetooth.block', risk: 'low', title: (_) => _('Turn Bluetooth Airplane Mode On'), touches: 'desktop' },
  { name: 'bluetooth.power_off', risk: 'low', title: (_) => _('Turn the Bluetooth adapter off'), touches: 'desktop' },
  { name: 'bluetooth.power_on', risk: 'low', title: (_) => _('Turn the Bluetooth adapter on'), touches: 'desktop' },
  { name: 'bluetooth.unblock', risk: 'low', title: (_) => _('Turn Bluetooth Airplane Mode Off'), touches: 'desktop' },
  { name: 'clock.ntp_off', risk: 'low', title: (_) => _('Turn Automatic Time Off'), touches: 'desktop' },
  { name: 'clock.ntp_on', risk: 'low', title: (_) => _('Turn Automatic Time On'), touches: 'desktop' },
  { name: 'config.restore', risk: 'medium', title: (_) => _('Restore a configuration file'), touches: 'files' },
  {
    name: 'config.show_error',
    risk: 'low',
    title: (_) => _('Show the line a program complained about'),
    touches: null,
  },
  {
    name: 'config.validate',
    risk: 'low',
    title: (_) => _("Check a configuration with its program's own validator"),
    touches: null,
  },
  {
    name: 'extensions.disable',
    risk: 'low',
    title: (_) => _('Turn a GNOME Shell extension off'),
    touches: 'desktop',
  },
  {
    name: 'extensions.enable',
    risk: 'medium',
    title: (_) => _('Turn a GNOME Shell extension on'),
    touches: 'desktop',
  },
  { name: 'files.clear_cache', risk: 'low', title: (_) => _('Clear caches'), touches: 'files' },
  { name: 'files.empty_trash', risk: 'medium', title: (_) => _('Empty the trash'), touches: 'files' },
  { name: 'flatpak.update', risk: 'medium', title: (_) => _('Update a Flatpak app'), touches: 'packages' },
  {
    name: 'info.addresses',
    risk: 'low',
    title: (_) => _('Show this machine’s network interfaces and addresses'),
    touches: null,
  },
  { name: 'info.auth_attempts', risk: 'low', title: (_) => _('Show who was tried and from where'), touches: null },
  { name: 'info.block_device', risk: 'low', title: (_) => _('Show what the kernel knows of a disk'), touches: null },
  {
    name: 'info.bluetooth',
    risk: 'low',
    title: (_) => _('Show the Bluetooth adapter and what blocks it'),
    touches: null,
  },
  {
    name: 'info.clock',
    risk: 'low',
    title: (_) => _('Show the clock, automatic time and the time server’s last answer'),
    touches: null,
  },
  { name: 'info.coredump', risk: 'low', title: (_) => _('Show the crash report'), touches: null },
  { name: 'info.disk_health', risk: 'low', title: (_) => _('Show a disk’s health'), touches: null },
  { name: 'info.disk_usage', risk: 'low', title: (_) => _('Show what fills a disk'), touches: null },
  {
    name: 'info.dns_servers',
    risk: 'low',
    title: (_) => _('Show the DNS servers and which one is in use'),
    touches: null,
  },
  { name: 'info.dpkg_audit', risk: 'low', title: (_) => _('Show what dpkg left unfinished'), touches: null },
  {
    name: 'info.extension',
    risk: 'low',
    title: (_) => _('Show a GNOME Shell extension’s state'),
    touches: null,
  },
  {
    name: 'info.filesystem_errors',
    risk: 'low',
    title: (_) => _('Show what the kernel recorded of a file system’s errors'),
    touches: null,
  },
  {
    name: 'info.gpu_driver_versions',
    risk: 'low',
    title: (_) => _('Show which NVIDIA driver versions disagree'),
    touches: null,
  },
  {
    name: 'info.inode_usage',
    risk: 'low',
    title: (_) => _('Show which directories hold the most files'),
    touches: null,
  },
  { name: 'info.link_state', risk: 'low', title: (_) => _('Show a network link’s state'), touches: null },
  { name: 'info.lock_holder', risk: 'low', title: (_) => _('Show which process holds a lock'), touches: null },
  { name: 'info.memory_use', risk: 'low', title: (_) => _('Show what holds the memory'), touches: null },
  {
    name: 'info.network_device',
    risk: 'low',
    title: (_) => _('Show how NetworkManager sees a network device'),
    touches: null,
  },
  { name: 'info.oom_kill', risk: 'low', title: (_) => _('Show what was killed for memory'), touches: null },
  {
    name: 'info.open_files',
    risk: 'low',
    title: (_) => _('Show how many files a service may open, and has open'),
    touches: null,
  },
  {
    name: 'info.path_access',
    risk: 'low',
    title: (_) => _('Show who may use a file a service was refused'),
    touches: null,
  },
  {
    name: 'info.path_mount',
    risk: 'low',
    title: (_) => _('Show the mount that holds a path, and whether it is read-only'),
    touches: null,
  },
  { name: 'info.port_holder', risk: 'low', title: (_) => _('Show which process holds a port'), touches: null },
  {
    name: 'info.printer',
    risk: 'low',
    title: (_) => _('Show a printer’s queue and why it is stopped'),
    touches: null,
  },
  { name: 'info.show_logs', risk: 'low', title: (_) => _('Show logs'), touches: null },
  {
    name: 'info.sound',
    risk: 'low',
    title: (_) => _('Show the sound devices, the defaults and the audio services'),
    touches: null,
  },
  {
    name: 'info.thermal',
    risk: 'low',
    title: (_) => _('Show the temperatures and what keeps the processor busy'),
    touches: null,
  },
  {
    name: 'info.unit_failure',
    risk: 'low',
    title: (_) => _('Show how systemd recorded a service’s failure'),
    touches: null,
  },
  { name: 'journal.vacuum', risk: 'low', title: (_) => _('Shrink the journal'), touches: 'files' },
  {
    name: 'network.connect_device',
    risk: 'low',
    title: (_) => _('Connect the network device again'),
    touches: 'network',
  },
  { name: 'network.flush_dns', risk: 'low', title: (_) => _('Forget cached DNS answers'), touches: 'network' },
  { name: 'network.link_up', risk: 'low', title: (_) => _('Bring a network link up'), touches: 'network' },
  { name: 'network.open_portal', risk: 'low', title: (_) => _('Open the network’s sign-in page'), touches: 'network' },
  {
    name: 'network.reconfigure_link',
    risk: 'low',
    title: (_) => _('Have systemd-networkd configure a link again'),
    touches: 'network',
  },
  { name: 'network.reconnect', risk: 'low', title: (_) => _('Reconnect to the network'), touches: 'network' },
  {
    name: 'network.reset_dns_features',
    risk: 'low',
    title: (_) => _('Let the DNS resolver retry its servers’ full features'),
    touches: 'network',
  },
  { name: 'packages.install', risk: 'medium', title: (_) => _('Install packages'), touches: 'packages' },
  { name: 'packages.remove', risk: 'high', title: (_) => _('Remove packages'), touches: 'packages' },
  {
    name: 'packages.repair_system',
    risk: 'medium',
    title: (_) => _('Finish an interrupted package installation'),
    touches: 'packages',
  },
  { name: 'packages.update', risk: 'medium', title: (_) => _('Update a package'), touches: 'packages' },
  { name: 'printing.cancel_job', risk: 'low', title: (_) => _('Cancel a print job'), touches: 'desktop' },
  { name: 'printing.pause_printer', risk: 'low', title: (_) => _('Stop a printer'), touches: 'desktop' },
  { name: 'printing.release_job', risk: 'low', title: (_) => _('Release a held print job'), touches: 'desktop' },
  { name: 'printing.restart_job', risk: 'low', title: (_) => _('Print a cancelled job again'), touches: 'desktop' },
  { name: 'printing.resume_printer', risk: 'low', title: (_) => _('Resume a stopped printer'), touches: 'desktop' },
  { name: 'sound.mute', risk: 'low', title: (_) => _('Mute a sound output'), touches: 'desktop' },
  {
    name: 'sound.set_default_sink',
    risk: 'low',
    title: (_) => _('Make another sound output the default'),
    touches: 'desktop',
  },
  { name: 'sound.unmute', risk: 'low', title: (_) => _('Unmute a sound output'), touches: 'desktop' },
  {
    name: 'systemd.disable_unit',
    risk: 'medium',
    title: (_) => _('Stop starting a service automatically'),
    touches: 'services',
  },
  {
    name: 'systemd.enable_unit',
    risk: 'medium',
    title: (_) => _('Start a service automatically'),
    touches: 'services',
  },
  { name: 'systemd.mask_unit', risk: 'medium', title: (_) => _('Mask a service'), touches: 'services' },
  {
    name: 'systemd.reset_failed',
    risk: 'medium',
    title: (_) => _("Clear a service's failed state"),
    touches: 'services',
  },
  { name: 'systemd.restart_unit', risk: 'medium', title: (_) => _('Restart a service'), touches: 'services' },
  { name: 'systemd.start_unit', risk: 'medium', title: (_) => _('Start a service'), touches: 'services' },
  { name: 'systemd.stop_unit', risk: 'medium', title: (_) => _('Stop a service'), touches: 'services' },
  { name: 'systemd.unmask_unit', risk: 'medium', title: (_) => _('Unmask a service'), touches: 'services' },
];

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
export function policyChoices(risk: Risk): Policy[] {
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
export function policyRows(policies: ServiceConfig['fixes']['policy'], _: Gettext): PolicyRow[] {
  return CATALOG_ACTIONS.filter((action) => action.touches !== null).map((action) => {
    const row = { name: action.name, title: action.title(_), choices: policyChoices(action.risk) };
    return { ...row, selected: policyIndex(policies, row) };
  });
}

export interface PolicyGroup {
  touches: Exclude<Touches, null>;
  title: string;
  rows: PolicyRow[];
}

const GROUP_TITLES: Record<Exclude<Touches, null>, (_: Gettext) => string> = {
  services: (_) => _('Services'),
  packages: (_) => _('Packages'),
  files: (_) => _('Files'),
  network: (_) => _('Network'),
  desktop: (_) => _('Desktop'),
};

/** The rows of policyRows, grouped by what their actions change, in the order a person looks for them. */
export function policyGroups(policies: ServiceConfig['fixes']['policy'], _: Gettext): PolicyGroup[] {
  const rows = policyRows(policies, _);
  const touchesOf = (row: PolicyRow) => CATALOG_ACTIONS.find((action) => action.name === row.name)?.touches;
  return (Object.keys(GROUP_TITLES) as Exclude<Touches, null>[])
    .map((touches) => ({
      touches,
      title: GROUP_TITLES[touches](_),
      rows: rows.filter((r) => touchesOf(r) === touches),
    }))
    .filter((group) => group.rows.length > 0);
}

/** The one line that stands for every step that only reads. */
export function readOnlySummary(ngettext: NGettext): string {
  const count = CATALOG_ACTIONS.filter((action) => action.touches === null).length;
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
