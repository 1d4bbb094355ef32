// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The system errors a failing program reports, one table for every runtime: Linux's errno names, numbers and
// strerror texts (glibc's, as C, Python, Java and Rust print them; Go prints them lower-case), getaddrinfo's EAI_*
// (numbered as glibc's netdb.h, negative, as Python prints "[Errno -2]"), and the names runtimes give them instead
// (Node's ENOTFOUND, Go's "no such host", Python's and Java's exception classes).
import { N_ } from '../i18n.js';

/** What an error is about: the thing a read-only step can check on this machine. */
export type ErrnoObject = 'path' | 'port' | 'endpoint' | 'host' | 'descriptors';

export interface Errno {
  code: string;
  number: number;
  text: string;
  object: ErrnoObject;
  /** What it means for a person, without the system's word (translate it with _() where it is shown). */
  plain: string;
  /** Other words runtimes print for it, matched as its text is. */
  aliases?: readonly string[];
  /** Exception classes that mean it: Python's builtins, Java's java.io/java.nio/java.net ones. */
  exceptions?: readonly string[];
}

export const ERRNO_TABLE: readonly Errno[] = [
  {
    code: 'EPERM',
    number: 1,
    text: 'Operation not permitted',
    plain: N_('the system did not allow it'),
    object: 'path',
  },
  {
    code: 'ENOENT',
    number: 2,
    text: 'No such file or directory',
    plain: N_('a file or folder it needs is missing'),
    object: 'path',
    exceptions: ['FileNotFoundError', 'NoSuchFileException', 'FileNotFoundException'],
  },
  {
    code: 'EACCES',
    number: 13,
    text: 'Permission denied',
    plain: N_('it was refused access to a file or folder'),
    object: 'path',
    exceptions: ['PermissionError', 'AccessDeniedException'],
  },
  {
    code: 'ENFILE',
    number: 23,
    text: 'Too many open files in system',
    plain: N_('the system has too many files open'),
    object: 'descriptors',
  },
  {
    code: 'EMFILE',
    number: 24,
    text: 'Too many open files',
    plain: N_('it has too many files open'),
    object: 'descriptors',
  },
  { code: 'ENOSPC', number: 28, text: 'No space left on device', plain: N_('the disk is full'), object: 'path' },
  {
    code: 'EROFS',
    number: 30,
    text: 'Read-only file system',
    plain: N_('the disk can only be read, not written'),
    object: 'path',
    exceptions: ['ReadOnlyFileSystemException'],
  },
  {
    code: 'EADDRINUSE',
    number: 98,
    text: 'Address already in use',
    plain: N_('another program already uses its network port'),
    object: 'port',
    exceptions: ['BindException'],
  },
  {
    code: 'EADDRNOTAVAIL',
    number: 99,
    text: 'Cannot assign requested address',
    plain: N_('the network address it wants is not on this computer'),
    object: 'port',
  },
  {
    code: 'ENETUNREACH',
    number: 101,
    text: 'Network is unreachable',
    plain: N_('the network cannot be reached'),
    object: 'endpoint',
  },
  {
    code: 'ETIMEDOUT',
    number: 110,
    text: 'Connection timed out',
    plain: N_('the other side did not answer in time'),
    object: 'endpoint',
    // Go's net package: a dial past its deadline ("dial tcp 10.0.0.5:5432: i/o timeout").
    aliases: ['i/o timeout'],
    exceptions: ['TimeoutError', 'SocketTimeoutException'],
  },
  {
    code: 'ECONNREFUSED',
    number: 111,
    text: 'Connection refused',
    plain: N_('the other side refused the connection'),
    object: 'endpoint',
    exceptions: ['ConnectionRefusedError', 'ConnectException'],
  },
  {
    code: 'EHOSTUNREACH',
    number: 113,
    text: 'No route to host',
    plain: N_('the other computer cannot be reached'),
    object: 'endpoint',
  },
  {
    code: 'EDQUOT',
    number: 122,
    text: 'Disk quota exceeded',
    plain: N_('the disk space allowed for this user is used up'),
    object: 'path',
  },
  {
    code: 'EAI_NONAME',
    number: -2,
    text: 'Name or service not known',
    plain: N_('a computer’s name could not be found'),
    object: 'host',
    // Node reports EAI_NONAME and EAI_NODATA as ENOTFOUND; Go's resolver says "no such host".
    aliases: ['ENOTFOUND', 'no such host'],
    exceptions: ['UnknownHostException'],
  },
  {
    code: 'EAI_AGAIN',
    number: -3,
    text: 'Temporary failure in name resolution',
    plain: N_('names could not be looked up for now'),
    object: 'host',
  },
  {
    code: 'EAI_FAIL',
    number: -4,
    text: 'Non-recoverable failure in name resolution',
    plain: N_('the name server failed to answer'),
    object: 'host',
    // Go's resolver, for a server that answered SERVFAIL or nonsense.
    aliases: ['server misbehaving'],
  },
  {
    code: 'EAI_NODATA',
    number: -5,
    text: 'No address associated with hostname',
    plain: N_('a computer’s name has no address'),
    object: 'host',
  },
];

export const errnoByCode = (code: string): Errno | undefined =>
  ERRNO_TABLE.find((entry) => entry.code === code || entry.aliases?.includes(code));
