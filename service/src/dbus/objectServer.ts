// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Message, type MessageBus, MessageType, Variant } from '@jellybrick/dbus-next';
import type { z } from 'zod';

import type { Logger } from '../logging.js';
import { bounded, StewardError } from './errors.js';
import type { InterfaceName, MethodsOf, PropertiesOf } from './generated.js';
import { type InterfaceSpec, type MethodSpec, parseIntrospection, toIntrospectionXml } from './introspection.js';
import { payloadKey } from './payloadKey.js';

export interface CallContext {
  /** Unique bus name of the caller, e.g. ":1.42". */
  sender: string;
}

export interface MethodImpl<Args extends unknown[] = unknown[], Reply = unknown> {
  args: z.ZodType<Args>;
  call(args: Args, context: CallContext): Reply | Promise<Reply>;
}

export interface InterfaceImpl {
  methods: Record<string, MethodImpl>;
  /** Getters for every readable property, returning values in D-Bus form (Variant for "v"). */
  properties: Record<string, () => unknown>;
}

/** What a handler returns for a method's out arguments: nothing, the one value, or all of them in order. */
type ReplyOf<Method> = Method extends { out: infer Out }
  ? Out extends [infer Only]
    ? Only
    : Out extends []
      ? // A handler of a method without out arguments is a function that returns nothing.
        // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
        void
      : Out
  : never;

/**
 * An interface's implementation checked against the types generated from its XML: every method and
 * property, no other, each returning what the XML declares. The arguments are zod's to check.
 */
export interface TypedInterfaceImpl<I extends InterfaceName> extends InterfaceImpl {
  methods: { [M in keyof MethodsOf<I>]: MethodImpl<unknown[], ReplyOf<MethodsOf<I>[M]>> };
  properties: { [P in keyof PropertiesOf<I>]: () => PropertiesOf<I>[P] };
}

/** Declares a method implementation with its arguments as a zod tuple, so the handler gets them typed. */
export function method<Args extends unknown[], Reply>(
  args: z.ZodType<Args>,
  call: (args: Args, context: CallContext) => Reply | Promise<Reply>,
): MethodImpl<Args, Reply> {
  return { args, call };
}

const STANDARD_INTERFACES = parseIntrospection(`<node>
  <interface name="org.freedesktop.DBus.Peer">
    <method name="Ping"/>
    <method name="GetMachineId"><arg name="machine_uuid" type="s" direction="out"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect"><arg name="xml_data" type="s" direction="out"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Properties">
    <method name="Get">
      <arg name="interface_name" type="s" direction="in"/><arg name="property_name" type="s" direction="in"/>
      <arg name="value" type="v" direction="out"/>
    </method>
    <method name="GetAll">
      <arg name="interface_name" type="s" direction="in"/><arg name="properties" type="a{sv}" direction="out"/>
    </method>
    <method name="Set">
      <arg name="interface_name" type="s" direction="in"/><arg name="property_name" type="s" direction="in"/>
      <arg name="value" type="v" direction="in"/>
    </method>
    <signal name="PropertiesChanged">
      <arg name="interface_name" type="s"/><arg name="changed_properties" type="a{sv}"/>
      <arg name="invalidated_properties" type="as"/>
    </signal>
  </interface>
</node>`);

const PROPERTIES = 'org.freedesktop.DBus.Properties';
const INTROSPECTABLE = 'org.freedesktop.DBus.Introspectable';

interface Binding {
  spec: InterfaceSpec;
  impl: InterfaceImpl;
}

class DBusReplyError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves our objects on a bus. The interface XML decides what exists: calls are
 * routed only to declared members with the declared signature, arguments are
 * validated with zod, and every failure becomes a named error without a stack.
 */
export class ObjectServer {
  private readonly objects = new Map<string, Map<string, Binding>>();
  private readonly handler = (message: Message) => this.handle(message);

  constructor(
    private readonly bus: MessageBus,
    private readonly log: Logger,
  ) {
    bus.addMethodHandler(this.handler);
  }

  /** Exports `impl` as interface `spec` at `path`; throws if the implementation does not match the declaration. */
  export(path: string, spec: InterfaceSpec, impl: InterfaceImpl): void {
    checkImplementation(spec, impl);
    let object = this.objects.get(path);
    if (!object) {
      object = new Map();
      this.objects.set(path, object);
    }
    object.set(spec.name, { spec, impl });
  }

  unexportAll(): void {
    this.objects.clear();
    this.bus.removeMethodHandler(this.handler);
  }

  emitPropertiesChanged(path: string, interfaceName: string, names: string[]): void {
    const binding = this.binding(path, interfaceName);
    const changed = Object.fromEntries(names.map((name) => [name, this.propertyVariant(binding, name)]));
    this.bus.send(Message.newSignal(path, PROPERTIES, 'PropertiesChanged', 'sa{sv}as', [interfaceName, changed, []]));
  }

  /** Sends signal `name` to every peer, or to `destination`'s connection alone. */
  emitSignal(path: string, interfaceName: string, name: string, args: unknown[], destination?: string): void {
    const signal = this.binding(path, interfaceName).spec.signals.find((s) => s.name === name);
    if (!signal) throw new Error(`${interfaceName} declares no signal ${name}`);
    // Marshalling throws on values D-Bus cannot carry; one lost signal must not end the service.
    try {
      const message = Message.newSignal(path, interfaceName, name, signal.signature, args);
      if (destination !== undefined) message.destination = destination;
      this.bus.send(message);
    } catch (error) {
      this.log.error('cannot send a signal', { signal: `${interfaceName}.${name}`, error: errorDetail(error) });
    }
  }

  /** Sends signal `name` with `payload`'s values in the order the XML declares the arguments. */
  emitNamedSignal(
    path: string,
    interfaceName: string,
    name: string,
    payload: Record<string, unknown>,
    destination?: string,
  ): void {
    const signal = this.binding(path, interfaceName).spec.signals.find((s) => s.name === name);
    if (!signal) throw new Error(`${interfaceName} declares no signal ${name}`);
    this.emitSignal(
      path,
      interfaceName,
      name,
      signal.args.map((arg) => payload[payloadKey(arg.name)]),
      destination,
    );
  }

  private binding(path: string, interfaceName: string): Binding {
    const binding = this.objects.get(path)?.get(interfaceName);
    if (!binding) throw new Error(`${interfaceName} is not exported at ${path}`);
    return binding;
  }

  private handle(message: Message): boolean {
    if (message.type !== MessageType.METHOD_CALL || !message.path) return false;
    const object = this.objects.get(message.path);
    if (!object) return this.handleParentIntrospection(message);

    if (message.interface === PROPERTIES || message.interface === INTROSPECTABLE) {
      this.reply(message, () => this.handleStandard(message, object));
      return true;
    }
    const binding = message.interface ? object.get(message.interface) : undefined;
    const methodSpec = binding?.spec.methods.find((m) => m.name === message.member);
    if (!binding || !methodSpec) return false; // the library answers Peer calls and UnknownMethod
    this.reply(message, () => this.invoke(message, binding, methodSpec));
    return true;
  }

  private invoke(message: Message, binding: Binding, spec: MethodSpec): Promise<unknown[]> | unknown[] {
    const signature = message.signature ?? '';
    if (signature !== spec.inSignature) {
      throw new StewardError(
        'InvalidArgs',
        `${spec.name} takes arguments (${spec.inSignature}), but was called with (${signature})`,
      );
    }
    const impl = binding.impl.methods[spec.name] as MethodImpl;
    const parsed = impl.args.safeParse(message.body);
    if (!parsed.success) throw new StewardError('InvalidArgs', describeIssues(spec, parsed.error.issues));
    const result = impl.call(parsed.data, { sender: message.sender ?? '' });
    const toBody = (value: unknown) => (spec.outArgs.length === 1 ? [value] : ((value ?? []) as unknown[]));
    return result instanceof Promise ? result.then(toBody) : toBody(result);
  }

  private handleStandard(message: Message, object: Map<string, Binding>): unknown[] {
    const expected = STANDARD_INTERFACES.find((i) => i.name === message.interface)?.methods.find(
      (m) => m.name === message.member,
    );
    if (!expected)
      throw new DBusReplyError('org.freedesktop.DBus.Error.UnknownMethod', `No such method ${message.member}`);
    if ((message.signature ?? '') !== expected.inSignature) {
      throw new DBusReplyError(
        'org.freedesktop.DBus.Error.InvalidArgs',
        `${message.member} takes arguments (${expected.inSignature})`,
      );
    }
    if (message.interface === INTROSPECTABLE) {
      const specs = [...STANDARD_INTERFACES, ...[...object.values()].map((b) => b.spec)];
      return [toIntrospectionXml(specs, this.childNodes(message.path ?? ''))];
    }
    const [interfaceName, propertyName] = message.body as [string, string];
    const binding = object.get(interfaceName);
    if (!binding) {
      throw new DBusReplyError('org.freedesktop.DBus.Error.UnknownInterface', `No such interface “${interfaceName}”`);
    }
    switch (message.member) {
      case 'GetAll': {
        const readable = binding.spec.properties.filter((p) => p.access !== 'write');
        return [Object.fromEntries(readable.map((p) => [p.name, this.propertyVariant(binding, p.name)]))];
      }
      case 'Get':
        if (!binding.spec.properties.some((p) => p.name === propertyName)) {
          throw new DBusReplyError('org.freedesktop.DBus.Error.UnknownProperty', `No such property “${propertyName}”`);
        }
        return [this.propertyVariant(binding, propertyName)];
      default:
        throw new DBusReplyError(
          'org.freedesktop.DBus.Error.PropertyReadOnly',
          `Property “${propertyName}” is read-only`,
        );
    }
  }

  private propertyVariant(binding: Binding, name: string): unknown {
    const property = binding.spec.properties.find((p) => p.name === name);
    const getter = binding.impl.properties[name];
    if (!property || !getter) throw new Error(`${binding.spec.name} has no property ${name}`);
    return new Variant(property.type, getter());
  }

  /** Lets tools such as busctl walk the tree from "/" down to our objects. */
  private handleParentIntrospection(message: Message): boolean {
    if (message.interface !== INTROSPECTABLE || message.member !== 'Introspect') return false;
    const children = this.childNodes(message.path ?? '');
    if (children.length === 0) return false;
    this.reply(message, () => [toIntrospectionXml(STANDARD_INTERFACES, children)]);
    return true;
  }

  private childNodes(path: string): string[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    const names = [...this.objects.keys()]
      .filter((p) => p.startsWith(prefix))
      .map((p) => p.slice(prefix.length).split('/')[0] as string);
    return [...new Set(names)].sort();
  }

  private reply(message: Message, produce: () => Promise<unknown[]> | unknown[]): void {
    const method = `${message.interface}.${message.member}`;
    const sendError = (error: unknown) => {
      if (error instanceof StewardError || error instanceof DBusReplyError) {
        const name = error instanceof StewardError ? error.dbusName : error.errorName;
        const reason = bounded(error.message);
        this.log.debug('call refused', { method, sender: message.sender, error: name, reason });
        this.bus.send(Message.newError(message, name, reason));
        return;
      }
      this.log.error('call failed', { method, sender: message.sender, error: errorDetail(error) });
      const internal = new StewardError('Internal', `Internal error in ${message.member}; the service log has details`);
      this.bus.send(Message.newError(message, internal.dbusName, internal.message));
    };
    const sendReply = (body: unknown[]) => {
      const outSignature = this.outSignature(message);
      try {
        this.bus.send(Message.newMethodReturn(message, outSignature, body));
      } catch (error) {
        sendError(new Error(`reply does not match signature (${outSignature}): ${errorDetail(error)}`));
      }
    };
    try {
      const result = produce();
      if (result instanceof Promise) result.then(sendReply, sendError);
      else sendReply(result);
    } catch (error) {
      sendError(error);
    }
  }

  private outSignature(message: Message): string {
    const interfaces = [
      ...STANDARD_INTERFACES,
      ...[...(this.objects.get(message.path ?? '')?.values() ?? [])].map((b) => b.spec),
    ];
    const spec = interfaces.find((i) => i.name === message.interface)?.methods.find((m) => m.name === message.member);
    return spec?.outSignature ?? '';
  }
}

function checkImplementation(spec: InterfaceSpec, impl: InterfaceImpl): void {
  const problems: string[] = [];
  const compare = (kind: string, declared: string[], implemented: string[]) => {
    for (const name of declared)
      if (!implemented.includes(name)) problems.push(`${kind} ${name} is declared but not implemented`);
    for (const name of implemented)
      if (!declared.includes(name)) problems.push(`${kind} ${name} is implemented but not declared`);
  };
  compare(
    'method',
    spec.methods.map((m) => m.name),
    Object.keys(impl.methods),
  );
  compare(
    'property',
    spec.properties.filter((p) => p.access !== 'write').map((p) => p.name),
    Object.keys(impl.properties),
  );
  for (const m of spec.methods) {
    const arity = tupleArity(impl.methods[m.name]?.args);
    if (arity !== undefined && arity !== m.inArgs.length) {
      problems.push(`method ${m.name} validates ${arity} arguments but declares ${m.inArgs.length}`);
    }
  }
  if (problems.length > 0) throw new Error(`${spec.name}: ${problems.join('; ')}`);
}

function tupleArity(schema: z.ZodType | undefined): number | undefined {
  const def = (schema as { def?: { type?: string; items?: unknown[] } } | undefined)?.def;
  return def?.type === 'tuple' ? def.items?.length : undefined;
}

function describeIssues(spec: MethodSpec, issues: z.core.$ZodIssue[]): string {
  const parts = issues.map((issue) => {
    const [index, ...rest] = issue.path;
    const arg = typeof index === 'number' ? spec.inArgs[index] : undefined;
    const where = arg ? `argument “${arg.name}”${rest.length > 0 ? ` at ${rest.join('.')}` : ''}` : 'arguments';
    return `${where}: ${issue.message}`;
  });
  return `Invalid arguments for ${spec.name}: ${parts.join('; ')}`;
}

function errorDetail(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
