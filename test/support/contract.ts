// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { InterfaceSpec } from '../../service/src/dbus/introspection.js';

/** Every difference between a declared interface and one seen on the bus, as readable lines. */
export function interfaceDifferences(declared: InterfaceSpec, live: InterfaceSpec): string[] {
  const differences: string[] = [];
  const compare = <T extends { name: string }>(kind: string, a: T[], b: T[], describe: (item: T) => string) => {
    for (const item of a) {
      const other = b.find((x) => x.name === item.name);
      if (!other) differences.push(`${kind} ${item.name} is declared but not exported`);
      else if (describe(item) !== describe(other)) {
        differences.push(`${kind} ${item.name} is declared as ${describe(item)} but exported as ${describe(other)}`);
      }
    }
    for (const item of b) {
      if (!a.some((x) => x.name === item.name)) differences.push(`${kind} ${item.name} is exported but not declared`);
    }
  };
  const args = (list: { name: string; type: string }[]) => list.map((a) => `${a.type} ${a.name}`).join(', ');
  compare('method', declared.methods, live.methods, (m) => `(in ${args(m.inArgs)}; out ${args(m.outArgs)})`);
  compare('property', declared.properties, live.properties, (p) => `${p.type} ${p.access}`);
  compare('signal', declared.signals, live.signals, (s) => `(${args(s.args)})`);
  return differences;
}

/** The keys and types a method's DocString documents in the form “"key" (type)”. */
export function documentedKeys(docString: string): Map<string, string> {
  return new Map([...docString.matchAll(/"([\w-]+)" \(([^,)]+)/g)].map((m) => [m[1] as string, m[2] as string]));
}
