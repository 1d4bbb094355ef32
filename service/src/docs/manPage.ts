// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A man page's roff source (man(7) or mdoc(7)) read into passages: one per
// section (NAME, SYNOPSIS, DESCRIPTION…) and one per tagged entry in it (an
// option such as "-a, --all", a keyword such as "AuthenticationMethods"), so
// that a search lands on the entry that answers and cites it by name.
import { renderMdocWords, splitArguments, unescape } from './roffText.js';

export interface Passage {
  /** The section heading as the page writes it, e.g. "OPTIONS". */
  heading: string;
  /** The entry's tag inside that section, e.g. "-a, --all"; null for the section's own text. */
  entry: string | null;
  text: string;
}

export type ParsedManPage = { kind: 'page'; summary: string; passages: Passage[] } | { kind: 'alias'; target: string };

/** Longer sections are cut at paragraphs into parts of about this many characters. */
const PART_CHARS = 3000;
const MAX_TAG = 120;

// Tagged list types of mdoc's .Bl: their .It lines carry the entry's name.
const TAGGED_LISTS = new Set(['-tag', '-hang', '-ohang', '-inset', '-diag']);
/** A tag that lists several names, longer than a tag is kept: "SystemMaxUse=, SystemKeepFree=, …". */
const NAME_LIST = /^[\w$.-]+=?(?:, [\w$.-]+=?)+$/;
const BULLET_TAG = /^(?:[•*·o+-]|\d+[.)]?|[a-z][.)])$/;

class PassageBuilder {
  readonly passages: Passage[] = [];
  private heading = '';
  private entry: string | null = null;
  private lines: string[] = [];
  /** The last line is filled text that the next filled words continue. */
  private filling = false;

  section(heading: string): void {
    this.flush();
    this.heading = heading;
    this.entry = null;
  }

  startEntry(tag: string): void {
    this.flush();
    this.entry = tag.length > MAX_TAG ? `${tag.slice(0, MAX_TAG - 1)}…` : tag;
    this.lines.push(tag);
    this.filling = false;
  }

  /** Filled words join the line before; a no-fill line (an example, a table row) stays a line. */
  text(line: string, filled: boolean): void {
    if (filled && line.trim() === '') return;
    // Punctuation on a line of its own (mdoc's ".Xc ." ) closes the words before it.
    const glued = /^[.,:;)\]]/.test(line.trim());
    if (filled && this.filling) this.lines[this.lines.length - 1] += `${glued ? '' : ' '}${line.trim()}`;
    else this.lines.push(filled ? line.trim() : line);
    this.filling = filled;
  }

  /**
   * DocBook's pages write an entry as a paragraph of one line (the tag) and an indented body: when the
   * body starts, that line becomes the entry's tag.
   */
  promoteTag(): void {
    const last = this.lines.at(-1);
    const before = this.lines.at(-2);
    if (last === undefined || last === '' || (before !== undefined && before !== '')) return;
    // A sentence ends with a full stop; a tag may end with an ellipsis ("mask UNIT...", "set-locale LOCALE...").
    if ((last.length > MAX_TAG && !NAME_LIST.test(last)) || /(?<!\.\.)[.:]$/.test(last)) return;
    this.lines.pop();
    this.startEntry(last);
  }

  /** Text that continues the last line without a space (mdoc's .Sm off). */
  append(text: string): void {
    if (this.filling) this.lines[this.lines.length - 1] += text;
    else this.lines.push(text);
    this.filling = true;
  }

  paragraph(): void {
    if (this.lines.length > 0 && this.lines.at(-1) !== '') this.lines.push('');
    this.filling = false;
  }

  flush(): void {
    const text = tidy(this.lines);
    this.lines = [];
    this.filling = false;
    if (text === '' || this.heading === '') return;
    const parts = cutIntoParts(text);
    parts.forEach((part, index) =>
      this.passages.push({
        heading: this.heading,
        entry: parts.length > 1 && this.entry === null && index > 0 ? `part ${index + 1}` : this.entry,
        text: part,
      }),
    );
  }
}

/** Filled text: a paragraph's lines joined, paragraphs apart by one blank line. */
function tidy(lines: string[]): string {
  return lines
    .join('\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function cutIntoParts(text: string): string[] {
  if (text.length <= PART_CHARS) return [text];
  const parts: string[] = [];
  let current = '';
  for (const paragraph of text.split('\n\n')) {
    if (current && current.length + paragraph.length > PART_CHARS) {
      parts.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph;
    while (current.length > PART_CHARS * 2) {
      parts.push(current.slice(0, PART_CHARS));
      current = current.slice(PART_CHARS);
    }
  }
  if (current) parts.push(current);
  return parts;
}

const FONT_MACROS = new Set(['B', 'I', 'SM', 'SB']);
const ALTERNATING = new Set(['BR', 'RB', 'IR', 'RI', 'BI', 'IB']);
const BREAKS = new Set(['PP', 'P', 'LP', 'sp', 'br', 'HP', 'Pp', 'Lp', 'RE', 'Ed', 'El', 'YS', 'ne', 'bp']);

/** Reads `source`, the page `name` of its section; `.so` pages are aliases of another page. */
export function parseManPage(source: string, name: string): ParsedManPage {
  const lines = source.replace(/\r/g, '').split('\n');
  const alias = lines.find((line) => line.startsWith('.so '));
  const meaningful = lines.filter((line) => line.trim() !== '' && !/^[.']\s*\\"/.test(line));
  if (alias && meaningful.length <= 2) return { kind: 'alias', target: alias.slice(4).trim() };

  const out = new PassageBuilder();
  let noFill = false;
  let rsDepth = 0;
  const lists: boolean[] = [];
  let tagNext = false;
  let headingNext: 'section' | 'entry' | null = null;
  let skipUntilDots = false;
  let table: 'options' | 'rows' | null = null;
  let nameLine = '';
  let inName = false;
  // mdoc's .Sm off: words and lines follow each other without spaces until .Sm on.
  let spacing = true;
  let firstUnspaced = false;
  const mdoc = (args: string[]) => renderMdocWords(args, name, spacing);

  const emit = (text: string) => {
    if (headingNext) {
      if (headingNext === 'section') {
        out.section(text.trim());
        inName = /^(NAME|NOM|NAMN|NOMBRE|NOME|ИМЯ)$/i.test(text.trim());
      } else out.startEntry(text.trim());
      headingNext = null;
      return;
    }
    if (tagNext) {
      tagNext = false;
      if (rsDepth === 0 && text.trim() !== '') {
        out.startEntry(text.trim());
        return;
      }
    }
    if (inName) nameLine += `${nameLine ? ' ' : ''}${text.trim()}`;
    if (spacing || firstUnspaced) out.text(text, !noFill);
    else out.append(text.trim());
    firstUnspaced = false;
  };

  for (const raw of lines) {
    if (skipUntilDots) {
      // Asciidoctor's pages end an indented .am inside an .if with ".  .".
      if (/^\.\s*\.\s*$/.test(raw) || raw.startsWith('..')) skipUntilDots = false;
      continue;
    }
    if (table) {
      if (/^[.']\s*TE\b/.test(raw)) table = null;
      // .T& starts new format lines ("l l l."), which are not the table's text.
      else if (/^[.']\s*T&/.test(raw)) table = 'options';
      else if (table === 'options') table = raw.trimEnd().endsWith('.') ? 'rows' : 'options';
      else if (!/^[.']/.test(raw) && !/^[_=]$/.test(raw.trim()))
        emit(unescape(raw).replace(/\t+/g, '  ').replace(/T[{}]/g, ''));
      continue;
    }
    if (!/^[.']/.test(raw)) {
      if (raw.trim() === '' && !noFill) out.paragraph();
      else emit(unescape(raw));
      continue;
    }
    const request = raw.slice(1).trimStart();
    if (request.startsWith('\\"') || request === '') continue;
    const macro = /^\S+/.exec(request)?.[0] ?? '';
    const rest = request.slice(macro.length).trim();
    const args = splitArguments(rest);
    if (macro === 'SH' || macro === 'Sh') {
      if (args.length === 0) headingNext = 'section';
      else {
        headingNext = 'section';
        emit(macro === 'Sh' ? mdoc(args) : args.map(unescape).join(' '));
      }
      rsDepth = 0;
      lists.length = 0;
      tagNext = false;
    } else if (macro === 'SS' || macro === 'Ss') {
      headingNext = 'entry';
      if (args.length > 0) emit(macro === 'Ss' ? mdoc(args) : args.map(unescape).join(' '));
    } else if (macro === 'TP' || macro === 'TQ') {
      out.paragraph();
      tagNext = true;
    } else if (macro === 'IP') {
      out.paragraph();
      const tag = unescape(args[0] ?? '').trim();
      if (tag && !BULLET_TAG.test(tag) && rsDepth === 0) out.startEntry(tag);
      else if (tag) out.text(tag, true);
    } else if (macro === 'RS') {
      if (rsDepth === 0) out.promoteTag();
      rsDepth++;
    } else if (macro === 'RE') {
      rsDepth = Math.max(0, rsDepth - 1);
      out.paragraph();
    } else if (macro === 'nf' || macro === 'EX') noFill = true;
    else if (macro === 'fi' || macro === 'EE') noFill = false;
    else if (macro === 'de' || macro === 'ig' || macro === 'am') skipUntilDots = true;
    else if (macro === 'TS') table = 'options';
    else if (FONT_MACROS.has(macro)) emit(args.map(unescape).join(' '));
    else if (ALTERNATING.has(macro)) emit(args.map(unescape).join(''));
    else if (macro === 'OP') emit(`[${args.map(unescape).join(' ')}]`);
    else if (macro === 'SY') emit(args.map(unescape).join(' '));
    else if (macro === 'UR' || macro === 'MT') {
      // The link's words follow; the address itself is kept after them by .UE.
    } else if (macro === 'Sm') {
      spacing = args[0] === 'on' || (args[0] !== 'off' && !spacing);
      // The words after .Sm off are apart from those before it, only not from each other.
      firstUnspaced = !spacing;
    } else if (macro === 'Bl') lists.push(args.some((arg) => TAGGED_LISTS.has(arg)));
    else if (macro === 'El') {
      lists.pop();
      out.paragraph();
    } else if (macro === 'It') {
      out.paragraph();
      const tag = mdoc(args).trim();
      if (lists.length === 1 && lists[0] === true && tag) out.startEntry(tag);
      else if (tag) emit(lists.at(-1) === true ? tag : `• ${tag}`);
      else if (lists.at(-1) === false) out.text('•', true);
    } else if (macro === 'Bd') {
      out.paragraph();
      noFill = args.includes('-literal') || args.includes('-unfilled');
    } else if (macro === 'Ed') {
      noFill = false;
      out.paragraph();
    } else if (macro === 'Nd') emit(`— ${mdoc(args)}`);
    else if (macro === 'D1' || macro === 'Dl') {
      out.paragraph();
      emit(`    ${mdoc(args)}`);
      out.paragraph();
    } else if (BREAKS.has(macro)) out.paragraph();
    else if (MDOC_LINE.test(macro) && !MDOC_QUIET.has(macro)) emit(mdoc([macro, ...args]));
  }
  out.flush();
  const summary = unescape(nameLine).replace(/\s+/g, ' ').trim();
  return { kind: 'page', summary, passages: out.passages };
}

// An mdoc line macro that prints words (Nm, Xr, Fl, Ar, Cm, Pa…): two letters, the first a capital.
const MDOC_LINE = /^(?:[A-Z][a-z]{1,2}|%[A-Z])$/;
// Its macros that set up the page or the layout and print nothing worth reading.
const MDOC_QUIET = new Set(['Dd', 'Dt', 'Os', 'Bf', 'Ef', 'Bk', 'Ek', 'Sm', 'Rs', 'Re', 'Ud', 'Db', 'Tg']);
