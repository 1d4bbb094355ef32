// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The system error a program's line carries, in the forms runtimes print it, and the path, port or host it names.
// Lines are untrusted text: what is read here only picks a read-only check of this machine, which says whether the
// error still stands.
import { type Errno, ERRNO_TABLE, errnoByCode } from './errno.js';

export interface SystemError {
  errno: Errno;
  path?: string;
  port?: number;
  host?: string;
  /** The line it was read from. */
  line: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const byLength = (a: string, b: string) => b.length - a.length;

// Python's "[Errno 98]", "[Errno -2]" (socket.gaierror), Rust's "(os error 98)", C's "errno=28", "errno 13", nginx's
// "failed (30: Read-only file system)" (ngx_log_error's "(%d: %s)"), Apache's "(98)Address already in use: AH00072".
const NUMBER =
  /\[Errno (-?\d+)\]|\(os error (\d+)\)|\berrno[=: ]\s*(-?\d+)\b|\((\d+): [^)]+\)|(?:^|\s)\((\d+)\)(?=[A-Z])/g;
// Node's error codes ("EADDRINUSE", "connect ECONNREFUSED", "getaddrinfo ENOTFOUND"), and EAI_* as glibc names them.
const CODE = /\b(E[A-Z0-9]{2,}|EAI_[A-Z_]+)\b/g;
/**
 * Texts that are words any program may write of its own ("System error", "Protocol error"): named by their number or
 * code only, never by these words alone.
 */
export const OWN_WORDS: ReadonlySet<string> = new Set([
  'System error',
  'Unknown error',
  'Protocol error',
  'Bad message',
  'Operation canceled',
  'Request canceled',
  'Interrupted by a signal',
  'Memory allocation failure',
  'Too many users',
  'Owner died',
  'Timer expired',
  'Exchange full',
  'Invalid slot',
  'No anode',
]);
// strerror's and gai_strerror's texts, longest first ("Too many open files in system" before "Too many open files"), as
// whole words, in any case (Go lower-cases the first letter, some runtimes all of them).
const TEXT = new RegExp(
  `(?<![\\w])(?:${ERRNO_TABLE.flatMap((entry) => [
    entry.text,
    ...(entry.aliases ?? []).filter((alias) => /\s/.test(alias)),
  ])
    .filter((text) => !OWN_WORDS.has(text))
    .sort(byLength)
    .map(escape)
    .join('|')})(?![\\w])`,
  'gi',
);
const EXCEPTION = new RegExp(
  `\\b(${ERRNO_TABLE.flatMap((entry) => entry.exceptions ?? [])
    .sort(byLength)
    .join('|')})\\b`,
  'g',
);

const byNumber = (number: number) => ERRNO_TABLE.find((entry) => entry.number === number);
const byText = (text: string) => {
  const lower = text.toLowerCase();
  return ERRNO_TABLE.find(
    (entry) => entry.text.toLowerCase() === lower || entry.aliases?.some((alias) => alias.toLowerCase() === lower),
  );
};
const byException = (name: string) => ERRNO_TABLE.find((entry) => entry.exceptions?.includes(name));

interface Found {
  errno: Errno;
  form: 'number' | 'code' | 'text' | 'exception';
  at: number;
  end: number;
}

/**
 * The first match of `pattern` in `line` that names an errno. The forms are tried by how exactly they name it: a
 * number, a code, a text, then an exception's class (Java's BindException may say "Permission denied").
 */
function firstOf(
  line: string,
  form: Found['form'],
  pattern: RegExp,
  errnoOf: (match: RegExpExecArray) => Errno | undefined,
): Found | null {
  for (const match of line.matchAll(pattern)) {
    const errno = errnoOf(match);
    if (errno) return { errno, form, at: match.index, end: match.index + match[0].length };
  }
  return null;
}

/**
 * The error with the words strerror gave it right before its number, where they are there: Rust's io::Error prints
 * "No such file or directory (os error 2)", and the path it is about comes before the words, not the number.
 */
function withTextBefore(line: string, found: Found | null): Found | null {
  if (!found) return null;
  const before = line.slice(0, found.at).trimEnd();
  const { text } = found.errno;
  return before.toLowerCase().endsWith(text.toLowerCase()) ? { ...found, at: before.length - text.length } : found;
}

function findErrno(line: string): Found | null {
  return (
    // The kernel's negative errno ("errno=-28") is the same error; only Python numbers getaddrinfo's below zero.
    withTextBefore(
      line,
      firstOf(line, 'number', NUMBER, (match) =>
        byNumber(match[3] ? Math.abs(Number(match[3])) : Number(match[1] ?? match[2] ?? match[4] ?? match[5])),
      ),
    ) ??
    firstOf(line, 'code', CODE, (match) => errnoByCode(match[1] ?? '')) ??
    firstOf(line, 'text', TEXT, (match) => byText(match[0])) ??
    firstOf(line, 'exception', EXCEPTION, (match) => byException(match[1] ?? ''))
  );
}

// An absolute path, bare or quoted, up to a space, quote, colon, comma or parenthesis; not a URL's "//host".
const ABSOLUTE_PATH = /(?<![\w.~/-])\/(?!\/)[^\s'"`:,()]*/g;
// Between a path and the error it got: "open /x: no such file", "/x (No such file", "'/x': Permission denied", C's
// "open(/x): No such file" (a call and its argument, as a program passes them to perror), and nginx's
// 'open() "/x" failed (30: Read-only file system)'.
const RIGHT_BEFORE = /^['"`]?\)?(?:\s+failed)?[\s:(]*$/;

/**
 * The path the error is about: the one right before it (C, Go, Java, Rust: "open /etc/x: no such file or directory"), else
 * the first after it (Python, Node: "No such file or directory: '/etc/x'"). A path further before is another's: the
 * program's own name in the loader's "/usr/bin/x: error while loading shared libraries: libx.so.1: cannot open shared
 * object file: No such file or directory".
 */
function pathOf(line: string, found: Found): string | undefined {
  const before = [...line.slice(0, found.at).matchAll(ABSOLUTE_PATH)].at(-1);
  const beforeEnd = before ? before.index + before[0].length : 0;
  if (before && RIGHT_BEFORE.test(line.slice(beforeEnd, found.at))) return before[0];
  return line.slice(found.end).match(ABSOLUTE_PATH)?.[0];
}

// A host name or address before ":port": "127.0.0.1:5432", "db.example:5432", "[::1]:5432", ":::3000" (Node's
// "::" for any address), "*:80"; or none (Go's "listen tcp :8080"). A token of digits alone is no host (a time).
const HOST = String.raw`\[[0-9A-Fa-f:.%\w]*\]|::|\*|[\w-]*[A-Za-z.][\w.-]*`;
const ENDPOINT = new RegExp(String.raw`(?<=^|[\s(=,'"\/@])(${HOST})?:(\d{1,5})(?!\d)`, 'g');
// "port 5432", "port=5432", "port: 5432"; Python's address tuple "('0.0.0.0', 8080)".
const PORT_WORD = /\bport[\s=:]+(\d{1,5})\b|\(\s*'[^']*'\s*,\s*(\d{1,5})\s*\)/i;
const ANY_ADDRESS = new Set(['', '::', '*', '0.0.0.0', '[::]']);

const validPort = (text: string | undefined) => {
  const port = Number(text);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
};

/** The address and port the line names (the first "host:port" after the error, else before it), or "port N". */
function endpointOf(line: string, found: Found): { host?: string; port?: number } {
  const endpoints = [...line.matchAll(ENDPOINT)].filter((match) => validPort(match[2]) !== undefined);
  const endpoint = endpoints.find((match) => match.index >= found.end) ?? endpoints.at(-1);
  if (endpoint) {
    const host = (endpoint[1] ?? '').replace(/^\[(.*)\]$/, '$1');
    return { ...(!ANY_ADDRESS.has(endpoint[1] ?? '') && { host }), port: validPort(endpoint[2]) };
  }
  const word = PORT_WORD.exec(line);
  const port = validPort(word?.[1] ?? word?.[2]);
  return port ? { port } : {};
}

// The host a name lookup failed for: Go's "lookup db.example on 10.0.0.1:53:" and "lookup db.example:", Node's
// "getaddrinfo ENOTFOUND db.example", Java's "UnknownHostException: db.example", urllib3's "Failed to resolve
// 'db.example'" and "host='db.example'", curl's "Could not resolve host: db.example", Android's "Unable to resolve
// host \"db.example\"".
const LOOKED_UP = [
  /\blookup ([\w.-]+)(?: on |:)/,
  /\bgetaddrinfo [A-Z_]+ ([\w.-]+)/,
  /\bresolve (?:host:? )?['"]?([\w.-]+)/,
  /\bhost='([\w.-]+)'/,
  /UnknownHostException: ([\w.-]+)/,
];
// glibc's tools print "NAME: " right before the resolver's text ("ping: db.example: Name or service not known").
const NAME_RIGHT_BEFORE = /([\w-]*[A-Za-z][\w.-]*): $/;

function hostOf(line: string, found: Found): string | undefined {
  const named = LOOKED_UP.map((pattern) => pattern.exec(line)?.[1]).find(Boolean);
  const host = named ?? (found.form === 'text' ? NAME_RIGHT_BEFORE.exec(line.slice(0, found.at))?.[1] : undefined);
  return host && host.length <= 253 ? host : undefined;
}

/** The system error `line` carries, with the object it names, or null. */
export function systemErrorIn(line: string): SystemError | null {
  const found = findErrno(line);
  if (!found) return null;
  const { errno } = found;
  const error: SystemError = { errno, line };
  switch (errno.object) {
    case 'path': {
      const path = pathOf(line, found);
      if (path) error.path = path;
      // A refused bind names an address, not a file ("listen EACCES: permission denied 0.0.0.0:81").
      else if (errno.code === 'EACCES' || errno.code === 'EPERM') Object.assign(error, endpointOf(line, found));
      break;
    }
    case 'port':
    case 'endpoint':
    case 'address':
      Object.assign(error, endpointOf(line, found));
      break;
    case 'host': {
      const host = hostOf(line, found);
      if (host) error.host = host;
      break;
    }
    case 'descriptors':
      break;
    // An error Steward has no check of: the path it names, where it names one, says what it was about.
    case null: {
      const path = pathOf(line, found);
      if (path) error.path = path;
      break;
    }
  }
  return error;
}

/**
 * The system error of a unit's last lines (oldest first): the first that names what it is about (Node prints its
 * "Error: ENOENT: …, open '/x'" and then the error's fields, "errno: -2", "code: 'ENOENT'"), else the first.
 */
export function systemErrorOf(lines: readonly string[]): SystemError | null {
  const errors = lines.flatMap((line) => systemErrorIn(line) ?? []);
  return (
    errors.find((error) => error.path !== undefined || error.port !== undefined || error.host !== undefined) ??
    errors[0] ??
    null
  );
}
