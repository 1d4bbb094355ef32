// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// roff's escapes and mdoc's inline macros turned into plain text: enough of
// groff's language to read what man pages say, not to lay them out.

// The named glyphs man pages use most; an unknown one reads as nothing rather than as noise.
const GLYPHS: Record<string, string> = {
  em: '—',
  en: '–',
  hy: '-',
  mi: '-',
  bu: '•',
  aq: "'",
  dq: '"',
  lq: '“',
  rq: '”',
  oq: '‘',
  cq: '’',
  co: '©',
  rg: '®',
  tm: '™',
  mu: '×',
  di: '÷',
  '>=': '≥',
  '<=': '≤',
  '!=': '≠',
  '->': '→',
  '<-': '←',
  '+-': '±',
  de: '°',
  ti: '~',
  ha: '^',
  rs: '\\',
  sl: '/',
  ba: '|',
  or: '|',
  at: '@',
  sh: '#',
  Do: '$',
  lB: '[',
  rB: ']',
  lC: '{',
  rC: '}',
  la: '⟨',
  ra: '⟩',
  Fo: '«',
  Fc: '»',
  fo: '‹',
  fc: '›',
  ga: '`',
  aa: '´',
  ul: '_',
  pl: '+',
  eq: '=',
  ua: '↑',
  da: '↓',
  ...accented(),
};

/** groff's names of accented letters: \(:a is ä, \('e is é, \(,c is ç, \(ss is ß. */
function accented(): Record<string, string> {
  const marks: Record<string, string> = {
    ':': '\u0308',
    "'": '\u0301',
    '`': '\u0300',
    '^': '\u0302',
    '~': '\u0303',
    ',': '\u0327',
  };
  const glyphs: Record<string, string> = {
    ss: 'ß',
    ae: 'æ',
    AE: 'Æ',
    oe: 'œ',
    OE: 'Œ',
    '/o': 'ø',
    '/O': 'Ø',
    oa: 'å',
    oA: 'Å',
  };
  for (const [mark, combining] of Object.entries(marks)) {
    for (const letter of 'aeiouyAEIOUYcCnN') {
      const composed = (letter + combining).normalize('NFC');
      if (composed.length === 1) glyphs[mark + letter] = composed;
    }
  }
  return glyphs;
}
// Predefined strings (\*(lq…) of the man and mdoc macro packages.
// Aq is DocBook's apostrophe, defined in each of its pages.
const STRINGS: Record<string, string> = {
  lq: '“',
  rq: '”',
  R: '®',
  Tm: '™',
  Lq: '“',
  Rq: '”',
  q: '"',
  Pi: 'π',
  Aq: "'",
};

/** The argument of an escape such as \f: one character, (xx, or [name]; with where it ends. */
function escapeName(text: string, at: number): [string, number] {
  const first = text[at] ?? '';
  if (first === '(') return [text.slice(at + 1, at + 3), at + 3];
  if (first === '[') {
    const close = text.indexOf(']', at);
    return close === -1 ? [text.slice(at + 1), text.length] : [text.slice(at + 1, close), close + 1];
  }
  return [first, at + 1];
}

/** The end of a quoted escape argument such as \w'…' or \h'…'. */
function quotedEnd(text: string, at: number): number {
  const quote = text[at];
  if (quote === undefined) return at;
  const close = text.indexOf(quote, at + 1);
  return close === -1 ? text.length : close + 1;
}

/** A line of roff text with its escapes read: fonts and sizes dropped, glyphs as characters. */
export function unescape(text: string): string {
  let out = '';
  for (let index = 0; index < text.length;) {
    const char = text[index] ?? '';
    if (char !== '\\') {
      out += char;
      index++;
      continue;
    }
    const code = text[index + 1] ?? '';
    index += 2;
    switch (code) {
      case '"':
      case '#':
        return out.trimEnd();
      case 'f':
      case 'F':
      case 'k':
      case 'n':
      case 'g':
      case 'm':
      case 'M':
      case 'V':
      case 'Y':
        index = escapeName(text, index)[1];
        break;
      case 's':
        // \s-1, \s+2, \s0, \s(12, \s[12]
        if (text[index] === '(' || text[index] === '[') index = escapeName(text, index)[1];
        else index += /^[-+]?\d/.exec(text.slice(index, index + 2))?.[0].length ?? 0;
        break;
      case '(':
      case '[': {
        const [name, end] = escapeName(text, index - 1);
        out += GLYPHS[name] ?? (/^u[0-9A-F]{4,5}$/.test(name) ? String.fromCodePoint(parseInt(name.slice(1), 16)) : '');
        index = end;
        break;
      }
      case '*': {
        const [name, end] = escapeName(text, index);
        out += STRINGS[name] ?? '';
        index = end;
        break;
      }
      case 'w':
      case 'h':
      case 'v':
      case 'l':
      case 'L':
      case 'x':
      case 'o':
      case 'b':
      case 'D':
      case 'X':
      case 'Z':
      case 'N':
      case 'A':
      case 'B':
      case 'R':
      case 'C':
        if (code === 'C') {
          const end = quotedEnd(text, index);
          out += GLYPHS[text.slice(index + 1, end - 1)] ?? '';
          index = end;
        } else index = quotedEnd(text, index);
        break;
      case 'e':
      case '\\':
        out += '\\';
        break;
      case '-':
        out += '-';
        break;
      case ' ':
      case '~':
      case '0':
      case '_':
        out += ' ';
        break;
      case 't':
        out += '\t';
        break;
      case '&':
      case '|':
      case '^':
      case '%':
      case 'c':
      case 'd':
      case 'u':
      case 'p':
      case 'r':
      case 'z':
      case ')':
      case '/':
      case ',':
      case ':':
      case '{':
      case '}':
      case '\n':
      case '':
        break;
      default:
        out += code;
    }
  }
  return out;
}

/** A request's arguments as roff splits them: at spaces, "quoted" ones whole, "" inside quotes for a quote. */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let index = 0;
  while (index < text.length) {
    while (text[index] === ' ' || text[index] === '\t') index++;
    if (index >= text.length) break;
    let arg = '';
    if (text[index] === '"') {
      index++;
      while (index < text.length) {
        if (text[index] === '"') {
          if (text[index + 1] === '"') {
            arg += '"';
            index += 2;
            continue;
          }
          index++;
          break;
        }
        arg += text[index++];
      }
    } else {
      while (index < text.length && text[index] !== ' ' && text[index] !== '\t') {
        // An escape keeps what follows it, a space included ("\ ").
        if (text[index] === '\\' && index + 1 < text.length) arg += text[index++];
        arg += text[index++];
      }
    }
    args.push(arg);
  }
  return args;
}

// mdoc's callable macros: inside a line their names are markup, not words.
const MDOC_CALLABLE = new Set(
  (
    'Ac Ad An Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cd Cm Dc Do Dq Dv Ec Em En Eo Er Es Ev Fa Fc Fl Fn Fo Fr Ft Fx ' +
    'Ic In Li Lk Ms Mt Nm No Ns Nx Oc Oo Op Ot Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc Sm So Sq St Sx Sy Ta Tn Ux Va Vt Xc Xo Xr'
  ).split(' '),
);
// Macros that enclose the rest of the line, and the pair of marks they put around it.
const ENCLOSING: Record<string, [string, string]> = {
  Aq: ['<', '>'],
  Bq: ['[', ']'],
  Brq: ['{', '}'],
  Dq: ['“', '”'],
  Op: ['[', ']'],
  Pq: ['(', ')'],
  Qq: ['"', '"'],
  Ql: ['‘', '’'],
  Sq: ['‘', '’'],
};
const OPENING: Record<string, string> = { Ao: '<', Bo: '[', Bro: '{', Do: '“', Oo: '[', Po: '(', Qo: '"', So: '‘' };
const CLOSING: Record<string, string> = { Ac: '>', Bc: ']', Brc: '}', Dc: '”', Oc: ']', Pc: ')', Qc: '"', Sc: '’' };
// Macros that print the name of a system.
const SYSTEM_NAMES: Record<string, string> = {
  // As groff 1.23 (Debian 13, Ubuntu 24.04) prints it; 1.22 printed UNIX.
  Ux: 'Unix',
  Bx: 'BSD',
  Ox: 'OpenBSD',
  Nx: 'NetBSD',
  Fx: 'FreeBSD',
  Bsx: 'BSD/OS',
  Dx: 'DragonFly',
  At: 'AT&T UNIX',
};
const CLOSING_PUNCTUATION = /^[.,:;)\]?!]+$/;

/** An mdoc line's words (after its macro) as text: `Fl o Ar file` reads "-o file", `Xr ssh 1` reads "ssh(1)". */
export function renderMdocWords(words: string[], pageName: string, spacing = true): string {
  let out = '';
  let glue = false;
  const closers: string[] = [];
  const put = (text: string) => {
    if (text === '') return;
    const attach =
      !spacing || glue || out === '' || out.endsWith('(') || out.endsWith('[') || CLOSING_PUNCTUATION.test(text);
    out += (attach || /[“‘<{]$/.test(out) ? '' : ' ') + text;
    glue = false;
  };
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? '';
    if (!MDOC_CALLABLE.has(word)) {
      put(unescape(word));
      continue;
    }
    const next = words[index + 1];
    const nextIsWord = next !== undefined && !MDOC_CALLABLE.has(next);
    if (word === 'Fl') {
      put(nextIsWord && !CLOSING_PUNCTUATION.test(next) ? `-${unescape(next)}` : '-');
      if (nextIsWord && !CLOSING_PUNCTUATION.test(next)) index++;
    } else if (word === 'Xr' && nextIsWord) {
      const section = words[index + 2];
      put(section !== undefined && /^\d\w*$/.test(section) ? `${unescape(next)}(${section})` : unescape(next));
      index += section !== undefined && /^\d\w*$/.test(section) ? 2 : 1;
    } else if (word === 'Nm' && !nextIsWord) put(pageName);
    else if (SYSTEM_NAMES[word]) put(SYSTEM_NAMES[word]);
    else if (word === 'Ns' || word === 'Ap') glue = true;
    else if (word === 'Pf' && nextIsWord) {
      put(unescape(next));
      glue = true;
      index++;
    } else if (word === 'Ta') out += '\t';
    else if (ENCLOSING[word]) {
      const [open, close] = ENCLOSING[word];
      put(open);
      glue = true;
      closers.push(close);
    } else if (OPENING[word]) {
      put(OPENING[word]);
      glue = true;
    } else if (CLOSING[word]) {
      out += CLOSING[word];
    }
  }
  // The enclosing macros close before trailing punctuation, as mandoc places it.
  const trailing = /[.,:;)\]?!]+$/.exec(out)?.[0] ?? '';
  if (closers.length > 0 && trailing) out = out.slice(0, -trailing.length);
  return out + closers.reverse().join('') + (closers.length > 0 ? trailing : '');
}
