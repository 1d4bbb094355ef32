// What the indicator shows for each state of the service. Pure logic, no GNOME
// imports, so it runs under Node in the unit tests.

export type ServiceState = 'starting' | 'idle' | 'busy' | 'attention' | 'degraded';

export type ServiceStatus =
  { running: false } | { running: true; state: string; reason: string; version: string; apiVersion: number };

export type Compatibility = 'compatible' | 'service-older' | 'service-newer';

export interface Presentation {
  iconName: 'steward-symbolic' | 'steward-attention-symbolic' | 'steward-offline-symbolic';
  /** Short sentence for the tooltip, the accessible name and the menu's status line. */
  title: string;
  /** Longer explanation for the menu, may be empty. */
  detail: string;
  /** Offer "Start Steward" (D-Bus activation). */
  canStart: boolean;
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

const format = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));

export function present(status: ServiceStatus, extensionApiVersion: number, _: Gettext): Presentation {
  if (!status.running) {
    return {
      iconName: 'steward-offline-symbolic',
      title: _('Steward service is not running'),
      detail: _('Start it here, or with “systemctl --user start steward”.'),
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
  switch (status.state) {
    case 'starting':
      return { iconName: 'steward-symbolic', title: _('Steward is starting'), detail: newer, canStart: false };
    case 'busy':
      return { iconName: 'steward-symbolic', title: _('Steward is working'), detail: newer, canStart: false };
    case 'attention':
      return {
        iconName: 'steward-attention-symbolic',
        title: _('Steward needs your attention'),
        detail: join(status.reason, newer),
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
      // A newer service may report states this extension does not know yet.
      return {
        iconName: 'steward-symbolic',
        title: format(_('Steward is {state}'), { state: status.state }),
        detail: newer,
        canStart: false,
      };
  }
}
