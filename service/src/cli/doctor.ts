// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { loadConfig } from '../config.js';
import { SignalRouter } from '../dbus/client.js';
import { CORE_INTERFACE, OBJECT_PATH } from '../dbus/interfaces.js';
import { ssipAddress } from '../voice/ssip.js';
import { probeVoiceOutput } from '../voice/voiceOutput.js';
import { fetchStatus, NOT_RUNNING_MESSAGE } from './coreStatus.js';
import { doctorReport, formatDoctor, voiceOutputReport } from './doctorReport.js';
import { EXIT_FAILURE, EXIT_NOT_RUNNING } from './exitCodes.js';
import type { StatusRecord } from './statusReport.js';

// The probes run after the service owns its name, each bounded at 5 s: this leaves them ample time.
const STARTING_WAIT_MS = 30_000;

/** GetStatus, once the service has left "starting": before that its Capabilities are still empty. */
async function statusOnceStarted(bus: MessageBus): Promise<StatusRecord | null> {
  let timer: NodeJS.Timeout | undefined;
  let started = () => {};
  const leftStarting = new Promise<void>((resolve) => {
    started = resolve;
    timer = setTimeout(resolve, STARTING_WAIT_MS);
  });
  const unsubscribe = await new SignalRouter(bus).subscribe(
    { path: OBJECT_PATH, interface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged' },
    (body) => {
      const state = (body[1] as Record<string, Variant>).State?.value;
      if (body[0] === CORE_INTERFACE && state !== undefined && state !== 'starting') started();
    },
  );
  try {
    const status = await fetchStatus(bus);
    if (status?.state !== 'starting') return status;
    await leftStarting;
    return await fetchStatus(bus);
  } finally {
    clearTimeout(timer);
    await unsubscribe();
  }
}

/** `steward doctor [--json]`. */
export async function doctorCommand(bus: MessageBus, json: boolean): Promise<number> {
  const status = await statusOnceStarted(bus);
  if (!status) {
    process.stdout.write(json ? `${JSON.stringify({ running: false })}\n` : NOT_RUNNING_MESSAGE);
    return EXIT_NOT_RUNNING;
  }
  // An invalid file leaves the service on the defaults, which turn nothing off.
  const load = status['config-valid'] === false ? undefined : await loadConfig(String(status['config-file']));
  const config = load?.status === 'loaded' ? load.config : undefined;
  // Found here rather than by the service: no D-Bus field carries it yet. Same user, same machine.
  const voice = voiceOutputReport(await probeVoiceOutput(ssipAddress()), config);
  const report = doctorReport(status, config, voice);
  process.stdout.write(json ? `${JSON.stringify({ running: true, ...report })}\n` : formatDoctor(report));
  return report.state === 'degraded' || report.state === 'starting' ? EXIT_FAILURE : 0;
}
