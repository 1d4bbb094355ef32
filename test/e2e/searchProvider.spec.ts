// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Variant } from '@jellybrick/dbus-next';

import { callMethod, SignalRouter } from '../../service/src/dbus/client.js';
import { type OpenAIServer, startOpenAIServer } from '../support/openaiServer.js';
import { DISK_FULL_SCRIPT, scriptedReply } from '../support/replayModel.js';
import {
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import {
  cannotRunShell,
  expectNoMountsLeft,
  itInShell,
  openShell,
  pressKeys,
  SETUP_TIMEOUT_MS,
  shellLogProblems,
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
const SPEC_TIMEOUT_MS = 3 * 60_000;
const QUESTION = DISK_FULL_SCRIPT.question;
const ANSWER = 'Your thumbnail cache is the biggest item. I proposed clearing it; apply it if you agree.';

// JavaScript evaluated inside the shell.
const OVERVIEW_SETTLED = '!Main.overview.animationInProgress';
const REGISTERED = `Main.overview.searchController._searchResults._providers.some((p) => p.id === ${JSON.stringify(UUID)})`;
for (const suite of selectedSuites()) {
  describe(`the overview search in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name})`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', suite.name, 'search');
    let rootfs: string;
    let session: ShellSession;
    let home: TempDir;
    let server: OpenAIServer;
    let service: RunningService | undefined;
    let router: SignalRouter;
    const finished = new Map<string, { session: string; status: string; text: string; proposals: string[] }>();

    const evaluate = (code: string) => shellEval(session.bus, code);
    const hook = () => new TestHook(session.bus);
    const chatOpen = async () => (await hook().chat()).open;
    /** The titles of the proposal cards in the quick chat. */
    const cardTitles = async () =>
      (await hook().chat()).cards.flatMap((card) =>
        card.labels.filter((label) => label.style.includes('steward-chat-card-title')).map((label) => label.text),
      );
    const waitForShell = (code: string, what: string, timeoutMs = 10_000) =>
      waitFor(async () => (await evaluate(code)) === true, what, timeoutMs);
    const callService = (iface: string, member: string, signature = '', body: unknown[] = []) =>
      callMethod(session.bus, { destination: BUS_NAME, path: OBJECT_PATH, interface: iface, member, signature, body });
    const sessionCount = async () => ((await callService(CHAT, 'ListSessions')) as [unknown[]])[0].length;

    /** Opens the overview and types `text` into its search entry, as a user who pressed Super and typed. */
    const search = async (text: string) => {
      await evaluate('Main.overview.show()');
      await waitForShell(`Main.overview.visible && ${OVERVIEW_SETTLED}`, 'the overview to open');
      await evaluate(`Main.overview.searchEntry.set_text(${JSON.stringify(text)})`);
    };
    const resultsContain = (title: string, what: string) =>
      waitFor(async () => (await hook().searchResults()).includes(title), what);
    const closeOverview = async () => {
      await evaluate('Main.overview.hide()');
      await waitForShell(`!Main.overview.visible && ${OVERVIEW_SETTLED}`, 'the overview to close');
    };

    beforeAll(async () => {
      if (cannotRunShell()) return;
      ({ rootfs, session } = await openShell(suite.name, artifacts));
      home = await makeTempDir('steward-e2e-search-');
      // What the scripted answer proposes to clear: a thumbnail cache of 8 files of 256 KB.
      const thumbnails = join(home.path, '.cache', 'thumbnails', 'large');
      await mkdir(thumbnails, { recursive: true });
      for (let n = 0; n < 8; n++) await writeFile(join(thumbnails, `${n}.png`), Buffer.alloc(256 * 1024, n));

      server = await startOpenAIServer({ reply: scriptedReply([DISK_FULL_SCRIPT]), apiKey: 'sk-test-search' });
      const keyFile = join(home.path, 'config', 'steward', 'api-key');
      await mkdir(join(home.path, 'config', 'steward'), { recursive: true });
      await writeFile(keyFile, 'sk-test-search\n', { mode: 0o600 });
      service = await startConfiguredService({ address: session.busAddress }, session.bus, home.path, {
        watch: quietWatch(),
        inference: { engine: 'remote', remote: { url: server.url, model: 'test-model', apiKeyFile: keyFile } },
      });

      router = new SignalRouter(session.bus);
      await router.subscribe({ interface: CHAT, path: OBJECT_PATH, member: 'ResponseDone' }, (body) => {
        const [id, sessionId, status, text] = body as string[];
        finished.set(id!, { session: sessionId!, status: status!, text: text!, proposals: body[8] as string[] });
      });
      // The extension follows the service from its start.
      await waitFor(() => hook().serviceRunning(), 'the extension to see the service');
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
      'offers "Ask Steward" while typing, without asking anything, and its activation asks in the quick chat',
      async () => {
        expect(await evaluate(REGISTERED))
          .withContext('the provider is registered')
          .toBe(true);
        const sessionsBefore = await sessionCount();
        const requestsBefore = server.requests.length;
        const answered = finished.size;
        await search(QUESTION);
        const ask = `Ask Steward: ${QUESTION}`;
        await resultsContain(ask, 'the "Ask Steward" result');
        expect(await hook().searchResults()).toEqual([ask]);
        await session.screenshot(join(artifacts, 'overview-search.png'));
        expect(server.requests.length).withContext('requests to the model while typing').toBe(requestsBefore);
        expect(await sessionCount())
          .withContext('conversations started while typing')
          .toBe(sessionsBefore);

        expect(await hook().clickSearchResult(ask)).toBe(true);
        await waitFor(
          async () => !(await evaluate('Main.overview.visible')) && (await chatOpen()),
          'the quick chat instead of the overview',
        );
        await waitFor(() => finished.size > answered, 'the answer', 60_000);
        const end = [...finished.values()].at(-1)!;
        expect(end.status).toBe('done');
        expect(end.text).toBe(ANSWER);
        expect(server.requests[requestsBefore]?.body.messages.at(-1)).toEqual(
          jasmine.objectContaining({ role: 'user', content: QUESTION }),
        );
        await waitFor(async () => (await hook().chat()).transcript.includes(ANSWER), 'the answer shown');
        const transcript = (await hook().chat()).transcript;
        expect(transcript[0]).toBe(QUESTION);
        expect((await hook().chat()).entryFocused)
          .withContext('the entry has the keyboard focus')
          .toBe(true);
        await session.screenshot(join(artifacts, 'asked-from-overview.png'));
        await evaluate(pressKeys('KEY_Escape'));
        await waitFor(async () => !(await chatOpen()), 'the quick chat to close');
        expect(await shellLogProblems(session.shellLogPath)).toEqual([]);
      },
      SPEC_TIMEOUT_MS,
    );

    itInShell(
      'finds a pending proposal by its title and opens its card in the quick chat',
      async () => {
        if (finished.size === 0) {
          // Run before the spec above (jasmine's random order), this one has the proposal made itself.
          await callService(CHAT, 'Send', 'ssa{sv}', ['', QUESTION, {}]);
          await waitFor(() => finished.size > 0, 'the answer with its proposal', 60_000);
        }
        const proposalId = [...finished.values()].flatMap((end) => end.proposals)[0]!;
        const [proposal] = (await callService(PROPOSALS, 'Get', 's', [proposalId])) as [Record<string, Variant>];
        const title = proposal.title!.value as string;
        const words = title.split(' ').slice(-2);

        await search(words.join(' ').toUpperCase());
        await resultsContain(title, 'the proposal among the results');
        expect(await hook().searchResults()).toEqual([`Ask Steward: ${words.join(' ').toUpperCase()}`, title]);
        expect(await hook().clickSearchResult(title)).toBe(true);
        await waitFor(
          async () => !(await evaluate('Main.overview.visible')) && (await chatOpen()),
          'the quick chat instead of the overview',
        );
        // The card is headed by the proposal's title, or by the kind of change where that title only repeats its button.
        const actions = proposal.actions!.value as Record<string, Variant<string>>[];
        const headings = [title, ...actions.map((action) => String(action.title?.value ?? ''))];
        await waitFor(
          async () => headings.includes((await cardTitles()).at(-1) ?? ''),
          "the proposal's card in the quick chat",
        );
        await evaluate(pressKeys('KEY_Escape'));
        await waitFor(async () => !(await chatOpen()), 'the quick chat to close');

        // A search that matches nothing of Steward's still offers to ask.
        await search('zzzz');
        await resultsContain('Ask Steward: zzzz', 'the "Ask Steward" result');
        expect(await hook().searchResults()).toEqual(['Ask Steward: zzzz']);
        await closeOverview();
        expect(await shellLogProblems(session.shellLogPath)).toEqual([]);
      },
      SPEC_TIMEOUT_MS,
    );

    itInShell('leaves the overview search when the extension is disabled, and comes back with it', async () => {
      await setExtensionEnabled(session.bus, UUID, false);
      await waitFor(async () => (await extensionInfo(session.bus, UUID)).state === ExtensionState.INACTIVE, 'off');
      expect(await evaluate(REGISTERED)).toBe(false);
      await setExtensionEnabled(session.bus, UUID, true);
      await waitFor(async () => (await extensionInfo(session.bus, UUID)).state === ExtensionState.ACTIVE, 'on');
      expect(await evaluate(REGISTERED)).toBe(true);
      await waitFor(() => hook().serviceRunning(), 'the extension to see the service again');
      await search('disk');
      await resultsContain('Ask Steward: disk', 'the "Ask Steward" result after enabling again');
      await closeOverview();
      expect(await shellLogProblems(session.shellLogPath)).toEqual([]);
    });
  });
}
