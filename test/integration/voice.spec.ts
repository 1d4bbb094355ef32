// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { VOICE_INTERFACE } from '../../service/src/interfaces.js';
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
import { speak, wavSeconds, writeTinySpeechModel } from '../support/voice/speech.js';

const ERROR = 'io.github.steward.Steward1.Error';

interface Heard {
  text: string;
  final: boolean;
  at: number;
}

// The service's Voice interface on a private bus: espeak-ng's speech, played
// in real time by the stand-in microphone, recognised by sherpa-onnx in the
// speech worker with a tiny generated model (its words are nonsense, so the
// specs check streaming and endpoints, not words); Speak writes espeak-ng's
// audio to the stand-in loudspeaker, which is fed back to the microphone.
describe('Voice', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let home: TempDir;
  let service: RunningService;
  let models: string;
  let microphone: string;
  let loudspeaker: string;

  const call = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: VOICE_INTERFACE,
      member,
      signature,
      body,
    });
  const property = async (name: string) => {
    const [value] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
      signature: 'ss',
      body: [VOICE_INTERFACE, name],
    });
    return (value as Variant).value;
  };

  /** Listens through gdbus, as a script would, and collects the transcripts until the final one. */
  async function listenByGdbus(): Promise<{ id: string; heard: Heard[]; started: number }> {
    const heard: Heard[] = [];
    const stop = await new SignalRouter(client).subscribe(
      { interface: VOICE_INTERFACE, member: 'Transcript' },
      ([, text, final]) => heard.push({ text: text as string, final: final as boolean, at: Date.now() }),
    );
    try {
      const started = Date.now();
      const { stdout } = await gdbusCall(bus.address, `${VOICE_INTERFACE}.Listen`, '{}');
      const id = /'([0-9a-f-]{36})'/.exec(stdout)?.[1] ?? '';
      expect(id).not.toBe('');
      await waitFor(() => heard.some((entry) => entry.final), 'the final transcript', 30_000);
      return { id, heard, started };
    } finally {
      await stop();
    }
  }

  beforeAll(async () => {
    bus = await startPrivateBus();
    home = await makeTempDir('steward-voice-');
    client = await bus.connect();
    models = join(home.path, 'data', 'steward', 'speech-models');
    await writeTinySpeechModel(join(models, 'tiny-nonsense'));
    // A model onnxruntime cannot read: it aborts the speech worker, never the service.
    await mkdir(join(models, 'zz-broken'), { recursive: true });
    await writeFile(join(models, 'zz-broken', 'model.onnx'), 'not a model');
    await writeFile(join(models, 'zz-broken', 'tokens.txt'), '<blk> 0\n');
    await writeFile(
      join(models, 'zz-broken', 'speech-model.json'),
      JSON.stringify({ kind: 'nemo-ctc', files: { model: 'model.onnx' } }),
    );
    microphone = join(home.path, 'microphone.wav');
    loudspeaker = join(home.path, 'loudspeaker');
    await mkdir(loudspeaker);
    service = await startConfiguredService(
      bus,
      client,
      home.path,
      { watch: quietWatch() },
      { STEWARD_TEST_MICROPHONE_STAND_IN: microphone, STEWARD_TEST_SPEAKER_STAND_IN: loudspeaker },
    );
  });

  afterAll(async () => {
    await service?.stop();
    await bus?.stop();
    await home?.remove();
  });

  it('lists the installed speech models with their kind, languages and size', async () => {
    const [list] = (await call('ListSpeechModels')) as [Record<string, Variant>[]];
    const tiny = list.find((model) => model.name?.value === 'tiny-nonsense');
    expect(tiny?.kind?.value).toBe('nemo-ctc');
    expect(tiny?.languages?.value).toEqual(['en']);
    expect(Number(tiny?.size?.value)).toBeGreaterThan(1000);
    expect(tiny?.default?.value).toBeTrue();
    expect(list.map((model) => model.name?.value)).toContain('zz-broken');
  });

  it('turns spoken words into growing partial transcripts and one final text at the silence after them', async () => {
    const seconds = await speak('What is using all my disk space?', microphone);
    const { heard, started } = await listenByGdbus();
    const partials = heard.filter((entry) => !entry.final);
    const [final] = heard.filter((entry) => entry.final);
    expect(partials.length).toBeGreaterThan(1);
    // Each partial grows the one before: streamed text, not a repeat of the whole at the end.
    for (let i = 1; i < partials.length; i += 1) expect(partials[i]!.text.startsWith(partials[i - 1]!.text)).toBeTrue();
    expect(final!.text).toMatch(/^(la|di)( (la|di))+$/);
    expect(final!.text).toBe(partials.at(-1)!.text);
    // The first words come while the sentence is still being spoken.
    expect(partials[0]!.at - started).toBeLessThan(seconds * 1000);
    // Measured, not asserted: from the end of the audio to the final text.
    console.log(
      `voice latency: ${final!.at - started - Math.round(seconds * 1000)} ms after ${seconds.toFixed(2)} s of speech`,
    );
    await waitFor(async () => (await property('Listening')) === false, 'Listening to turn false');
  });

  it('reads a text aloud to the loudspeaker, which the recognizer hears back', async () => {
    await gdbusCall(bus.address, `${VOICE_INTERFACE}.Speak`, 'Your disk is almost full.');
    await waitFor(
      async () => (await readdir(loudspeaker)).length > 0 && (await property('Speaking')) === false,
      'the speech',
    );
    const [spoken] = await readdir(loudspeaker);
    expect(await wavSeconds(join(loudspeaker, spoken!))).toBeGreaterThan(0.5);
    await copyFile(join(loudspeaker, spoken!), microphone);
    const { heard } = await listenByGdbus();
    expect(heard.find((entry) => entry.final)?.text).toMatch(/^(la|di)( (la|di))*$/);
  });

  it('stops on Stop with the text heard so far, and refuses a second Listen meanwhile', async () => {
    await speak('Please check the network connection of this computer right now.', microphone);
    const heard: Heard[] = [];
    const stop = await new SignalRouter(client).subscribe(
      { interface: VOICE_INTERFACE, member: 'Transcript' },
      ([, text, final]) => heard.push({ text: text as string, final: final as boolean, at: Date.now() }),
    );
    await call('Listen', 'a{sv}', [{ 'max-seconds': new Variant('u', 30) }]);
    expect((await errorOf(call('Listen', 'a{sv}', [{}]))).type).toBe(`${ERROR}.Busy`);
    await waitFor(() => heard.some((entry) => entry.text.length > 0), 'a partial transcript');
    await call('Stop');
    await waitFor(() => heard.some((entry) => entry.final), 'the final transcript');
    await stop();
    expect(heard.filter((entry) => entry.final).length).toBe(1);
    expect(heard.find((entry) => entry.final)!.text).not.toBe('');
  });

  it('answers the errors a person understands, and the service lives on', async () => {
    const broken = await errorOf(call('Listen', 'a{sv}', [{ model: new Variant('s', 'zz-broken') }]));
    expect(broken.type).toBe(`${ERROR}.EngineFailed`);
    expect(broken.text).toContain('zz-broken');
    expect((await errorOf(call('Listen', 'a{sv}', [{ model: new Variant('s', 'nowhere') }]))).type).toBe(
      `${ERROR}.NotFound`,
    );
    expect((await errorOf(call('Listen', 'a{sv}', [{ 'max-seconds': new Variant('s', '9') }]))).type).toBe(
      `${ERROR}.InvalidArgs`,
    );
    expect((await errorOf(call('Speak', 's', ['  ']))).type).toBe(`${ERROR}.InvalidArgs`);

    await rm(microphone, { force: true });
    const noMicrophone = await errorOf(call('Listen', 'a{sv}', [{}]));
    expect(noMicrophone.type).toBe(`${ERROR}.NoMicrophone`);

    await rename(models, `${models}.away`);
    const noModel = await errorOf(call('Listen', 'a{sv}', [{}]));
    await rename(`${models}.away`, models);
    expect(noModel.type).toBe(`${ERROR}.NoSpeechModel`);
    expect(noModel.text).toContain('sherpa-onnx-streaming-zipformer-en-20M');
    expect(noModel.text).toContain(models);

    // After all that, the good model still loads and listens.
    await speak('Hello Steward.', microphone);
    const { heard } = await listenByGdbus();
    expect(heard.find((entry) => entry.final)?.text).not.toBe('');
    expect(service.process.exitCode).toBeNull();
  });

  it('listens and reads aloud from the command line', async () => {
    const env = { PATH: process.env.PATH, HOME: home.path, DBUS_SESSION_BUS_ADDRESS: bus.address };
    const before = (await readdir(loudspeaker)).length;
    const said = await runCli(['say', 'The backup finished an hour ago.'], env);
    expect(said.code).toBe(0);
    await waitFor(
      async () => (await readdir(loudspeaker)).length > before && (await property('Speaking')) === false,
      'the speech',
    );
    await speak('Why is my computer slow today?', microphone);
    const heard = await runCli(['listen', '--json'], env);
    expect(heard.code).toBe(0);
    expect((JSON.parse(heard.stdout) as { text: string }).text).toMatch(/^(la|di)( (la|di))+$/);
  });

  it('removes a speech model', async () => {
    await writeTinySpeechModel(join(models, 'spare'));
    const names = async () =>
      ((await call('ListSpeechModels')) as [Record<string, Variant>[]])[0].map((model) => model.name?.value);
    expect(await names()).toContain('spare');
    await call('RemoveSpeechModel', 's', ['spare']);
    expect(await names()).not.toContain('spare');
    expect((await errorOf(call('RemoveSpeechModel', 's', ['spare']))).type).toBe(`${ERROR}.NotFound`);
  });
});
