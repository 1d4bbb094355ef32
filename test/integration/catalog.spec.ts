// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Proposals.Catalog: the service's own catalog over D-Bus, as the preferences and scripts read it, so that
// no client keeps a copy of it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type MessageBus, Variant } from '@jellybrick/dbus-next';
import { po as gettextPo } from 'gettext-parser';

import { callMethod } from '../../service/src/dbus/client.js';
import { CHANGE_AREAS } from '../../service/src/fixes/action.js';
import { createCatalog } from '../../service/src/fixes/catalog.js';
import { KINDS } from '../../service/src/kinds/index.js';
import { errorOf } from '../support/errors.js';
import { type PrivateBus, startPrivateBus } from '../support/privateBus.js';
import {
  BUS_NAME,
  gdbusCall,
  OBJECT_PATH,
  quietWatch,
  type RunningService,
  startConfiguredService,
} from '../support/service.js';
import { makeTempDir, type TempDir } from '../support/tempDir.js';
import { plain } from '../support/unitScenario.js';

const PROPOSALS = 'io.github.steward.Steward1.Proposals';

describe('Proposals.Catalog', () => {
  let bus: PrivateBus;
  let client: MessageBus;
  let home: TempDir;
  let service: RunningService | undefined;

  const start = async (env: NodeJS.ProcessEnv = {}) => {
    service = await startConfiguredService(bus, client, home.path, { watch: quietWatch() }, env);
  };

  const catalog = async (filter: Record<string, Variant> = {}) => {
    const [actions] = await callMethod(client, {
      destination: BUS_NAME,
      path: OBJECT_PATH,
      interface: PROPOSALS,
      member: 'Catalog',
      signature: 'a{sv}',
      body: [filter],
    });
    return (actions as Record<string, Variant>[]).map(plain);
  };

  beforeEach(async () => {
    bus = await startPrivateBus();
    client = await bus.connect();
    home = await makeTempDir();
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await bus.stop();
    await home.remove();
  });

  it("lists the catalog's actions with their titles, risks and what each changes", async () => {
    await start({ LANG: 'C.UTF-8' });
    // The service's catalog as it starts here: no expert shell, not NixOS.
    const expected = createCatalog({ kinds: KINDS })
      .all()
      .map((action) => ({
        name: action.name,
        title: action.title,
        risk: typeof action.risk === 'string' ? action.risk : 'varies',
        'read-only': action.readOnly,
        changes: action.changes ?? '',
      }));
    const listed = await catalog();
    expect(listed).toEqual(expected);
    expect(listed.find((action) => action.name === 'systemd.restart_unit')).toEqual({
      name: 'systemd.restart_unit',
      title: 'Restart a service',
      risk: 'varies',
      'read-only': false,
      changes: 'services',
    });
    // Every action that changes something says what it changes; a step that only reads says nothing.
    for (const action of listed)
      expect(
        action['read-only'] ? action.changes === '' : (CHANGE_AREAS as readonly unknown[]).includes(action.changes),
      )
        .withContext(String(action.name))
        .toBeTrue();
  });

  it('lists only the steps that read, or only the changes, as the filter asks', async () => {
    await start();
    const all = await catalog();
    const reading = await catalog({ 'read-only': new Variant('b', true) });
    const changing = await catalog({ 'read-only': new Variant('b', false) });
    expect(reading.length).toBeGreaterThan(0);
    expect(changing.length).toBeGreaterThan(0);
    expect(reading.every((action) => action['read-only'] === true)).toBeTrue();
    expect(changing.every((action) => action['read-only'] === false)).toBeTrue();
    expect([...reading, ...changing].map((action) => action.name).sort()).toEqual(
      all.map((action) => action.name).sort(),
    );
  });

  it('refuses a filter key it does not know or a value of another type with InvalidArgs', async () => {
    await start();
    const filters: Record<string, Variant>[] = [
      { risk: new Variant('s', 'low') },
      { 'read-only': new Variant('s', 'yes') },
    ];
    for (const filter of filters) {
      const error = await errorOf(catalog(filter));
      expect(error.type).withContext(Object.keys(filter)[0]!).toBe(`${BUS_NAME}.Error.InvalidArgs`);
    }
    expect((await catalog()).length)
      .withContext('the service still answers')
      .toBeGreaterThan(0);
  });

  it("names each action in the session's language, and answers gdbus call as a script asks", async () => {
    await start({ LANG: 'de_DE.UTF-8' });
    const po = gettextPo.parse(await readFile(join(process.cwd(), 'po', 'de.po')));
    const german = (msgid: string) => po.translations['']?.[msgid]?.msgstr[0] || msgid;
    const listed = await catalog();
    expect(listed.map((action) => action.title)).toEqual(
      createCatalog({ kinds: KINDS })
        .all()
        .map((action) => german(action.title)),
    );
    expect(listed.find((action) => action.name === 'systemd.restart_unit')?.title).toBe('Einen Dienst neu starten');

    const { stdout } = await gdbusCall(bus.address, `${PROPOSALS}.Catalog`, "{'read-only': <false>}");
    expect(stdout).toContain("'name': <'systemd.restart_unit'>");
    expect(stdout).toContain("'title': <'Einen Dienst neu starten'>");
    expect(stdout).not.toContain("'read-only': <true>");
  });
});
