// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { XMLParser } from 'fast-xml-parser';

export type Annotations = Record<string, string>;

export interface ArgSpec {
  name: string;
  type: string;
  annotations?: Annotations;
}

export interface MethodSpec {
  name: string;
  inArgs: ArgSpec[];
  outArgs: ArgSpec[];
  inSignature: string;
  outSignature: string;
  annotations: Annotations;
}

export interface PropertySpec {
  name: string;
  type: string;
  access: 'read' | 'write' | 'readwrite';
  annotations: Annotations;
}

export interface SignalSpec {
  name: string;
  args: ArgSpec[];
  signature: string;
  annotations: Annotations;
}

export interface InterfaceSpec {
  name: string;
  methods: MethodSpec[];
  properties: PropertySpec[];
  signals: SignalSpec[];
  annotations: Annotations;
}

interface RawAnnotation {
  '@_name': string;
  '@_value': string;
}
interface RawArg {
  '@_name'?: string;
  '@_type': string;
  '@_direction'?: 'in' | 'out';
  annotation?: RawAnnotation[];
}
interface RawMember {
  '@_name': string;
  '@_type'?: string;
  '@_access'?: PropertySpec['access'];
  arg?: RawArg[];
  annotation?: RawAnnotation[];
}
interface RawInterface {
  '@_name': string;
  method?: RawMember[];
  property?: RawMember[];
  signal?: RawMember[];
  annotation?: RawAnnotation[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (tagName) => ['interface', 'method', 'property', 'signal', 'arg', 'annotation', 'node'].includes(tagName),
});

/** Parses D-Bus introspection XML into the interfaces it declares, in document order. */
export function parseIntrospection(xml: string): InterfaceSpec[] {
  const document = parser.parse(xml) as { node?: { interface?: RawInterface[] }[] };
  const node = document.node?.[0];
  if (!node) throw new Error('introspection XML has no <node> element');
  return (node.interface ?? []).map(toInterfaceSpec);
}

function toInterfaceSpec(raw: RawInterface): InterfaceSpec {
  return {
    name: raw['@_name'],
    annotations: toAnnotations(raw.annotation),
    methods: (raw.method ?? []).map((m) => {
      const args = m.arg ?? [];
      const inArgs = args.filter((a) => (a['@_direction'] ?? 'in') === 'in').map(toArg);
      const outArgs = args.filter((a) => a['@_direction'] === 'out').map(toArg);
      return {
        name: m['@_name'],
        inArgs,
        outArgs,
        inSignature: signatureOf(inArgs),
        outSignature: signatureOf(outArgs),
        annotations: toAnnotations(m.annotation),
      };
    }),
    properties: (raw.property ?? []).map((p) => ({
      name: p['@_name'],
      type: p['@_type'] ?? '',
      access: p['@_access'] ?? 'read',
      annotations: toAnnotations(p.annotation),
    })),
    signals: (raw.signal ?? []).map((s) => {
      const args = (s.arg ?? []).map(toArg);
      return { name: s['@_name'], args, signature: signatureOf(args), annotations: toAnnotations(s.annotation) };
    }),
  };
}

function toAnnotations(raw: RawAnnotation[] | undefined): Annotations {
  return Object.fromEntries((raw ?? []).map((a) => [a['@_name'], a['@_value']]));
}

function toArg(raw: RawArg, index: number): ArgSpec {
  return { name: raw['@_name'] ?? `arg${index}`, type: raw['@_type'], annotations: toAnnotations(raw.annotation) };
}

function signatureOf(args: ArgSpec[]): string {
  return args.map((a) => a.type).join('');
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeXml = (text: string) => text.replace(/[&<>"]/g, (c) => escapes[c] ?? c);

function argXml(arg: ArgSpec, direction?: 'in' | 'out'): string {
  const dir = direction ? ` direction="${direction}"` : '';
  return `      <arg name="${escapeXml(arg.name)}" type="${escapeXml(arg.type)}"${dir}/>`;
}

/** Writes introspection XML for `interfaces` (and child node names), as Introspect() returns it. */
export function toIntrospectionXml(interfaces: InterfaceSpec[], childNodes: string[] = []): string {
  const lines = [
    '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"',
    ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">',
    '<node>',
  ];
  for (const iface of interfaces) {
    lines.push(`  <interface name="${escapeXml(iface.name)}">`);
    for (const method of iface.methods) {
      lines.push(`    <method name="${escapeXml(method.name)}">`);
      lines.push(...method.inArgs.map((a) => argXml(a, 'in')), ...method.outArgs.map((a) => argXml(a, 'out')));
      lines.push('    </method>');
    }
    for (const signal of iface.signals) {
      lines.push(
        `    <signal name="${escapeXml(signal.name)}">`,
        ...signal.args.map((a) => argXml(a)),
        '    </signal>',
      );
    }
    for (const property of iface.properties) {
      lines.push(
        `    <property name="${escapeXml(property.name)}" type="${escapeXml(property.type)}" access="${property.access}"/>`,
      );
    }
    lines.push('  </interface>');
  }
  lines.push(...childNodes.map((name) => `  <node name="${escapeXml(name)}"/>`), '</node>', '');
  return lines.join('\n');
}
