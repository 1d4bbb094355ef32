// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { access, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { VOICE_INTERFACE } from '../../service/src/dbus/interfaces.js';
import { errorOf } from '../support/errors.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  gdbusCall,
  OBJECT_PATH,
  quietWatch,
  runCli,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { CONDITION_TIMEOUT_MS } from '../support/timeouts.js';
import { type PrivatePipeWire, startPipeWire } from '../support/voice/pipewire.js';
import { speak, writeTinySpeechModel, writeTinyVoice } from '../support/voice/speech.js';

const ERROR = 'io.github.steward.Steward1.Error';
const SENTENCE = 'Your disk is almost full.';
// Longer than any pause within a text: espeak-ng pauses 0.32 s between sentences at its default rate, less when faster.
const END_PAUSE_SECONDS = 1;
const LONG_TEXT =
  'The backup finished an hour ago. Three files could not be read. The disk holding your home directory is ' +
  'almost full, and the journal has grown to four gigabytes since last month. Shall I shrink it for you?';

// Reading aloud into a real PipeWire: a private pipewire, WirePlumber and
// pipewire-pulse with a null sink for a loudspeaker, its monitor recorded with
// pw-record. The service reads aloud through speech-dispatcher (which it
// starts, as libspeechd does), through espeak-ng where speech-dispatcher is
// missing, and with a tiny generated neural voice (noise, 0.1 s a character).
describe('Voice output through PipeWire', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let home: TempDir;
  let pipewire: PrivatePipeWire;
  let service: RunningService | undefined;
  const firstAudio: Record<string, number> = {};

  const orcaSettings = () => join(home.path, 'data', 'orca', 'user-settings.conf');
  // Listen answers once the recogniser's worker has loaded the model: slow on a busy machine.
  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(
      client,
      { destination: BUS_NAME, path: OBJECT_PATH, interface: VOICE_INTERFACE, member, signature, body },
      { timeoutMs: CONDITION_TIMEOUT_MS },
    );

  async function restart(config: unknown, env: NodeJS.ProcessEnv = {}): Promise<void> {
    await service?.stop();
    service = await startConfiguredService(
      bus,
      client,
      home.path,
      { watch: quietWatch(), ...(config as object) },
      { ...pipewire.env, HOME: home.path, ...env },
    );
  }

  /** Speaks `text` through gdbus and records it until Speaking turns false; returns the recording. */
  async function speakAndRecord(text: string, engine: string) {
    const speaking: boolean[] = [];
    const unsubscribe = await new SignalRouter(client).subscribe(
      { interface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged' },
      ([name, changed]) => {
        const value = (changed as Record<string, Variant>).Speaking?.value as boolean | undefined;
        if (name === VOICE_INTERFACE && value !== undefined) speaking.push(value);
      },
    );
    const recording = await pipewire.record();
    const asked = Date.now();
    await gdbusCall(bus.address, `${VOICE_INTERFACE}.Speak`, text);
    await waitFor(() => speaking.includes(false), 'the speech to end');
    // The speaker is done once its audio has gone out to PipeWire, whose buffers still hold the last of it: the
    // recording holds it all once a pause longer than any within a text follows.
    await waitFor(
      () => recording.firstSoundAt() !== null && recording.quietSeconds() >= END_PAUSE_SECONDS,
      'the recorded sound to end',
    );
    await recording.stop();
    await unsubscribe();
    firstAudio[engine] = recording.firstSoundAt()! - asked;
    return recording;
  }

  beforeAll(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    home = await makeTempDir('steward-voice-out-');
    pipewire = await startPipeWire(home.path, bus.address);
    await writeTinyVoice(join(home.path, 'data', 'steward', 'voices', 'tiny-noise'));
    await writeTinySpeechModel(join(home.path, 'data', 'steward', 'speech-models', 'tiny-nonsense'));
  });

  // Each spec starts the service as it needs it, without Orca's settings unless it writes them.
  beforeEach(() => rm(orcaSettings(), { force: true }));

  afterAll(async () => {
    await service?.stop();
    await pipewire?.stop();
    await bus?.stop();
    await home?.remove();
    // Measured, not asserted: from the Speak call to the first sound at the loudspeaker's monitor.
    const { speechd, espeak, neural } = firstAudio;
    if (speechd && espeak && neural)
      console.log(
        `voice: Speak to first sound: speech-dispatcher ${speechd} ms (first ${firstAudio['speechd-cold']} ms), ` +
          `espeak-ng ${espeak} ms, neural ${neural} ms (first, loading the voice: ${firstAudio['neural-cold']} ms); ` +
          `speech-dispatcher/espeak-ng ${(speechd / espeak).toFixed(2)}, neural/espeak-ng ${(neural / espeak).toFixed(2)}`,
      );
  });

  it('reads aloud through speech-dispatcher, which it starts, for about as long as the sentence takes', async () => {
    await restart({});
    const expected = await speak(SENTENCE, join(home.path, 'espeak.wav'));
    // The first connects (and may start speech-dispatcher); the second is what a person waits for each time.
    await speakAndRecord(SENTENCE, 'speechd-cold');
    const recording = await speakAndRecord(SENTENCE, 'speechd');
    expect(await pathExists(join(pipewire.runtimeDir, 'speech-dispatcher', 'speechd.sock'))).toBeTrue();
    expect(service!.log()).not.toContain('cannot read aloud');
    // speech-dispatcher's espeak-ng module at its default rate speaks as long as espeak-ng does.
    expect(recording.soundSeconds()).toBeGreaterThan(expected * 0.6);
    expect(recording.soundSeconds()).toBeLessThan(expected * 1.6);
  });

  it("speaks at the rate chosen for the screen reader in Orca's settings", async () => {
    await restart({});
    const normal = (await speakAndRecord(LONG_TEXT, 'speechd-long')).soundSeconds();
    await mkdir(join(home.path, 'data', 'orca'), { recursive: true });
    await writeFile(
      orcaSettings(),
      JSON.stringify({
        general: { speechServerFactory: 'orca.speechdispatcherfactory', speechServerInfo: ['espeak-ng', 'espeak-ng'] },
        profiles: { default: { voices: { default: { rate: 99, family: { lang: 'en', dialect: 'US' } } } } },
      }),
    );
    const fast = (await speakAndRecord(LONG_TEXT, 'speechd-fast')).soundSeconds();
    expect(fast).toBeLessThan(normal * 0.75);
  });

  it('stops speaking on StopSpeaking: the sound ends long before the text would', async () => {
    await restart({});
    const recording = await pipewire.record();
    await call('Speak', 's', [LONG_TEXT]);
    await waitFor(() => recording.firstSoundAt() !== null, 'the sound', 20_000);
    await call('StopSpeaking');
    const [speaking] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: [VOICE_INTERFACE, 'Speaking'],
    });
    expect((speaking as Variant).value).toBeFalse();
    // Another sentence, so the recording has a clear end after the stop; the stopped text never came back.
    await speakAndRecord('Done.', 'speechd-short');
    await recording.stop();
    expect(recording.soundSeconds()).toBeLessThan(8);
  });

  it('reads aloud with espeak-ng where speech-dispatcher is not installed', async () => {
    const bin = join(home.path, 'bin-without-speechd');
    await mkdir(bin, { recursive: true });
    for (const tool of ['espeak-ng', 'pw-play', 'pw-record', 'pw-dump', 'journalctl'])
      await symlink(`/usr/bin/${tool}`, join(bin, tool)).catch(() => undefined);
    // No speech-dispatcher to start, and none listening where SPEECHD_ADDRESS (libspeechd's override) points.
    await restart({}, { PATH: bin, SPEECHD_ADDRESS: `unix_socket:${join(home.path, 'no-speechd', 'speechd.sock')}` });
    const expected = await speak(SENTENCE, join(home.path, 'espeak.wav'));
    const recording = await speakAndRecord(SENTENCE, 'espeak');
    expect(service!.log()).toContain('speech-dispatcher cannot read aloud; espeak-ng does');
    expect(recording.soundSeconds()).toBeGreaterThan(expected * 0.6);
    expect(recording.soundSeconds()).toBeLessThan(expected * 1.6);
    const doctor = await runCli(['doctor', '--json'], {
      PATH: bin,
      HOME: home.path,
      DBUS_SESSION_BUS_ADDRESS: bus.address,
    });
    const report = JSON.parse(doctor.stdout) as { 'voice-output': { engine: string; summary: string } };
    expect(report['voice-output'].engine).toBe('espeak-ng');
  });

  it('reads aloud with the neural voice when the configuration asks for it', async () => {
    await restart({ voice: { output: 'neural', neuralModel: 'tiny-noise' } });
    await speakAndRecord(SENTENCE, 'neural-cold');
    const recording = await speakAndRecord(SENTENCE, 'neural');
    expect(service!.log()).not.toContain('cannot read aloud');
    // The tiny voice makes 0.1 s of noise a character, all of it loud.
    expect(recording.loudSeconds()).toBeGreaterThan(SENTENCE.length * 0.1 - 0.25);
    expect(recording.loudSeconds()).toBeLessThan(SENTENCE.length * 0.1 + 0.25);
    const doctor = await runCli(['doctor', '--json'], {
      HOME: home.path,
      DBUS_SESSION_BUS_ADDRESS: bus.address,
      PATH: process.env.PATH,
    });
    const report = JSON.parse(doctor.stdout) as { 'voice-output': { engine: string; summary: string } };
    expect(report['voice-output'].engine).toBe('neural');
    expect(report['voice-output'].summary).toContain('tiny-noise');
  });

  it('falls back to the desktop voice when the neural voice is not installed', async () => {
    await restart({ voice: { output: 'neural', neuralModel: 'not-installed' } });
    const recording = await speakAndRecord(SENTENCE, 'fallback');
    expect(service!.log()).toContain('neural cannot read aloud; speech-dispatcher does');
    expect(recording.soundSeconds()).toBeGreaterThan(0.5);
  });

  it('answers NoMicrophone while PipeWire has no source, and listens once one is there', async () => {
    await restart({});
    const none = await errorOf(call('Listen', 'a{sv}', [{}]));
    expect(none.type).toBe(`${ERROR}.NoMicrophone`);
    expect(none.text).toContain('no microphone');
    await pipewire.addMicrophone();
    const finals: string[] = [];
    const unsubscribe = await new SignalRouter(client).subscribe(
      { interface: VOICE_INTERFACE, member: 'Transcript' },
      ([, text, final]) => {
        if (final) finals.push(text as string);
      },
    );
    await call('Listen', 'a{sv}', [{ 'max-seconds': new Variant('u', 30) }]);
    await call('Stop');
    await waitFor(() => finals.length > 0, 'the final transcript');
    await unsubscribe();
    // A silent microphone: nothing said.
    expect(finals).toEqual(['']);
  });
});

function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
