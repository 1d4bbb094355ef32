// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { NotAuthorizedError } from '../../../service/src/fixes/action.js';
import { flatpakAppOf, flatpakDeployment, flatpakInstallations } from '../../../service/src/kinds/appCrash/flatpak.js';
import { crashedFlatpak, originLines } from '../../../service/src/kinds/appCrash/origin.js';
import { flatpakUpdateAction } from '../../../service/src/kinds/crash/flatpakUpdate.js';
import { makeTempDir, type TempDir } from '../../support/tempDir.js';
import { homeContext, runOptions } from '../fixes/actionContext.js';

const COMMIT = 'a3f2c1d4e5b60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00';
const OLDER = '0f'.repeat(32);
const NEWER = 'b7'.repeat(32);
const EPIPHANY_SCOPE =
  '/user.slice/user-1000.slice/user@1000.service/app.slice/app-flatpak-org.gnome.Epiphany-4023.scope';

/** A deployment laid out as `flatpak install` leaves it: current → arch/branch, active → the commit. */
async function deploy(
  installation: string,
  appId: string,
  { arch = 'x86_64', branch = 'stable', commit = COMMIT, metainfo = true, origin = 'flathub' } = {},
): Promise<void> {
  const app = join(installation, 'app', appId);
  const deployed = join(app, arch, branch, commit);
  await mkdir(join(deployed, 'files/share/metainfo'), { recursive: true });
  // An older deployment beside it, which `active` no longer names.
  await mkdir(join(app, arch, branch, OLDER), { recursive: true });
  await symlink(`${arch}/${branch}`, join(app, 'current'));
  await symlink(commit, join(app, arch, branch, 'active'));
  await writeFile(
    join(deployed, 'metadata'),
    `[Application]\nname=${appId}\nruntime=org.gnome.Platform/${arch}/47\nsdk=org.gnome.Sdk/${arch}/47\ncommand=epiphany\n\n[Context]\nshared=network;ipc;\n`,
  );
  // The deploy data, a GVariant "(ssasta{sv})": the origin remote first, NUL-terminated, then the commit.
  await writeFile(join(deployed, 'deploy'), Buffer.from(`${origin}\0${commit}\0\0\0\0\0`, 'latin1'));
  if (metainfo)
    await writeFile(
      join(deployed, 'files/share/metainfo', `${appId}.metainfo.xml`),
      `<?xml version="1.0"?>\n<component type="desktop-application">\n  <id>${appId}</id>\n  <releases>\n    <release version="47.2" date="2024-11-28"/>\n    <release version="47.1" date="2024-10-20"/>\n  </releases>\n</component>\n`,
    );
}

/** The remote's ref as a fetch leaves it in the installation's repo; `object` false leaves the commit unfetched. */
async function fetched(
  installation: string,
  appId: string,
  commit: string,
  { origin = 'flathub', object = true } = {},
) {
  const ref = join(installation, 'repo/refs/remotes', origin, 'app', appId, 'x86_64');
  await mkdir(ref, { recursive: true });
  await writeFile(join(ref, 'stable'), `${commit}\n`);
  if (!object) return;
  await mkdir(join(installation, 'repo/objects', commit.slice(0, 2)), { recursive: true });
  await writeFile(join(installation, 'repo/objects', commit.slice(0, 2), `${commit.slice(2)}.commit`), '');
}

describe('a crashed Flatpak app', () => {
  let temp: TempDir;
  let dataHome: string;
  let system: string;

  beforeEach(async () => {
    temp = await makeTempDir();
    dataHome = join(temp.path, '.local/share');
    system = join(temp.path, 'var/lib/flatpak');
    await mkdir(join(dataHome, 'flatpak/app'), { recursive: true });
    await mkdir(join(system, 'app'), { recursive: true });
  });
  afterEach(() => temp.remove());

  it('is named by the transient scope Flatpak starts it in', () => {
    expect(
      flatpakAppOf('/user.slice/user-1000.slice/user@1000.service/app.slice/app-flatpak-org.gnome.Epiphany-4023.scope'),
    ).toBe('org.gnome.Epiphany');
    // As posted in a public report: systemd[4191]: Started app-flatpak-md.obsidian.Obsidian-2751032070.scope.
    expect(flatpakAppOf('app-flatpak-md.obsidian.Obsidian-2751032070.scope')).toBe('md.obsidian.Obsidian');
    expect(flatpakAppOf('/app.slice/app-flatpak-com.valvesoftware.Steam-12.scope')).toBe('com.valvesoftware.Steam');
    for (const other of [
      undefined,
      '/user.slice/user-1000.slice/session-2.scope',
      '/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-org.gnome.Calculator-3112.scope',
      '/app.slice/app-flatpak-org.gnome.Epiphany.scope',
      '/app.slice/app-flatpak-notreverse-12.scope',
      '/app.slice/app-flatpak-org.gnome.Epiphany-12.scope/extra',
    ])
      expect(flatpakAppOf(other)).withContext(String(other)).toBeNull();
  });

  it('is found in the user installation first, with its branch, commit, runtime and release', async () => {
    await deploy(join(dataHome, 'flatpak'), 'org.gnome.Epiphany');
    await deploy(system, 'org.gnome.Epiphany', { branch: 'beta', commit: OLDER });
    const found = await flatpakDeployment('org.gnome.Epiphany', flatpakInstallations(dataHome, system));
    expect(found).toEqual({
      appId: 'org.gnome.Epiphany',
      installation: { kind: 'user', path: join(dataHome, 'flatpak') },
      arch: 'x86_64',
      branch: 'stable',
      commit: COMMIT,
      origin: 'flathub',
      runtime: 'org.gnome.Platform/x86_64/47',
      version: '47.2',
    });
  });

  it('is found in the system installation, and without metainfo has no version', async () => {
    await deploy(system, 'org.gnome.Epiphany', { arch: 'aarch64', metainfo: false });
    const found = await flatpakDeployment('org.gnome.Epiphany', flatpakInstallations(dataHome, system));
    expect(found?.installation).toEqual({ kind: 'system', path: system });
    expect(found?.arch).toBe('aarch64');
    expect(found?.version).toBeUndefined();
  });

  it('is not found where no installation holds it, nor for an id that is not one', async () => {
    await deploy(system, 'org.gnome.Epiphany');
    const installations = flatpakInstallations(dataHome, system);
    expect(await flatpakDeployment('org.gnome.Maps', installations)).toBeNull();
    expect(await flatpakDeployment('../../../etc', installations)).toBeNull();
  });

  it('is shown in the crash report with what is known and what is not, and no package lookup', async () => {
    await deploy(system, 'org.gnome.Epiphany');
    // No system bus: a lookup of a package would say PackageKit is not available.
    const lines = await originLines(
      homeContext(temp.path),
      {
        COREDUMP_CGROUP:
          '/user.slice/user-1000.slice/user@1000.service/app.slice/app-flatpak-org.gnome.Epiphany-4023.scope',
        COREDUMP_EXE: '/app/bin/epiphany',
      },
      { dataHome, systemFlatpak: system },
    );
    expect(lines).toEqual([
      `Flatpak app: org.gnome.Epiphany (system installation, ${system})`,
      'Branch: stable (x86_64)',
      'Version: 47.2',
      `Deployed commit: ${COMMIT}`,
      'Runtime: org.gnome.Platform/x86_64/47',
      'No update for it is waiting, as of the last fetch from its remote (Software or “flatpak update” fetch)',
    ]);
  });

  it('has an update waiting where its installation fetched a newer commit of its ref from its origin', async () => {
    const installation = join(dataHome, 'flatpak');
    await deploy(installation, 'org.gnome.Epiphany');
    const options = { dataHome, systemFlatpak: system };
    const crash = { COREDUMP_CGROUP: EPIPHANY_SCOPE };
    // The remote's ref at the deployed commit: nothing waits.
    await fetched(installation, 'org.gnome.Epiphany', COMMIT);
    expect((await crashedFlatpak(crash, options))?.update).toBeNull();
    // A newer commit named but not fetched, or fetched from another remote than the app's origin: nothing waits.
    await fetched(installation, 'org.gnome.Epiphany', NEWER, { object: false });
    expect((await crashedFlatpak(crash, options))?.update).toBeNull();
    await fetched(installation, 'org.gnome.Epiphany', COMMIT);
    await fetched(installation, 'org.gnome.Epiphany', NEWER, { origin: 'gnome-nightly' });
    expect((await crashedFlatpak(crash, options))?.update).toBeNull();
    await fetched(installation, 'org.gnome.Epiphany', NEWER);
    expect(await crashedFlatpak(crash, options)).toEqual({
      deployment: jasmine.objectContaining({ appId: 'org.gnome.Epiphany', commit: COMMIT, origin: 'flathub' }),
      update: { remote: 'flathub', commit: NEWER },
    });
    expect(await originLines(homeContext(temp.path), crash, options)).toEqual(
      jasmine.arrayContaining([`Update waiting: commit ${NEWER}, fetched from flathub`]),
    );
    // Not a Flatpak app's scope: not one.
    expect(await crashedFlatpak({ COREDUMP_EXE: '/usr/bin/epiphany' }, options)).toBeNull();
  });

  it('ignores an origin in its deploy data that is no remote name', async () => {
    const installation = join(dataHome, 'flatpak');
    await deploy(installation, 'org.gnome.Epiphany', { origin: '../../etc' });
    await fetched(installation, 'org.gnome.Epiphany', NEWER);
    const found = await crashedFlatpak({ COREDUMP_CGROUP: EPIPHANY_SCOPE }, { dataHome, systemFlatpak: system });
    expect(found?.deployment.origin).toBeUndefined();
    expect(found?.update).toBeNull();
  });

  describe('flatpak.update', () => {
    const action = flatpakUpdateAction();

    it('takes one app ID and the user or system installation, nothing else', () => {
      expect(action.params.parse({ app: 'org.gnome.Epiphany', installation: 'system' })).toEqual({
        app: 'org.gnome.Epiphany',
        installation: 'system',
      });
      for (const params of [
        { app: 'org.gnome.Epiphany' },
        { app: 'org.gnome.Epiphany', installation: 'both' },
        { app: 'epiphany', installation: 'user' },
        { app: '--system', installation: 'user' },
        { app: '-org.gnome.Epiphany', installation: 'user' },
        { app: 'org.gnome.Epiphany;rm -rf', installation: 'user' },
        { app: 'app/org.gnome.Epiphany/x86_64/stable', installation: 'user' },
        { app: '../../etc', installation: 'user' },
        { app: 'org..Epiphany', installation: 'user' },
        { app: `org.${'a'.repeat(260)}`, installation: 'user' },
        { app: 'org.gnome.Epiphany\nX', installation: 'user' },
      ])
        expect(action.params.safeParse(params).success).withContext(JSON.stringify(params)).toBeFalse();
    });

    it('asks polkit only for the system installation', () => {
      expect(action.needsAuthorization).toEqual(jasmine.any(Function));
      const needs = action.needsAuthorization as (params: { app: string; installation: string }) => boolean;
      expect(needs({ app: 'org.gnome.Epiphany', installation: 'system' })).toBeTrue();
      expect(needs({ app: 'org.gnome.Epiphany', installation: 'user' })).toBeFalse();
    });

    it('is refused with NotFound where nothing waits or the installation has no such app', async () => {
      await deploy(system, 'org.gnome.Epiphany');
      await fetched(system, 'org.gnome.Epiphany', COMMIT);
      const context = homeContext(temp.path);
      const systemAction = flatpakUpdateAction({ systemFlatpak: system });
      await expectAsync(
        systemAction.preview({ app: 'org.gnome.Epiphany', installation: 'system' }, context),
      ).toBeRejectedWith(
        jasmine.objectContaining({
          errorName: 'NotFound',
          message: `No update for the Flatpak app org.gnome.Epiphany 47.2 (commit ${COMMIT.slice(0, 12)}) is waiting`,
        }),
      );
      await expectAsync(
        systemAction.preview({ app: 'org.gnome.Epiphany', installation: 'user' }, context),
      ).toBeRejectedWith(
        jasmine.objectContaining({
          errorName: 'NotFound',
          message: 'The user Flatpak installation has no app org.gnome.Epiphany',
        }),
      );
    });

    it('runs flatpak with a fixed argv, and a polkit refusal through its system helper is NotAuthorized', async () => {
      await deploy(system, 'org.gnome.Epiphany');
      await fetched(system, 'org.gnome.Epiphany', NEWER);
      // A stand-in for flatpak: records its argv and answers as the system helper does when polkit refuses.
      const command = join(temp.path, 'flatpak');
      const argv = join(temp.path, 'argv');
      await writeFile(
        command,
        `#!/bin/sh\nprintf '%s\\n' "$@" > '${argv}'\necho 'error: Flatpak system operation Deploy not allowed for user: Not authorized' >&2\nexit 1\n`,
      );
      await chmod(command, 0o755);
      const systemAction = flatpakUpdateAction({ systemFlatpak: system, command });
      await expectAsync(
        systemAction.run({ app: 'org.gnome.Epiphany', installation: 'system' }, homeContext(temp.path), runOptions()),
      ).toBeRejectedWithError(NotAuthorizedError);
      expect((await readFile(argv, 'utf8')).split('\n')).toEqual([
        'update',
        '--noninteractive',
        '-y',
        '--system',
        `--commit=${NEWER}`,
        'app/org.gnome.Epiphany/x86_64/stable',
        '',
      ]);
    });
  });

  it('cleans what the app wrote into its own metainfo', async () => {
    await deploy(join(dataHome, 'flatpak'), 'org.example.Hostile', { metainfo: false });
    const deployed = join(dataHome, 'flatpak/app/org.example.Hostile/x86_64/stable', COMMIT);
    await writeFile(
      join(deployed, 'files/share/metainfo/org.example.Hostile.metainfo.xml'),
      '<component><releases><release version="1.0\x1b[31m<b>red</b>"/></releases></component>',
    );
    const found = await flatpakDeployment('org.example.Hostile', flatpakInstallations(dataHome, system));
    expect(found?.version).not.toContain('\x1b');
  });

  it('says so when its program is under /app but the record names no scope', async () => {
    const lines = await originLines(
      homeContext(temp.path),
      { COREDUMP_EXE: '/app/bin/epiphany' },
      { dataHome, systemFlatpak: system },
    );
    expect(lines).toEqual(['A Flatpak app (its program is under /app), but the record does not name which one']);
  });

  it('for a packaged program without a system bus, says PackageKit could not be asked instead of failing', async () => {
    const lines = await originLines(
      homeContext(temp.path),
      { COREDUMP_EXE: '/usr/bin/gnome-calculator' },
      { dataHome, systemFlatpak: system },
    );
    expect(lines).toEqual([
      jasmine.stringMatching(/^PackageKit is not available \(.*\): whether an update is waiting is not known$/),
    ]);
  });
});
