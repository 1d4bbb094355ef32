// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Calls to other services whose answers are read only through their types: the reply's D-Bus signature as the
// peer's interface declares it, then a schema for what Steward reads of it (sizes included). Anything else is an
// UnexpectedAnswer (unexpected.ts), never handed on.
import type { MessageBus } from '@jellybrick/dbus-next';
import { z } from 'zod';

import { callMethod, type CallOptions, type CallTarget } from './client.js';
import { checkedAnswer } from './unexpected.js';
import { variantOf } from './variants.js';

const PROPERTIES = 'org.freedesktop.DBus.Properties';

/** An object of another service, and the interface whose properties are read. */
export interface PeerObject {
  destination: string;
  path: string;
  interface: string;
}

/**
 * Calls `target` and reads the reply's arguments (a tuple) with `schema`, once the reply has the D-Bus type
 * `target.reply`; anything else is an UnexpectedAnswer from the peer to that member.
 */
export async function typedCall<T extends z.ZodType>(
  bus: MessageBus,
  target: CallTarget & { reply: string },
  schema: T,
  options?: CallOptions,
): Promise<z.output<T>> {
  const body = await callMethod(bus, target, options);
  return checkedAnswer(schema, body, target.destination, target.member);
}

/** A call whose reply carries nothing: only its type is checked. */
export async function voidCall(bus: MessageBus, target: CallTarget, options?: CallOptions): Promise<void> {
  await callMethod(bus, { ...target, reply: '' }, options);
}

/** One property (Properties.Get): a variant of D-Bus type `signature`, its value read by `schema`. */
export async function getProperty<T extends z.ZodType>(
  bus: MessageBus,
  object: PeerObject,
  name: string,
  signature: string,
  schema: T,
  options?: CallOptions,
): Promise<z.output<T>> {
  const [value] = await callMethod(
    bus,
    {
      destination: object.destination,
      path: object.path,
      interface: PROPERTIES,
      member: 'Get',
      signature: 'ss',
      body: [object.interface, name],
      reply: 'v',
    },
    options,
  );
  return checkedAnswer(variantOf(signature, schema), value, object.destination, name);
}

/**
 * An object's properties on one interface (Properties.GetAll), read by `schema`: an object of the properties Steward
 * reads, each a variantOf() its type (optional where a version of the service may lack it); others pass unread.
 */
export async function getAllProperties<T extends z.ZodType>(
  bus: MessageBus,
  object: PeerObject,
  schema: T,
  options?: CallOptions,
): Promise<z.output<T>> {
  const [all] = await callMethod(
    bus,
    {
      destination: object.destination,
      path: object.path,
      interface: PROPERTIES,
      member: 'GetAll',
      signature: 's',
      body: [object.interface],
      reply: 'a{sv}',
    },
    options,
  );
  return checkedAnswer(schema, all, object.destination, 'GetAll');
}

/** An object path as the D-Bus specification allows it, bounded. */
export const objectPath = z
  .string()
  .max(1024)
  .regex(/^\/(?:[A-Za-z0-9_]+(?:\/[A-Za-z0-9_]+)*)?$/, 'must be an object path');

/** A list from another service: at most `max` items, more than any machine has being no answer to trust. */
export const boundedList = <T extends z.ZodType>(item: T, max = 1000) => z.array(item).max(max);
