// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// "Install Blender" on NixOS: the chat's catalog offers nixos.add_package (typed parameters, no Nix text)
// instead of PackageKit's packages.install, the proposal carries the diff and the dry build, Apply runs it
// over D-Bus, and Proposals.ConfirmChanges keeps it; elsewhere the catalog stays PackageKit's.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { MessageBus, Variant } from '@jellybrick/dbus-next';

import { catalogEntries } from '../../service/src/assistant/proposalSink.js';
import { assistantTools } from '../../service/src/assistant/tools/index.js';
import { defaultConfig } from '../../service/src/config.js';
import { callMethod } from '../../service/src/dbus/client.js';
import { OBJECT_PATH, PROPOSALS_INTERFACE, proposalsSpec } from '../../service/src/dbus/interfaces.js';
import { ObjectServer } from '../../service/src/dbus/objectServer.js';
import { FindingsStore } from '../../service/src/findings/store.js';
import { Fixes } from '../../service/src/fixes/fixes.js';
import { KIND_SET } from '../../service/src/kinds/index.js';
import { createLogger } from '../../service/src/logging.js';
import { nixosFixes } from '../../service/src/nixos/actions.js';
import { openNixosReader } from '../../service/src/nixos/nixosReader.js';
import { resolvePaths } from '../../service/src/paths.js';
import { makeNixosLayout, NIXOS_REBUILD_ACTION, type NixosLayout } from '../support/nixosSwitchStandIn.js';
import { type Polkit, startPolkit } from '../support/polkit.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { ScriptedEngine } from '../support/scriptedEngine.js';
import { waitFor } from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

const POLICY = join(process.cwd(), 'build', 'polkit', 'io.github.steward.Steward1.widen-trust.policy');
const HELPER = join(process.cwd(), 'build', 'nixos', 'steward-nixos-helper');
const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'nixos', 'chaosdorf-laptops-configuration.nix');

interface Setup {
  fixes: Fixes;
  findings: FindingsStore;
}

describe('NixOS in the chat and over D-Bus', () => {
  let temp: TempDir;
  let polkit: Polkit;
  let bus: PrivateBus;
  let serviceBus: MessageBus;
  let client: MessageBus;
  let layout: NixosLayout;
  let original: string;
  const setups: Setup[] = [];
  let settings = defaultConfig.fixes;
  const saved = { ...process.env };

  const startFixes = async (name: string, nixosRoot: string) => {
    const home = join(temp.path, name);
    await mkdir(join(temp.path, `${name}-state`), { recursive: true });
    const server = new ObjectServer(serviceBus, createLogger({ write: () => undefined }));
    const findings = new FindingsStore(join(temp.path, `${name}-findings.db`));
    // The user's XDG paths under the test's home, the state directory beside it.
    const paths = { ...resolvePaths({ HOME: home }), stateDirectory: join(temp.path, `${name}-state`) };
    // As the service does: NixOS is detected once, before the fixes are made.
    const reader = await openNixosReader({ root: nixosRoot, home, cacheHome: paths.cacheHome });
    const fixes = new Fixes({
      paths,
      sessionBus: serviceBus,
      server,
      findings,
      config: () => settings,
      kinds: KIND_SET,
      engines: { state: () => 'ready', engine: () => Promise.resolve(new ScriptedEngine([])) },
      testHooks: { nixosRoot },
      nixos: nixosFixes(reader, {
        root: nixosRoot,
        launcher: [join(layout.bin, 'pkexec'), HELPER],
        confirmMs: () => settings.nixosConfirmSeconds * 1000,
      }),
      log: createLogger({ write: () => undefined }),
    });
    // One Proposals object on the bus: the NixOS one's, which the D-Bus calls below reach.
    if (nixosRoot === layout.root) server.export(OBJECT_PATH, proposalsSpec, fixes.interface.impl);
    setups.push({ fixes, findings });
    return fixes;
  };
  const proposals = (member: string, signature = '', body: unknown[] = []) =>
    callMethod(client, {
      destination: serviceBus.name as string,
      path: OBJECT_PATH,
      interface: PROPOSALS_INTERFACE,
      member,
      signature,
      body,
    });
  const proposeToolAccepts = (fixes: Fixes, action: string) =>
    assistantTools(catalogEntries(fixes.catalog))
      .find((tool) => tool.name === 'propose_action')
      ?.params.safeParse({ action, params: {}, reason: 'x' }).success;
  const values = (dict: Record<string, Variant>) =>
    Object.fromEntries(Object.entries(dict).map(([key, value]) => [key, value.value]));

  beforeAll(async () => {
    temp = await makeTempDir('steward-nixos-chat-');
    original = await readFile(FIXTURE, 'utf8');
    layout = await makeNixosLayout(temp.path, original);
    polkit = await startPolkit([POLICY], NIXOS_REBUILD_ACTION);
    process.env.PATH = `${layout.bin}:${saved.PATH}`;
    process.env.STEWARD_TEST_NIXOS_ROOT = layout.root;
    process.env.DBUS_SYSTEM_BUS_ADDRESS = polkit.bus.address;
    bus = await startPrivateBus();
    serviceBus = await bus.connect();
    client = await bus.connect();
  });

  afterAll(async () => {
    for (const { fixes, findings } of setups) {
      fixes.nixosWindows.confirm();
      await fixes.stop();
      findings.close();
    }
    process.env = { ...saved };
    await bus?.stop();
    await polkit?.stop();
    await temp.remove();
  });

  it('stays PackageKit’s where this is not NixOS', async () => {
    const fixes = await startFixes('debian', join(temp.path, 'not-nixos'));
    expect(fixes.catalog.names()).toContain('packages.install');
    expect(fixes.catalog.names().filter((name) => name.startsWith('nixos.'))).toEqual([]);
    expect(proposeToolAccepts(fixes, 'nixos.add_package')).toBeFalse();
  });

  it('answers “install Blender” with nixos.add_package, applies it, and keeps it once confirmed', async () => {
    const fixes = await startFixes('nixos', layout.root);
    expect(fixes.catalog.names()).toContain('nixos.add_package');
    expect(fixes.catalog.names()).not.toContain('packages.install');
    expect(proposeToolAccepts(fixes, 'packages.install')).toBeFalse();
    expect(proposeToolAccepts(fixes, 'nixos.add_package')).toBeTrue();
    // What the model sees: typed parameters to fill, never Nix text to write.
    expect(catalogEntries(fixes.catalog)).toContain({
      name: 'nixos.add_package',
      description: 'Add a package to the NixOS configuration (package, scope?: system|home)',
      params: 'package, scope?: system|home',
      risk: 'medium',
    });

    const proposal = await fixes.proposeFromChat('nixos.add_package', { package: 'blender' }, 'the user asked for it');
    const [action] = proposal.actions;
    expect(action?.needsAuthorization).toBeTrue();
    expect(action?.policy).toBe('ask');
    expect(action?.preview.details).toContain('+    blender');
    expect(action?.preview.details).toContain('  blender-stand-in');

    const [jobId] = (await proposals('Apply', 'ss', [String(proposal.id), 'nixos.add_package'])) as [string];
    await waitFor(
      () => Promise.resolve(['fixed', 'failed', 'not-fixed'].includes(fixes.store.job(Number(jobId))?.state ?? '')),
      'the switch',
    );
    const job = fixes.store.job(Number(jobId))!;
    expect(job.state).toBe('fixed');
    expect(job.summary).toContain('confirm within 120 s (steward confirm) or it is reverted');
    expect(await readFile(layout.configuration, 'utf8')).toContain('    blender\n');

    const [pending] = (await proposals('PendingChanges')) as [Record<string, Variant>[]];
    expect(pending.map(values)).toEqual([
      {
        id: '1',
        summary: `Add blender to environment.systemPackages in ${layout.configuration}`,
        deadline: jasmine.anything(),
      },
    ]);
    // Microseconds since the epoch, about two minutes ahead.
    const deadline = Number(values(pending[0]!).deadline) / 1000 - Date.now();
    expect(deadline).toBeGreaterThan(100_000);
    expect(deadline).toBeLessThanOrEqual(120_000);
    const [confirmed] = (await proposals('ConfirmChanges')) as [Record<string, Variant>[]];
    expect(confirmed.map(values).map(({ summary }) => summary)).toEqual([
      `Add blender to environment.systemPackages in ${layout.configuration}`,
    ]);
    expect(await proposals('PendingChanges')).toEqual([[]]);
    expect(fixes.store.history({ limit: 10 }).map(({ event }) => event)).toContain('confirmed');

    const [undoJob] = (await proposals('Undo', 's', [jobId])) as [string];
    await waitFor(
      () => Promise.resolve(['fixed', 'failed', 'not-fixed'].includes(fixes.store.job(Number(undoJob))?.state ?? '')),
      'the undo',
    );
    expect(fixes.store.job(Number(undoJob))?.state).toBe('fixed');
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);

    // Nobody confirms the next one: the window (the shortest the settings allow) closes, and it is switched back.
    settings = { ...defaultConfig.fixes, nixosConfirmSeconds: 10 };
    const ssh = await fixes.proposeFromChat('nixos.set_service_enabled', { service: 'openssh', enable: true }, 'ssh');
    const [sshJob] = (await proposals('Apply', 'ss', [String(ssh.id), 'nixos.set_service_enabled'])) as [string];
    await waitFor(() => Promise.resolve(fixes.store.job(Number(sshJob))?.state === 'fixed'), 'the switch');
    expect(await readFile(layout.configuration, 'utf8')).toContain('services.openssh.enable = true;');
    await waitFor(
      () => Promise.resolve(fixes.store.history({ limit: 20 }).some(({ event }) => event === 'reverted')),
      'the revert',
    );
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);
    const reverted = fixes.store.history({ limit: 20 }).find(({ event }) => event === 'reverted');
    expect(reverted?.caller).toBe('steward: the confirm window closed');
    expect(reverted?.result).toBe(`Enable services.openssh in ${layout.configuration}`);
  });
});
