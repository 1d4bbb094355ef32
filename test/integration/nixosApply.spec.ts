// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { MessageBus } from '@jellybrick/dbus-next';

import { type ActionContext, type ActionDefinition, NotAuthorizedError } from '../../service/src/fixes/action.js';
import { ConfirmWindows, type PendingChange, type WindowOutcome } from '../../service/src/fixes/confirmWindow.js';
import { createLogger } from '../../service/src/logging.js';
import { nixosActions } from '../../service/src/nixos/actions.js';
import { runHelper } from '../../service/src/nixos/helperRun.js';
import { currentGeneration, readGenerations } from '../../service/src/nixos/profileLinks.js';
import {
  makeNixosLayout,
  NIXOS_REBUILD_ACTION,
  NIXOS_ROLLBACK_ACTION,
  type NixosLayout,
} from '../support/nixosSwitchStandIn.js';
import { type Polkit, startPolkit } from '../support/polkit.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import { setUnitState, startMockSystemd } from '../support/systemdMock.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';

// NixOS cannot run here. What is real: the structural edit, Nix's parser, Steward's privileged helper
// (build/nixos/steward-nixos-helper, run as it is installed), polkitd with Steward's policy file, the
// audit of the switch through the profile links, systemd's failed units over D-Bus (python3-dbusmock).
// What stands in (test/support/nixosStandIn.ts): the NixOS layout, nixos-rebuild and pkexec.
// polkitd authorizes root itself, without rules: the flows below run as root, and polkit's answers are
// checked for a user who is not root at the end.
const NOBODY = 65534;
const execFileAsync = promisify(execFile);
const POLICY = join(process.cwd(), 'build', 'polkit', 'io.github.steward.Steward1.widen-trust.policy');
const HELPER = join(process.cwd(), 'build', 'nixos', 'steward-nixos-helper');
const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'nixos', 'chaosdorf-laptops-configuration.nix');
const HOME_FIXTURE = join(process.cwd(), 'test', 'fixtures', 'nixos', 'starter-standard-home.nix');
const WINDOW_MS = 1500;
const FLAKE = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  outputs = { nixpkgs, ... }: {
    nixosConfigurations.nixos = nixpkgs.lib.nixosSystem { modules = [ ./configuration.nix ]; };
  };
}
`;

type Params = Record<string, unknown>;

describe('NixOS changes: Apply through polkit, a checked switch, the confirm window, Undo', () => {
  let polkit: Polkit;
  let systemdBus: PrivateBus;
  let systemd: MessageBus;
  let stopSystemd: () => void;
  let temp: TempDir;
  let layout: NixosLayout;
  let original: string;
  let homeOriginal: string;
  let context: ActionContext;
  let windows: ConfirmWindows;
  let settled: { change: PendingChange; outcome: WindowOutcome }[];
  let actions: Map<string, ActionDefinition<Params>>;
  const saved = { ...process.env };

  beforeAll(async () => {
    polkit = await startPolkit([POLICY], NIXOS_REBUILD_ACTION);
    systemdBus = await startPrivateBus();
    systemd = await systemdBus.connect();
    const mock = await startMockSystemd(systemdBus, systemd);
    stopSystemd = () => mock.kill();
    original = await readFile(FIXTURE, 'utf8');
    homeOriginal = await readFile(HOME_FIXTURE, 'utf8');
  });

  afterAll(async () => {
    stopSystemd?.();
    await systemdBus?.stop();
    await polkit?.stop();
  });

  beforeEach(async () => {
    temp = await makeTempDir('steward-nixos-apply-');
    layout = await makeNixosLayout(temp.path, original);
    process.env.PATH = `${layout.bin}:${saved.PATH}`;
    process.env.STEWARD_TEST_NIXOS_ROOT = layout.root;
    process.env.DBUS_SYSTEM_BUS_ADDRESS = polkit.bus.address;
    await polkit.answer('yes');
    settled = [];
    windows = new ConfirmWindows((change, outcome) => settled.push({ change, outcome }));
    actions = new Map(
      nixosActions({
        root: layout.root,
        launcher: [join(layout.bin, 'pkexec'), HELPER],
        confirmMs: () => WINDOW_MS,
        windows,
      }).map((action) => [action.name, action as ActionDefinition<Params>]),
    );
    context = {
      sessionBus: systemd,
      systemBus: systemd,
      home: join(temp.path, 'home'),
      cacheHome: temp.path,
      dataHome: temp.path,
      knownGoodDirectory: join(temp.path, 'known-good'),
      log: createLogger({ level: 'error', journal: false, write: () => undefined }),
    };
  });

  afterEach(async () => {
    windows.confirm();
    process.env = { ...saved };
    await temp.remove();
  });

  const action = (name: string) => actions.get(name)!;
  const run = async (name: string, params: Params) => {
    const definition = action(name);
    const parsed = definition.params.parse(params);
    const progress: string[] = [];
    const outcome = await definition.run(parsed, context, {
      progress: (_fraction, text) => progress.push(text),
      signal: new AbortController().signal,
    });
    return { outcome, progress, verification: await definition.verify(parsed, context) };
  };
  const generation = async () => {
    const state = await readGenerations(layout.root);
    return { profile: state.profile, current: currentGeneration(state)?.number ?? null };
  };
  const changedLines = (details: string[]) => details.filter((line) => /^[-+][^-+]/.test(line));
  const windowClosed = () =>
    new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (settled.length > 0) resolve(clearInterval(poll));
      }, 50);
    });

  it('adds blender: diff and dry build, the switch through polkit, confirmed, then undone', async () => {
    const add = action('nixos.add_package');
    const preview = await add.preview(add.params.parse({ package: 'blender' }), context);
    expect(preview.summary).toBe(`Add blender to environment.systemPackages in ${layout.configuration}`);
    expect(changedLines(preview.details)).toEqual(['+    blender']);
    const dry = preview.details.slice(preview.details.indexOf('Dry build (nixos-rebuild dry-build):') + 1);
    expect(dry).toEqual([
      'these 1 derivations will be built:',
      '  nixos-system-stand-in.drv',
      'these 1 paths will be fetched (12.50 MiB download, 48.00 MiB unpacked):',
      '  blender-stand-in',
    ]);

    const { outcome, progress, verification } = await run('nixos.add_package', { package: 'blender' });
    expect(progress).toContain('activating the configuration...');
    expect(progress).toContain('steward-nixos-helper: nixos-rebuild switch succeeded');
    expect(outcome.summary).toMatch(/^Add blender .*; confirm within 2 s \(steward confirm\) or it is reverted$/);
    expect(await readFile(layout.configuration, 'utf8')).toContain('    blender\n');
    expect(await generation()).toEqual({ profile: 2, current: 2 });
    expect(verification).toEqual({
      ok: true,
      observed: 'blender is already in environment.systemPackages; generation 2 is current',
    });

    expect(windows.confirm().map(({ summary }) => summary)).toEqual([jasmine.stringMatching(/^Add blender/)]);
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 300));
    expect(settled.map(({ outcome: ended }) => ended.outcome)).toEqual(['confirmed']);
    expect(await generation()).toEqual({ profile: 2, current: 2 });

    // Undo: the plan names the generation the change made and the copy of the file before it.
    const undo = outcome.undo as { action: string; params: Params };
    expect(undo.action).toBe('nixos.rollback');
    const rollback = action('nixos.rollback');
    const undoPreview = await rollback.preview(rollback.params.parse(undo.params), context);
    expect(changedLines(undoPreview.details)).toEqual(['-    blender']);
    const undone = await run('nixos.rollback', undo.params);
    expect(undone.verification).toEqual({ ok: true, observed: 'generation 1 is current again' });
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);
    expect(await generation()).toEqual({ profile: 1, current: 1 });
    expect(await layout.rebuildCalls()).toEqual([
      jasmine.stringMatching(/^dry-build -I nixos-config=.*\/configuration\.nix$/),
      'switch',
      'switch --rollback',
    ]);
  });

  it('enables the SSH server, and switches back when nobody confirms in time', async () => {
    const service = action('nixos.set_service_enabled');
    const preview = await service.preview(service.params.parse({ service: 'openssh', enable: true }), context);
    expect(changedLines(preview.details)).toEqual(['+  services.openssh.enable = true;']);
    expect(preview.details).toContain('these 1 derivations will be built:');

    const { outcome, verification } = await run('nixos.set_service_enabled', { service: 'openssh', enable: true });
    expect(verification.ok).toBeTrue();
    expect(await generation()).toEqual({ profile: 2, current: 2 });
    expect(windows.list().map(({ summary }) => summary)).toEqual([jasmine.stringMatching(/^Enable services.openssh/)]);
    expect(outcome.summary).toContain('or it is reverted');

    await windowClosed();
    expect(settled.map(({ outcome: ended }) => ended.outcome)).toEqual(['reverted']);
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);
    expect(await generation()).toEqual({ profile: 1, current: 1 });
    expect(await readlink(join(layout.root, 'run', 'current-system'))).toMatch(/-nixos-system-stand-in-1$/);
    expect(await layout.rebuildCalls()).toEqual([jasmine.stringMatching(/^dry-build /), 'switch', 'switch --rollback']);
  });

  it('removes a package; Undo puts it back once the change was confirmed', async () => {
    const remove = action('nixos.remove_package');
    const preview = await remove.preview(remove.params.parse({ package: 'vlc' }), context);
    expect(changedLines(preview.details)).toEqual(['-    vlc']);
    expect(preview.details).toContain('Dry build (nixos-rebuild dry-build):');
    expect(remove.risk).toBe('high');

    const { outcome, verification } = await run('nixos.remove_package', { package: 'vlc' });
    expect(verification).toEqual({
      ok: true,
      observed: 'vlc is not in environment.systemPackages; generation 2 is current',
    });
    expect(await readFile(layout.configuration, 'utf8')).not.toMatch(/^\s+vlc$/m);
    windows.confirm();
    const undone = await run('nixos.rollback', (outcome.undo as { params: Params }).params);
    expect(undone.verification.ok).toBeTrue();
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);
    expect(await generation()).toEqual({ profile: 1, current: 1 });
  });

  it('dry-builds the flake beside configuration.nix on a flake system', async () => {
    await writeFile(join(layout.root, 'etc', 'nixos', 'flake.nix'), FLAKE);
    const add = action('nixos.add_package');
    const preview = await add.preview(add.params.parse({ package: 'blender' }), context);
    expect(changedLines(preview.details)).toEqual(['+    blender']);
    expect(preview.details).toContain('  blender-stand-in');
    expect(await layout.rebuildCalls()).toEqual([jasmine.stringMatching(/^dry-build --flake \/.*steward-nixos-dry-/)]);
  });

  it('adds a package to Home Manager’s home.packages as the user, without pkexec, and undoes it', async () => {
    const homeNix = await layout.addHome(context.home, homeOriginal);
    process.env.HOME = context.home;
    const add = action('nixos.add_package');
    const params = { package: 'ripgrep', scope: 'home' };
    expect(add.needsAuthorization).toEqual(jasmine.any(Function));
    expect((add.needsAuthorization as (p: Params) => boolean)(add.params.parse(params))).toBeFalse();
    const preview = await add.preview(add.params.parse(params), context);
    expect(preview.summary).toBe(`Add ripgrep to home.packages in ${homeNix}`);
    expect(changedLines(preview.details)).toEqual(['+    packages = [ pkgs.ripgrep ];']);
    expect(preview.details).toContain('Dry build (home-manager build):');
    expect(preview.details).toContain('  ripgrep-stand-in');

    const { outcome, progress, verification } = await run('nixos.add_package', params);
    expect(progress).toContain('Activating home-manager configuration');
    expect(verification).toEqual({ ok: true, observed: 'ripgrep is already in home.packages' });
    windows.confirm();
    await run('nixos.rollback', (outcome.undo as { params: Params }).params);
    expect(await readFile(homeNix, 'utf8')).toBe(homeOriginal);
    expect(await layout.homeManagerCalls()).toEqual([
      jasmine.stringMatching(/^-f .*steward-nixos-dry-.*\/home\.nix build --dry-run$/),
      'switch',
      'switch',
    ]);
    expect(await layout.rebuildCalls()).toEqual([]);
  });

  it('leaves nothing for the window to revert after an Undo inside it', async () => {
    const { outcome } = await run('nixos.add_package', { package: 'blender' });
    await run('nixos.rollback', (outcome.undo as { params: Params }).params);
    await windowClosed();
    expect(await generation()).toEqual({ profile: 1, current: 1 });
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);
    expect(await layout.rebuildCalls()).toEqual(['switch', 'switch --rollback']);
  });

  it('restores only a version of the file that a change replaced, never another kept copy', async () => {
    // The file watcher's store is the same directory: a copy of some other file is kept there by its hash.
    await mkdir(context.knownGoodDirectory, { recursive: true });
    const other = 'export SECRET=1\n';
    const hash = createHash('sha256').update(other).digest('hex');
    await writeFile(join(context.knownGoodDirectory, hash), other);
    const rollback = action('nixos.rollback');
    await expectAsync(
      rollback.preview(rollback.params.parse({ scope: 'system', generation: 1, restore: hash }), context),
    ).toBeRejectedWithError(`no version of ${layout.configuration} that a change replaced is kept by that name`);
  });

  it('refuses an Undo once the system moved on to a later generation', async () => {
    const first = await run('nixos.add_package', { package: 'blender' });
    windows.confirm();
    await run('nixos.set_service_enabled', { service: 'openssh', enable: true });
    windows.confirm();
    const rollback = action('nixos.rollback');
    await expectAsync(
      rollback.run(rollback.params.parse((first.outcome.undo as { params: Params }).params), context, {
        progress: () => undefined,
        signal: new AbortController().signal,
      }),
    ).toBeRejectedWithError(/the system is on generation 3, not 2 that the change made/);
    expect(await generation()).toEqual({ profile: 3, current: 3 });
  });

  it('switches back at once when a unit fails after the switch', async () => {
    // The stand-in's activation cannot start units; the unit fails during activation, as a broken sshd would.
    await writeFile(join(layout.root, 'stand-in-waits'), '');
    const outcome = (async () => {
      const definition = action('nixos.set_service_enabled');
      return definition.run(definition.params.parse({ service: 'openssh', enable: true }), context, {
        progress: (_fraction, text) => {
          if (text === 'activating the configuration...')
            void setUnitState(systemd, 'sshd.service', 'failed').then(() =>
              writeFile(join(layout.root, 'stand-in-go'), ''),
            );
        },
        signal: new AbortController().signal,
      });
    })();
    await expectAsync(outcome).toBeRejectedWithError(/services failed after the switch: sshd.service.*switched back/);
    await setUnitState(systemd, 'sshd.service', 'inactive');
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);
    expect(await generation()).toEqual({ profile: 1, current: 1 });
    expect(windows.list()).toEqual([]);
  });

  it('keeps the file as it was when nixos-rebuild fails', async () => {
    await writeFile(join(layout.root, 'stand-in-fails'), '');
    await expectAsync(run('nixos.add_package', { package: 'blender' })).toBeRejectedWithError(
      /the NixOS helper failed \(switch, exit status 1\)/,
    );
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);
    expect(await generation()).toEqual({ profile: 1, current: 1 });
    expect(windows.list()).toEqual([]);
  });

  it('declares a password for every switch and none for the rollback, each action for one verb of the helper', async () => {
    // As polkitd read the policy file, through pkaction.
    const described = async (id: string) =>
      (
        await execFileAsync('pkaction', ['--action-id', id, '--verbose'], {
          env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: polkit.bus.address },
        })
      ).stdout;
    const rebuild = await described(NIXOS_REBUILD_ACTION);
    // auth_admin, not auth_admin_keep: the text of the new configuration is the caller's.
    expect(rebuild).toMatch(/implicit active:\s+auth_admin\n/);
    expect(rebuild).toContain('org.freedesktop.policykit.exec.argv1 -> switch');
    const rollback = await described(NIXOS_ROLLBACK_ACTION);
    expect(rollback).toMatch(/implicit any:\s+auth_admin\n/);
    expect(rollback).toMatch(/implicit inactive:\s+auth_admin\n/);
    expect(rollback).toMatch(/implicit active:\s+yes\n/);
    expect(rollback).toContain('org.freedesktop.policykit.exec.argv1 -> rollback');
    for (const text of [rebuild, rollback])
      expect(text).toContain('org.freedesktop.policykit.exec.path -> /usr/libexec/steward/steward-nixos-helper');
  });

  it('rolls back to the copy the helper kept, whatever its caller writes to it', async () => {
    const helper = (verb: string, input: string) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(HELPER, [verb], { stdio: ['pipe', 'ignore', 'ignore'] });
        child.once('error', reject).once('exit', resolve);
        // rollback reads nothing and may exit before the input is written: the pipe then breaks, as it should.
        child.stdin.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EPIPE') reject(error);
        });
        child.stdin.end(input);
      });
    expect(await helper('switch', `${original}\n# switched\n`)).toBe(0);
    // More than a pipe holds, so that a helper which read it would have to.
    const hostile = `{ ... }: { users.users.mallory.extraGroups = [ "wheel" ]; }\n${'#'.repeat(256 * 1024)}\n`;
    expect(await helper('rollback', hostile)).toBe(0);
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);
    expect(await layout.rebuildCalls()).toEqual(['switch', 'switch --rollback']);
    expect(await generation()).toEqual({ profile: 1, current: 1 });
    // The kept copy is used once: a second rollback has nothing to return to.
    expect(await helper('rollback', '')).toBe(2);
    expect(await readFile(layout.configuration, 'utf8')).toBe(original);
  });

  describe('for a user who is not root', () => {
    beforeEach(async () => {
      // The helper runs as the child's user here; the layout is theirs to change.
      await new Promise((resolve, reject) =>
        spawn('chmod', ['-R', 'a+rwX', temp.path]).once('exit', resolve).once('error', reject),
      );
      await chmod(temp.path, 0o777);
    });

    it('runs the helper once polkit says yes, and never when it says no', async () => {
      await polkit.answer('no');
      expect(await helperAsNobody(temp.path, `${original}\n# no\n`)).toEqual({ error: 'NotAuthorizedError' });
      expect(await readFile(layout.configuration, 'utf8')).toBe(original);
      expect(polkit.log()).toContain('test rule: no for uid nobody');
      expect(await layout.rebuildCalls()).toEqual([]);

      await polkit.answer('yes');
      expect(await helperAsNobody(temp.path, `${original}\n# yes\n`)).toEqual({ ok: true });
      expect(await readFile(layout.configuration, 'utf8')).toBe(`${original}\n# yes\n`);
      expect(polkit.log()).toContain('test rule: yes for uid nobody');
      expect(await layout.rebuildCalls()).toEqual(['switch']);
    });
  });
});

/** Runs the helper's switch as nobody through the stand-in pkexec; resolves with how it ended. */
function helperAsNobody(directory: string, text: string): Promise<unknown> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `globalThis.describe = () => {};\nawait (await import(${JSON.stringify(import.meta.url)})).helperFromChild();`,
    ],
    {
      uid: NOBODY,
      gid: NOBODY,
      cwd: '/',
      env: { ...process.env, HOME: directory, STEWARD_TEST_LAUNCHER: `${join(directory, 'bin', 'pkexec')}\n${HELPER}` },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(text);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`exited with ${code}: ${output}`)),
    );
  });
}

/** In the child: the helper's switch with the text on stdin, through the launcher the parent names. */
export async function helperFromChild(): Promise<void> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const launcher = (process.env.STEWARD_TEST_LAUNCHER ?? '').split('\n');
  const outcome = await runHelper(launcher, 'switch', text, {
    progress: () => undefined,
    signal: new AbortController().signal,
  }).then(
    () => ({ ok: true }),
    (error: Error) => ({ error: error instanceof NotAuthorizedError ? 'NotAuthorizedError' : error.message }),
  );
  process.stdout.write(JSON.stringify(outcome));
}
