// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { CUPS_SOCKET, cupsSocket, printerFromAttributes } from '../../../service/src/kinds/printing/cupsClient.js';
import { PRINTER_PROBLEM } from '../../../service/src/kinds/printing/detector.js';
import {
  decodeResponse,
  encodeRequest,
  GROUP,
  groupsOf,
  IppError,
  OPERATION,
  TAG,
} from '../../../service/src/kinds/printing/ipp.js';
import type { PrinterState } from '../../../service/src/kinds/printing/state.js';
import { PrinterStoppedDetector } from '../../../service/src/kinds/printing/stateDetector.js';

/** One attribute as RFC 8010 §3.1.4 lays it out: tag, name length, name, value length, value. */
const attribute = (tag: number, name: string, value: Buffer) => {
  const head = Buffer.alloc(3);
  head.writeUInt8(tag, 0);
  head.writeUInt16BE(name.length, 1);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(value.length);
  return Buffer.concat([head, Buffer.from(name), length, value]);
};
const int = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};

describe('the IPP encoding', () => {
  it('lays a request out as RFC 8010 says: version, operation, request id, groups, end tag', () => {
    const bytes = encodeRequest({
      code: OPERATION.cupsGetPrinters,
      requestId: 7,
      groups: [
        {
          tag: GROUP.operation,
          attributes: [
            { tag: TAG.charset, name: 'attributes-charset', values: ['utf-8'] },
            { tag: TAG.keyword, name: 'requested-attributes', values: ['printer-name', 'printer-state'] },
            { tag: TAG.integer, name: 'limit', values: [3] },
          ],
        },
      ],
    });
    const expected = Buffer.concat([
      Buffer.from([2, 0, 0x40, 0x02, 0, 0, 0, 7, 0x01]),
      attribute(0x47, 'attributes-charset', Buffer.from('utf-8')),
      attribute(0x44, 'requested-attributes', Buffer.from('printer-name')),
      // An additional value: its name is empty.
      attribute(0x44, '', Buffer.from('printer-state')),
      attribute(0x21, 'limit', int(3)),
      Buffer.from([0x03]),
    ]);
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
  });

  it("reads a response's status, groups and multi-valued attributes, and the printers in it", () => {
    const response = Buffer.concat([
      Buffer.from([2, 0, 0x00, 0x00, 0, 0, 0, 7, 0x01]),
      attribute(0x47, 'attributes-charset', Buffer.from('utf-8')),
      Buffer.from([0x04]),
      attribute(0x42, 'printer-name', Buffer.from('Office')),
      attribute(0x23, 'printer-state', int(5)),
      attribute(0x41, 'printer-state-message', Buffer.from('Printer stopped due to backend errors.')),
      attribute(0x44, 'printer-state-reasons', Buffer.from('paused')),
      attribute(0x44, '', Buffer.from('media-empty-error')),
      attribute(0x22, 'printer-is-accepting-jobs', Buffer.from([1])),
      Buffer.from([0x04]),
      attribute(0x42, 'printer-name', Buffer.from('Lab')),
      attribute(0x23, 'printer-state', int(3)),
      attribute(0x44, 'printer-state-reasons', Buffer.from('none')),
      attribute(0x22, 'printer-is-accepting-jobs', Buffer.from([0])),
      Buffer.from([0x03]),
    ]);
    const message = decodeResponse(response);
    expect([message.code, message.requestId, message.groups.map((group) => group.tag)]).toEqual([0, 7, [1, 4, 4]]);
    expect(groupsOf(message, GROUP.printer).map((attributes) => printerFromAttributes(attributes))).toEqual([
      {
        name: 'Office',
        state: 5,
        stateMessage: 'Printer stopped due to backend errors.',
        reasons: ['paused', 'media-empty-error'],
        acceptingJobs: true,
        heldJobs: [],
      },
      { name: 'Lab', state: 3, stateMessage: '', reasons: [], acceptingJobs: false, heldJobs: [] },
    ]);
  });

  it('refuses a truncated response with a named error', () => {
    const whole = Buffer.concat([
      Buffer.from([2, 0, 0, 0, 0, 0, 0, 1, 0x04]),
      attribute(0x42, 'printer-name', Buffer.from('Office')),
      Buffer.from([0x03]),
    ]);
    for (const cut of [4, 12, whole.length - 3, whole.length - 1])
      expect(() => decodeResponse(whole.subarray(0, cut))).toThrowError(IppError);
    expect(decodeResponse(whole).groups.length).toBe(1);
  });
});

describe('the cupsd socket asked', () => {
  it('is CUPS_SERVER where it names a domain socket, as libcups reads it', () => {
    expect(cupsSocket({ CUPS_SERVER: '/tmp/gym/cups.sock' })).toBe('/tmp/gym/cups.sock');
  });

  it('is cupsd’s own socket otherwise: a host name is not followed', () => {
    expect(cupsSocket({})).toBe(CUPS_SOCKET);
    expect(cupsSocket({ CUPS_SERVER: 'printserver.example:631' })).toBe(CUPS_SOCKET);
  });
});

describe('the stopped-queue detector', () => {
  const event = (printer: Partial<PrinterState>) => ({
    type: 'desktop' as const,
    at: new Date(0),
    desktop: {
      kind: 'printer' as const,
      printer: {
        name: 'Office',
        state: 3,
        stateMessage: '',
        reasons: [],
        acceptingJobs: true,
        heldJobs: [],
        ...printer,
      },
    },
  });
  const detector = new PrinterStoppedDetector();

  it('reports a queue cupsd stopped, with its message, and clears it once the queue runs again', () => {
    const [stopped] = detector.detect(
      event({ state: 5, stateMessage: 'Printer stopped due to backend errors.', reasons: ['paused'] }),
    );
    expect(stopped && 'report' in stopped ? [stopped.report.subject, stopped.report.title] : null).toEqual([
      'Office',
      'Printer Office is stopped: Printer stopped due to backend errors.',
    ]);
    expect(detector.detect(event({ state: 3 }))).toEqual([
      { resolve: { kind: PRINTER_PROBLEM, subject: 'Office', at: new Date(0) } },
    ]);
  });

  it('leaves a queue paused by hand alone (cupsd says "Paused")', () => {
    expect(detector.detect(event({ state: 5, stateMessage: 'Paused', reasons: ['paused'] }))).toEqual([
      { resolve: { kind: PRINTER_PROBLEM, subject: 'Office', at: new Date(0) } },
    ]);
  });
});
