// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { coreSpec } from '../../service/src/dbus/interfaces.js';
import { type InterfaceSpec, parseIntrospection } from '../../service/src/dbus/introspection.js';
import { documentedKeys, interfaceDifferences } from '../support/contract.js';

// The contract test in test/integration compares the live service with the
// XML through interfaceDifferences; these cases show it notices every kind of drift.
describe('interfaceDifferences', () => {
  const copy = (): InterfaceSpec => structuredClone(coreSpec);

  it('finds none between an interface and itself', () => {
    expect(interfaceDifferences(coreSpec, copy())).toEqual([]);
  });

  it('notices a missing and an extra method', () => {
    const live = copy();
    live.methods = [{ name: 'Other', inArgs: [], outArgs: [], inSignature: '', outSignature: '', annotations: {} }];
    expect(interfaceDifferences(coreSpec, live)).toEqual([
      'method GetStatus is declared but not exported',
      'method Other is exported but not declared',
    ]);
  });

  it('notices a changed method signature', () => {
    const live = copy();
    live.methods[0]!.outArgs = [{ name: 'status', type: 'a{ss}' }];
    expect(interfaceDifferences(coreSpec, live)).toEqual([
      'method GetStatus is declared as (in ; out a{sv} status) but exported as (in ; out a{ss} status)',
    ]);
  });

  it('notices a property with another type or access', () => {
    const live = copy();
    live.properties.find((p) => p.name === 'ApiVersion')!.type = 'i';
    live.properties.find((p) => p.name === 'State')!.access = 'readwrite';
    expect(interfaceDifferences(coreSpec, live).length).toBe(2);
  });

  it('notices signals that differ', () => {
    const declared = copy();
    declared.signals = [{ name: 'Changed', args: [{ name: 'what', type: 's' }], signature: 's', annotations: {} }];
    const live = copy();
    live.signals = [{ name: 'Changed', args: [{ name: 'what', type: 'u' }], signature: 'u', annotations: {} }];
    expect(interfaceDifferences(declared, live)).toEqual([
      'signal Changed is declared as (s what) but exported as (u what)',
    ]);
  });
});

describe('the interface XML files', () => {
  const files = readdirSync('dbus-interfaces').filter((f) => f.endsWith('.xml'));
  const DOC = 'org.gtk.GDBus.DocString';

  it('exist, one per interface, named after it', () => {
    expect(files).toContain('io.github.steward.Steward1.xml');
    for (const file of files) {
      const interfaces = parseIntrospection(readFileSync(join('dbus-interfaces', file), 'utf8'));
      expect(interfaces.map((i) => `${i.name}.xml`))
        .withContext(file)
        .toEqual([file]);
    }
  });

  it('document every interface, member and argument', () => {
    for (const file of files) {
      for (const iface of parseIntrospection(readFileSync(join('dbus-interfaces', file), 'utf8'))) {
        const undocumented = [
          ...(iface.annotations[DOC] ? [] : [iface.name]),
          ...[...iface.methods, ...iface.properties, ...iface.signals]
            .filter((member) => !member.annotations[DOC])
            .map((member) => member.name),
          ...[...iface.methods.flatMap((m) => [...m.inArgs, ...m.outArgs]), ...iface.signals.flatMap((s) => s.args)]
            .filter((arg) => !arg.annotations?.[DOC])
            .map((arg) => `argument ${arg.name}`),
        ];
        expect(undocumented).withContext(file).toEqual([]);
      }
    }
  });

  it('declare the API revision on the core interface', () => {
    expect(Number(coreSpec.annotations['io.github.steward.ApiVersion'])).toBeGreaterThanOrEqual(1);
  });

  it('let documentedKeys read the keys GetStatus documents', () => {
    const keys = documentedKeys('Keys: "version" (s), "api-version" (u), "started-at" (x, microseconds)');
    expect([...keys]).toEqual([
      ['version', 's'],
      ['api-version', 'u'],
      ['started-at', 'x'],
    ]);
  });
});
