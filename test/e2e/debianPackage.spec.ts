// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The Debian package, as a user gets it: built by npm run package, installed with apt into the suite's root
// filesystem, and run from where it installs (the extension and the activation file from /usr/share).
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import type { Variant } from '@jellybrick/dbus-next';

import { callMethod } from '../../service/src/dbus/client.js';
import { debContents, testFilesIn, zipContents } from '../support/packageContents.js';
import { BUS_NAME, OBJECT_PATH, quietWatch, waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { activatedServiceLog, sessionOwnerOf } from './harness/activation.js';
import {
  cannotRunShell,
  expectNoMountsLeft,
  EXTENSION_DIR,
  itInShell,
  SETUP_TIMEOUT_MS,
  shellLogProblems,
  TEARDOWN_TIMEOUT_MS,
  unmet,
  UUID,
} from './harness/extensionShell.js';
import { APT_INSTALL, createOverlay, inOverlay, inSession, type RootfsOverlay } from './harness/packages.js';
import { ensureRootfs, TEST_USER } from './harness/rootfs.js';
import { SYSTEM_PATH } from './harness/run.js';
import { type ShellSession, startShellSession } from './harness/session.js';
import { extensionErrors, extensionInfo, ExtensionState, shellEval } from './harness/shell.js';
import { selectedSuites } from './harness/suites.js';

const exec = promisify(execFile);
const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
/** Two versions of this checkout, so that the second upgrades the first. */
const VERSIONS = [`${pkg.version}+e2e1`, `${pkg.version}+e2e2`] as const;
const PACKAGED_COMMAND = ['/usr/bin/node', '/usr/lib/steward/service/steward-service.js'];
const IDLE = 'Steward is idle';
const TITLE = `Main.panel.statusArea[${JSON.stringify(UUID)}]?.accessible_name ?? null`;
const SETTING = `Main.extensionManager.lookup(${JSON.stringify(UUID)}).stateObj.getSettings().get_strv('toggle-quick-chat')`;
const SPEC_TIMEOUT_MS = 6 * 60_000;
const MCP_INITIALIZE = {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'Package Check', version: '1.0.0' },
};

/** Runs npm run package for `version` into its own dist directory; resolves with the .deb's path. */
async function buildPackage(dist: string, version: string): Promise<string> {
  await exec('node', ['build/package/package.mjs'], {
    env: { ...process.env, STEWARD_DIST: dist, STEWARD_BUILD_VERSION: version, STEWARD_DEB_COMPRESSION: 'gzip' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const arch = (await exec('dpkg', ['--print-architecture'])).stdout.trim();
  return join(dist, 'packages', `steward_${version}_${arch}.deb`);
}

async function serviceVersion(session: ShellSession): Promise<string> {
  const [value] = (await callMethod(session.bus, {
    destination: BUS_NAME,
    path: OBJECT_PATH,
    interface: 'org.freedesktop.DBus.Properties',
    member: 'Get',
    signature: 'ss',
    body: [BUS_NAME, 'Version'],
  })) as [Variant<string>];
  return value.value;
}

for (const suite of selectedSuites()) {
  describe(`the Debian package in Debian ${suite.name}`, () => {
    const artifacts = join(process.cwd(), 'test-results', 'e2e', `${suite.name}-package`);
    let work: TempDir;
    let olderDeb: string;
    let newerDeb: string;
    let rootfs: string;
    let overlay: RootfsOverlay;
    let session: ShellSession;

    const evaluate = (code: string) => shellEval(session.bus, code);
    const waitForTitle = (title: string) =>
      waitFor(async () => (await evaluate(TITLE)) === title, `the indicator to say "${title}"`, 30_000);

    beforeAll(async () => {
      if (cannotRunShell()) return;
      await mkdir(artifacts, { recursive: true });
      work = await makeTempDir('steward-e2e-package-');
      olderDeb = await buildPackage(join(work.path, VERSIONS[0]), VERSIONS[0]);
      newerDeb = await buildPackage(join(work.path, VERSIONS[1]), VERSIONS[1]);
      ({ path: rootfs } = await ensureRootfs(suite.name));
      overlay = await createOverlay(rootfs);
      await inOverlay(overlay, suite.name, APT_INSTALL, [olderDeb]);
      session = await startShellSession({
        rootfs,
        extensionDir: EXTENSION_DIR,
        packArgs: [],
        logDir: artifacts,
        installed: { overlay, config: { watch: quietWatch() } },
      });
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      if (unmet) return;
      if (session) await writeFile(join(artifacts, 'service.log'), await activatedServiceLog(session));
      await session?.stop();
      await expectNoMountsLeft(rootfs);
      await overlay?.dir.remove();
      await work?.remove();
    }, TEARDOWN_TIMEOUT_MS);

    itInShell(
      'passes lintian without errors',
      async () => {
        const { stdout } = await exec('lintian', ['--fail-on', 'error', '--allow-root', olderDeb], {
          env: { PATH: SYSTEM_PATH },
        }).catch((error: Error & { stdout?: string }) => {
          throw new Error(`lintian found errors:\n${error.stdout ?? error.message}`);
        });
        await writeFile(join(artifacts, 'lintian.txt'), stdout);
        expect(stdout).not.toMatch(/^E: /m);
      },
      SPEC_TIMEOUT_MS,
    );

    itInShell('ships no test code or test fixtures: every path it holds is listed and checked', async () => {
      const paths = debContents(olderDeb);
      await writeFile(join(artifacts, 'contents.txt'), `${paths.join('\n')}\n`);
      expect(paths).toContain('/usr/lib/steward/service/steward-service.js');
      expect(paths).toContain(`/usr/share/gnome-shell/extensions/${UUID}/extension.js`);
      expect(testFilesIn(paths)).toEqual([]);
    });

    itInShell('writes the extensions.gnome.org zip beside it, without test code', async () => {
      const paths = zipContents(join(dirname(olderDeb), `${UUID}.shell-extension.zip`));
      await writeFile(join(artifacts, 'zip-contents.txt'), `${paths.join('\n')}\n`);
      expect(paths).toContain('extension.js');
      expect(testFilesIn(paths)).toEqual([]);
    });

    itInShell('writes the extensions.gnome.org zip beside it, which passes the review checks', async () => {
      const zip = join(dirname(olderDeb), `${UUID}.shell-extension.zip`);
      const { stdout } = await exec('node', ['build/ego-check.mjs', zip]);
      expect(stdout).toContain('passes the mechanical review checks');
    });

    itInShell(
      'runs from where apt installed it, and an upgrade restarts the running service onto the new code',
      async () => {
        // The extension and its schema from /usr/share, compiled there by GLib's trigger.
        const info = await extensionInfo(session.bus, UUID);
        expect(info.state).withContext('extension state').toBe(ExtensionState.ACTIVE);
        expect(info.path).toBe(`/usr/share/gnome-shell/extensions/${UUID}`);
        expect(await extensionErrors(session.bus, UUID)).toEqual([]);
        expect(await evaluate(SETTING)).toEqual(['<Super>space']);

        // The session bus starts the service from /usr/share/dbus-1/services, with Debian's Node.js.
        await callMethod(session.bus, {
          destination: 'org.freedesktop.DBus',
          path: '/org/freedesktop/DBus',
          interface: 'org.freedesktop.DBus',
          member: 'StartServiceByName',
          signature: 'su',
          body: [BUS_NAME, 0],
        });
        await waitForTitle(IDLE);
        const first = await sessionOwnerOf(session, BUS_NAME);
        expect(first.command).toEqual(PACKAGED_COMMAND);
        expect(await serviceVersion(session)).toBe(VERSIONS[0]);
        const shell = await sessionOwnerOf(session, 'org.gnome.Shell');
        const status = await inSession(
          shell.pid,
          rootfs,
          `setpriv --reuid=${TEST_USER.uid} --regid=${TEST_USER.uid} --clear-groups ` +
            `env HOME=${TEST_USER.home} DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/bus steward status`,
        );
        expect(status).toContain(VERSIONS[0]);

        // An agent starts the packaged `steward mcp` as the README's snippets do: it answers the handshake and
        // lists the service's tools (stdin stays open a moment, as a client's pipe does, while the answers come).
        const handshake = [
          { jsonrpc: '2.0', id: 1, method: 'initialize', params: MCP_INITIALIZE },
          { jsonrpc: '2.0', method: 'notifications/initialized' },
          { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        ]
          .map((message) => `'${JSON.stringify(message)}'`)
          .join(' ');
        const mcp = await inSession(
          shell.pid,
          rootfs,
          `(printf '%s\\n' ${handshake}; sleep 5) | setpriv --reuid=${TEST_USER.uid} --regid=${TEST_USER.uid} ` +
            `--clear-groups env HOME=${TEST_USER.home} DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/bus steward mcp`,
        );
        const replies = mcp
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { id?: number; result?: { tools?: { name: string }[] } });
        const tools = replies.find((reply) => reply.id === 2)?.result?.tools?.map((tool) => tool.name);
        expect(tools).toEqual(jasmine.arrayContaining(['system_summary', 'propose_fix', 'proposal_status']));

        // apt installs the next version while the service runs; its postinst restarts it.
        await inSession(
          shell.pid,
          rootfs,
          'apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb >/dev/null',
          [newerDeb],
        );
        await waitFor(
          async () => (await serviceVersion(session).catch(() => '')) === VERSIONS[1],
          'the service of the new version',
          30_000,
        );
        const second = await sessionOwnerOf(session, BUS_NAME);
        expect(second.pid).not.toBe(first.pid);
        expect(second.command).toEqual(PACKAGED_COMMAND);
        await waitForTitle(IDLE);
        expect(await shellLogProblems(session.shellLogPath)).toEqual([]);
      },
      SPEC_TIMEOUT_MS,
    );

    itInShell(
      'apt remove keeps the user data, and purge removes the system files only',
      async () => {
        const clean = await createOverlay(rootfs);
        try {
          await inOverlay(clean, suite.name, APT_INSTALL, [olderDeb]);
          const data = [
            `${TEST_USER.home}/.config/steward/config.json`,
            `${TEST_USER.home}/.local/state/steward/state.db`,
          ];
          const kept = (when: string) => data.map((file) => `${when}, kept ${file}`);
          const output = await inOverlay(
            clean,
            suite.name,
            `files=$(dpkg-query -L steward)
for file in ${data.join(' ')}; do mkdir -p "$(dirname "$file")"; echo data >"$file"; done
report() {
  for path in $files; do if [ ! -d "$path" ] && { [ -e "$path" ] || [ -L "$path" ]; }; then echo "$1, left $path"; fi; done
  for file in ${data.join(' ')}; do if [ -f "$file" ]; then echo "$1, kept $file"; fi; done
}
forgotten() {
  if dpkg-query -W steward >/dev/null 2>&1; then echo "$1, dpkg still knows steward"; fi
  if grep -q org.gnome.shell.extensions.steward /usr/share/glib-2.0/schemas/gschemas.compiled; then
    echo "$1, the schema is still compiled in"
  fi
}
apt-get remove -y -qq steward >/dev/null
report 'after remove'
forgotten 'after remove'
apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb >/dev/null
apt-get purge -y -qq steward >/dev/null
report 'after purge'
forgotten 'after purge'`,
            [olderDeb],
          );
          expect(output.trim().split('\n')).toEqual([...kept('after remove'), ...kept('after purge')]);
        } finally {
          await clean.dir.remove();
        }
      },
      SPEC_TIMEOUT_MS,
    );
  });
}
