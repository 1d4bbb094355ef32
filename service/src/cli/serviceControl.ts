// `steward status` and `steward start`: the service as a whole.
import type { MessageBus, Variant } from '@jellybrick/dbus-next';
import { callMethod } from '../dbus/client.js';
import { BUS_NAME, CHAT_INTERFACE, OBJECT_PATH } from '../interfaces.js';
import { fetchStatus, NOT_RUNNING_MESSAGE } from './coreStatus.js';
import { EXIT_NOT_RUNNING } from './exitCodes.js';
import { formatStatus, unpackStatus } from './statusReport.js';

export async function statusCommand(bus: MessageBus, json: boolean): Promise<number> {
  const record = await fetchStatus(bus);
  if (!record) {
    if (json) process.stdout.write(`${JSON.stringify({ running: false })}\n`);
    else process.stdout.write(NOT_RUNNING_MESSAGE);
    return EXIT_NOT_RUNNING;
  }
  const [engineReply] = await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: CHAT_INTERFACE,
    member: 'GetEngineStatus',
  });
  const engine = unpackStatus(engineReply as Record<string, Variant>);
  process.stdout.write(
    json ? `${JSON.stringify({ running: true, ...record, engine })}\n` : formatStatus(record, engine),
  );
  return 0;
}

export async function startCommand(bus: MessageBus): Promise<number> {
  await callMethod(bus, {
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'StartServiceByName',
    signature: 'su',
    body: [BUS_NAME, 0],
  });
  process.stdout.write('Steward is running.\n');
  return 0;
}
