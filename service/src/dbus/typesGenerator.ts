// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { stewardSpecs } from './interfaces.js';
import type { ArgSpec, InterfaceSpec } from './introspection.js';
import { payloadKey } from './payloadKey.js';

/**
 * Writes TypeScript types for D-Bus interfaces from their introspection: each method's
 * arguments and results as named tuples, each signal's payload as an object named after its
 * arguments, each property's type. The service (dbus-next values) and the extension (GJS
 * values) read the same XML through different libraries, so each side gets its own mapping.
 */
export type TypesSide = 'service' | 'extension';

/** Where the build writes each side's types, relative to the checkout. */
export const GENERATED_TYPE_FILES: Record<TypesSide, string> = {
  service: 'service/src/dbus/generated.ts',
  extension: 'extension/src/client/generated.ts',
};

/** The short name used for an interface's types: io.github.steward.Steward1.Chat → Chat, the core → Steward. */
export function shortName(interfaceName: string): string {
  const last = interfaceName.split('.').at(-1) ?? interfaceName;
  return /^Steward\d+$/.test(last) ? 'Steward' : last;
}

const COMMON: Record<string, string> = {
  s: 'string',
  o: 'string',
  g: 'string',
  b: 'boolean',
  y: 'number',
  n: 'number',
  q: 'number',
  i: 'number',
  u: 'number',
  h: 'number',
  d: 'number',
};

const BASIC: Record<TypesSide, Record<string, string>> = {
  // dbus-next: 64-bit integers are bigint both ways; a{sv} values are Variants.
  service: { ...COMMON, x: 'bigint', t: 'bigint', v: 'Variant' },
  // GJS unpacks 64-bit integers to numbers, and leaves a{sv} values as GLib.Variant.
  extension: { ...COMMON, x: 'number', t: 'number', v: 'GLib.Variant' },
};

/** The TypeScript type of one complete D-Bus type signature. */
export function tsType(signature: string, side: TypesSide): string {
  const [type, rest] = parseOne(signature, side);
  if (rest !== '') throw new Error(`"${signature}" is more than one complete type`);
  return type;
}

function parseOne(signature: string, side: TypesSide): [string, string] {
  const head = signature[0];
  const basic = head === undefined ? undefined : BASIC[side][head];
  if (basic) return [basic, signature.slice(1)];
  if (head === 'a' && signature[1] === '{') {
    const [key, afterKey] = parseOne(signature.slice(2), side);
    const [value, afterValue] = parseOne(afterKey, side);
    if (afterValue[0] !== '}') throw new Error(`unclosed dict entry in "${signature}"`);
    return [`Record<${key}, ${value}>`, afterValue.slice(1)];
  }
  if (head === 'a') {
    // dbus-next hands byte arrays over as Buffers; GJS as Uint8Arrays, which Buffers are too.
    if (signature[1] === 'y') return ['Uint8Array', signature.slice(2)];
    const [item, rest] = parseOne(signature.slice(1), side);
    return [`${item}[]`, rest];
  }
  if (head === '(') {
    const items: string[] = [];
    let rest = signature.slice(1);
    while (rest[0] !== ')') {
      if (rest === '') throw new Error(`unclosed struct in "${signature}"`);
      const [item, after] = parseOne(rest, side);
      items.push(item);
      rest = after;
    }
    return [`[${items.join(', ')}]`, rest.slice(1)];
  }
  throw new Error(`unsupported D-Bus type "${signature}"`);
}

const tuple = (args: ArgSpec[], side: TypesSide) =>
  `[${args.map((arg) => `${payloadKey(arg.name)}: ${tsType(arg.type, side)}`).join(', ')}]`;

const payload = (args: ArgSpec[], side: TypesSide) =>
  `{ ${args.map((arg) => `${payloadKey(arg.name)}: ${tsType(arg.type, side)};`).join(' ')} }`;

/** An interface of object-type members, or Record<never, never> for none (an empty interface says nothing). */
const members = (doc: string, name: string, lines: string[]) => [
  doc,
  lines.length === 0
    ? `export type ${name} = Record<never, never>;`
    : `export interface ${name} {\n${lines.join('\n')}\n}`,
  '',
];

function interfaceTypes(spec: InterfaceSpec, side: TypesSide): string[] {
  const name = shortName(spec.name);
  return [
    ...members(
      `/** ${spec.name}: each method's arguments (\`in\`) and results (\`out\`), as named tuples. */`,
      `${name}Methods`,
      spec.methods.map((m) => `  ${m.name}: { in: ${tuple(m.inArgs, side)}; out: ${tuple(m.outArgs, side)} };`),
    ),
    ...members(
      `/** ${spec.name}: each signal's payload, keyed by its arguments' names in camelCase. */`,
      `${name}Signals`,
      spec.signals.map((s) => `  ${s.name}: ${payload(s.args, side)};`),
    ),
    ...members(
      `/** ${spec.name}: each property's value. */`,
      `${name}Properties`,
      spec.properties.map((p) => `  ${p.name}: ${tsType(p.type, side)};`),
    ),
  ];
}

/**
 * GJS hands a signal's arguments over as an array: the extension turns it into the payload object
 * with these names, in the XML's order, instead of unpacking by position by hand.
 */
function signalUnpacker(specs: InterfaceSpec[]): string[] {
  const table = specs.map(
    (spec) =>
      `  '${spec.name}': { ${spec.signals.map((s) => `${s.name}: [${s.args.map((a) => `'${payloadKey(a.name)}'`).join(', ')}],`).join(' ')} },`,
  );
  return [
    "/** Each signal's argument names in the XML's order, by interface. */",
    'export const SIGNAL_ARGS = {',
    ...table,
    '} as const;',
    '',
    "/** A signal's payload from the arguments GJS hands over, by name. */",
    'export function signalPayload<I extends InterfaceName, S extends keyof SignalsOf<I> & string>(',
    '  interfaceName: I,',
    '  signal: S,',
    '  args: unknown[],',
    '): SignalsOf<I>[S] {',
    '  const names = (SIGNAL_ARGS[interfaceName] as Record<string, readonly string[]>)[signal];',
    '  if (!names) throw new Error(`${interfaceName} declares no signal ${signal}`);',
    '  return Object.fromEntries(names.map((name, index) => [name, args[index]])) as SignalsOf<I>[S];',
    '}',
    '',
  ];
}

/** The module of types for `side`, unformatted (the build and the contract test run prettier over it). */
export function generateDbusTypes(specs: InterfaceSpec[], side: TypesSide): string {
  const variantImport =
    side === 'service' ? "import type { Variant } from '@jellybrick/dbus-next';" : "import type GLib from 'gi://GLib';";
  const map = specs.map(
    (spec) =>
      `  '${spec.name}': { methods: ${shortName(spec.name)}Methods; signals: ${shortName(spec.name)}Signals; properties: ${shortName(spec.name)}Properties };`,
  );
  return [
    '// SPDX-FileCopyrightText: 2026 The Steward contributors',
    '// SPDX-License-Identifier: GPL-2.0-or-later',
    '// Generated from dbus-interfaces/*.xml by `node build/build.mjs types`: do not edit.',
    '// test/unit/dbusTypes.spec.ts fails when this file and the XML disagree.',
    '',
    variantImport,
    '',
    ...specs.flatMap((spec) => interfaceTypes(spec, side)),
    '/** Every interface by its D-Bus name. */',
    'export interface StewardInterfaces {',
    ...map,
    '}',
    '',
    'export type InterfaceName = keyof StewardInterfaces;',
    "export type MethodsOf<I extends InterfaceName> = StewardInterfaces[I]['methods'];",
    "export type SignalsOf<I extends InterfaceName> = StewardInterfaces[I]['signals'];",
    "export type PropertiesOf<I extends InterfaceName> = StewardInterfaces[I]['properties'];",
    '',
    ...(side === 'extension' ? signalUnpacker(specs) : []),
  ].join('\n');
}

/** Each side's generated file, by its path in the checkout, from the XML in dbus-interfaces/. */
export function dbusTypeFiles(): Record<string, string> {
  return Object.fromEntries(
    (Object.entries(GENERATED_TYPE_FILES) as [TypesSide, string][]).map(([side, path]) => [
      path,
      generateDbusTypes(stewardSpecs, side),
    ]),
  );
}
