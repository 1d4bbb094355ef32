// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The system errors a failing program reports, one table for every runtime: every errno of Linux and every EAI_* code
// of glibc's getaddrinfo, with glibc's strerror and gai_strerror texts (errnoList.ts, generated from the system's own
// headers and glibc by build/errno-table.py), the forms each runtime prints them in (errnoForms), and what Steward
// knows of some of them beside: what a read-only step can check of them on this machine, and the other names runtimes
// give them (Node's ENOTFOUND, Go's "no such host", Python's and Java's exception classes).
import { N_ } from '../i18n.js';
import { ERRNO_LIST } from './errnoList.js';

/** What an error is about: the thing a read-only step can check on this machine. */
export type ErrnoObject = 'path' | 'port' | 'endpoint' | 'host' | 'descriptors' | 'address';

export interface Errno {
  code: string;
  number: number;
  text: string;
  /** What a check is about; null for an error Steward names but has no check of. */
  object: ErrnoObject | null;
  /** What it means for a person, without the system's word (translate it with _() where it is shown); none for an
   * error Steward only names. */
  plain?: string;
  /** Other names of the same number (EWOULDBLOCK), and other words runtimes print for it, matched as its text is. */
  aliases?: readonly string[];
  /** Exception classes that mean it: Python's builtins, Java's java.io/java.nio/java.net ones. */
  exceptions?: readonly string[];
}

/** What Steward checks of an error and the names runtimes give it beside its code and text, by code. */
const KNOWN: Readonly<Record<string, Pick<Errno, 'object' | 'plain' | 'aliases' | 'exceptions'>>> = {
  EPERM: { object: 'path', plain: N_('the system did not allow it') },
  EIO: { object: null, plain: N_('input/output error') },
  ENXIO: { object: null, plain: N_('no such device or address') },
  ENODEV: { object: null, plain: N_('the device is gone') },
  ENOSYS: { object: null, plain: N_('the operation is not implemented') },
  ETIME: { object: null, plain: N_('timed out') },
  EPROTO: { object: null, plain: N_('protocol error') },
  ESHUTDOWN: { object: null, plain: N_('the transport is shut down') },
  ENOENT: {
    object: 'path',
    plain: N_('a file or folder it needs is missing'),
    exceptions: ['FileNotFoundError', 'NoSuchFileException', 'FileNotFoundException'],
  },
  EACCES: {
    object: 'path',
    plain: N_('it was refused access to a file or folder'),
    exceptions: ['PermissionError', 'AccessDeniedException'],
  },
  ENFILE: { object: 'descriptors', plain: N_('the system has too many files open') },
  EMFILE: { object: 'descriptors', plain: N_('it has too many files open') },
  ENOSPC: { object: 'path', plain: N_('the disk is full') },
  EROFS: {
    object: 'path',
    plain: N_('the disk can only be read, not written'),
    exceptions: ['ReadOnlyFileSystemException'],
  },
  EADDRINUSE: {
    object: 'port',
    plain: N_('another program already uses its network port'),
    exceptions: ['BindException'],
  },
  // The address a program was told to bind is not one of this machine's: which it has is what the check shows.
  EADDRNOTAVAIL: { object: 'address', plain: N_('the network address it wants is not on this computer') },
  ENETUNREACH: { object: 'endpoint', plain: N_('the network cannot be reached') },
  ETIMEDOUT: {
    object: 'endpoint',
    plain: N_('the other side did not answer in time'),
    // Go's net package: a dial past its deadline ("dial tcp 10.0.0.5:5432: i/o timeout").
    aliases: ['i/o timeout'],
    exceptions: ['TimeoutError', 'SocketTimeoutException'],
  },
  ECONNREFUSED: {
    object: 'endpoint',
    plain: N_('the other side refused the connection'),
    exceptions: ['ConnectionRefusedError', 'ConnectException'],
  },
  EHOSTUNREACH: { object: 'endpoint', plain: N_('the other computer cannot be reached') },
  EDQUOT: { object: 'path', plain: N_('the disk space allowed for this user is used up') },
  EAI_NONAME: {
    object: 'host',
    plain: N_('a computer’s name could not be found'),
    // Node reports EAI_NONAME and EAI_NODATA as ENOTFOUND; Go's resolver says "no such host".
    aliases: ['ENOTFOUND', 'no such host'],
    exceptions: ['UnknownHostException'],
  },
  EAI_AGAIN: { object: 'host', plain: N_('names could not be looked up for now') },
  // Go's resolver, for a server that answered SERVFAIL or nonsense.
  EAI_FAIL: { object: 'host', plain: N_('the name server failed to answer'), aliases: ['server misbehaving'] },
  EAI_NODATA: { object: 'host', plain: N_('a computer’s name has no address') },
};

export const ERRNO_TABLE: readonly Errno[] = ERRNO_LIST.map(({ code, number, text, aliases }) => {
  const known = KNOWN[code];
  const words = [...aliases, ...(known?.aliases ?? [])];
  return {
    code,
    number,
    text,
    object: known?.object ?? null,
    ...(known?.plain && { plain: known.plain }),
    ...(words.length > 0 && { aliases: words }),
    ...(known?.exceptions && { exceptions: known.exceptions }),
  };
});

export const errnoByCode = (code: string): Errno | undefined =>
  ERRNO_TABLE.find((entry) => entry.code === code || entry.aliases?.includes(code));

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The errnos of `codes`, by their code in the table: a component that reads only some of them names which.
 */
export const errnosOf = (codes: readonly string[]): Errno[] => codes.flatMap((code) => errnoByCode(code) ?? []);

/**
 * A pattern that finds any of `errnos` by strerror's text as whole words, the text in its first group: the longest
 * first, so that "No such device or address" is not read as "No such device".
 */
export function errnoTextPattern(errnos: readonly Errno[], flags = ''): RegExp {
  const texts = errnos.map((errno) => errno.text).sort((a, b) => b.length - a.length);
  return new RegExp(`\\b(${texts.map(escape).join('|')})\\b`, flags);
}

/** Go's syscall.Errno texts: glibc's with the first letter lower-cased (mkerrors.sh), "STREAMS" and the like kept. */
export const goText = (text: string) =>
  /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;

/**
 * The words each runtime prints for `errno`, with `subject` (a path, or "host:port") where it names one: C's perror
 * and Java's java.io messages (strerror's text), Python's OSError and socket.gaierror ("[Errno N] text"), Go's
 * syscall.Errno (lower-cased), Rust's io::Error ("text (os error N)"), Node's libuv code ("Error: CODE: …"), and the
 * form nginx logs ("(N: text)"). Where a form has no errno of its kind (Go and Rust have no getaddrinfo codes of their
 * own, Rust no negative numbers), that form is left out.
 */
export function errnoForms({ code, number, text }: Errno, subject = '/srv/example'): string[] {
  const resolver = code.startsWith('EAI_');
  return [
    `${subject}: ${text}`,
    `[Errno ${number}] ${text}: '${subject}'`,
    ...(resolver ? [] : [`open ${subject}: ${goText(text)}`, `${subject}: ${text} (os error ${number})`]),
    ...(resolver ? [] : [`java.io.IOException: ${subject} (${text})`]),
    `Error: ${code}: ${goText(text).toLowerCase()}, open '${subject}'`,
    ...(resolver ? [] : [`open() "${subject}" failed (${number}: ${text})`]),
  ];
}
