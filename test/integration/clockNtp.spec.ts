// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Automatic time: timedated's state, the clock-ntp-off finding and the SetNTP actions, against a stand-in:
// python3-dbusmock's timedated template on a private bus. The real systemd-timedated needs systemd as PID 1 and
// a time-sync unit to enable, which a spec's private bus has not.
import type { ChildProcess } from 'node:child_process';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import type { DetectorOutput } from '../../service/src/findings/types.js';
import type { ActionContext } from '../../service/src/fixes/action.js';
import { createFindingsCatalog } from '../../service/src/fixes/catalog.js';
import { ntpOff, ntpOn } from '../../service/src/kinds/clock/actions.js';
import { CLOCK_NTP_OFF, ClockNtpOffDetector, NTP_SUBJECT } from '../../service/src/kinds/clock/ntpOffDetector.js';
import { TimedatedSource } from '../../service/src/kinds/clock/source.js';
import type { ClockState } from '../../service/src/kinds/clock/state.js';
import { ClockStateDetector } from '../../service/src/kinds/clock/stateDetector.js';
import { TIMEDATED } from '../../service/src/kinds/clock/timedated.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { busContext } from '../support/busContext.js';
import { startDbusmock, stopMock } from '../support/networkMocks.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';

const UPTIME_SECONDS = 60;

describe('automatic time against a stand-in timedated (python3-dbusmock timedated)', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let mock: ChildProcess | undefined;
  let source: TimedatedSource;
  let states: ClockState[];
  let outputs: DetectorOutput[];
  let context: ActionContext;
  const noProgress = { progress: () => undefined, signal: new AbortController().signal };

  const startTimedated = async (parameters: Record<string, boolean>) => {
    mock = await startDbusmock(bus, client, TIMEDATED, [
      '--template',
      'timedated',
      '--parameters',
      JSON.stringify(parameters),
    ]);
  };
  const startSource = async () => {
    const detector = new ClockNtpOffDetector();
    await source.start((event) => {
      if (event.type !== 'desktop' || event.desktop.kind !== 'clock') return;
      states.push(event.desktop.clock);
      outputs.push(...detector.detect(event));
    });
  };

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    const connection = await bus.connect();
    context = busContext(connection);
    states = [];
    outputs = [];
    mock = undefined;
    // A machine a minute after boot: the clock may not be synchronised yet (no clock-unsynchronised finding).
    source = new TimedatedSource({ name: 'desktop.clock', bus: connection, log: context.log }, () => UPTIME_SECONDS);
  });

  afterEach(async () => {
    await source.stop();
    if (mock) await stopMock(mock);
    await bus.stop();
  });

  it('raises clock-ntp-off, turns automatic time on through SetNTP, verifies it, sees it resolve, and undoes', async () => {
    await startTimedated({ NTP: false, CanNTP: true });
    await startSource();
    expect(states).toEqual([{ ntp: false, canNtp: true, synchronized: false, uptimeSeconds: UPTIME_SECONDS }]);
    expect(outputs.map((o) => ('report' in o ? [o.report.kind, o.report.subject, o.report.severity] : o))).toEqual([
      [CLOCK_NTP_OFF, NTP_SUBJECT, 'info'],
    ]);

    const preview = await ntpOn.preview({}, context);
    expect(preview.changesNothing).toBeFalse();
    expect(preview.details[0]).toBe('Automatic time is off');
    const outcome = await ntpOn.run({}, context, noProgress);
    expect(outcome.undo).toEqual({ action: 'clock.ntp_off', params: {}, summary: 'Turn automatic time off again' });
    expect((await ntpOn.verify({}, context)).ok).toBeTrue();
    // The source follows timedated's own signal, and the finding resolves.
    await waitFor(() => states.length >= 2, `a second clock state; seen ${JSON.stringify(states)}`);
    expect(states[1]?.ntp).toBeTrue();
    expect(outputs.at(-1)).toEqual({ resolve: { kind: CLOCK_NTP_OFF, subject: NTP_SUBJECT, at: jasmine.any(Date) } });
    expect((await ntpOn.preview({}, context)).changesNothing).toBeTrue();

    await ntpOff.run({}, context, noProgress);
    expect(await ntpOff.verify({}, context)).toEqual({ ok: true, observed: 'Automatic time is off' });
    await waitFor(
      () => states.length >= 3 && states.at(-1)?.ntp === false,
      `a clock state with automatic time off; seen ${JSON.stringify(states)}`,
    );
    // timedated also tells NTPSynchronized as it changes (the clock's own state): each state is one output, the
    // finding reported while NTP is off and resolved while it is on.
    expect(outputs.map((o) => ('report' in o ? o.report.kind : 'resolved')))
      .withContext(JSON.stringify(states))
      .toEqual(states.map((state) => (state.ntp ? 'resolved' : CLOCK_NTP_OFF)));
    expect(reportKinds(outputs.slice(2))).toContain(CLOCK_NTP_OFF);
  });

  it('gives the time daemon a quarter of an hour from when automatic time is switched on, not from boot', async () => {
    let uptimeSeconds = 3600;
    source = new TimedatedSource({ name: 'desktop.clock', bus: client, log: context.log }, () => uptimeSeconds);
    const detector = new ClockStateDetector();
    await startTimedated({ NTP: false, CanNTP: true });
    await source.start((event) => {
      if (event.type !== 'desktop' || event.desktop.kind !== 'clock') return;
      states.push(event.desktop.clock);
      outputs.push(...detector.detect(event));
    });
    await waitFor(() => states.length >= 1, 'the clock read at start');
    // The stand-in, like timedated, tells NTP on first and NTPSynchronized after: between them the clock is not
    // synchronised on a machine up for an hour, and that is no problem yet.
    await ntpOn.run({}, context, noProgress);
    await waitFor(() => states.at(-1)?.synchronized === true, `a synchronised clock; seen ${JSON.stringify(states)}`);
    expect(states.filter((state) => state.ntp).map((state) => state.ntpOnSinceSeconds)).toEqual(
      states.filter((state) => state.ntp).map(() => 3600),
    );
    // Not synchronised since, a minute and then a quarter of an hour after it was switched on.
    const unsynchronise = async () => {
      const seen = states.length;
      await callMethod(client, {
        destination: TIMEDATED,
        path: '/org/freedesktop/timedate1',
        interface: 'org.freedesktop.DBus.Mock',
        member: 'UpdateProperties',
        signature: 'sa{sv}',
        body: [TIMEDATED, { NTPSynchronized: new Variant('b', false) }],
      });
      await waitFor(() => states.length > seen, 'the clock read again');
    };
    uptimeSeconds = 3660;
    await unsynchronise();
    expect(reportKinds(outputs)).toEqual([]);
    uptimeSeconds = 3600 + 16 * 60;
    await unsynchronise();
    expect(outputs.flatMap((o) => ('report' in o ? [o.report.title] : []))).toEqual([
      'The clock has not been synchronised in the 16 minutes since automatic time was turned on',
    ]);
  });

  it('offers nothing and raises nothing where no time-sync service is installed', async () => {
    await startTimedated({ NTP: false, CanNTP: false });
    await startSource();
    expect(reportKinds(outputs)).toEqual([]);
    const preview = await ntpOn.preview({}, context);
    expect(preview).toEqual({
      summary: 'No time-sync service is installed that could keep the clock right.',
      details: [],
      changesNothing: true,
    });
    await expectAsync(ntpOn.run({}, context, noProgress)).toBeRejectedWith(
      new StewardError('Unavailable', 'No time-sync service is installed that could keep the clock right.'),
    );
  });

  it('stays quiet without timedated, reads it once it comes onto the bus, and answers Unavailable before', async () => {
    await startSource();
    expect(states).toEqual([]);
    await expectAsync(ntpOn.preview({}, context)).toBeRejectedWithError(StewardError, /systemd-timedated/);
    await startTimedated({ NTP: false, CanNTP: true });
    await waitFor(() => states.length >= 1, 'the clock read once timedated owns its name');
    expect(reportKinds(outputs)).toEqual([CLOCK_NTP_OFF]);
  });

  it('refuses parameters outside the schema by name', () => {
    const catalog = createFindingsCatalog({ kinds: KINDS });
    expect(() => catalog.validate('clock.ntp_on', { enable: true })).toThrowMatching(
      (error: unknown) => error instanceof StewardError && error.errorName === 'InvalidArgs',
    );
  });
});

function reportKinds(outputs: DetectorOutput[]): string[] {
  return outputs.flatMap((o) => ('report' in o ? [o.report.kind] : []));
}
