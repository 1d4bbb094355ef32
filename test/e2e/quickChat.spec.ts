// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Variant } from '@jellybrick/dbus-next';

import type { ChatSnapshot } from '../../extension/src/shared/model.js';
import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { type ModelServer, startModelServer } from '../integration/models/modelServer.js';
import { type CompletionRequestBody, type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { DISK_FULL_SCRIPT, scriptedReply } from '../support/replayModel.js';
import {
  activateModel,
  BUS_NAME,
  homeEnv,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  spawnService,
  startConfiguredService,
  waitFor,
  waitUntilReady,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { tinyModel, writeTinyModel } from '../support/tinyModel.js';
import { flatten, openAccessibilityBus, visibleTexts } from './harness/atspi.js';
import {
  cannotRunShell,
  expectNoMountsLeft,
  itInShell,
  openShell,
  pressKeys,
  SETUP_TIMEOUT_MS,
  shellLogProblems as shellLog,
  TEARDOWN_TIMEOUT_MS,
  unmet,
  UUID,
} from './harness/extensionShell.js';
import type { ShellSession } from './harness/session.js';
import { extensionInfo, ExtensionState, setExtensionEnabled, shellEval } from './harness/shell.js';
import { selectedSuites } from './harness/suites.js';
import { TestHook } from './harness/testHook.js';

const CHAT = 'io.github.steward.Steward1.Chat';
const PROPOSALS = 'io.github.steward.Steward1.Proposals';
const MODELS = 'io.github.steward.Steward1.Models';
const TIMED_OPENINGS = 5;

const SPEC_TIMEOUT_MS = 3 * 60_000;

// JavaScript evaluated inside the shell; the extension itself is read through its test hook.
const SWITCH_INPUT_SOURCE = `new imports.gi.Gio.Settings({ schema_id: 'org.gnome.desktop.wm.keybindings' })`;
const setInputSources = (layouts: string[]) =>
  `new imports.gi.Gio.Settings({ schema_id: 'org.gnome.desktop.input-sources' }).set_value('sources',
    new imports.gi.GLib.Variant('a(ss)', ${JSON.stringify(layouts.map((layout) => ['xkb', layout]))}))`;

/** Presses Super+Space and answers when, in the shell's own clock, the keys went down. */
const PRESS_SHORTCUT_TIMED = `(() => {
  const pressed = imports.gi.GLib.get_monotonic_time();
  ${pressKeys('KEY_Super_L', 'KEY_space')};
  return pressed;
})()`;

const DISK_QUESTION = DISK_FULL_SCRIPT.question;
const LONG_QUESTION = 'Tell me everything about this computer, slowly.';
const LONG_ANSWER = 'Here is one more thing about this computer that you may want to know. '.repeat(40);

const scripted = scriptedReply([DISK_FULL_SCRIPT]);
const reply = (body: CompletionRequestBody) =>
  body.messages.some((message) => message.role === 'user' && message.content?.includes(LONG_QUESTION))
    ? { content: LONG_ANSWER }
    : scripted(body);

/** A thumbnail cache worth clearing: 8 files of 256 KB. */
async function fillThumbnails(home: string): Promise<void> {
  const thumbnails = join(home, '.cache', 'thumbnails', 'large');
  await mkdir(thumbnails, { recursive: true });
  for (let n = 0; n < 8; n++) await writeFile(join(thumbnails, `${n}.png`), Buffer.alloc(256 * 1024, n));
}

/**
 * The scripted model streams at once: its first tool step and even its whole answer can come
 * before the reply to Send, which the panel must handle. The Stop spec slows it down.
 */
const MODEL_PACE_MS = 0;

const TINY_CONFIG = { inference: { gpu: 'off', threads: 1, contextSize: 1024, maxAnswerTokens: 24 } };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

for (const suite of selectedSuites()) {
  describe(`the quick chat in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name})`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', suite.name, 'quick-chat');
    let rootfs: string;
    let session: ShellSession;
    let home: TempDir;
    let service: RunningService | undefined;
    let router: SignalRouter;
    let shortcutAtStart: unknown;
    const serviceLogs: string[] = [];
    const chunks = new Map<string, number>();
    const finished = new Map<string, { session: string; status: string; text: string; proposals: string[] }>();
    const toolSteps = new Map<string, { tool: string; description: string; status: string }[]>();
    const jobs = new Map<string, string>();
    const pulls: { event: string; id: string; values: unknown[] }[] = [];

    const itInChat = (expectation: string, spec: () => Promise<void>) => itInShell(expectation, spec, SPEC_TIMEOUT_MS);

    const evaluate = (code: string) => shellEval(session.bus, code);
    const hook = () => new TestHook(session.bus);
    const chat = () => hook().chat();
    const isOpen = async () => (await chat()).open;
    const answering = async () => (await chat()).answering;
    const stopVisible = async () => (await chat()).stopVisible;
    const entryFocused = async () => (await chat()).entryFocused;
    const shownTranscript = async () => (await chat()).transcript;
    const cards = async () => (await chat()).cards;
    const status = async () => (await chat()).status;
    const waitForChat = (check: (state: ChatSnapshot) => boolean, what: string, timeoutMs = 10_000) =>
      waitFor(async () => check(await chat()), what, timeoutMs);
    /** What the specs compare: the shortcut's state without the offer, which they check on its own. */
    const shortcutState = async () => {
      const { bound, conflict, registered } = await hook().shortcut();
      return { bound, conflict, registered };
    };
    const waitForShell = (code: string, what: string, timeoutMs = 10_000) =>
      waitFor(async () => (await evaluate(code)) === true, what, timeoutMs);
    const callChat = (member: string, signature = '', body: unknown[] = []) =>
      callMethod(session.bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: CHAT, member, signature, body });
    const serviceHistory = async () => {
      const [sessions] = (await callChat('ListSessions')) as [Record<string, Variant>[]];
      const [messages] = (await callChat('GetHistory', 's', [sessions[0]!.id!.value])) as [Record<string, Variant>[]];
      return messages.map((message) => message.text!.value as string);
    };
    /** Mutter applies keybindings added or changed from an idle callback; waits until one of lower priority has run. */
    const settle = async () => {
      await evaluate(`globalThis.stewardTestIdle = false;
        imports.gi.GLib.idle_add(imports.gi.GLib.PRIORITY_LOW, () => (globalThis.stewardTestIdle = true) && false)`);
      await waitForShell('globalThis.stewardTestIdle', 'the shell to be idle');
    };
    const openWithShortcut = async () => {
      await settle();
      await evaluate(pressKeys('KEY_Super_L', 'KEY_space'));
      await waitForChat((state) => state.open, 'the quick chat to open');
    };
    const closeWithEscape = async () => {
      await evaluate(pressKeys('KEY_Escape'));
      await waitForChat((state) => !state.open, 'the quick chat to close');
    };
    /** Types `question` into the entry and presses Enter. */
    const ask = async (question: string) => {
      await hook().typeText(question);
      const answered = finished.size;
      await evaluate(pressKeys('KEY_Return'));
      // A short answer may have ended by the time the shell is asked.
      await waitFor(async () => finished.size > answered || (await answering()), 'the question to be sent');
    };
    const cycleExtension = async () => {
      await setExtensionEnabled(session.bus, UUID, false);
      await waitFor(async () => (await extensionInfo(session.bus, UUID)).state === ExtensionState.INACTIVE, 'off');
      await setExtensionEnabled(session.bus, UUID, true);
      await waitFor(async () => (await extensionInfo(session.bus, UUID)).state === ExtensionState.ACTIVE, 'on');
    };
    const shellLogProblems = () => shellLog(session.shellLogPath);
    /** What GNOME Shell shows now, as its accessible tree (what a screen reader reads). */
    const screen = async () => {
      const a11y = await openAccessibilityBus(session.bus, session.tmpDir);
      try {
        return await a11y.tree(await a11y.application('gnome-shell'));
      } finally {
        a11y.close();
      }
    };
    /** Stops the service and starts another in its place; the panel starts a new conversation. */
    const replaceService = async (start: () => Promise<RunningService>) => {
      await service?.stop();
      serviceLogs.push(service?.log() ?? '');
      service = undefined;
      service = await start();
      await hook().newConversation();
    };
    const startTinyService = async () => {
      const started = await startConfiguredService(
        { address: session.busAddress },
        session.bus,
        home.path,
        TINY_CONFIG,
      );
      await activateModel(session.bus, 'store:tiny.gguf');
      return started;
    };
    const lastFinished = () => [...finished].at(-1)!;
    const activeModel = async () => {
      const [model] = (await callMethod(session.bus, {
        destination: BUS_NAME,
        path: OBJECT_PATH,
        interface: 'org.freedesktop.DBus.Properties',
        member: 'Get',
        signature: 'ss',
        body: [MODELS, 'ActiveModel'],
      })) as [Variant<string>];
      return model.value;
    };

    beforeAll(async () => {
      if (cannotRunShell()) return;
      ({ rootfs, session } = await openShell(suite.name, artifacts));
      // GNOME's defaults give Super+Space to the input-source switcher; with one layout
      // there is nothing to switch, and the user lets the quick chat have the keys.
      await evaluate(setInputSources(['us']));
      await waitFor(async () => (await hook().shortcut()).canTakeFromSwitcher, 'the offer to take Super+Space');
      shortcutAtStart = await shortcutState();
      await hook().takeShortcut();
      await waitFor(async () => (await hook().shortcut()).bound, 'the shortcut to be bound');

      home = await makeTempDir('steward-e2e-chat-');
      await mkdir(join(home.path, 'data', 'steward', 'models'), { recursive: true });
      // A random model may end its answer at once; this one writes until its limit, so an answer always shows.
      await writeTinyModel(join(home.path, 'data', 'steward', 'models', 'tiny.gguf'), { endsOnlyAtLimit: true });
      service = await startTinyService();

      router = new SignalRouter(session.bus);
      await router.subscribe({ interface: CHAT, path: OBJECT_PATH }, (body, message) => {
        const [id] = body as [string];
        if (message.member === 'ResponseChunk') chunks.set(id, (chunks.get(id) ?? 0) + 1);
        if (message.member === 'ToolStep') {
          const [, , tool, description, status] = body as string[];
          toolSteps.set(id, [
            ...(toolSteps.get(id) ?? []),
            { tool: tool!, description: description!, status: status! },
          ]);
        }
        if (message.member === 'ResponseDone') {
          const [, sessionId, status, text] = body as string[];
          const proposals = body[8] as string[];
          finished.set(id, { session: sessionId!, status: status!, text: text!, proposals });
        }
      });
      await router.subscribe({ interface: PROPOSALS, path: OBJECT_PATH, member: 'JobFinished' }, (body) => {
        const [id, result] = body as [string, Record<string, Variant>];
        jobs.set(id, result.state!.value as string);
      });
      await router.subscribe({ interface: MODELS, path: OBJECT_PATH }, (body, message) => {
        if (message.member === 'PullProgress' || message.member === 'PullFinished')
          pulls.push({ event: message.member, id: body[0] as string, values: body.slice(1) });
      });
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      if (unmet) return;
      await service?.stop();
      await writeFile(join(artifacts, 'service.log'), [...serviceLogs, service?.log() ?? ''].join('\n'));
      await session?.stop();
      await expectNoMountsLeft(rootfs);
      await home?.remove();
    }, TEARDOWN_TIMEOUT_MS);

    itInChat('opens with Super+Space, focuses the entry, and closes with Escape', async () => {
      expect(await shortcutState()).toEqual({ bound: true, conflict: null, registered: true });
      const timings: { visibleMs: number; paintedMs: number }[] = [];
      for (let i = 0; i < TIMED_OPENINGS; i++) {
        await settle();
        await hook().recordOpening();
        const pressed = (await evaluate(PRESS_SHORTCUT_TIMED)) as number;
        await waitFor(async () => (await hook().openingTiming()).painted !== undefined, 'the quick chat to be painted');
        const timing = { pressed, ...(await hook().openingTiming()) };
        timings.push({
          visibleMs: (timing.visible! - timing.pressed) / 1000,
          paintedMs: (timing.painted! - timing.pressed) / 1000,
        });
        expect(await isOpen()).toBe(true);
        expect(await entryFocused())
          .withContext('the entry has the keyboard focus')
          .toBe(true);
        if (i === 0) {
          // On screen: the one focused object is an editable text field.
          // The stage's window has the focus too, as the window that holds it.
          const focused = flatten(await screen()).filter(
            (node) => node.states.has('focused') && node.role !== 'window',
          );
          expect(focused.map((node) => node.role))
            .withContext('what has the focus, as a screen reader tells it')
            .toEqual(['text']);
          expect(focused[0]?.states.has('editable')).toBeTrue();
        }
        await closeWithEscape();
      }
      const report = {
        what: 'Super+Space pressed on a virtual keyboard to the quick chat visible, and to its first painted frame',
        shell: suite.gnomeVersion,
        targetMs: 100,
        medianVisibleMs: median(timings.map((t) => t.visibleMs)),
        medianPaintedMs: median(timings.map((t) => t.paintedMs)),
        runs: timings,
      };
      await writeFile(join(artifacts, 'quick-chat-timing.json'), `${JSON.stringify(report, null, 2)}\n`);
      process.stderr.write(
        `\n[e2e ${suite.name}] shortcut to quick chat visible ${report.medianVisibleMs.toFixed(1)} ms, ` +
          `painted ${report.medianPaintedMs.toFixed(1)} ms (median of ${TIMED_OPENINGS})\n`,
      );
    });

    itInChat('streams the answer to a question into the transcript', async () => {
      await openWithShortcut();
      await hook().newConversation();
      const answered = finished.size;
      await ask('Why is my disk full?');
      await waitFor(
        async () => finished.size > answered || (await stopVisible()),
        'the Stop button while it answers',
        30_000,
      );
      await waitFor(() => finished.size > answered, 'ResponseDone', 60_000);
      await waitForChat((state) => !state.answering, 'the answer to end');
      const request = [...finished.keys()].at(-1);
      expect(finished.get(request!)?.status).toBe('done');
      expect(chunks.get(request!)).withContext('ResponseChunk signals').toBeGreaterThan(0);
      const transcript = await shownTranscript();
      expect(transcript[0]).toBe('Why is my disk full?');
      // The streamed answer is on screen, as a screen reader reads it.
      const onScreen = visibleTexts(await screen())
        .join('\n')
        .replace(/\s+/g, ' ');
      expect(onScreen).toContain('Why is my disk full?');
      expect(onScreen).toContain(finished.get(request!)!.text.replace(/\s+/g, ' ').trim().slice(0, 40));
      expect(transcript.slice(1).join('\n\n').replace(/\s+/g, ' ').trim()).toBe(
        finished.get(request!)!.text.replace(/\s+/g, ' ').trim(),
      );
      expect(await stopVisible()).toBe(false);
      expect(await entryFocused()).toBe(true);
      await session.screenshot(join(artifacts, 'quick-chat-answer.png'));
      await closeWithEscape();
      expect(await shellLogProblems()).toEqual([]);
    });

    itInChat('shows the same conversation after a disable/enable cycle, as after a screen lock', async () => {
      await openWithShortcut();
      await ask('Is the network up?');
      await waitForChat((state) => !state.answering, 'the first answer to end', 60_000);
      const before = (await serviceHistory()).length;
      expect(before).toBeGreaterThanOrEqual(2);
      // A second question whose answer is still being written while the extension goes away and comes back.
      const answered = finished.size;
      await ask('What failed at boot?');
      await waitFor(
        async () => finished.size > answered || (await stopVisible()),
        'the service to take the question',
        30_000,
      );
      await cycleExtension();
      await openWithShortcut();
      expect(await entryFocused()).toBe(true);
      const history = await waitForHistory(() => serviceHistory(), before + 2);
      // The reopened chat reads the conversation back from the service: not answering holds before it is shown.
      const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
      await waitForChat(
        (state) =>
          !state.answering && history.every((text) => flat(state.transcript.join('\n\n')).includes(flat(text))),
        'the resumed conversation to be shown, its answer ended',
        60_000,
      );
      const after = flat((await shownTranscript()).join('\n\n'));
      for (const text of history) expect(after).toContain(flat(text));
      expect(after).not.toContain('still answering');
      await session.screenshot(join(artifacts, 'quick-chat-resumed.png'));
      await closeWithEscape();
      expect(await shellLogProblems()).toEqual([]);
    });

    itInChat('leaves Super+Space to the input-source switcher until the user gives it to the quick chat', async () => {
      expect(shortcutAtStart).toEqual({
        bound: false,
        registered: false,
        conflict:
          'Super+Space is also GNOME’s shortcut for switching input sources. Use it for Steward instead, or choose another shortcut in the preferences.',
      });

      await evaluate(`${SWITCH_INPUT_SOURCE}.set_strv('switch-input-source', ['<Super>space'])`);
      await evaluate(setInputSources(['us', 'de']));
      await waitFor(
        async () => (await hook().shortcut()).conflict?.includes('switches between your input sources') ?? false,
        'the clash to be noticed',
      );
      expect(await shortcutState()).toEqual(jasmine.objectContaining({ bound: false, registered: false }));
      expect((await hook().shortcut()).canTakeFromSwitcher).toBe(false);
      await settle();
      await evaluate(pressKeys('KEY_Super_L', 'KEY_space'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await isOpen())
        .withContext('the quick chat stays closed')
        .toBe(false);

      await evaluate(setInputSources(['us']));
      await waitFor(async () => (await hook().shortcut()).canTakeFromSwitcher, 'the offer to take Super+Space');
      expect(await shortcutState()).toEqual(jasmine.objectContaining({ bound: false, registered: false }));
      await hook().takeShortcut();
      await waitFor(async () => (await hook().shortcut()).bound, 'the shortcut to be bound again');
      expect(await shortcutState()).toEqual({ bound: true, conflict: null, registered: true });
      expect(await evaluate(`${SWITCH_INPUT_SOURCE}.get_strv('switch-input-source')`)).toEqual([]);
      await openWithShortcut();
      await closeWithEscape();
      expect(await shellLogProblems()).toEqual([]);
    });

    describe('with a scripted model behind the OpenAI-compatible API', () => {
      let server: OpenAIServer;

      beforeAll(async () => {
        if (unmet) return;
        server = await startOpenAIServer({ reply, apiKey: 'sk-test-quick-chat', chunkDelayMs: MODEL_PACE_MS });
        await fillThumbnails(home.path);
        const keyFile = join(home.path, 'config', 'steward', 'api-key');
        await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
        await writeFile(keyFile, 'sk-test-quick-chat\n', { mode: 0o600 });
        await replaceService(() =>
          startConfiguredService({ address: session.busAddress }, session.bus, home.path, {
            watch: quietWatch(),
            inference: { engine: 'remote', remote: { url: server.url, model: 'test-model', apiKeyFile: keyFile } },
          }),
        );
        // Known race: the service reads the active model (the tiny one, in this home) only after it is ready,
        // and that drops the engine, with an answer it is writing. Ask nothing before it has.
        await waitFor(async () => (await activeModel()) === 'store:tiny.gguf', 'the service to read the active model');
      }, SETUP_TIMEOUT_MS);

      afterAll(async () => {
        if (unmet) return;
        await replaceService(startTinyService);
        await server.close();
      }, TEARDOWN_TIMEOUT_MS);

      itInChat('shows the tool steps and the proposal of an answer, and Apply on its card runs the fix', async () => {
        await openWithShortcut();
        await hook().newConversation();
        const answered = finished.size;
        await ask(DISK_QUESTION);
        await waitFor(async () => {
          const labels = await shownTranscript();
          return labels.some((text) => text.startsWith('Checking disk usage'));
        }, 'the disk tool step in the transcript').catch(async (error: Error) => {
          const requests = server.requests.map((r) => ({ aborted: r.aborted, asked: r.body.messages.at(-1) }));
          const ended = [...finished].slice(answered);
          throw new Error(
            `${error.message}; the model got ${JSON.stringify(requests)}, ended ${JSON.stringify(ended)}, ` +
              `shown ${JSON.stringify(await shownTranscript())}, status ${JSON.stringify(await status())}`,
          );
        });
        await waitFor(() => finished.size > answered, 'ResponseDone', 60_000);
        const [request, end] = lastFinished();
        expect(end.status).toBe('done');
        expect(end.proposals.length).withContext('proposals in ResponseDone').toBe(1);
        expect(
          toolSteps
            .get(request)
            ?.filter((step) => step.status !== 'running')
            .map((step) => step.tool),
        ).toEqual(['disk_usage', 'propose_action']);
        await waitFor(async () => (await cards()).length === 1, 'the proposal card');

        // The transcript: the question, the finished tool steps as the signals described them, the answer, the card.
        const transcript = await shownTranscript();
        expect(transcript[0]).toBe(DISK_QUESTION);
        // Each step a line of its own, begun as one: "Checking disk usage".
        for (const step of toolSteps.get(request)!.filter((s) => s.status === 'done')) {
          const text = step.description.replace(/(…|\.\.\.)$/, '');
          expect(transcript).toContain(text.charAt(0).toUpperCase() + text.slice(1));
        }
        expect(transcript).toContain(
          'Your thumbnail cache is the biggest item. I proposed clearing it; apply it if you agree.',
        );

        const [proposal] = (await callMethod(session.bus, {
          destination: BUS_NAME,
          path: OBJECT_PATH,
          interface: PROPOSALS,
          member: 'Get',
          signature: 's',
          body: [end.proposals[0]],
        })) as [Record<string, Variant>];
        const [action] = (proposal.actions!.value as Record<string, Variant>[]).map((a) => ({
          name: a.name!.value as string,
          title: a.title!.value as string,
          risk: a.risk!.value as string,
          preview: a.preview!.value as string,
        }));
        expect(action).toEqual(jasmine.objectContaining({ name: 'files.clear_cache', risk: 'low' }));
        const [card] = await cards();
        const labelOf = (style: string) => card!.labels.filter((label) => label.style.split(' ').includes(style));
        // The exact effect shows once, on its button: the title, which named it too, says the kind of change.
        const effect = action!.preview || action!.title;
        expect(proposal.title!.value).toBe(effect);
        expect(labelOf('steward-chat-card-title').map((label) => label.text)).toEqual([action!.title]);
        const shown = [...labelOf('steward-chat-card-title'), ...labelOf('steward-chat-card-action')].map(
          (l) => l.text,
        );
        expect(shown).withContext(shown.join(' | ')).not.toContain(effect);
        expect(effect).toContain('thumbnails');
        expect(labelOf('steward-chat-risk').map((label) => label.text)).toEqual(['Low risk']);
        // Its button names the change.
        expect(card!.buttons).toEqual([effect, 'Dismiss']);
        await session.screenshot(join(artifacts, 'quick-chat-proposal.png'));

        // Proposed, never run, until the user applies it.
        expect((await readdir(join(home.path, '.cache', 'thumbnails', 'large'))).length).toBe(8);
        const jobsBefore = jobs.size;
        expect(await hook().clickCardButton(effect)).toBe(true);
        await waitFor(
          async () => (await readdir(join(home.path, '.cache', 'thumbnails'))).length === 0,
          'the thumbnail cache to be cleared',
          30_000,
        );
        await waitFor(() => jobs.size > jobsBefore, 'JobFinished', 30_000);
        expect([...jobs.values()].at(-1)).toBe('fixed');
        const [settled] = await cards();
        expect(settled!.buttons).toEqual([]);
        expect(settled!.labels.map((label) => label.text)).toContain('Applying… Steward checks the result afterwards.');
        expect(await status()).toBeNull();
        await closeWithEscape();
        expect(await shellLogProblems()).toEqual([]);
      });

      itInChat('stops an answer with Stop, keeps what was written, and takes the next question', async () => {
        server.options.chunkDelayMs = 100;
        try {
          await openWithShortcut();
          await hook().newConversation();
          const answered = finished.size;
          const chunksBefore = new Map(chunks);
          await ask(LONG_QUESTION);
          await waitForChat((state) => state.stopVisible, 'the Stop button while it answers', 30_000);
          await waitFor(
            () => [...chunks].some(([id, count]) => count - (chunksBefore.get(id) ?? 0) >= 3),
            'a few chunks of the answer',
            30_000,
          ).catch((error: Error) => {
            const requests = server.requests.map((r) => ({ aborted: r.aborted, asked: r.body.messages.at(-1) }));
            const ended = [...finished].slice(answered);
            throw new Error(
              `${error.message}; the model got ${JSON.stringify(requests)}, ended ${JSON.stringify(ended)}`,
            );
          });
          expect(finished.size).withContext('the answer is still being written').toBe(answered);
          const requests = server.requests.length;
          await hook().stopAnswer();
          await waitFor(() => finished.size > answered, 'ResponseDone', 30_000);
          const [, end] = lastFinished();
          expect(end.status).toBe('cancelled');
          expect(end.text.length).toBeGreaterThan(0);
          expect(LONG_ANSWER.startsWith(end.text)).withContext(end.text).toBeTrue();
          expect(end.text.length).toBeLessThan(LONG_ANSWER.length);
          await waitForChat((state) => !state.answering, 'the panel to end the answer');
          expect(server.requests.length).toBe(requests);
          await waitFor(() => server.requests.at(-1)!.aborted, 'the service to hang up on the model');

          expect(await stopVisible()).toBe(false);
          expect(await status()).toBe('Stopped.');
          const transcript = await shownTranscript();
          expect(transcript).toEqual([LONG_QUESTION, end.text.trim()]);
          await session.screenshot(join(artifacts, 'quick-chat-stopped.png'));

          // The entry takes the next question, answered in full.
          expect(await entryFocused()).toBe(true);
          server.options.chunkDelayMs = MODEL_PACE_MS;
          await ask('Thanks, that is enough.');
          await waitFor(() => finished.size > answered + 1, 'the next ResponseDone', 60_000);
          expect(lastFinished()[1].status).toBe('done');
          await waitForChat((state) => !state.answering, 'the next answer to end');
          expect(await status()).toBeNull();
          await closeWithEscape();
          expect(await shellLogProblems()).toEqual([]);
        } finally {
          server.options.chunkDelayMs = MODEL_PACE_MS;
        }
      });
    });

    describe('with no model set up', () => {
      let modelServer: ModelServer;
      let bare: TempDir;

      beforeAll(async () => {
        if (unmet) return;
        modelServer = await startModelServer();
        bare = await makeTempDir('steward-e2e-chat-bare-');
        await mkdir(join(bare.path, 'config', 'steward'), { recursive: true });
        await writeFile(join(bare.path, 'config', 'steward', 'config.json'), JSON.stringify(TINY_CONFIG));
        await replaceService(async () => {
          const started = spawnService(session.busAddress, {
            ...homeEnv(bare.path),
            XDG_DATA_HOME: join(bare.path, 'data'),
            OLLAMA_MODELS: join(bare.path, 'none'),
            // The catalogue's hf: URIs resolve against this stand-in for the Hugging Face hub.
            HF_ENDPOINT: modelServer.baseUrl,
          });
          await waitUntilReady(session.bus, started);
          return started;
        });
      }, SETUP_TIMEOUT_MS);

      afterAll(async () => {
        if (unmet) return;
        await replaceService(startTinyService);
        await modelServer.close();
        await bare.remove();
      }, TEARDOWN_TIMEOUT_MS);

      itInChat('offers the recommended model, downloads it with progress, and then answers', async () => {
        const [recommendation] = (await callMethod(session.bus, {
          destination: BUS_NAME,
          path: OBJECT_PATH,
          interface: MODELS,
          member: 'Recommend',
        })) as [Record<string, Variant>];
        const uri = recommendation.uri?.value as string | undefined;
        expect(uri).withContext('a catalogue model fits this machine').toBeDefined();
        const fileName = uri!.split('/').at(-1)!;
        const model = tinyModel({ endsOnlyAtLimit: true });
        modelServer.files.set(fileName, model);

        await openWithShortcut();
        await waitForChat(
          (state) => state.setup.visible && (state.setup.texts[1] ?? '').startsWith('Recommended'),
          'the model offer',
        );
        const offer = (await chat()).setup;
        expect(offer.input).withContext('the entry is hidden while no model is set up').toBe(false);
        expect(offer.button).toBe('Download and Use It');
        expect(offer.texts[0]).toBe(
          'No model is set up yet. Steward needs a language model on this computer to answer.',
        );
        expect(offer.texts[1]).toContain(`Recommended for this computer: ${recommendation.name!.value as string} (`);
        // The offer measures the machine again: on a busy one the free RAM in the reason may have moved since.
        const sameReasonAnyNumbers = (recommendation.reason!.value as string)
          .split(/\d[\d.,]*/)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[\\d.,]+');
        expect(offer.texts[1]).toMatch(new RegExp(sameReasonAnyNumbers));
        await session.screenshot(join(artifacts, 'quick-chat-no-model.png'));

        await hook().recordSetupTexts();
        await hook().clickDownload();
        await waitFor(() => pulls.some((pull) => pull.event === 'PullFinished'), 'PullFinished', 60_000);
        const finishedPull = pulls.find((pull) => pull.event === 'PullFinished')!;
        expect(finishedPull.values.slice(0, 2)).toEqual(['done', `store:${fileName}`]);
        const progress = pulls.filter((pull) => pull.event === 'PullProgress' && pull.id === finishedPull.id);
        expect(progress.length).withContext('PullProgress signals').toBeGreaterThan(0);
        expect(Number(progress.at(-1)!.values[0])).toBe(model.length);
        expect(modelServer.requests.map((request) => request.path)).toContain(`/models/${fileName}`);
        const shown = await hook().setupTexts();
        expect(shown).toContain('Starting the download…');
        expect(shown.some((text) => /\(\d+ %\)$/.test(text)))
          .withContext(shown.join('\n'))
          .toBeTrue();

        // Models.SetActive answers once the engine follows the model, so the panel's look at
        // EngineState right after it finds the model set up.
        await waitForChat((state) => !state.setup.visible && state.setup.input, 'the entry to return');
        await waitForChat((state) => state.entryFocused, 'the entry to have the focus');
        const answered = finished.size;
        await ask('Why is my disk full?');
        await waitFor(() => finished.size > answered, 'ResponseDone', 60_000);
        const [request, end] = lastFinished();
        expect(end.status).toBe('done');
        expect(end.text.trim()).withContext('the answer').not.toBe('');
        expect(chunks.get(request)).withContext('ResponseChunk signals').toBeGreaterThan(0);
        await waitForChat((state) => !state.answering, 'the answer to end');
        const transcript = await shownTranscript();
        expect(transcript[0]).toBe('Why is my disk full?');
        expect(transcript.slice(1).join('\n\n').replace(/\s+/g, ' ').trim()).toBe(end.text.replace(/\s+/g, ' ').trim());
        await session.screenshot(join(artifacts, 'quick-chat-downloaded.png'));
        await closeWithEscape();
        expect(await shellLogProblems()).toEqual([]);
      });
    });
  });
}

/** The service's messages of the latest conversation once it has `count` of them. */
async function waitForHistory(read: () => Promise<string[]>, count: number): Promise<string[]> {
  let messages: string[] = [];
  await waitFor(async () => (messages = await read()).length >= count, `${count} messages in the conversation`, 60_000);
  return messages;
}
