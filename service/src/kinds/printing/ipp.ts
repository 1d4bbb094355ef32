// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The few IPP messages Steward sends to the local CUPS (RFC 8010's encoding): an operation, its attribute
// groups, and the attributes of the answer. No npm IPP library is both kept up and small; this is both.

/** Delimiter tags (RFC 8010 §3.5.1). */
export const GROUP = { operation: 0x01, job: 0x02, end: 0x03, printer: 0x04, unsupported: 0x05, subscription: 0x06 };

/** Value tags Steward writes or reads (RFC 8010 §3.5.2). */
export const TAG = {
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  text: 0x41,
  name: 0x42,
  keyword: 0x44,
  uri: 0x45,
  charset: 0x47,
  language: 0x48,
} as const;

/** The operations Steward uses: RFC 8011, RFC 3995 and CUPS's own (cups/ipp.h). */
export const OPERATION = {
  getJobs: 0x000a,
  pausePrinter: 0x0010,
  createPrinterSubscriptions: 0x0016,
  cancelSubscription: 0x001b,
  getSubscriptions: 0x0019,
  cupsGetPrinters: 0x4002,
  cupsRejectJobs: 0x4009,
} as const;

export type IppValue = string | number | boolean;

export interface IppAttribute {
  tag: number;
  name: string;
  values: IppValue[];
}

export interface IppGroup {
  tag: number;
  attributes: IppAttribute[];
}

export interface IppMessage {
  /** The operation of a request; the status code of a response. */
  code: number;
  requestId: number;
  groups: IppGroup[];
}

export class IppError extends Error {
  override name = 'IppError';
}

const isNumeric = (tag: number) => tag === TAG.integer || tag === TAG.enum;

function encodeValue(tag: number, value: IppValue): Buffer {
  if (isNumeric(tag)) {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32BE(Number(value));
    return buffer;
  }
  if (tag === TAG.boolean) return Buffer.from([value ? 1 : 0]);
  return Buffer.from(String(value), 'utf8');
}

/** A request as RFC 8010 §3.1.1 lays it out, in IPP/2.0. */
export function encodeRequest({ code, requestId, groups }: IppMessage): Buffer {
  const parts: Buffer[] = [Buffer.from([2, 0]), Buffer.alloc(6)];
  parts[1]?.writeUInt16BE(code, 0);
  parts[1]?.writeUInt32BE(requestId, 2);
  for (const group of groups) {
    parts.push(Buffer.from([group.tag]));
    for (const { tag, name, values } of group.attributes) {
      values.forEach((value, index) => {
        const nameBytes = Buffer.from(index === 0 ? name : '', 'utf8');
        const valueBytes = encodeValue(tag, value);
        const header = Buffer.alloc(3);
        header.writeUInt8(tag, 0);
        header.writeUInt16BE(nameBytes.length, 1);
        const length = Buffer.alloc(2);
        length.writeUInt16BE(valueBytes.length);
        parts.push(header, nameBytes, length, valueBytes);
      });
    }
  }
  parts.push(Buffer.from([GROUP.end]));
  return Buffer.concat(parts);
}

function decodeValue(tag: number, bytes: Buffer): IppValue {
  if (isNumeric(tag) && bytes.length === 4) return bytes.readInt32BE(0);
  if (tag === TAG.boolean && bytes.length === 1) return bytes[0] !== 0;
  // Collections, dates, resolutions and ranges are read as text: Steward reads none of them.
  return bytes.toString('utf8');
}

/** A response: every group and attribute, additional values joined to their attribute (RFC 8010 §3.1.3). */
export function decodeResponse(data: Buffer): IppMessage {
  if (data.length < 9) throw new IppError('IPP response too short');
  const message: IppMessage = { code: data.readUInt16BE(2), requestId: data.readUInt32BE(4), groups: [] };
  let offset = 8;
  let group: IppGroup | undefined;
  let attribute: IppAttribute | undefined;
  const need = (count: number) => {
    if (offset + count > data.length) throw new IppError('IPP response truncated');
  };
  for (;;) {
    need(1);
    const tag = data.readUInt8(offset++);
    if (tag === GROUP.end) return message;
    if (tag < 0x10) {
      group = { tag, attributes: [] };
      message.groups.push(group);
      attribute = undefined;
      continue;
    }
    need(2);
    const nameLength = data.readUInt16BE(offset);
    offset += 2;
    need(nameLength + 2);
    const name = data.toString('utf8', offset, offset + nameLength);
    offset += nameLength;
    const valueLength = data.readUInt16BE(offset);
    offset += 2;
    need(valueLength);
    const value = decodeValue(tag, data.subarray(offset, offset + valueLength));
    offset += valueLength;
    if (!group) throw new IppError('IPP attribute outside a group');
    if (nameLength === 0 && attribute) attribute.values.push(value);
    else {
      attribute = { tag, name, values: tag >= 0x10 && tag < 0x20 ? [] : [value] };
      group.attributes.push(attribute);
    }
  }
}

/** The attributes of each group of one kind (each printer's, each subscription's), by name. */
export function groupsOf(message: IppMessage, tag: number): Map<string, IppValue[]>[] {
  return message.groups
    .filter((group) => group.tag === tag)
    .map((group) => new Map(group.attributes.map((attribute) => [attribute.name, attribute.values])));
}

/** The operation attributes every request starts with (RFC 8011 §4.1.4). */
export function operationAttributes(...more: IppAttribute[]): IppGroup {
  return {
    tag: GROUP.operation,
    attributes: [
      { tag: TAG.charset, name: 'attributes-charset', values: ['utf-8'] },
      { tag: TAG.language, name: 'attributes-natural-language', values: ['en'] },
      ...more,
    ],
  };
}
