// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// low-memory-monitor's warnings on the bus, against a stand-in: python3-dbusmock owning its name on a private
// bus. The real daemon cannot run here: the kernel refuses its 1 s PSI trigger windows ("Could not write trigger
// to /proc/pressure/memory: Invalid argument") to a process without CAP_SYS_RESOURCE.
import type { ChildProcess } from 'node:child_process';

import { Message, type MessageBus, MessageType, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { createLogger } from '../../service/src/logging.js';
import { LOW_MEMORY_MONITOR, lowMemoryMonitorWarnings } from '../../service/src/watch/lowMemoryMonitor.js';
import { startDbusmock, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';

const PATH = '/org/freedesktop/LowMemoryMonitor';

describe("low-memory-monitor's warnings, against a stand-in (python3-dbusmock)", () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let service: MessageBus;
  let mock: ChildProcess | undefined;
  let warned: number;
  let gone: number;
  let back: number;
  const log = createLogger({ level: 'error', journal: true, write: () => undefined });
  const handlers = {
    warned: () => void warned++,
    gone: () => void gone++,
    back: () => void back++,
  };
  const emitWarning = (level: number) =>
    callMethod(client, {
      destination: LOW_MEMORY_MONITOR,
      path: PATH,
      interface: 'org.freedesktop.DBus.Mock',
      member: 'EmitSignal',
      signature: 'sssav',
      body: [LOW_MEMORY_MONITOR, 'LowMemoryWarning', 'y', [new Variant('y', level)]],
    });

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    service = await bus.connect();
    warned = 0;
    gone = 0;
    back = 0;
  });

  afterEach(async () => {
    if (mock) await stopMock(mock);
    mock = undefined;
    await bus.stop();
  });

  const startDaemon = async () => {
    mock = await startDbusmock(bus, client, LOW_MEMORY_MONITOR, [LOW_MEMORY_MONITOR, PATH, LOW_MEMORY_MONITOR]);
  };

  it('says that no warnings come where the daemon does not run, and hears them once it starts', async () => {
    const warnings = await lowMemoryMonitorWarnings(service, log)(handlers);
    expect(warnings.running).toBeFalse();
    await startDaemon();
    await waitFor(() => back > 0, 'the daemon coming onto the bus');
    await emitWarning(50);
    await waitFor(() => warned > 0, 'the warning of the daemon started after Steward');
    await warnings.stop();
  });

  it('hears the warnings again from a daemon that left the bus and came back', async () => {
    await startDaemon();
    const warnings = await lowMemoryMonitorWarnings(service, log)(handlers);
    expect(warnings.running).toBeTrue();
    await stopMock(mock!);
    mock = undefined;
    await waitFor(() => gone > 0, 'the daemon leaving');
    await startDaemon();
    await waitFor(() => back > 0, 'the daemon back');
    await emitWarning(50);
    await waitFor(() => warned > 0, 'the warning of the daemon back');
    expect([gone, back, warned]).toEqual([1, 1, 1]);
    await warnings.stop();
  });

  it("wakes on the daemon's warnings only, not on a forged one, and says when the daemon leaves", async () => {
    await startDaemon();
    const warnings = await lowMemoryMonitorWarnings(service, log)(handlers);
    expect(warnings.running).toBeTrue();

    // Another peer sends the same signal first: the bus delivers only the name owner's (the match rule's sender),
    // and the daemon's, sent after it, arrives after where it would have.
    client.send(
      new Message({
        type: MessageType.SIGNAL,
        path: PATH,
        interface: LOW_MEMORY_MONITOR,
        member: 'LowMemoryWarning',
        signature: 'y',
        body: [255],
      }),
    );
    await emitWarning(100);
    await waitFor(() => warned > 0, 'the warning');
    expect(warned).withContext('the forged warning was not heard').toBe(1);

    await stopMock(mock!);
    mock = undefined;
    await waitFor(() => gone > 0, 'the daemon leaving');
    expect(gone).toBe(1);
  });
});
