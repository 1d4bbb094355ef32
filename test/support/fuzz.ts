// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A seeded generator of hostile D-Bus calls, made from the interface XML: for
// every declared method, calls with the right signature and values chosen to
// break it (empty and 1 MB strings, odd Unicode, range extremes, deep variants,
// dictionaries with unknown keys and wrong types, ids that do not exist, deep
// and self-referring JSON), and calls with wrong signatures. The same seed
// gives the same calls, so a failure can be replayed.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Variant } from '@jellybrick/dbus-next';

import { type InterfaceSpec, type MethodSpec, parseIntrospection } from '../../service/src/dbus/introspection.js';
import { mulberry32 } from '../../service/src/seededRandom.js';
import { documentedKeys } from './contract.js';

export { mulberry32 };

export class Random {
  private readonly next: () => number;
  /** Strings worth sending back: names from the XML, and ids and values the service answered with. */
  readonly remembered: string[] = [];
  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }
  /** An integer in [0, below). */
  below(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
  /** A version-4-shaped UUID from this generator (crypto's randomUUID would not replay). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.below(16).toString(16));
    hex[12] = '4';
    hex[16] = '8';
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

export interface FuzzCall {
  interface: string;
  member: string;
  signature: string;
  body: unknown[];
  /** What the call tries, for reports: "hostile values" or "wrong signature (ss)". */
  kind: string;
}

export interface FuzzTarget {
  iface: string;
  method: MethodSpec;
  /** Documented keys and their types, per a{sv} argument (by index). */
  keys: Map<number, Map<string, string>>;
}

const DOC = 'org.gtk.GDBus.DocString';

/**
 * Methods whose success would change the machine, reach the network or run a
 * model for long. The fuzzer calls them, but always with the argument named
 * here taken from values that must be refused (see POISON).
 */
export const INVALID_ONLY: Record<string, { why: string; arg: number }> = {
  'io.github.steward.Steward1.Proposals.Apply': { why: 'would run a fix on the machine', arg: 0 },
  'io.github.steward.Steward1.Proposals.Undo': { why: 'would undo a fix on the machine', arg: 0 },
  'io.github.steward.Steward1.Models.Pull': { why: 'would download a model', arg: 0 },
  'io.github.steward.Steward1.Chat.Send': { why: 'would run a model for long', arg: 0 },
  'io.github.steward.Steward1.Chat.Ask': { why: 'would run a model for long', arg: 0 },
  'io.github.steward.Steward1.Settings.SetApiKey': { why: "would write to the user's keyring", arg: 0 },
};

/** Values each invalid-only method refuses: ids the service never made, or values that fail validation. */
const POISON: Record<string, (random: Random) => string> = {
  'io.github.steward.Steward1.Proposals.Apply': (r) => r.pick(['', '0', '-1', '99999999', '9999999999999999', 'x']),
  'io.github.steward.Steward1.Proposals.Undo': (r) => r.pick(['', '0', '-1', '99999999', '9999999999999999', 'x']),
  'io.github.steward.Steward1.Models.Pull': (r) =>
    r.pick([
      '',
      ' ',
      'hf:',
      'hf:a',
      'hf:user/repo:Q4_K_M',
      'hf:a/b/../x',
      'ftp://example.invalid/m.gguf',
      'x'.repeat(5000),
    ]),
  // A well-formed id of no session: Send still reads its options (the JSON schema) before it looks the session up.
  'io.github.steward.Steward1.Chat.Send': (r) => r.pick([r.uuid(), r.uuid(), 'not-a-session', '\u202e']),
  'io.github.steward.Steward1.Chat.Ask': (r) => r.pick(['', '   ', '\n\t\r', 'x'.repeat(100_001)]),
  'io.github.steward.Steward1.Settings.SetApiKey': (r) =>
    r.pick(['', 'ftp://example.invalid', 'file:///etc/passwd', 'not a url', 'http://', 'x'.repeat(5000)]),
};

/** The standard interfaces every object of the service answers besides its own. */
const STANDARD_XML = `<node>
  <interface name="org.freedesktop.DBus.Properties">
    <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="v" direction="out"/></method>
    <method name="GetAll"><arg type="s" direction="in"/><arg type="a{sv}" direction="out"/></method>
    <method name="Set"><arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="v" direction="in"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect"><arg type="s" direction="out"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Peer">
    <method name="Ping"/>
    <method name="GetMachineId"><arg type="s" direction="out"/></method>
  </interface>
</node>`;

/** The interfaces in `dir` (dbus-interfaces/), then the standard ones. */
export function loadInterfaces(dir = join(process.cwd(), 'dbus-interfaces')): InterfaceSpec[] {
  const own = readdirSync(dir)
    .filter((file) => file.endsWith('.xml'))
    .sort()
    .flatMap((file) => parseIntrospection(readFileSync(join(dir, file), 'utf8')));
  return [...own, ...parseIntrospection(STANDARD_XML)];
}

/** The names an interface declares (its own, its members'), to send back where a call takes a name. */
const declaredNames = (interfaces: InterfaceSpec[]): string[] =>
  interfaces.flatMap((i) => [i.name, ...[...i.methods, ...i.properties, ...i.signals].map((m) => m.name)]);

/** Every method of every interface, with the keys its a{sv} arguments document. */
function targetsOf(interfaces: InterfaceSpec[]): FuzzTarget[] {
  return interfaces.flatMap((iface) =>
    iface.methods.map((method) => {
      const keys = new Map<number, Map<string, string>>();
      method.inArgs.forEach((arg, index) => {
        if (arg.type === 'a{sv}') keys.set(index, documentedKeys(arg.annotations?.[DOC] ?? ''));
      });
      return { iface: iface.name, method, keys };
    }),
  );
}

const MB = 1024 * 1024;

/** JSON nested `depth` levels deep: objects or arrays. */
export const deepJson = (depth: number, open = '{"a":', close = '}') => `${open.repeat(depth)}1${close.repeat(depth)}`;

/** JSON Schemas that refer to themselves, directly or through definitions. */
export const RECURSIVE_SCHEMAS = [
  '{"$ref":"#"}',
  '{"type":"object","properties":{"self":{"$ref":"#"}}}',
  '{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}',
  '{"definitions":{"n":{"type":"array","items":{"$ref":"#/definitions/n"}}},"$ref":"#/definitions/n"}',
  '{"allOf":[{"$ref":"#"}]}',
  '{"$ref":"#/nowhere"}',
  '{"$ref":"http://example.invalid/schema.json"}',
];

function hostileJson(random: Random): string {
  return random.pick([
    () => deepJson(10_000),
    () => deepJson(10_000, '[', ']'),
    () => deepJson(1_000),
    () => random.pick(RECURSIVE_SCHEMAS),
    () => '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    () => '{"type":"string","pattern":"(a+)+$"}',
    () => `{"enum":[${Array.from({ length: 10_000 }, (_, i) => i).join(',')}]}`,
    () => `{"a":"${'x'.repeat(MB)}"}`,
    () => random.pick(['{}', '[]', 'null', 'true', '1e999', '"x"', '{', '{"a":}', '{"a":1,"a":2}', '\ufeff{}']),
    () => '{"inference":{"remote":{"url":"http://[::1"}},"watch":{"units":"yes"}}',
    () => '{"fixes":{"policy":[{"action":"*","allow":true}]}}',
  ])();
}

const ODD_UNICODE = [
  '\u202e\u2066override\u2069', // bidi controls
  '\u200b\u200c\u200d\ufeff', // zero-width characters and a byte-order mark
  'e\u0301\u0301\u0301\u0301\u0301', // a pile of combining accents
  '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67', // one emoji made of five code points
  '\uffff\ufffe\ufffd', // noncharacters and the replacement character
  '\u{10ffff}\u{e0001}', // the last code point, a tag character
  'ǅǈ\u0130ı\u00df', // letters whose case changes their length
  '\u2028\u2029', // line and paragraph separators
];

/** Every control character except NUL, which D-Bus strings cannot carry. */
const CONTROLS = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('') + '\u007f\u0085';

function hostileString(random: Random): string {
  if (random.remembered.length > 0 && random.chance(0.15)) return random.pick(random.remembered);
  return random.pick([
    () => '',
    () => ' ',
    () => random.pick(ODD_UNICODE),
    () => CONTROLS,
    () => `${CONTROLS}\u001b[31mred\u001b[0m\r\nforged second line`,
    () => (random.chance(0.3) ? 'a'.repeat(MB) : 'a'.repeat(random.pick([201, 1025, 4097, 65_537, 100_001]))),
    () => random.pick(ODD_UNICODE).repeat(random.chance(0.3) ? 50_000 : 100),
    () => random.pick(['0', '-1', '1', '01', '1e3', '0x10', '4294967296', '9007199254740993', '9999999999999999']),
    () => random.pick(['99999999', '18446744073709551616', '-9223372036854775809', 'NaN', 'Infinity']),
    () => random.uuid(),
    () => random.uuid().toUpperCase(),
    () => random.pick(['store:none.gguf', 'ollama:none:latest', 'store:../../etc/passwd', 'store:', 'ollama:']),
    () => random.pick(['unit-failed', 'disk-full', 'crash', 'a'.repeat(64), 'A', '-x', 'x--']),
    () => random.pick(['systemd.restart_unit', 'files.remove', 'x.y', 'shell.run', '.', 'a.']),
    () => random.pick(['all', 'open', 'active', 'resolved', 'once', 'always', 'forever', 'kind', 'subject']),
    () => random.pick(['../../../../etc/passwd', '/dev/zero', '/proc/self/mem', '~/.ssh/id_rsa', 'C:\\x']),
    () => random.pick(['%s%s%n', '{count}', '${HOME}', '$(id)', '`id`', "'; DROP TABLE findings; --", '<b>&amp;']),
    () => random.pick(['http://127.0.0.1:1/v1', 'https://example.invalid', 'http://[::1', 'javascript:alert(1)']),
    () => hostileJson(random),
  ])();
}

function hostileNumber(type: string, random: Random): number | bigint {
  switch (type) {
    case 'y':
      return random.pick([0, 1, 127, 255]);
    case 'n':
      return random.pick([-32768, -1, 0, 32767]);
    case 'q':
      return random.pick([0, 1, 65535]);
    case 'i':
      return random.pick([-2147483648, -1, 0, 1, 2147483647]);
    case 'u':
      return random.pick([0, 1, 2, 1000, 1001, 10_000, 10_001, 32_768, 32_769, 2147483648, 4294967295]);
    case 'x':
      // The library refuses -2^63 itself (an off-by-one), so the fuzzer starts one above it.
      return random.pick([-(2n ** 63n) + 1n, -1n, 0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n]);
    case 't':
      return random.pick([0n, 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]);
    case 'h':
      throw new Error('the fuzzer does not send file descriptors');
    default: // 'd'; the library cannot send NaN or the infinities
      return random.pick([-0, -1, 0.5, 5.000001, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2]);
  }
}

const SIMPLE_TYPES = ['s', 'b', 'u', 'i', 'x', 't', 'd', 'y', 'n', 'q', 'o', 'g', 'as', 'a{sv}', 'v', 'aa{sv}', '(su)'];

/** A value of any type, wrapped in a Variant; variants inside variants up to `depth` deep. */
function hostileVariant(random: Random, depth: number): Variant {
  if (depth > 0 && random.chance(0.5)) return new Variant('v', hostileVariant(random, depth - 1));
  const type = random.pick(SIMPLE_TYPES);
  return new Variant(type, valueOf(type, random, 1));
}

/** One complete type from the front of `signature` (D-Bus signature grammar), and the rest. */
export function splitType(signature: string): [string, string] {
  const first = signature[0];
  if (first === 'a') {
    const [element, rest] = splitType(signature.slice(1));
    return [`a${element}`, rest];
  }
  if (first === '(' || first === '{') {
    const close = first === '(' ? ')' : '}';
    let inner = signature.slice(1);
    let type = first;
    while (inner[0] !== close) {
      const [member, rest] = splitType(inner);
      type += member;
      inner = rest;
    }
    return [type + close, inner.slice(1)];
  }
  return [signature.slice(0, 1), signature.slice(1)];
}

export function completeTypes(signature: string): string[] {
  const types: string[] = [];
  for (let rest = signature; rest !== '';) {
    const [type, next] = splitType(rest);
    types.push(type);
    rest = next;
  }
  return types;
}

/** Sets `key` as an own property, even "__proto__", which plain assignment would turn into the prototype. */
const setKey = (dict: Record<string, Variant>, key: string, value: Variant) =>
  Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });

/** A dictionary: documented keys with hostile values of their type or of a wrong one, unknown keys, many keys. */
function hostileDict(random: Random, keys: Map<string, string>, depth: number): Record<string, Variant> {
  const dict: Record<string, Variant> = {};
  const known = [...keys.entries()].filter(([, type]) => /^[a-z{}()]+$/.test(type));
  const shape = random.below(6);
  if (shape === 0) return dict;
  if (shape === 1) {
    for (let i = 0; i < 1000; i += 1) dict[`key${i}`] = new Variant('u', i);
    return dict;
  }
  for (let i = random.below(4) + 1; i > 0; i -= 1) {
    if (known.length > 0 && random.chance(0.7)) {
      const [key, type] = random.pick(known);
      setKey(
        dict,
        key,
        random.chance(0.5) ? new Variant(type, valueOf(type, random, depth + 1)) : hostileVariant(random, 3),
      );
    } else {
      const key = random.pick([
        '',
        '__proto__',
        'constructor',
        'toString',
        'x'.repeat(1000),
        'Limit',
        ' state',
        'state ',
      ]);
      setKey(dict, key, hostileVariant(random, random.chance(0.2) ? 30 : 3));
    }
  }
  return dict;
}

/** A hostile value of D-Bus type `type`; `keys` are the documented keys when it is an a{sv}. */
export function valueOf(type: string, random: Random, depth = 0, keys = new Map<string, string>()): unknown {
  switch (type[0]) {
    case 's':
      return depth > 0 && random.chance(0.8)
        ? random.pick(['', 'x', random.uuid(), ...ODD_UNICODE])
        : hostileString(random);
    case 'o':
      return random.pick(['/', '/io/github/steward/Steward1', '/a/b_c/D0']);
    case 'g':
      return random.pick(['', 's', 'a{sv}', '(ii)']);
    case 'b':
      return random.chance(0.5);
    case 'v':
      return hostileVariant(random, depth > 3 ? 0 : random.chance(0.2) ? 30 : 3);
    case '(':
      return completeTypes(type.slice(1, -1)).map((member) => valueOf(member, random, depth + 1));
    case 'a': {
      const element = type.slice(1);
      if (element === '{sv}') return hostileDict(random, keys, depth);
      if (element.startsWith('{')) {
        const [keyType, valueType] = completeTypes(element.slice(1, -1)) as [string, string];
        return Object.fromEntries([
          [String(valueOf(keyType, random, depth + 1)), valueOf(valueType, random, depth + 1)],
        ]);
      }
      if (depth > 3) return [];
      return Array.from({ length: random.below(4) }, () => valueOf(element, random, depth + 1));
    }
    default:
      return hostileNumber(type, random);
  }
}

const WRONG_SIGNATURES = [
  '',
  's',
  'ss',
  'sss',
  'u',
  'b',
  'v',
  'as',
  'a{sv}',
  'ia{sv}',
  'a{ss}',
  '(ss)',
  'ay',
  'x',
  'd',
];

function wrongSignature(method: MethodSpec, random: Random): string {
  const right = method.inSignature;
  const types = completeTypes(right);
  const candidates = [
    ...WRONG_SIGNATURES,
    types.slice(0, -1).join(''), // one argument short
    `${right}s`, // one argument too many
    `${right}${right}`,
    [...types].reverse().join(''),
  ].filter((signature) => signature !== right);
  return random.pick(candidates);
}

/** The next call for `target`: mostly the right signature with hostile values, sometimes a wrong signature. */
export function makeCall(target: FuzzTarget, random: Random): FuzzCall {
  const { iface, method } = target;
  const name = `${iface}.${method.name}`;
  const base = { interface: iface, member: method.name };
  if (random.chance(0.2)) {
    const signature = wrongSignature(method, random);
    const body = completeTypes(signature).map((type) => valueOf(type, random));
    return { ...base, signature, body, kind: `wrong signature (${signature})` };
  }
  const body = method.inArgs.map((arg, index) => valueOf(arg.type, random, 0, target.keys.get(index)));
  const poison = INVALID_ONLY[name];
  if (poison) body[poison.arg] = POISON[name]!(random);
  return { ...base, signature: method.inSignature, body, kind: 'hostile values' };
}

/** Every string in a reply (inside arrays, dictionaries and variants), up to `limit` characters long. */
function stringsIn(value: unknown, limit: number, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.length > 0 && value.length <= limit) found.push(value);
  } else if (value instanceof Variant) stringsIn(value.value, limit, found);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, limit, found);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) stringsIn(item, limit, found);
  return found;
}

const REMEMBER_AT_MOST = 500;

/**
 * Makes the calls of one seeded run. Calls are made one at a time, so that
 * strings the service answered with (ids of sessions, rules, jobs) come back
 * in later calls and reach the code for things that exist; the same seed
 * makes the same choices.
 */
export class Fuzzer {
  private readonly random: Random;
  readonly targets: FuzzTarget[];

  constructor(
    private readonly interfaces: InterfaceSpec[],
    readonly seed: number,
  ) {
    this.targets = targetsOf(interfaces);
    this.random = new Random(seed);
    this.random.remembered.push(...new Set(declaredNames(interfaces)));
  }

  /** `count` calls; every method is called once first, then methods are picked at random. */
  *calls(count: number): Generator<FuzzCall> {
    for (let i = 0; i < count; i += 1) {
      const call = makeCall(i < this.targets.length ? this.targets[i]! : this.random.pick(this.targets), this.random);
      yield this.aimAtProperties(call);
    }
  }

  /** Most Properties calls name a declared interface and property, so that every getter is called too. */
  private aimAtProperties(call: FuzzCall): FuzzCall {
    if (
      call.interface !== 'org.freedesktop.DBus.Properties' ||
      !call.signature.startsWith('s') ||
      this.random.chance(0.3)
    )
      return call;
    const iface = this.random.pick(this.interfaces.filter((i) => i.properties.length > 0));
    const body = [iface.name, ...call.body.slice(1)];
    if (call.signature.startsWith('ss')) body[1] = this.random.pick(iface.properties).name;
    return { ...call, body };
  }

  /** Keeps the short strings of a successful reply, to send back later. */
  learn(reply: unknown[]): void {
    const remembered = this.random.remembered;
    for (const text of stringsIn(reply, 256)) {
      if (remembered.includes(text)) continue;
      if (remembered.length >= REMEMBER_AT_MOST) remembered.splice(this.random.below(remembered.length), 1);
      remembered.push(text);
    }
  }
}

/** A seed for a run that was not given one; printed, so the run can be replayed. */
export const freshSeed = () => Number.parseInt(randomUUID().slice(0, 8), 16);

/** Every basic D-Bus type but h (a file descriptor, which the bus library here cannot send). */
const BASIC_TYPES = ['y', 'b', 'n', 'q', 'i', 'u', 'x', 't', 'd', 's', 'o', 'g'];

/** A random complete D-Bus type: every basic type, variants, arrays, structs and dictionaries, nested up to `depth`. */
export function randomType(random: Random, depth = 3): string {
  const kind = depth > 0 ? random.below(6) : 0;
  if (kind <= 1) return random.pick(BASIC_TYPES);
  if (kind === 2) return 'v';
  if (kind === 3) return `a${randomType(random, depth - 1)}`;
  if (kind === 4)
    return `(${Array.from({ length: random.below(3) + 1 }, () => randomType(random, depth - 1)).join('')})`;
  // Dictionary keys as strings: valueOf writes every dictionary as an object, whose keys are text.
  return `a{${random.pick(['s', 'o', 'g'])}${randomType(random, depth - 1)}}`;
}

/** A random signature of up to three complete types. */
export const randomSignature = (random: Random) =>
  Array.from({ length: random.below(4) }, () => randomType(random)).join('');
