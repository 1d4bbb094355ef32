// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The one on/off action: a lamp with a switch, and a plug that can be pulled.
import { z } from 'zod';

import { StewardError } from '../../../service/src/dbus/errors.js';
import type { ActionContext } from '../../../service/src/fixes/action.js';
import { switchActions } from '../../../service/src/fixes/switchAction.js';

interface Lamp {
  lit: boolean;
  plugged: boolean;
}

describe('a switch of two actions', () => {
  let lamp: Lamp;
  const turned: boolean[] = [];
  const params = z.object({}).strict();
  const [on, off] = switchActions<Record<string, never>, Lamp>({
    on: { name: 'lamp.on', title: 'Turn the lamp on', risk: 'low', params },
    off: { name: 'lamp.off', title: 'Turn the lamp off', risk: 'low', params },
    needsAuthorization: false,
    changes: 'desktop',
    read: () => Promise.resolve({ ...lamp }),
    isAt: (now, lit) => now.lit === lit,
    cannot: (now, lit) => (lit && !now.plugged ? new StewardError('Unavailable', 'The lamp is unplugged') : null),
    preview: (now, lit) => ({ summary: lit ? 'Turn it on' : 'Turn it off', details: [now.lit ? 'lit' : 'dark'] }),
    turn(_params, _context, lit) {
      turned.push(lit);
      lamp.lit = lit;
      return Promise.resolve();
    },
    done: (_before, lit) => (lit ? 'The lamp is on' : 'The lamp is off'),
    undoSummary: (_before, lit) => (lit ? 'Turn it off again' : 'Turn it on again'),
    observed: (now) => (now.lit ? 'lit' : 'dark'),
  });
  const context = {} as ActionContext;
  const options = { progress: () => undefined, signal: new AbortController().signal };

  beforeEach(() => {
    lamp = { lit: false, plugged: true };
    turned.length = 0;
  });

  it('previews from the state now, and changes nothing where it stands already', async () => {
    expect(await on.preview({}, context)).toEqual({ summary: 'Turn it on', details: ['dark'], changesNothing: false });
    expect((await off.preview({}, context)).changesNothing).toBeTrue();
  });

  it('turns it, each way undone by the other, and verifies by reading again', async () => {
    expect(await on.run({}, context, options)).toEqual({
      summary: 'The lamp is on',
      undo: { action: 'lamp.off', params: {}, summary: 'Turn it off again' },
    });
    expect(await on.verify({}, context)).toEqual({ ok: true, observed: 'lit' });
    expect((await off.run({}, context, options)).undo).toEqual({
      action: 'lamp.on',
      params: {},
      summary: 'Turn it on again',
    });
    expect(await on.verify({}, context)).toEqual({ ok: false, observed: 'dark' });
    expect(turned).toEqual([true, false]);
  });

  it('says in the preview why a way cannot be taken, and its run refuses it without turning anything', async () => {
    lamp.plugged = false;
    expect(await on.preview({}, context)).toEqual({
      summary: 'The lamp is unplugged',
      details: [],
      changesNothing: true,
    });
    await expectAsync(on.run({}, context, options)).toBeRejectedWith(
      new StewardError('Unavailable', 'The lamp is unplugged'),
    );
    expect(turned).toEqual([]);
    expect((await off.preview({}, context)).summary).toBe('Turn it off');
  });
});
