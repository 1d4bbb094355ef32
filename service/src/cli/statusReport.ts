import { Variant } from '@jellybrick/dbus-next';

export type StatusRecord = Record<string, unknown>;

/** Turns the a{sv} reply of GetStatus into plain JSON-friendly values. */
export function unpackStatus(dictionary: Record<string, Variant>): StatusRecord {
  return Object.fromEntries(
    Object.entries(dictionary).map(([key, variant]) => {
      const value = variant instanceof Variant ? variant.value : variant;
      return [key, typeof value === 'bigint' ? Number(value) : value];
    }),
  );
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** The human-readable form of `steward status`. */
export function formatStatus(status: StatusRecord): string {
  const capabilities = Array.isArray(status.capabilities) ? (status.capabilities as string[]) : [];
  const startedAt = typeof status['started-at'] === 'number' ? new Date(status['started-at'] / 1000) : undefined;
  const lines = [
    `Steward ${str(status.version)} (API ${String(status['api-version'])}): ${str(status.state)}`,
    ...(str(status['state-reason']) ? [`  ${str(status['state-reason'])}`] : []),
    `Capabilities:  ${capabilities.length > 0 ? capabilities.join(', ') : 'none yet'}`,
    `Configuration: ${str(status['config-file'])}${status['config-valid'] === false ? ' (invalid, defaults in use)' : ''}`,
    `State:         ${str(status['state-directory'])}`,
    `Running since: ${startedAt ? startedAt.toLocaleString() : 'unknown'} (pid ${String(status.pid)})`,
  ];
  return `${lines.join('\n')}\n`;
}
