// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The system errors a failing program reports, one table for every runtime: Linux's errno names, numbers and
// strerror texts (glibc's, as C, Python, Java and Rust print them; Go prints them lower-case), getaddrinfo's EAI_*
// (numbered as glibc's netdb.h, negative, as Python prints "[Errno -2]"), and the names runtimes give them instead
// (Node's ENOTFOUND, Go's "no such host", Python's and Java's exception classes).

/** What an error is about: the thing a read-only step can check on this machine. */
export type ErrnoObject = 'path' | 'port' | 'endpoint' | 'host' | 'descriptors';

export interface Errno {
  code: string;
  number: number;
  text: string;
  object: ErrnoObject;
  /** Other words runtimes print for it, matched as its text is. */
  aliases?: readonly string[];
  /** Exception classes that mean it: Python's builtins, Java's java.io/java.nio/java.net ones. */
  exceptions?: readonly string[];
}

export const ERRNO_TABLE: readonly Errno[] = [
  { code: 'EPERM', number: 1, text: 'Operation not permitted', object: 'path' },
  {
    code: 'ENOENT',
    number: 2,
    text: 'No such file or directory',
    object: 'path',
    exceptions: ['FileNotFoundError', 'NoSuchFileException', 'FileNotFoundException'],
  },
  {
    code: 'EACCES',
    number: 13,
    text: 'Permission denied',
    object: 'path',
    exceptions: ['PermissionError', 'AccessDeniedException'],
  },
  { code: 'ENFILE', number: 23, text: 'Too many open files in system', object: 'descriptors' },
  { code: 'EMFILE', number: 24, text: 'Too many open files', object: 'descriptors' },
  { code: 'ENOSPC', number: 28, text: 'No space left on device', object: 'path' },
  {
    code: 'EROFS',
    number: 30,
    text: 'Read-only file system',
    object: 'path',
    exceptions: ['ReadOnlyFileSystemException'],
  },
  {
    code: 'EADDRINUSE',
    number: 98,
    text: 'Address already in use',
    object: 'port',
    exceptions: ['BindException'],
  },
  { code: 'EADDRNOTAVAIL', number: 99, text: 'Cannot assign requested address', object: 'port' },
  { code: 'ENETUNREACH', number: 101, text: 'Network is unreachable', object: 'endpoint' },
  {
    code: 'ETIMEDOUT',
    number: 110,
    text: 'Connection timed out',
    object: 'endpoint',
    // Go's net package: a dial past its deadline ("dial tcp 10.0.0.5:5432: i/o timeout").
    aliases: ['i/o timeout'],
    exceptions: ['TimeoutError', 'SocketTimeoutException'],
  },
  {
    code: 'ECONNREFUSED',
    number: 111,
    text: 'Connection refused',
    object: 'endpoint',
    exceptions: ['ConnectionRefusedError', 'ConnectException'],
  },
  { code: 'EHOSTUNREACH', number: 113, text: 'No route to host', object: 'endpoint' },
  { code: 'EDQUOT', number: 122, text: 'Disk quota exceeded', object: 'path' },
  {
    code: 'EAI_NONAME',
    number: -2,
    text: 'Name or service not known',
    object: 'host',
    // Node reports EAI_NONAME and EAI_NODATA as ENOTFOUND; Go's resolver says "no such host".
    aliases: ['ENOTFOUND', 'no such host'],
    exceptions: ['UnknownHostException'],
  },
  { code: 'EAI_AGAIN', number: -3, text: 'Temporary failure in name resolution', object: 'host' },
  {
    code: 'EAI_FAIL',
    number: -4,
    text: 'Non-recoverable failure in name resolution',
    object: 'host',
    // Go's resolver, for a server that answered SERVFAIL or nonsense.
    aliases: ['server misbehaving'],
  },
  { code: 'EAI_NODATA', number: -5, text: 'No address associated with hostname', object: 'host' },
];

export const errnoByCode = (code: string): Errno | undefined =>
  ERRNO_TABLE.find((entry) => entry.code === code || entry.aliases?.includes(code));
