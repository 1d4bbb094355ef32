// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The services Steward calls, misbehaving on a private bus: each is a stand-in of our own that owns its name
// (answeringPeer.ts; the real daemons cannot be made to answer garbage or leave mid-call on cue). An answer of
// another type than the service's interface declares changes nothing (no action goes on, no confirmation counts)
// and is logged as unexpected; a peer that leaves the bus while Steward waits on it ends the wait, named; a wait
// past its deadline leaves the peer among the stuck ones.
import { createServer } from 'node:net';
import { join } from 'node:path';

import { type Message, type MessageBus, Variant } from '@jellybrick/dbus-next';

import { readUnit } from '../../service/src/assistant/live/units.js';
import { SignalRouter } from '../../service/src/dbus/client.js';
import { StewardError } from '../../service/src/dbus/errors.js';
import { PeerWait } from '../../service/src/dbus/peerWait.js';
import { peerWaits } from '../../service/src/dbus/peerWaits.js';
import { readApiKey } from '../../service/src/engine/apiKey.js';
import type { ActionContext, ActionDefinition } from '../../service/src/fixes/action.js';
import { diskHealthAction } from '../../service/src/fixes/actions/diskHealth.js';
import { networkActions } from '../../service/src/fixes/actions/network.js';
import { powerOn } from '../../service/src/kinds/bluetooth/actions.js';
import { unblockBluetooth } from '../../service/src/kinds/bluetooth/rfkillActions.js';
import { ntpOn } from '../../service/src/kinds/clock/actions.js';
import { setExtensionEnabled } from '../../service/src/kinds/extensions/shell.js';
import { printerActions } from '../../service/src/kinds/printing/actions.js';
import { CupsClient } from '../../service/src/kinds/printing/cupsClient.js';
import { createLogger } from '../../service/src/logging.js';
import { polkitConfirms } from '../../service/src/settings/polkitConfirmation.js';
import { ShellAgent } from '../../service/src/settings/shellAgent.js';
import { type Answer, type Answering, AnsweringPeer, SILENCE } from '../support/answeringPeer.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const NM = 'org.freedesktop.NetworkManager';
const NM_PATH = '/org/freedesktop/NetworkManager';
const POLKIT = 'org.freedesktop.PolicyKit1';
const SECRETS = 'org.freedesktop.secrets';
const LOGIN = '/org/freedesktop/secrets/collection/login';
const PROMPT = '/org/freedesktop/secrets/prompt/p1';
const HOUR = 60 * 60_000;
/** How the stuck peers name the scheduler. */
const CUPSD = 'cupsd';

/** The spec's own process, as the bus and the kernel would name the caller polkit is asked about. */
const specCaller = (connection: MessageBus) => ({
  sender: connection.name!,
  pid: process.pid,
  uid: process.getuid!(),
  executable: null,
  securityLabel: null,
  sandboxedApp: null,
});
const named = (name: string) => (action: { name: string }) => action.name === name;
/** One of `actions` by name, as the catalog hands it out. */
const action = (actions: readonly { name: string }[], name: string) => actions.find(named(name)) as ActionDefinition;
const reply = (signature: string, ...body: unknown[]): Answer => ({ signature, body });
const nothing = reply('');

describe('the services Steward calls, answering what their interfaces do not allow or leaving mid-wait', () => {
  let bus: PrivateBus;
  let steward: MessageBus;
  let logLines: string[];
  let context: ActionContext;
  let options: { progress: () => void; signal: AbortSignal };

  beforeEach(async () => {
    bus = await startPrivateBus();
    steward = await bus.connect();
    logLines = [];
    const log = createLogger({ level: 'debug', journal: false, write: (line) => logLines.push(line) });
    context = { systemBus: steward, sessionBus: steward, log } as ActionContext;
    options = { progress: () => undefined, signal: new AbortController().signal };
  });

  afterEach(async () => {
    await bus.stop();
  });

  /** A stand-in owning `name`, answering as `answering` says. */
  async function peer(name: string, answering: Answering): Promise<AnsweringPeer> {
    const standIn = new AnsweringPeer(await bus.connect(), answering);
    await standIn.own(name);
    return standIn;
  }
  const unexpected = () => logLines.filter((line) => line.includes('answered something unexpected'));
  const rejectedAsUnexpected = (work: Promise<unknown>) =>
    expectAsync(work).toBeRejectedWith(
      jasmine.objectContaining({
        errorName: 'Unavailable',
        message: jasmine.stringMatching(/answered \w+ with something unexpected/),
      }),
    );
  /** With `work` under way, waits until `standIn` leaves `member` unanswered, and has it leave the bus. */
  async function leavesMidWait(standIn: AnsweringPeer, member: string, work: Promise<unknown>): Promise<void> {
    work.catch(() => undefined);
    await waitFor(() => (standIn.unanswered.get(member) ?? 0) > 0, `${member} asked`);
    standIn.connection.disconnect();
  }

  describe('a wrong type changes nothing and is logged', () => {
    it('NetworkManager: ActiveConnections as a string stops a reconnect before anything is taken down', async () => {
      const nm = await peer(NM, (call) =>
        call.member === 'GetAll'
          ? reply('a{sv}', { ActiveConnections: new Variant('s', '/x'), Connectivity: new Variant('u', 4) })
          : null,
      );
      const reconnect = action(networkActions, 'network.reconnect');
      await rejectedAsUnexpected(reconnect.run({}, context, options));
      expect(nm.answered.get('DeactivateConnection')).toBeUndefined();
      expect(unexpected()).toHaveSize(1);
    });

    it('systemd-resolved: CacheStatistics as a string is no count of cached answers', async () => {
      await peer('org.freedesktop.resolve1', (call) =>
        call.member === 'Get' ? reply('v', new Variant('s', 'many')) : null,
      );
      const flush = action(networkActions, 'network.flush_dns');
      await rejectedAsUnexpected(flush.preview({}, context));
      expect(unexpected()).toHaveSize(1);
    });

    it('UDisks2: GetManagedObjects of another type shows no disk health', async () => {
      await peer('org.freedesktop.UDisks2', (call) =>
        call.member === 'GetManagedObjects' ? reply('a{sv}', { '/dev/sda': new Variant('s', 'good') }) : null,
      );
      await rejectedAsUnexpected(diskHealthAction().preview({ device: 'sda' }, context));
      expect(unexpected()).toHaveSize(1);
    });

    it('BlueZ: Powered as an empty string switches nothing on', async () => {
      const bluez = await peer('org.bluez', (call) =>
        call.member === 'Get' ? reply('v', new Variant('s', '')) : call.member === 'Set' ? nothing : null,
      );
      await rejectedAsUnexpected(powerOn.run({ adapter: 'hci0' }, context, options));
      expect(bluez.answered.get('Set')).toBeUndefined();
      expect(unexpected()).toHaveSize(1);
    });

    it('gnome-settings-daemon: the hardware switch as a string lifts no block', async () => {
      const gsd = await peer('org.gnome.SettingsDaemon.Rfkill', (call) =>
        call.member === 'GetAll'
          ? reply('a{sv}', {
              BluetoothAirplaneMode: new Variant('b', true),
              BluetoothHardwareAirplaneMode: new Variant('s', 'false'),
            })
          : call.member === 'Set'
            ? nothing
            : null,
      );
      await rejectedAsUnexpected(unblockBluetooth.run({}, context, options));
      expect(gsd.answered.get('Set')).toBeUndefined();
    });

    it('cups-pk-helper: a number for its error text is no success', async () => {
      await peer('org.opensuse.CupsPkHelper.Mechanism', (call) =>
        call.member === 'PrinterSetEnabled' ? reply('u', 0) : null,
      );
      // A stop without a reason asks cups-pk-helper alone (a resume reads cupsd first, absent here).
      const pause = action(printerActions(new CupsClient('/nonexistent')), 'printing.pause_printer');
      await rejectedAsUnexpected(pause.run({ printer: 'Office' }, context, options));
      expect(unexpected()).toHaveSize(1);
    });

    it('systemd-timedated: SetNTP answered with a string is no success', async () => {
      await peer('org.freedesktop.timedate1', (call) =>
        call.member === 'GetAll'
          ? reply('a{sv}', { CanNTP: new Variant('b', true), NTP: new Variant('b', false) })
          : call.member === 'SetNTP'
            ? reply('s', 'done')
            : null,
      );
      await rejectedAsUnexpected(ntpOn.run({}, context, options));
      expect(unexpected()).toHaveSize(1);
    });

    it('polkit: an authorization of another type confirms nothing', async () => {
      // Before, "yes" in place of the boolean counted as the user's confirmation.
      await peer(POLKIT, (call) =>
        call.member === 'CheckAuthorization' ? reply('(sba{ss})', ['yes', false, {}]) : null,
      );
      const caller = specCaller(steward);
      await rejectedAsUnexpected(polkitConfirms(steward, caller, 'turn the expert shell on'));
    });

    it('systemd: GetUnit answered with a string is no unit', async () => {
      await peer('org.freedesktop.systemd1', (call) =>
        call.member === 'GetUnit' ? reply('s', '/org/freedesktop/systemd1/unit/cups_2eservice') : null,
      );
      await rejectedAsUnexpected(readUnit(steward, 'cups.service', 'system'));
    });

    it('the Secret Service: a Completed from another connection names no item to read', async () => {
      const read: string[] = [];
      const keyring = await peer(SECRETS, (call) => secretService(call, read));
      const key = readApiKey({ sessionBus: steward, url: 'https://llm.example', unlock: true });
      await waitFor(() => (keyring.answered.get('Prompt') ?? 0) > 0, 'the prompt shown');
      // Another connection says the prompt completed, naming another item of the keyring.
      const forger = new AnsweringPeer(await bus.connect(), () => null);
      forger.signal(PROMPT, 'org.freedesktop.Secret.Prompt', 'Completed', 'bv', [
        false,
        new Variant('ao', [`${LOGIN}/2`]),
      ]);
      keyring.signal(PROMPT, 'org.freedesktop.Secret.Prompt', 'Completed', 'bv', [
        false,
        new Variant('ao', [`${LOGIN}/1`]),
      ]);
      expect(await key).toBe(`key of ${LOGIN}/1`);
      expect(read).toEqual([`${LOGIN}/1`]);
    });
  });

  /** The Secret Service, with one locked item for the endpoint, unlocked by a prompt; `read` lists the items read. */
  function secretService(call: Message, read: string[]): Answer | null | typeof SILENCE {
    switch (call.member) {
      case 'SearchItems':
        return reply('aoao', [], [`${LOGIN}/1`]);
      case 'Unlock':
        return reply('aoo', [], PROMPT);
      case 'Prompt':
        return nothing;
      case 'OpenSession':
        return reply('vo', new Variant('s', ''), '/org/freedesktop/secrets/session/1');
      case 'GetSecret':
        read.push(call.path);
        return reply('(oayays)', [
          '/org/freedesktop/secrets/session/1',
          Buffer.alloc(0),
          Buffer.from(`key of ${call.path}`),
          'text/plain',
        ]);
      case 'Close':
        return nothing;
      default:
        return null;
    }
  }

  describe('a peer that leaves the bus ends the wait, named', () => {
    it('cups-pk-helper, while polkit’s dialog or cupsd keeps it', async () => {
      const helper = await peer('org.opensuse.CupsPkHelper.Mechanism', () => SILENCE);
      // A stop without a reason asks cups-pk-helper alone (a resume reads cupsd first, absent here).
      const pause = action(printerActions(new CupsClient('/nonexistent')), 'printing.pause_printer');
      const run = pause.run({ printer: 'Office' }, context, options);
      await leavesMidWait(helper, 'PrinterSetEnabled', run);
      await expectAsync(run).toBeRejectedWith(
        jasmine.objectContaining({ message: 'cups-pk-helper left the bus before it answered.' }),
      );
    });

    it('systemd-timedated, while it switches the time-sync service', async () => {
      const timedated = await peer('org.freedesktop.timedate1', (call) =>
        call.member === 'GetAll' ? reply('a{sv}', { CanNTP: new Variant('b', true) }) : SILENCE,
      );
      const run = ntpOn.run({}, context, options);
      await leavesMidWait(timedated, 'SetNTP', run);
      await expectAsync(run).toBeRejectedWith(
        jasmine.objectContaining({ message: 'systemd-timedated left the bus before it answered.' }),
      );
    });

    it('polkit, while its dialog asks the user', async () => {
      const polkit = await peer(POLKIT, () => SILENCE);
      const caller = specCaller(steward);
      const asked = polkitConfirms(steward, caller, 'a change');
      await leavesMidWait(polkit, 'CheckAuthorization', asked);
      await expectAsync(asked).toBeRejectedWith(
        jasmine.objectContaining({
          errorName: 'Unavailable',
          message: `${POLKIT} left the bus before it answered CheckAuthorization`,
        }),
      );
    });

    it('GNOME Shell, while it turns an extension on', async () => {
      const shell = await peer('org.gnome.Shell', () => SILENCE);
      const enabled = setExtensionEnabled(steward, 'clock@example.org', true);
      await leavesMidWait(shell, 'EnableExtension', enabled);
      await expectAsync(enabled).toBeRejectedWith(
        jasmine.objectContaining({ message: 'GNOME Shell left the bus before it answered.' }),
      );
    });

    it('GNOME Shell, while its confirmation dialog waits for the user', async () => {
      const shell = new AnsweringPeer(await bus.connect(), () => null);
      let requested = false;
      const agent = new ShellAgent({
        bus: steward,
        ownUid: process.getuid!(),
        request: () => (requested = true),
        answerTimeoutMs: HOUR,
      });
      const asked = agent.ask(shell.connection.name!, 'gdbus (pid 42)', ['turn the expert shell on']);
      asked.catch(() => undefined);
      // The dialog is up: then the shell crashes.
      await waitFor(() => requested, 'the request sent');
      shell.connection.disconnect();
      await expectAsync(asked).toBeRejectedWith(
        jasmine.objectContaining({
          errorName: 'Unavailable',
          message: 'org.gnome.Shell left the bus before the user answered its confirmation dialog',
        }),
      );
    });

    it('NetworkManager, while it brings a connection up', async () => {
      const device = `${NM_PATH}/Devices/2`;
      const active = `${NM_PATH}/ActiveConnection/7`;
      const nm = await peer(NM, (call) => {
        if (call.member === 'GetDeviceByIpIface') return reply('o', device);
        if (call.member === 'ActivateConnection') return reply('o', active);
        if (call.member !== 'GetAll') return null;
        return call.path === device
          ? reply('a{sv}', { State: new Variant('u', 30) })
          : reply('a{sv}', {
              Connection: new Variant('o', `${NM_PATH}/Settings/1`),
              Id: new Variant('s', 'Home'),
              Uuid: new Variant('s', '9c6a1bd4-4b0e-4b8f-9f0e-0d1f2a3b4c5d'),
              Type: new Variant('s', '802-3-ethernet'),
              State: new Variant('u', 1),
              Devices: new Variant('ao', [device]),
            });
      });
      const connect = action(networkActions, 'network.connect_device');
      const run = connect.run({ interface: 'eth0' }, context, options);
      run.catch(() => undefined);
      // The activation is under way (NetworkManager answered for it): then NetworkManager crashes.
      await waitFor(() => (nm.answered.get('GetAll') ?? 0) >= 2, 'the activation read');
      nm.connection.disconnect();
      await expectAsync(run).toBeRejectedWith(
        jasmine.objectContaining({ message: 'NetworkManager left the bus before the connection was up.' }),
      );
    });

    it('the keyring, while its unlock dialog waits for the user', async () => {
      const keyring = await peer(SECRETS, (call) => secretService(call, []));
      const key = readApiKey({ sessionBus: steward, url: 'https://llm.example', unlock: true });
      key.catch(() => undefined);
      await waitFor(() => (keyring.answered.get('Prompt') ?? 0) > 0, 'the prompt shown');
      keyring.connection.disconnect();
      await expectAsync(key).toBeRejectedWith(
        jasmine.objectContaining({ message: 'the keyring left the bus before its dialog was answered' }),
      );
    });
  });

  describe('a peer past its deadline is among the stuck ones', () => {
    it('a wait on a peer’s later work: it ends as Timeout and names what the peer left undone', async () => {
      await peer(NM, () => null);
      const wait = await PeerWait.begin(new SignalRouter(steward), NM, {
        what: 'ActivateConnection',
        deadlineMs: 50,
        left: () => new StewardError('Unavailable', 'left'),
        late: () => new StewardError('Timeout', 'late'),
      });
      await expectAsync(wait.race(new Promise(() => undefined))).toBeRejectedWith(
        jasmine.objectContaining({ errorName: 'Timeout' }),
      );
      expect(peerWaits.stuckPeers[NM]).toBe('did not finish ActivateConnection within 0.05 s');
      await wait.end(false);
      peerWaits.answered(NM);
    });

    it('cupsd, answering nothing on its socket', async () => {
      const dir: TempDir = await makeTempDir('steward-cupsd-');
      const socket = join(dir.path, 'cups.sock');
      // A scheduler that takes the request and never answers.
      const server = createServer(() => undefined);
      await new Promise<void>((resolve) => server.listen(socket, resolve));
      try {
        await expectAsync(new CupsClient(socket, 'steward', 200).printers()).toBeRejectedWithError(
          'cupsd did not answer within 0.2 s',
        );
        expect(peerWaits.stuckPeers[CUPSD]).toBe('did not answer IPP operation 0x4002 within 0.2 s');
      } finally {
        peerWaits.answered(CUPSD);
        server.close();
        await dir.remove();
      }
    });
  });
});
