// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the indicator shows for each state of the service. Pure logic, no GNOME
// imports, so it runs under Node in the unit tests.

import { format, formatBytes, type Translations } from './text.js';

export type ServiceState = 'starting' | 'idle' | 'busy' | 'attention' | 'degraded';

/** installed: false when the bus cannot start the service (the extension came without it). */
export type ServiceStatus =
  | { running: false; installed?: boolean; installHelp?: string; installCommand?: string }
  | { running: true; state: string; reason: string; version: string; apiVersion: number };

export type Compatibility = 'compatible' | 'service-older' | 'service-newer';

/** What the other interfaces add to the core state: the engine and what waits for the user. */
export interface Activity {
  /** Chat.EngineState, or '' while unknown. */
  engineState: string;
  paused: boolean;
  openProposals: number;
  activeFindings: number;
}

export const NO_ACTIVITY: Activity = { engineState: '', paused: false, openProposals: 0, activeFindings: 0 };

export interface Presentation {
  iconName:
    | 'steward-symbolic'
    | 'steward-attention-symbolic'
    | 'steward-offline-symbolic'
    | 'steward-paused-symbolic'
    | 'steward-thinking-symbolic';
  /** Pulse the icon: a model is loading or Steward is working. */
  animate: boolean;
  /** Short sentence for the tooltip, the accessible name and the menu's status line. */
  title: string;
  /** Longer explanation for the menu, may be empty. */
  detail: string;
  /** Offer "Start Steward" (D-Bus activation). */
  canStart: boolean;
  /** A command the menu offers to copy (a menu's text cannot be selected), or ''. */
  copyCommand: string;
}

type Gettext = (text: string) => string;

/**
 * Revisions only add members, so a newer service serves this extension fine,
 * while an older one lacks what the extension expects.
 */
export function compatibility(serviceApiVersion: number, extensionApiVersion: number): Compatibility {
  if (serviceApiVersion < extensionApiVersion) return 'service-older';
  if (serviceApiVersion > extensionApiVersion) return 'service-newer';
  return 'compatible';
}

export function present(
  status: ServiceStatus,
  extensionApiVersion: number,
  translations: Translations,
  activity: Activity = NO_ACTIVITY,
): Presentation {
  return { animate: false, copyCommand: '', ...presentState(status, extensionApiVersion, translations, activity) };
}

function presentState(
  status: ServiceStatus,
  extensionApiVersion: number,
  { _, ngettext }: Translations,
  activity: Activity,
): Omit<Presentation, 'animate' | 'copyCommand'> & { animate?: boolean; copyCommand?: string } {
  if (!status.running && status.installed === false) {
    return {
      iconName: 'steward-offline-symbolic',
      title: _('Steward’s service is not installed'),
      detail: status.installHelp ?? '',
      canStart: false,
      copyCommand: status.installCommand ?? '',
    };
  }
  if (!status.running) {
    return {
      iconName: 'steward-offline-symbolic',
      title: _('Steward service is not running'),
      detail: _('Start it here, or with “steward start”.'),
      canStart: true,
    };
  }
  if (compatibility(status.apiVersion, extensionApiVersion) === 'service-older') {
    return {
      iconName: 'steward-attention-symbolic',
      title: _('Steward service needs an update'),
      detail: format(
        _('The service (version {version}, API {service}) is older than this extension (API {extension}).'),
        {
          version: status.version,
          service: status.apiVersion,
          extension: extensionApiVersion,
        },
      ),
      canStart: false,
    };
  }
  const newer =
    compatibility(status.apiVersion, extensionApiVersion) === 'service-newer'
      ? _('The service is newer than this extension; update the extension to use everything it offers.')
      : '';
  const join = (...parts: string[]) => parts.filter(Boolean).join(' ');
  const waiting = Math.max(activity.openProposals, activity.activeFindings);
  if (status.state !== 'degraded' && status.state !== 'starting') {
    if (activity.paused || activity.engineState === 'paused') {
      return {
        iconName: 'steward-paused-symbolic',
        title: _('Steward is paused'),
        detail: join(_('The model is unloaded until you resume.'), status.reason, newer),
        canStart: false,
      };
    }
    if (status.state === 'attention' || waiting > 0) {
      // The menu lists what waits below the title: the service's reason ("A problem needs attention.") would say it
      // a second time.
      return {
        iconName: 'steward-attention-symbolic',
        title:
          waiting > 0
            ? format(
                ngettext('{count} problem needs your attention', '{count} problems need your attention', waiting),
                {
                  count: waiting,
                },
              )
            : _('Steward needs your attention'),
        detail: waiting > 0 ? newer : join(status.reason, newer),
        canStart: false,
      };
    }
    if (activity.engineState === 'loading') {
      return {
        iconName: 'steward-thinking-symbolic',
        animate: true,
        title: _('Steward is loading a model'),
        detail: newer,
        canStart: false,
      };
    }
  }
  switch (status.state) {
    case 'starting':
      return { iconName: 'steward-symbolic', title: _('Steward is starting'), detail: newer, canStart: false };
    case 'busy':
      return {
        iconName: 'steward-thinking-symbolic',
        animate: true,
        title: _('Steward is working'),
        detail: newer,
        canStart: false,
      };
    case 'degraded':
      return {
        iconName: 'steward-attention-symbolic',
        title: _('Steward is running with problems'),
        detail: join(status.reason, newer),
        canStart: false,
      };
    case 'idle':
      return { iconName: 'steward-symbolic', title: _('Steward is idle'), detail: newer, canStart: false };
    default:
      // A newer service may report states this extension does not know yet; its reason says more.
      return {
        iconName: 'steward-symbolic',
        title: _('Steward is running'),
        detail: join(status.reason, newer),
        canStart: false,
      };
  }
}

/** The menu item that copies `command`, naming it by its first words: "Copy “sudo apt install …”". */
export function copyCommandLabel(command: string, _: Gettext): string {
  const words = command.split(' ');
  const start = words.length > 3 ? `${words.slice(0, 3).join(' ')} …` : command;
  return format(_('Copy “{command}”'), { command: start });
}

/** Whether a local model is in memory now: only then does "Unload model" do anything. */
export function modelIsLoaded(engine: Record<string, unknown> | null): boolean {
  return engine !== null && engine.location !== 'remote' && typeof engine.backend === 'string';
}

/**
 * The menu's engine line from Chat.GetEngineStatus (unpacked): the model, where
 * it runs, and the video memory it uses; empty when no model is set up.
 */
export function engineSummary(engine: Record<string, unknown>, _: Gettext): string {
  const model = typeof engine.model === 'string' ? (engine.model.split('/').pop() ?? '') : '';
  if (model === '' || engine.state === 'unconfigured') return _('No model is set up');
  const backends: Record<string, string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal', cpu: 'CPU' };
  const parts = [model];
  // Translators: where the model runs, shown as "model · remote" in the menu.
  if (engine.location === 'remote') parts.push(_('remote'));
  else if (typeof engine.backend === 'string') parts.push(backends[engine.backend] ?? engine.backend);
  // Translators: the model's state, shown as "model · loading" in the menu.
  else parts.push(engine.state === 'loading' ? _('loading') : _('not loaded'));
  const used = Number(engine['vram-used'] ?? 0);
  const total = Number(engine['vram-total'] ?? 0);
  if (used > 0 && total > 0) {
    // Translators: {used} and {total} are sizes such as "3.1 GB".
    parts.push(
      format(_('{used} of {total} video memory'), { used: formatBytes(used, _), total: formatBytes(total, _) }),
    );
  }
  return parts.join(' · ');
}

/**
 * The menu's documentation line from GetStatus's docs-* keys (unpacked): the
 * first indexing's progress, or the index's size; empty when the service has no index.
 */
export function docsSummary(status: Record<string, unknown>, _: Gettext): string {
  const state = status['docs-state'];
  if (typeof state !== 'string') return '';
  const done = Number(status['docs-done'] ?? 0);
  const total = Number(status['docs-total'] ?? 0);
  switch (state) {
    case 'indexing':
      // Translators: {done} and {total} count files; {percent} is a whole number.
      return format(_('Reading the documentation: {done} of {total} files ({percent}%)'), {
        done,
        total,
        percent: total > 0 ? Math.floor((done / total) * 100) : 0,
      });
    case 'waiting':
      return _('The documentation index starts a minute after the service');
    case 'failed':
      return _('The documentation index could not be updated');
    default:
      return format(_('Documentation index ready ({passages} passages)'), {
        passages: Number(status['docs-passages'] ?? 0),
      });
  }
}
