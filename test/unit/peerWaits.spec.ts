// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { ServiceState } from '../../service/src/core/serviceState.js';
import { PeerWaits, WaitScope } from '../../service/src/dbus/peerWaits.js';
import { reportUnexpected, UnexpectedAnswer } from '../../service/src/dbus/unexpected.js';
import { createLogger } from '../../service/src/logging.js';
import { reportStuckPeers } from '../../service/src/service/statusReports.js';

describe('the peers the service waits on', () => {
  const log = createLogger({ level: 'error', journal: false, write: () => undefined });

  it('makes the service degraded while a peer is stuck, naming it, until it answers again', () => {
    const peers = new PeerWaits();
    const state = new ServiceState();
    state.markStarted([]);
    reportStuckPeers(peers, state, log);
    expect(state.state).toBe('idle');

    peers.stuck('org.freedesktop.PackageKit', 'did not finish SearchFiles within 120 s');
    expect(state.state).toBe('degraded');
    expect(state.reason).toContain('org.freedesktop.PackageKit (did not finish SearchFiles within 120 s)');
    expect(peers.stuckPeers).toEqual({ 'org.freedesktop.PackageKit': 'did not finish SearchFiles within 120 s' });

    // A call that answers, even with an error, clears it; one that did not answer leaves it.
    peers.begin('org.freedesktop.PackageKit', 'Resolve')(false);
    expect(state.state).toBe('degraded');
    peers.begin('org.freedesktop.PackageKit', 'Resolve')(true);
    expect(state.state).toBe('idle');
    expect(peers.stuckPeers).toEqual({});
  });

  it('lists, for one piece of work, the peers it waits on now, however deep its calls are', async () => {
    const peers = new PeerWaits();
    const scope = new WaitScope();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const work = peers.within(scope, async () => {
      await Promise.resolve();
      const answered = peers.begin('org.freedesktop.PackageKit', 'SearchFiles');
      const other = peers.begin('org.freedesktop.systemd1', 'GetUnit');
      other(true);
      await released;
      answered(true);
    });
    // Outside the work: not listed in its scope.
    peers.begin('org.bluez', 'GetManagedObjects');
    await new Promise((resolve) => setImmediate(resolve));
    expect([...scope.waitingOn()]).toEqual([['org.freedesktop.PackageKit', 'SearchFiles']]);
    release();
    await work;
    expect(scope.waitingOn().size).toBe(0);
  });

  it('keeps at most 32 stuck peers, the newest', () => {
    const peers = new PeerWaits();
    for (let i = 0; i < 40; i++) peers.stuck(`:1.${i}`, 'did not answer');
    expect(Object.keys(peers.stuckPeers)).toHaveSize(32);
    expect(Object.keys(peers.stuckPeers)).toContain(':1.39');
  });

  it('logs an unexpected answer at most once a minute per peer and member, with how many it dropped since', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', journal: false, write: (line) => lines.push(line) });
    const answer = new UnexpectedAnswer('org.freedesktop.timedate1', 'GetAll', 'NTP: must have the D-Bus type b');
    const start = 1_000_000;
    for (let i = 0; i < 50; i++) reportUnexpected(logger, answer, start + i * 100);
    reportUnexpected(logger, new UnexpectedAnswer('org.bluez', 'GetManagedObjects', 'x'), start);
    expect(lines).toHaveSize(2);
    reportUnexpected(logger, answer, start + 61_000);
    expect(lines).toHaveSize(3);
    expect(lines[2]).toMatch(/droppedSinceLast\W+49\b/);
  });
});
