// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { SignalRouter } from '../../service/src/dbus/client.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { OBJECT_PATH, quietWatch, type RunningService, startConfiguredService, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { speak, wavSeconds, writeTinySpeechModel } from '../support/voice/speech.js';
import { openAccessibilityBus, visibleTexts } from './harness/atspi.js';
import {
  cannotRunShell,
  expectNoMountsLeft,
  itInShell,
  openShell,
  SETUP_TIMEOUT_MS,
  shellLogProblems,
  TEARDOWN_TIMEOUT_MS,
  unmet,
  UUID,
} from './harness/extensionShell.js';
import type { ShellSession } from './harness/session.js';
import { shellEval } from './harness/shell.js';
import { selectedSuites } from './harness/suites.js';
import { TestHook } from './harness/testHook.js';

const CHAT = 'io.github.steward.Steward1.Chat';
const ANSWER = 'Your disk is almost full: the thumbnail cache takes the most space.';
const SPEC_TIMEOUT_MS = 3 * 60_000;

/** JavaScript for the shell: the keys go down on the virtual keyboard (`true`) or come up, and stay so. */
const keys = (names: string[], down: boolean) => `(() => {
  const { Clutter, GLib } = imports.gi;
  const backend = global.stage.context?.get_backend() ?? Clutter.get_default_backend();
  globalThis.stewardTestKeyboard ??= backend.get_default_seat()
    .create_virtual_device(Clutter.InputDeviceType.KEYBOARD_DEVICE);
  let time = GLib.get_monotonic_time();
  const state = ${down} ? Clutter.KeyState.PRESSED : Clutter.KeyState.RELEASED;
  for (const name of ${JSON.stringify(down ? names : [...names].reverse())})
    globalThis.stewardTestKeyboard.notify_keyval(time++, Clutter[name], state);
})()`;
const READ_ALOUD = (on: boolean) =>
  `Main.extensionManager.lookup(${JSON.stringify(UUID)}).stateObj.getSettings().set_boolean('read-answers-aloud', ${on})`;

// A spoken question in the quick chat: espeak-ng's sentence plays through the
// service's stand-in microphone while Ctrl+Space is held on a virtual
// keyboard; the tiny speech model's words show in the entry as they come, go
// to the model as the question when the speech ends, and the answer is read
// aloud to the stand-in loudspeaker.
for (const suite of selectedSuites()) {
  describe(`speaking to the quick chat in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name})`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', suite.name, 'voice');
    let rootfs: string;
    let session: ShellSession;
    let home: TempDir;
    let server: OpenAIServer;
    let service: RunningService | undefined;
    let microphone: string;
    let loudspeaker: string;
    const finished: { status: string; text: string }[] = [];

    const hook = () => new TestHook(session.bus);
    const evaluate = (code: string) => shellEval(session.bus, code);
    const screenTexts = async () => {
      const a11y = await openAccessibilityBus(session.bus, session.tmpDir);
      try {
        return visibleTexts(await a11y.tree(await a11y.application('gnome-shell')));
      } finally {
        a11y.close();
      }
    };

    beforeAll(async () => {
      if (cannotRunShell()) return;
      ({ rootfs, session } = await openShell(suite.name, artifacts));
      home = await makeTempDir('steward-e2e-voice-');
      await writeTinySpeechModel(join(home.path, 'data', 'steward', 'speech-models', 'tiny-nonsense'));
      microphone = join(home.path, 'microphone.wav');
      loudspeaker = join(home.path, 'loudspeaker');
      await mkdir(loudspeaker);
      server = await startOpenAIServer({ apiKey: 'sk-test-voice', answer: () => ANSWER });
      const keyFile = join(home.path, 'config', 'steward', 'api-key');
      await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
      await writeFile(keyFile, 'sk-test-voice\n', { mode: 0o600 });
      service = await startConfiguredService(
        { address: session.busAddress },
        session.bus,
        home.path,
        {
          watch: quietWatch(),
          inference: { engine: 'remote', remote: { url: server.url, model: 'test-model', apiKeyFile: keyFile } },
        },
        { STEWARD_TEST_MICROPHONE_STAND_IN: microphone, STEWARD_TEST_SPEAKER_STAND_IN: loudspeaker },
      );
      await new SignalRouter(session.bus).subscribe(
        { interface: CHAT, path: OBJECT_PATH, member: 'ResponseDone' },
        (body) => {
          const [, , status, text] = body as string[];
          finished.push({ status: status!, text: text! });
        },
      );
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      if (unmet) return;
      await service?.stop();
      await writeFile(join(artifacts, 'service.log'), service?.log() ?? '');
      await server?.close();
      await session?.stop();
      await expectNoMountsLeft(rootfs);
      await home?.remove();
    }, TEARDOWN_TIMEOUT_MS);

    itInShell(
      'turns a question spoken while Ctrl+Space is held into text, an answer, and the answer read aloud',
      async () => {
        await evaluate(READ_ALOUD(true));
        const seconds = await speak('What is using all my disk space?', microphone);
        await hook().openChat();
        await waitFor(async () => (await hook().chat()).entryFocused, 'the entry to have the focus');
        await evaluate(keys(['KEY_Control_L', 'KEY_space'], true));
        // The words show in the entry while the person is still speaking.
        await waitFor(async () => {
          const chat = await hook().chat();
          return chat.listening && chat.entryText !== '';
        }, 'a partial transcript in the entry');
        const partial = (await hook().chat()).entryText;
        expect(partial).toMatch(/^(la|di)( (la|di))*$/);
        // At the silence after the sentence the final text is sent as the question.
        await waitFor(() => finished.length > 0, 'the answer', 30_000 + seconds * 1000);
        await evaluate(keys(['KEY_Control_L', 'KEY_space'], false));
        expect(finished[0]).toEqual({ status: 'done', text: ANSWER });
        const asked = server.requests
          .at(-1)
          ?.body.messages.filter((message) => message.role === 'user')
          .at(-1);
        expect(asked?.content).toMatch(/(la|di)( (la|di))+/);

        await waitFor(async () => (await screenTexts()).includes(ANSWER), 'the answer on the screen');
        const texts = await screenTexts();
        expect(texts).toContain(String(asked?.content).trim());
        expect(texts).toContain('Read Aloud');

        await waitFor(async () => (await readdir(loudspeaker)).length > 0, 'the answer read aloud');
        const [spoken] = await readdir(loudspeaker);
        // espeak-ng needs a few seconds for the sentence: it was read, not an empty file.
        await waitFor(async () => (await wavSeconds(join(loudspeaker, spoken!))) > 2, 'the whole answer read aloud');
        expect(await shellLogProblems(session.shellLogPath)).toEqual([]);
      },
      SPEC_TIMEOUT_MS,
    );
  });
}
