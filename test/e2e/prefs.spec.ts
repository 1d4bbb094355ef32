// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The preferences as a person sees them, read from the window's accessible tree (what a screen reader
// reads) in each state of the service, on every GNOME version of the suite.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';
import { po as gettextPo } from 'gettext-parser';

import { callMethod } from '../../service/src/dbus/client.js';
import {
  activateModel,
  BUS_NAME,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
  waitFor,
} from '../support/service.js';
import { makeTempDir } from '../support/tempDir.js';
import { writeTinyModel } from '../support/tinyModel.js';
import { openShellWithActivation } from './harness/activation.js';
import { type AccessibleNode, findAll, visibleTexts } from './harness/atspi.js';
import {
  cannotRunShell,
  expectNoMountsLeft,
  itInShell,
  type OpenedShell,
  openShell,
  SETUP_TIMEOUT_MS,
  TEARDOWN_TIMEOUT_MS,
  UUID,
} from './harness/extensionShell.js';
import { PrefsWindow, rowTexts, shown } from './harness/prefsWindow.js';
import { ensureRootfs } from './harness/rootfs.js';
import type { ShellSession } from './harness/session.js';
import { selectedSuites } from './harness/suites.js';

const SPEC_TIMEOUT_MS = 6 * 60_000;

/** The preferences are checked on every GNOME version the suite knows, unless STEWARD_E2E_SUITES narrows it. */
const SUITES = selectedSuites(process.env.STEWARD_E2E_SUITES ?? 'trixie,forky,sid');

/** Lines of a log that tell of a problem in JavaScript, GTK or libadwaita. */
const problems = (log: string) =>
  log
    .split('\n')
    .filter((line) => /JS ERROR|JS WARNING|Gjs-(WARNING|CRITICAL)|Gtk-(WARNING|CRITICAL)|Adwaita-/.test(line))
    // GNOME 49+'s Extensions app itself warns so for every extension (a GObject-introspection false positive).
    .filter((line) => !line.includes('Adw.PreferencesWindow::visible-page does not match'));

/** A widget unique to each page, by its tab's name and Alt key; only the selected page's may be on screen. */
const PAGES = [
  { tab: 'Model', key: 'KEY_m', widget: 'Answers come from' },
  { tab: 'Watching', key: 'KEY_w', widget: 'What Steward Watches' },
  { tab: 'Safety', key: 'KEY_s', widget: 'Allow diagnostic commands' },
  { tab: 'Shortcut', key: 'KEY_h', widget: 'Open quick chat' },
] as const;

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

async function serviceConfig(bus: MessageBus): Promise<{ watch: { units: boolean } }> {
  const [config] = await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: 'io.github.steward.Steward1.Settings',
    member: 'GetConfig',
  });
  return JSON.parse(config as string) as { watch: { units: boolean } };
}

async function serviceVersion(bus: MessageBus): Promise<string> {
  const [version] = await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: 'org.freedesktop.DBus.Properties',
    member: 'Get',
    signature: 'ss',
    body: ['io.github.steward.Steward1', 'Version'],
  });
  return (version as Variant<string>).value;
}

/** The models the service lists, by id and name. */
async function serviceModels(bus: MessageBus): Promise<{ id: string; name: string; active: boolean; path: string }[]> {
  const [models] = (await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: 'io.github.steward.Steward1.Models',
    member: 'List',
  })) as [Record<string, Variant>[]];
  return models.map((model) => ({
    id: model.id?.value as string,
    name: model.name?.value as string,
    active: model.active?.value as boolean,
    path: model.path?.value as string,
  }));
}

/** The actions the service lists (Proposals.Catalog): the Safety page's rules and its count of steps that look. */
async function serviceCatalog(bus: MessageBus): Promise<{ name: string; title: string; readOnly: boolean }[]> {
  const [actions] = (await callMethod(bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: 'io.github.steward.Steward1.Proposals',
    member: 'Catalog',
    signature: 'a{sv}',
    body: [{}],
  })) as [Record<string, Variant>[]];
  return actions.map((action) => ({
    name: action.name?.value as string,
    title: action.title?.value as string,
    readOnly: action['read-only']?.value as boolean,
  }));
}

/** The row titled `title` and what it shows, or a complaint. */
const rowSays = (tree: AccessibleNode, title: string | RegExp, ...expected: (string | RegExp)[]) => {
  const texts = rowTexts(tree, title);
  if (!texts) return `no row titled ${String(title)}`;
  const missing = expected.filter(
    (want) => !texts.some((text) => (typeof want === 'string' ? text.includes(want) : want.test(text))),
  );
  return missing.length > 0
    ? `the row ${String(title)} shows ${JSON.stringify(texts)}, not ${missing.map(String).join(', ')}`
    : undefined;
};

/** Whether the one button named `name` is on screen and sensitive (a person can press it), or a complaint. */
const buttonIs = (tree: AccessibleNode, name: string, sensitive: boolean) => {
  const button = shown(tree, name, 'button');
  if (!button) return `no ${name} button on screen`;
  return button.states.has('sensitive') === sensitive
    ? undefined
    : `${name} is ${sensitive ? 'insensitive' : 'sensitive'}`;
};

const firstComplaint = (...complaints: (string | undefined)[]) =>
  complaints.find((complaint) => complaint !== undefined);

/** Whether the row titled `title` says `words` (its title) once: no text in it but its title repeats them. */
const saysOnce = (tree: AccessibleNode, title: string | RegExp, words = String(title)) => {
  const [, ...rest] = rowTexts(tree, title) ?? [];
  const repeated = rest.filter((text) => text.includes(words));
  return repeated.length > 0 ? `the row ${String(title)} repeats "${words}" in ${JSON.stringify(repeated)}` : undefined;
};

/** What works only with the service there: none of it may be on screen while the service is not. */
const NEEDS_THE_SERVICE = [
  'Answers come from',
  'Installed Models',
  'Recommended Model',
  'Download',
  'System journal',
  'Disks',
  'Allow diagnostic commands',
  'Fixes',
] as const;

const offersNothingThatNeedsTheService = (tree: AccessibleNode) => {
  const offered = NEEDS_THE_SERVICE.filter((name) => shown(tree, name));
  return offered.length > 0 ? `without the service, the window still offers ${offered.join(', ')}` : undefined;
};

/** Exactly one tab is selected, `tab`, and of the pages only its own widget is on screen. */
const onlyPage = (tree: AccessibleNode, tab: string, widget: string | RegExp, ...otherPages: (string | RegExp)[]) => {
  const selected = findAll(tree, 'tab', /.*/).filter((node) => node.states.has('selected'));
  if (selected.length !== 1 || selected[0]?.name !== tab)
    return `the selected tabs are ${JSON.stringify(selected.map((node) => node.name))}, not ${tab} alone`;
  if (!shown(tree, widget)) return `${String(widget)} is not on screen`;
  const others = otherPages.filter((other) => shown(tree, other));
  return others.length > 0 ? `${others.map(String).join(', ')} of another page also on screen` : undefined;
};

for (const suite of SUITES) {
  describe(`the preferences in GNOME Shell ${suite.gnomeVersion} (Debian ${suite.name}), as read from the screen`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', suite.name, 'prefs');
    let rootfs: string | undefined;

    beforeAll(async () => {
      if (cannotRunShell()) return;
      await rm(artifacts, { recursive: true, force: true });
      // Built here on first use (minutes), so that no spec's own time goes to it.
      await ensureRootfs(suite.name);
    }, SETUP_TIMEOUT_MS);

    afterAll(() => expectNoMountsLeft(rootfs), TEARDOWN_TIMEOUT_MS);

    interface Scene {
      session: ShellSession;
      prefs: PrefsWindow;
      /** Set when the spec started the service itself. */
      service?: RunningService;
    }

    /**
     * A shell session (`open`) in which `prepare` may start the service, the preferences opened in it,
     * and `walk` run on them; afterwards the logs of the shell and of the preferences must be clean.
     */
    const withPreferences = async (
      name: string,
      open: (logDir: string) => Promise<OpenedShell>,
      walk: (scene: Scene) => Promise<void>,
      prepare: (session: ShellSession, home: string) => Promise<RunningService | undefined> = async () => undefined,
    ) => {
      const logDir = join(artifacts, name);
      const home = await makeTempDir('steward-e2e-prefs-');
      const opened = await open(logDir);
      rootfs = opened.rootfs;
      const { session } = opened;
      let service: RunningService | undefined;
      let prefs: PrefsWindow | undefined;
      try {
        service = await prepare(session, home.path);
        prefs = await PrefsWindow.open(session, logDir);
        await walk({ session, prefs, service });
      } finally {
        prefs?.dispose();
        await service?.stop();
        if (service) await writeFile(join(logDir, 'service.log'), service.log());
        await session.stop();
        await home.remove();
      }
      const sessionLog = await readFile(join(logDir, 'session.log'), 'utf8');
      const shellLog = await readFile(join(logDir, 'shell.log'), 'utf8');
      expect(problems(sessionLog)).withContext('the preferences process').toEqual([]);
      expect(problems(shellLog).filter((line) => line.includes(UUID) || line.includes('JS ERROR')))
        .withContext('the shell')
        .toEqual([]);
    };

    const plainShell = (logDir: string, locale?: string) => openShell(suite.name, logDir, undefined, locale);

    /**
     * Starts the service on the session's bus with `home` as its home, in the session's language when `locale` says
     * it; with a model, the tiny one is active.
     */
    const startService = async (
      session: ShellSession,
      home: string,
      { model, locale }: { model: boolean; locale?: string },
    ) => {
      if (model) {
        await mkdir(join(home, 'data', 'steward', 'models'), { recursive: true });
        await writeTinyModel(join(home, 'data', 'steward', 'models', 'tiny.gguf'));
      }
      const service = await startConfiguredService(
        { address: session.busAddress },
        session.bus,
        home,
        { watch: quietWatch() },
        locale ? { LANG: locale } : {},
      );
      if (model) await activateModel(session.bus, 'store:tiny.gguf');
      return service;
    };

    itInShell(
      'show the running service with its version and model, switch every page by keyboard and by click, and keep a changed setting',
      () =>
        withPreferences(
          'running-with-model',
          (logDir) => plainShell(logDir),
          async ({ session, prefs }) => {
            const version = await serviceVersion(session.bus);
            const model = (await serviceModels(session.bus)).find((candidate) => candidate.active);
            expect(model).withContext('the service has the tiny model active').toBeDefined();
            const tree = await prefs.waitUntil('status-running', (now) =>
              firstComplaint(
                // The engine's model, as the top-bar menu names it: its file, and whether it is loaded.
                rowSays(now, 'Steward is running', `Version ${version}`, `${model?.path.split('/').pop()} · `),
                rowSays(now, 'Answers come from', 'This computer'),
                // The installed model, chosen; the catalogue's recommendation, with its download.
                shown(now, new RegExp(`^${model?.name}`), 'list item')
                  ? undefined
                  : `no row for the model ${model?.name}`,
                buttonIs(now, 'Download', true),
              ),
            );
            const modelRow = findAll(tree, 'list item', new RegExp(`^${model?.name}`))[0]!;
            expect(findAll(modelRow, 'checkbox', /.*/).some((box) => box.states.has('checked')))
              .withContext('the active model is checked')
              .toBeTrue();
            expect(shown(tree, /not installed|not running/))
              .withContext('nothing says the service is absent')
              .toBeUndefined();
            expect(visibleTexts(tree).join('\n')).not.toMatch(/Something went wrong|is not a function/);

            // Every page shows its own widgets and none of another's, by Alt+key and by clicking its tab.
            const screenshots: string[] = [await prefs.save('page-model', tree)];
            for (const how of ['keyboard', 'click'] as const) {
              for (const page of [...PAGES.slice(1), PAGES[0]]) {
                if (how === 'keyboard') await prefs.pressAlt(page.key);
                else await prefs.clickTab(page.tab);
                const onPage = await prefs.waitUntil(`page-${page.tab}-by-${how}`, (now) => {
                  if (PrefsWindow.selectedTab(now) !== page.tab)
                    return `the ${PrefsWindow.selectedTab(now)} tab is selected`;
                  const others = PAGES.filter((other) => other !== page && shown(now, other.widget));
                  if (!shown(now, page.widget)) return `${page.widget} is not on screen`;
                  return others.length > 0
                    ? `${others.map((other) => other.widget).join(', ')} also on screen`
                    : undefined;
                });
                if (how === 'keyboard') screenshots.push(await prefs.save(`page-${page.tab.toLowerCase()}`, onPage));
              }
            }
            const pictures = await Promise.all(screenshots.map(sha256));
            expect(new Set(pictures).size).withContext('each page looks different on screen').toBe(pictures.length);

            // The shortcut's warning points to the Change… button beside it, as the window it is in.
            await prefs.clickTab('Shortcut');
            await prefs.waitUntil('shortcut-conflict', (now) =>
              firstComplaint(
                rowSays(now, 'This shortcut does nothing yet', 'choose another shortcut with “Change…”.'),
                shown(now, /in the preferences/) ? 'the preferences send the person to the preferences' : undefined,
              ),
            );

            // The Safety page: only what changes the system, grouped by what it touches; what only reads is one line.
            await prefs.clickTab('Safety');
            const safety = await prefs.waitUntil('safety-grouped', (now) =>
              firstComplaint(
                ...['Services', 'Packages', 'Files', 'Network'].map((group) =>
                  shown(now, group) ? undefined : `no group ${group}`,
                ),
                shown(now, 'Restart a service') ? undefined : 'no row for restarting a service',
                rowSays(now, 'Steps that only look', /^\d+ steps read logs, crash reports or disk use/),
                ...['Show the crash report', 'Show logs', 'Show what fills a disk'].map((reading) =>
                  shown(now, reading) ? `a row for "${reading}", which changes nothing` : undefined,
                ),
              ),
            );
            await prefs.save('safety-grouped', safety);

            // A changed switch reaches the service, and shows the same after the window is opened again.
            await prefs.clickTab('Watching');
            const before = (await serviceConfig(session.bus)).watch.units;
            // The row and the switch inside it share the name; the switch is what holds the state.
            const failedServices = (now: AccessibleNode) => findAll(now, 'switch', 'Failed services').at(-1);
            const shownSwitch = failedServices(
              await prefs.waitUntil('watching-shown', (now) =>
                failedServices(now) ? undefined : 'no Failed services switch',
              ),
            );
            expect(shownSwitch?.states.has('checked')).withContext('the switch shows the configuration').toBe(before);
            await prefs.a11y.act(shownSwitch!);
            await waitFor(
              async () => (await serviceConfig(session.bus)).watch.units === !before,
              'the service to take the change',
            );
            await prefs.close();
            await prefs.reopen();
            await prefs.clickTab('Watching');
            await prefs.waitUntil('setting-kept', (now) =>
              failedServices(now)?.states.has('checked') === !before
                ? undefined
                : 'the switch does not show the changed setting',
            );
            await prefs.save('setting-kept');
          },
          (session, home) => startService(session, home, { model: true }),
        ),
      SPEC_TIMEOUT_MS,
    );

    itInShell(
      'show a running service without a model, with nothing installed and the recommended model to download',
      () =>
        withPreferences(
          'running-without-model',
          (logDir) => plainShell(logDir),
          async ({ session, prefs }) => {
            const version = await serviceVersion(session.bus);
            await prefs.waitUntil('status-no-model', (now) =>
              firstComplaint(
                rowSays(now, 'Steward is running', `Version ${version}`, 'No model is set up'),
                shown(now, 'No models yet: download the recommended one below.')
                  ? undefined
                  : 'no word that no model is installed',
                rowSays(now, /download\)$/),
                // The reason beside the model's name, without its name again.
                saysOnce(now, /download\)$/, rowTexts(now, /download\)$/)?.[0]?.replace(/ \(.*$/, '')),
                buttonIs(now, 'Download', true),
              ),
            );
            await prefs.save('running-without-model');
          },
          (session, home) => startService(session, home, { model: false }),
        ),
      SPEC_TIMEOUT_MS,
    );

    itInShell(
      'say that the installed service is not running, and start it with Start',
      () =>
        withPreferences(
          'installed-not-running',
          // With the expert shell allowed, its step is in the service's catalog: one more step that only looks.
          (logDir) =>
            openShellWithActivation(suite.name, logDir, { watch: quietWatch(), fixes: { expertShell: true } }),
          async ({ session, prefs }) => {
            await prefs.waitUntil('status-not-running', (now) =>
              firstComplaint(
                rowSays(now, 'Steward is not running', 'Start it to change these settings.'),
                buttonIs(now, 'Start', true),
                offersNothingThatNeedsTheService(now),
              ),
            );
            await prefs.save('installed-not-running');
            // The fix rules are the service's catalog: without it, the Safety page says why it lists none.
            await prefs.clickTab('Safety');
            await prefs.save(
              'safety-not-running',
              await prefs.waitUntil('safety-not-running', (now) =>
                firstComplaint(
                  onlyPage(now, 'Safety', 'Steward service is not running'),
                  rowSays(now, 'Steward service is not running', 'Start it from the Steward menu in the top bar'),
                  ...['Restart a service', 'Steps that only look', 'Reading Steward’s fixes…'].map((row) =>
                    shown(now, row) ? `"${row}" shown without the service` : undefined,
                  ),
                  offersNothingThatNeedsTheService(now),
                ),
              ),
            );
            await prefs.clickTab('Model');
            await prefs.click('Start', 'button');
            await prefs.waitUntil('started', (now) =>
              firstComplaint(
                rowSays(now, 'Steward is running', /^Version /),
                shown(now, 'Start', 'button') ? 'Start is still shown' : undefined,
                rowSays(now, 'Answers come from', 'This computer'),
                shown(now, 'Recommended Model') ? undefined : 'no recommended model once it runs',
              ),
            );
            await prefs.save('started');
            // Once it runs, the page lists what the service's catalog holds: a rule for each change, and the count
            // of the steps that only look, the expert shell's among them.
            const catalog = await serviceCatalog(session.bus);
            expect(catalog.find((action) => action.name === 'shell.run')?.readOnly).toBeTrue();
            const looking = catalog.filter((action) => action.readOnly).length;
            await prefs.clickTab('Safety');
            await prefs.save(
              'safety-started',
              await prefs.waitUntil('safety-started', (now) =>
                firstComplaint(
                  rowSays(now, 'Steps that only look', new RegExp(`^${looking} steps read logs`)),
                  ...catalog.map(({ title, readOnly }) =>
                    findAll(now, 'combo box', title).length > 0 === readOnly
                      ? `${readOnly ? 'a' : 'no'} rule for "${title}"`
                      : undefined,
                  ),
                  shown(now, 'Steward service is not running') ? 'still says the service is not running' : undefined,
                ),
              ),
            );
          },
        ),
      SPEC_TIMEOUT_MS,
    );

    itInShell(
      'say that the service is not installed and how to get it',
      () =>
        withPreferences(
          'not-installed',
          (logDir) => plainShell(logDir),
          async ({ prefs }) => {
            const notInstalled = 'Steward’s service is not installed';
            const model = await prefs.waitUntil('status-not-installed', (now) =>
              firstComplaint(
                // The way to get it: the packages for this distribution, then the install from a copy of the source.
                rowSays(now, notInstalled, /^On Debian GNU\/Linux .*sudo apt install .*npm run install-user/),
                saysOnce(now, notInstalled),
                shown(now, 'Start', 'button') ? 'a Start button for a service that is not there' : undefined,
                offersNothingThatNeedsTheService(now),
              ),
            );
            await prefs.save('not-installed-model', model);
            await prefs.clickTab('Watching');
            const watching = await prefs.waitUntil('not-installed-watching', (now) =>
              firstComplaint(
                onlyPage(now, 'Watching', 'Notify about', 'Copy Diagnostics'),
                rowSays(now, notInstalled, /sudo apt install/),
                saysOnce(now, notInstalled),
                offersNothingThatNeedsTheService(now),
              ),
            );
            await prefs.save('not-installed', watching);
          },
        ),
      SPEC_TIMEOUT_MS,
    );

    for (const [language, locale, name] of [
      ['de', 'de_DE.UTF-8', 'German'],
      ['fr', 'fr_FR.UTF-8', 'French'],
    ] as const)
      if (suite === SUITES[0])
        itInShell(
          `speak ${name} in a ${name} session, on the Safety page too`,
          async () => {
            const po = gettextPo.parse(await readFile(join(process.cwd(), 'po', `${language}.po`)));
            const translate = (msgid: string) => {
              const translated = po.translations['']?.[msgid]?.msgstr[0];
              if (!translated) throw new Error(`po/${language}.po has no translation of "${msgid}"`);
              return translated;
            };
            await withPreferences(
              name.toLowerCase(),
              (logDir) => plainShell(logDir, locale),
              async ({ prefs }) => {
                await prefs.waitUntil(name.toLowerCase(), (now) =>
                  firstComplaint(
                    rowSays(now, translate('Steward is running'), /\d/),
                    shown(now, translate('_Watching').replace('_', ''), 'tab') ? undefined : `no ${name} Watching tab`,
                    rowSays(now, translate('Answers come from'), translate('This computer')),
                  ),
                );
                await prefs.save(name.toLowerCase());
                await prefs.clickTab(translate('_Safety').replace('_', ''));
                const safety = await prefs.waitUntil(`${name.toLowerCase()}-safety`, (now) =>
                  firstComplaint(
                    ...['Services', 'Packages', 'Network'].map((group) =>
                      shown(now, translate(group)) ? undefined : `no group ${translate(group)}`,
                    ),
                    shown(now, translate('Restart a service')) ? undefined : 'no row for restarting a service',
                    rowSays(now, translate('Steps that only look')),
                    shown(now, translate('Show the crash report')) ? 'a row for a step that only reads' : undefined,
                  ),
                );
                await prefs.save(`${name.toLowerCase()}-safety`, safety);
              },
              // The Safety page's rules are the service's catalog, named in the service's language.
              (session, home) => startService(session, home, { model: true, locale }),
            );
          },
          SPEC_TIMEOUT_MS,
        );
  });
}
