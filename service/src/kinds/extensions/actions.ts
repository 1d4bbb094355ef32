// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// info.extension reads one extension as GNOME Shell has it (GetExtensionInfo); extensions.disable and
// extensions.enable turn one off and on through the shell's own DisableExtension/EnableExtension, the calls the
// Extensions app makes (they edit org.gnome.shell's enabled-extensions and disabled-extensions, and the shell
// stops or starts the extension at once; nothing is restarted). Each undoes the other. Steward's own extension
// is never turned off: the request is refused by name.
import { z } from 'zod';

import { StewardError } from '../../dbus/errors.js';
import type { ActionDefinition } from '../../fixes/action.js';
import { switchActions } from '../../fixes/switchAction.js';
import { _, format, N_ } from '../../i18n.js';
import { shownName } from '../../untrustedText.js';
import {
  DISABLED,
  DISABLING,
  DOWNLOADING,
  ENABLED,
  ENABLING,
  ERROR,
  extensionInfo,
  INITIALIZED,
  OUT_OF_DATE,
  setExtensionEnabled,
  STEWARD_UUID,
  UNINSTALLED,
  UUID,
} from './shell.js';
import type { ExtensionState } from './state.js';

const uuid = z.string().regex(UUID, 'an extension uuid such as name@example.org');
const extensionParams = z.object({ uuid }).strict();
type ExtensionParams = z.infer<typeof extensionParams>;

const OWN_EXTENSION = () => _('Steward does not turn off its own extension.');
const disableParams = z
  .object({ uuid: uuid.refine((value) => value !== STEWARD_UUID, 'Steward does not turn off its own extension') })
  .strict();

const STATES: Readonly<Record<number, string>> = {
  [ENABLED]: N_('running'),
  [DISABLED]: N_('turned off'),
  [ERROR]: N_('failed'),
  [OUT_OF_DATE]: N_('not made for this version of GNOME Shell'),
  [DOWNLOADING]: N_('being downloaded'),
  [INITIALIZED]: N_('loaded, not started'),
  [DISABLING]: N_('being turned off'),
  [ENABLING]: N_('being turned on'),
};

const stateText = (state: number) => {
  const words = STATES[state];
  return words ? _(words) : format(_('state {state}'), { state: String(state) });
};

const notInstalled = ({ uuid }: ExtensionParams) => format(_('GNOME Shell has no extension {uuid}.'), { uuid });

/**
 * The extension's texts for messages (already cleaned of controls by extensionStateOf); its name, the extension's
 * own words, shortened inside Steward's sentences and on their buttons.
 */
const words = ({ uuid, name, version, error, path }: ExtensionState) => ({
  uuid,
  name: shownName(name),
  version,
  error,
  path,
});

function describe(extension: ExtensionState): string[] {
  return [
    format(_('Extension: {name} ({uuid})'), words(extension)),
    ...(extension.version ? [format(_('Version: {version}'), words(extension))] : []),
    format(_('State: {state}'), { state: stateText(extension.state) }),
    ...(extension.enabled === undefined
      ? []
      : [extension.enabled ? _('Turned on in the settings: yes') : _('Turned on in the settings: no')]),
    ...(extension.error ? [format(_('Error: {error}'), words(extension))] : []),
    ...(extension.path ? [format(_('Folder: {path}'), words(extension))] : []),
  ];
}

export const extensionInfoAction: ActionDefinition<ExtensionParams> = {
  name: 'info.extension',
  title: N_('Show a GNOME Shell extension’s state'),
  params: extensionParams,
  risk: 'low',
  needsAuthorization: false,
  readOnly: true,
  async preview(params, context) {
    const extension = await extensionInfo(context.sessionBus, params.uuid);
    if (extension.state === UNINSTALLED) return { summary: notInstalled(params), details: [], changesNothing: true };
    return {
      summary: format(_('Show how GNOME Shell sees the extension {name}'), words(extension)),
      details: describe(extension),
      changesNothing: false,
    };
  },
  async run(params, context) {
    const extension = await extensionInfo(context.sessionBus, params.uuid);
    return {
      summary: extension.state === UNINSTALLED ? notInstalled(params) : describe(extension).join('\n'),
      undo: { impossible: _('showing an extension’s state changes nothing') },
    };
  },
  verify(params) {
    return Promise.resolve({
      ok: true,
      observed: format(_('read how GNOME Shell sees {uuid}'), params),
    });
  },
};

/** Off: not running, and (GNOME 45 and later, which tell) no longer in enabled-extensions. */
const isOff = (extension: ExtensionState) =>
  extension.state !== ENABLED && extension.state !== ENABLING && extension.enabled !== true;
/** On: running. A broken extension turned on fails again (ERROR): that is observed, not hidden. */
const isOn = (extension: ExtensionState) => extension.state === ENABLED;

export const [enableExtension, disableExtension] = switchActions<ExtensionParams, ExtensionState>({
  // Turning an extension on runs its code inside the shell again.
  on: {
    name: 'extensions.enable',
    title: N_('Turn a GNOME Shell extension on'),
    risk: 'medium',
    params: extensionParams,
  },
  off: {
    name: 'extensions.disable',
    title: N_('Turn a GNOME Shell extension off'),
    risk: 'low',
    params: disableParams,
  },
  // The shell's extensions API answers the session's own user; no polkit prompt.
  needsAuthorization: false,
  changes: 'desktop',
  read: (params, context) => extensionInfo(context.sessionBus, params.uuid),
  isAt: (extension, on) => extension.state !== UNINSTALLED && (on ? isOn(extension) : isOff(extension)),
  cannot(extension, on, params) {
    if (!on && params.uuid === STEWARD_UUID) return new StewardError('InvalidArgs', OWN_EXTENSION());
    return extension.state === UNINSTALLED ? new StewardError('NotFound', notInstalled(params)) : null;
  },
  preview: (extension, on, params) => ({
    summary: format(
      on ? _('Turn On the Extension {name} ({uuid})') : _('Turn Off the Extension {name} ({uuid})'),
      words(extension),
    ),
    details: [
      format(_('Now: {state}'), { state: stateText(extension.state) }),
      on
        ? format(_('GNOME Shell adds {uuid} to its enabled extensions and starts it'), params)
        : format(_('GNOME Shell removes {uuid} from its enabled extensions and stops it'), params),
    ],
  }),
  async turn(params, context, on) {
    if (!(await setExtensionEnabled(context.sessionBus, params.uuid, on)))
      throw new StewardError(
        'Internal',
        format(
          on
            ? _('GNOME Shell did not turn on the extension {uuid}.')
            : _('GNOME Shell did not turn off the extension {uuid}.'),
          params,
        ),
      );
  },
  done: (extension, on) =>
    format(on ? _('The extension {name} is turned on') : _('The extension {name} is turned off'), words(extension)),
  undoSummary: (extension, on) =>
    format(on ? _('Turn the extension {name} off again') : _('Turn the extension {name} on again'), words(extension)),
  observed(extension, on, ok, params) {
    if (extension.state === UNINSTALLED) return notInstalled(params);
    if (ok)
      return format(
        on ? _('The extension {name} is turned on') : _('The extension {name} is turned off'),
        words(extension),
      );
    return format(
      on ? _('The extension {name} is not running ({state})') : _('The extension {name} is still on ({state})'),
      { name: shownName(extension.name), state: stateText(extension.state) },
    );
  },
});
