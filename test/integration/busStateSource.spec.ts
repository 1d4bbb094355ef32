// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The one base of the D-Bus state sources (NetworkManager, BlueZ, the shell's extensions, timedated), on a private
// bus with a peer that owns the name, signals and hands its name back and forth.
import type { MessageBus } from '@jellybrick/dbus-next';

import { UnexpectedAnswer } from '../../service/src/dbus/unexpected.js';
import { createLogger } from '../../service/src/logging.js';
import { type BusSignal, BusStateSource } from '../../service/src/watch/busStateSource.js';
import { AnsweringPeer } from '../support/answeringPeer.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { waitFor } from '../support/service.js';

const OWNER = 'org.example.State';
const PATH = '/org/example/State';
const IFACE = 'org.example.State';

class TestSource extends BusStateSource {
  reads = 0;
  /** What the spec was doing when each read began. */
  label = 'start';
  readsBy: string[] = [];
  heard: string[] = [];
  failures: string[] = [];
  unexpectedAnswers: string[] = [];
  gone = 0;
  /** While set, a read waits for it. */
  gate: Promise<void> | null = null;
  failing = false;

  constructor(bus: MessageBus) {
    super(
      { name: 'test.state', bus, log: createLogger({ level: 'debug', journal: false, write: () => undefined }) },
      OWNER,
    );
  }

  readAgain(): void {
    this.enqueueRead();
  }

  protected signals(): BusSignal[] {
    return [
      [
        { path: PATH, interface: IFACE, member: 'Changed', signature: 's' },
        ([value]) => {
          if (value === 'no such value')
            throw new UnexpectedAnswer(OWNER, 'Changed', 'a value its interface does not allow');
          this.heard.push(value as string);
        },
      ],
    ];
  }

  protected async read(): Promise<void> {
    this.reads++;
    this.readsBy.push(this.label);
    await this.gate;
    if (this.failing) throw new Error('the owner did not answer');
  }

  protected readFailed(error: Error): void {
    this.failures.push(error.message);
  }

  protected override ownerGone(): void {
    this.gone++;
  }

  protected override unexpected(answer: UnexpectedAnswer): void {
    this.unexpectedAnswers.push(answer.message);
  }
}

describe('BusStateSource', () => {
  let bus: PrivateBus;
  let owner: AnsweringPeer;
  let source: TestSource;

  beforeEach(async () => {
    bus = await startPrivateBus();
    owner = new AnsweringPeer(await bus.connect(), () => null);
    await owner.own(OWNER);
    source = new TestSource(await bus.connect());
    await source.start(() => undefined);
  });

  afterEach(async () => {
    source.gate = null;
    await source.stop();
    await bus.stop();
  });

  const changed = (peer: AnsweringPeer, value: string, signature = 's') =>
    peer.signal(PATH, IFACE, 'Changed', signature, [value]);

  it('reads at start and hears the owner’s signals, not another connection’s', async () => {
    expect(source.reads).toBe(1);
    changed(new AnsweringPeer(await bus.connect(), () => null), 'forged');
    changed(owner, 'first');
    changed(owner, 'second');
    await waitFor(() => source.heard.length >= 2, 'the owner’s two signals');
    expect(source.heard).toEqual(['first', 'second']);
  });

  it('takes a signal of another type or value as an unexpected answer that changes nothing', async () => {
    owner.signal(PATH, IFACE, 'Changed', 'u', [7]);
    changed(owner, 'no such value');
    changed(owner, 'fine');
    await waitFor(() => source.heard.length >= 1, 'the good signal');
    expect(source.heard).toEqual(['fine']);
    expect(source.unexpectedAnswers).toEqual([
      jasmine.stringMatching(/answered Changed .*a signal of type "u"/),
      jasmine.stringMatching(/answered Changed .*a value its interface does not allow/),
    ]);
  });

  it('says the owner left, and reads the whole state again when it is back', async () => {
    await owner.release(OWNER);
    await waitFor(() => source.gone === 1, 'the owner to leave');
    expect(source.reads).toBe(1);
    await owner.own(OWNER);
    await waitFor(() => source.reads === 2, 'a read after the owner came back');
  });

  it('makes one read of however many asked for while one was under way', async () => {
    let open: () => void = () => undefined;
    source.gate = new Promise((resolve) => (open = resolve));
    source.label = 'blocked';
    source.readAgain();
    await waitFor(() => source.reads === 2, 'the read to begin');
    source.label = 'asked five times';
    for (let i = 0; i < 5; i++) source.readAgain();
    source.gate = null;
    open();
    await waitFor(() => source.reads === 3, 'the waiting read');
    source.label = 'asked after';
    source.readAgain();
    await waitFor(() => source.readsBy.includes('asked after'), 'the read asked for after');
    expect(source.readsBy).toEqual(['start', 'blocked', 'asked five times', 'asked after']);
  });

  it('says a read that failed, and reads again when asked', async () => {
    source.failing = true;
    source.readAgain();
    await waitFor(() => source.failures.length === 1, 'the failed read');
    expect(source.failures).toEqual(['the owner did not answer']);
    source.failing = false;
    source.readAgain();
    await waitFor(() => source.reads === 3, 'the next read');
    expect(source.failures.length).toBe(1);
  });

  it('stops once the read under way is done, and hears nothing after', async () => {
    let open: () => void = () => undefined;
    source.gate = new Promise((resolve) => (open = resolve));
    source.readAgain();
    await waitFor(() => source.reads === 2, 'the read to begin');
    let stopped = false;
    const stopping = source.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).withContext('stop() did not wait for the read').toBeFalse();
    open();
    await stopping;
    changed(owner, 'after the stop');
    await owner.release(OWNER);
    await owner.own(OWNER);
    // A signal that is heard is one the source still listens to: a second source hears it, this one must not.
    const witness = new TestSource(await bus.connect());
    await witness.start(() => undefined);
    changed(owner, 'heard by the witness');
    await waitFor(() => witness.heard.length === 1, 'the witness to hear the owner');
    await witness.stop();
    expect(source.heard).toEqual([]);
    expect(source.reads).toBe(2);
    expect(source.gone).toBe(0);
  });
});
