// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readFileSync } from 'node:fs';

import * as prettier from 'prettier';

import { signalPayload } from '../../extension/src/client/generated.js';
import { parseIntrospection } from '../../service/src/dbus/introspection.js';
import { payloadKey } from '../../service/src/dbus/payloadKey.js';
import { dbusTypeFiles, generateDbusTypes, tsType } from '../../service/src/dbus/typesGenerator.js';

// The types both sides use are generated from dbus-interfaces/*.xml and committed: these cases
// fail when the XML changed and `node build/build.mjs types` was not run, or when the mapping is wrong.
describe('the D-Bus types generated from the XML', () => {
  for (const [path, text] of Object.entries(dbusTypeFiles())) {
    it(`are current in ${path}`, async () => {
      const expected = await prettier.format(text, { ...(await prettier.resolveConfig(path)), parser: 'typescript' });
      expect(readFileSync(path, 'utf8')).withContext(`${path} is stale: run node build/build.mjs types`).toBe(expected);
    });
  }

  it('map each D-Bus type to what each side’s library hands over', () => {
    expect(tsType('t', 'service')).toBe('bigint');
    expect(tsType('t', 'extension')).toBe('number');
    expect(tsType('a{sv}', 'service')).toBe('Record<string, Variant>');
    expect(tsType('aa{sv}', 'extension')).toBe('Record<string, GLib.Variant>[]');
    expect(tsType('a(sub)', 'service')).toBe('[string, number, boolean][]');
    expect(tsType('ay', 'service')).toBe('Uint8Array');
    expect(() => tsType('ss', 'service')).toThrowError(/more than one complete type/);
    expect(() => tsType('a{sv', 'service')).toThrowError(/unclosed dict entry/);
  });

  it('name methods’ arguments, signals’ payloads and properties after the XML', () => {
    const [spec] = parseIntrospection(`<node><interface name="org.example.Thing1">
      <method name="Get"><arg name="item_id" type="s" direction="in"/><arg name="size" type="t" direction="out"/></method>
      <signal name="Moved"><arg name="item_id" type="s"/><arg name="to_place" type="as"/></signal>
      <property name="Count" type="u" access="read"/>
    </interface></node>`);
    const text = generateDbusTypes([spec!], 'service');
    expect(text).toContain('Get: { in: [itemId: string]; out: [size: bigint] };');
    expect(text).toContain('Moved: { itemId: string; toPlace: string[]; };');
    expect(text).toContain('Count: number;');
    expect(payloadKey('error_message')).toBe('errorMessage');
  });

  it('give the extension a signal’s payload by the XML’s names, not by position', () => {
    const done = signalPayload('io.github.steward.Steward1.Chat', 'ResponseDone', [
      'r1',
      's1',
      'done',
      'the answer',
      {},
      '',
      '',
      '',
      ['7'],
    ]);
    expect(done.requestId).toBe('r1');
    expect(done.text).toBe('the answer');
    expect(done.proposalIds).toEqual(['7']);
    expect(() => signalPayload('io.github.steward.Steward1.Chat', 'Nothing' as 'ResponseDone', [])).toThrowError(
      /declares no signal Nothing/,
    );
  });
});
