// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The one shape of an on/off action (Bluetooth's adapter, automatic time, a shell extension, a printer queue), over a
// lamp held in memory: the shape is what is checked here; each kind's specs run it against its real daemon.
import { z } from 'zod';

import type { ActionContext } from '../../../service/src/fixes/action.js';
import { type Switch, switchActions } from '../../../service/src/fixes/switchAction.js';

const params = z.object({ lamp: z.string() }).strict();
type Params = z.infer<typeof params>;
type Lamp = { lit: boolean } | null;

describe('switchActions', () => {
  const context = {} as ActionContext;
  const run = {
    progress: (_fraction: number | null, text: string) => progress.push(text),
    signal: new AbortController().signal,
  };
  let lamps: Map<string, Lamp>;
  let progress: string[];
  let turned: string[];

  beforeEach(() => {
    lamps = new Map([['desk', { lit: false }]]);
    progress = [];
    turned = [];
  });

  const lamp = {
    on: { name: 'lamp.on', title: 'Turn a lamp on', params, risk: 'low' },
    off: { name: 'lamp.off', title: 'Turn a lamp off', params, risk: 'medium' },
    needsAuthorization: false,
    changes: 'desktop',
    read: ({ lamp: name }) => Promise.resolve(lamps.get(name) ?? null),
    missing: (now, { lamp: name }) => (now === null ? { error: 'NotFound', text: `no lamp ${name}` } : null),
    is: (now, on) => now?.lit === on,
    refuse({ lamp: name }, on) {
      if (!on && name === 'exit sign') throw new Error('the exit sign stays lit');
    },
    turn({ lamp: name }, on) {
      turned.push(`${name} ${on ? 'on' : 'off'}`);
      lamps.set(name, { lit: on });
      return Promise.resolve();
    },
    preview: ({ lamp: name }, on) => ({ summary: `Turn ${name} ${on ? 'on' : 'off'}`, details: ['by its switch'] }),
    done: ({ lamp: name }, on) => `${name} is ${on ? 'on' : 'off'}`,
    undo: ({ lamp: name }, on) => ({ params: { lamp: name }, summary: `Turn ${name} ${on ? 'off' : 'on'} again` }),
    observed: ({ lamp: name }, _on, now, ok) => `${name} is ${now?.lit ? 'lit' : 'dark'}${ok ? '' : ' still'}`,
  } satisfies Switch<Params, Lamp>;
  const [on, off] = switchActions(lamp);

  it('makes two actions by their sides, each changing the machine', () => {
    expect([on.name, on.title, on.risk, off.name, off.risk]).toEqual([
      'lamp.on',
      'Turn a lamp on',
      'low',
      'lamp.off',
      'medium',
    ]);
    expect([on.readOnly, off.readOnly, on.needsAuthorization]).toEqual([false, false, false]);
    expect([on.changes, off.changes]).toEqual(['desktop', 'desktop']);
  });

  it('previews the change, and offers nothing where it is already so', async () => {
    expect(await on.preview({ lamp: 'desk' }, context)).toEqual({
      summary: 'Turn desk on',
      details: ['by its switch'],
      changesNothing: false,
    });
    expect((await off.preview({ lamp: 'desk' }, context)).changesNothing).toBeTrue();
  });

  it('runs, says so, and names the other side as its undo', async () => {
    const outcome = await on.run({ lamp: 'desk' }, context, run);
    expect(turned).toEqual(['desk on']);
    expect(progress).toEqual(['desk is on']);
    expect(outcome).toEqual({
      summary: 'desk is on',
      undo: { action: 'lamp.off', params: { lamp: 'desk' }, summary: 'Turn desk off again' },
    });
    expect(await on.verify({ lamp: 'desk' }, context)).toEqual({ ok: true, observed: 'desk is lit' });
    expect(await off.verify({ lamp: 'desk' }, context)).toEqual({ ok: false, observed: 'desk is lit still' });
  });

  it('says a missing thing in the preview, refuses to run it and fails its verify', async () => {
    expect(await on.preview({ lamp: 'hall' }, context)).toEqual({
      summary: 'no lamp hall',
      details: [],
      changesNothing: true,
    });
    await expectAsync(on.run({ lamp: 'hall' }, context, run)).toBeRejectedWith(
      jasmine.objectContaining({ errorName: 'NotFound', message: 'no lamp hall' }),
    );
    expect(await on.verify({ lamp: 'hall' }, context)).toEqual({ ok: false, observed: 'no lamp hall' });
    expect(turned).toEqual([]);
  });

  it('refuses what no preview or run may take, before it reads anything', async () => {
    lamps.set('exit sign', { lit: true });
    await expectAsync(off.preview({ lamp: 'exit sign' }, context)).toBeRejectedWithError(/stays lit/);
    await expectAsync(off.run({ lamp: 'exit sign' }, context, run)).toBeRejectedWithError(/stays lit/);
    expect(turned).toEqual([]);
  });

  it('hands what the turn answered to the run’s summary', async () => {
    const [, dim] = switchActions<Params, Lamp, number>({
      ...lamp,
      turn: () => Promise.resolve(40),
      done: ({ lamp: name }, _on, _before, percent) => `${name} dimmed to ${percent}%`,
    });
    lamps.set('desk', { lit: true });
    expect((await dim.run({ lamp: 'desk' }, context, run)).summary).toBe('desk dimmed to 40%');
  });

  it('reads what the switch asks for before a run in place of the state, and leaves its absence to the system', async () => {
    const [, off] = switchActions({
      ...lamp,
      beforeRun: ({ lamp: name }, on) => Promise.resolve(`${name} before turning ${on ? 'on' : 'off'}`),
      turn({ lamp: name }, on, _context, before) {
        turned.push(before);
        if (!lamps.has(name)) return Promise.reject(new Error(`the switch answered: no lamp ${name}`));
        return lamp.turn({ lamp: name }, on);
      },
      undo: ({ lamp: name }, _on, before) => ({ params: { lamp: name }, summary: `undo ${before}` }),
    });
    await expectAsync(off.run({ lamp: 'hall' }, context, run)).toBeRejectedWithError(
      'the switch answered: no lamp hall',
    );
    const outcome = await off.run({ lamp: 'desk' }, context, run);
    expect(turned).toEqual(['hall before turning off', 'desk before turning off', 'desk off']);
    expect(outcome.undo).toEqual({
      action: 'lamp.on',
      params: { lamp: 'desk' },
      summary: 'undo desk before turning off',
    });
  });
});
