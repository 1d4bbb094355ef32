// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One problem, one notification: a proposal drafted after its finding was told alone (a busy machine drafts it
// seconds later) is told in the finding's notification, which the banner on screen then shows, not in a second one
// a burst later. The timing is a STAND-IN: the test hook hands the shell the service's signals (TellSignal), as no
// test can choose how long the service takes to draft; the notifications, their words and the screen are real.
import { join } from 'node:path';

import { waitFor } from '../support/service.js';
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
} from './harness/extensionShell.js';
import type { ShellSession } from './harness/session.js';
import { shellEval } from './harness/shell.js';
import { selectedSuites } from './harness/suites.js';
import { TestHook } from './harness/testHook.js';

const BANNER = { x: 1280 / 2 - 300, y: 0, width: 600, height: 200 };
const NOTIFICATIONS = `Main.messageTray.getSources().filter((source) => source.title === 'Steward')
  .flatMap((source) => source.notifications.map((n) => ({ title: n.title, body: n.body, actions: n.actions.map((action) => action.label) })))`;

const title = 'archive.service failed';
const explanation = 'The archive script stopped with an error of its own.';
const found = 'Its log says that its program ended with an error';
const finding = { id: '9001', severity: 'error', title, explanation };
const proposal = {
  id: '9002',
  'finding-id': finding.id,
  title: 'See why archive.service failed',
  explanation,
  state: 'open',
  origin: 'playbook',
  'vouched-by': 'systemd',
  'reported-by': 'systemd',
  actions: [
    {
      name: 'info.unit_failure',
      title: 'See why archive.service failed',
      risk: 'low',
      'read-only': true,
      shown: true,
      answer: `${found}:\n  archive.sh: exit 3`,
    },
  ],
};

for (const suite of selectedSuites().filter((each) => each.name === 'trixie')) {
  describe(`a proposal drafted after its finding in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name})`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', `${suite.name}-proposal-after-finding`);
    let rootfs: string | undefined;
    let session: ShellSession | undefined;

    beforeAll(async () => {
      if (cannotRunShell()) return;
      ({ rootfs, session } = await openShell(suite.name, artifacts));
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      if (unmet) return;
      await session?.stop();
      await expectNoMountsLeft(rootfs);
    }, TEARDOWN_TIMEOUT_MS);

    itInShell('is told in the notification its finding had, on screen, not in a second', async () => {
      const shell = session!;
      const evaluate = (code: string) => shellEval(shell.bus, code);
      const notifications = async () =>
        (await evaluate(NOTIFICATIONS)) as { title: string; body: string; actions: string[] }[];
      const hook = new TestHook(shell.bus);
      const a11y = await openAccessibilityBus(shell.bus, shell.tmpDir);
      try {
        await hook.tellSignal('findingAdded', finding);
        await waitFor(async () => (await notifications()).length > 0, 'the finding told alone', 30_000);
        expect(await notifications()).toEqual([{ title, body: explanation, actions: ['Show', 'Dismiss'] }]);

        await hook.tellSignal('proposalAdded', proposal);
        await waitFor(
          async () => (await evaluate('Main.messageTray._notification?.title ?? null')) === title,
          'the banner',
          30_000,
        );
        await evaluate('Main.messageTray._banner?.expand(false)');
        let screen: string[] = [];
        await waitFor(
          async () => {
            screen = visibleTexts(await a11y.tree(await a11y.application('gnome-shell')));
            return screen.some((text) => text.includes(found));
          },
          'what its step found, on screen',
          30_000,
        );
        await shell.screenshot(join(artifacts, 'proposal-after-finding.png'), BANNER);
        expect(screen).toContain(title);
        expect(screen).toContain('Details');
        expect(screen).not.toContain('Show');
        expect(await notifications()).toEqual([
          { title, body: `${explanation}\u2028${found}`, actions: ['Details', 'Dismiss'] },
        ]);
        expect(await shellLogProblems(shell.shellLogPath)).toEqual([]);
      } finally {
        a11y.close();
      }
    });
  });
}
