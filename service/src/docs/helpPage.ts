// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A page of a desktop's help in Mallard (GNOME Help and the applications' own: /usr/share/help/C/gnome-help/
// display-night-light.page), read as Yelp shows it: its title and what it says it is about (<desc>), then its
// sections. What Yelp does not show is left out: credits, revisions, editorial comments, figures, and the
// variant of a page for GNOME Classic.
import { XMLParser } from 'fast-xml-parser';

import type { Passage } from './manPage.js';

/** fast-xml-parser's ordered form: each node one tag with its children, or a text, with its attributes beside. */
type XmlNode = { ':@'?: Record<string, string> } & Record<string, XmlNode[] | string>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  htmlEntities: true,
});

/** Elements whose content Yelp does not show as text, or shows only in another desktop's variant. */
const HIDDEN = new Set(['info', 'comment', 'media', 'links', 'include', 'uix:thumb', 'its:rules', 'title']);
/** Elements that start a line of their own. */
const BLOCKS = new Set([
  'p',
  'steps',
  'list',
  'terms',
  'tree',
  'note',
  'example',
  'code',
  'screen',
  'figure',
  'table',
  'synopsis',
  'quote',
  'listing',
]);

const tagOf = (node: XmlNode) => Object.keys(node).find((key) => key !== ':@') ?? '';
const childrenOf = (node: XmlNode) => {
  const children = node[tagOf(node)];
  return Array.isArray(children) ? children : [];
};

const lines = (text: string) =>
  text
    .split('\n')
    // A figure left out leaves its parentheses ("the icon (). More bars…").
    .map((line) =>
      line
        .replace(/\s*\(\s*\)/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean)
    .join('\n');

/**
 * Content for another variant of the page (an <if:when> or an element with if:test "platform:gnome-classic"):
 * GNOME's is the one without a platform, or with its negation.
 */
const otherVariant = (node: XmlNode) => /^platform:/.test(node[':@']?.test ?? node[':@']?.['if:test'] ?? '');

/**
 * The text of `nodes` as lines: a list's items bulleted, numbered where they are `steps`, keys joined as they are
 * pressed ("Ctrl+Alt+T"), menus as they are followed ("Settings ▸ Sound").
 */
function textOf(nodes: readonly XmlNode[], steps = false): string {
  let text = '';
  let step = 0;
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === '#text') text += (node['#text'] as string).replace(/\s+/g, ' ');
    // A video's subtitles (tt:) are shown only as it plays.
    else if (HIDDEN.has(tag) || tag.startsWith('tt:') || otherVariant(node)) continue;
    else if (tag === 'keyseq')
      text += childrenOf(node)
        .map((key) => textOf([key]).trim())
        .filter(Boolean)
        .join('+');
    else if (tag === 'guiseq')
      text += childrenOf(node)
        .map((gui) => textOf([gui]).trim())
        .filter(Boolean)
        .join(' ▸ ');
    else if (tag === 'tr')
      text += `\n${childrenOf(node)
        .map((cell) => lines(textOf([cell])).replace(/\n/g, ' '))
        .filter(Boolean)
        .join(': ')}\n`;
    else if (tag === 'item') text += `\n${steps ? `${(step += 1)}. ` : '• '}${itemText(node)}\n`;
    else if (BLOCKS.has(tag)) text += `\n${textOf(childrenOf(node), tag === 'steps').trim()}\n`;
    else text += textOf(childrenOf(node));
  }
  return text;
}

/** A list's item; a term's (<terms>) title before what it says. */
function itemText(item: XmlNode): string {
  const term = childrenOf(item).find((child) => tagOf(child) === 'title');
  const rest = textOf(childrenOf(item)).replace(/\n+/g, ' ').trim();
  return term ? `${textOf(childrenOf(term)).trim()}: ${rest}` : rest;
}

const titleOf = (nodes: readonly XmlNode[]) => {
  const title = nodes.find((node) => tagOf(node) === 'title');
  return title ? textOf(childrenOf(title)).trim() : '';
};

/** A section's text before its own sections, and those, each an entry under the top section's title. */
function sectionPassages(section: XmlNode, heading: string | null): Passage[] {
  const children = childrenOf(section);
  const title = titleOf(children);
  const own = lines(textOf(children.filter((child) => tagOf(child) !== 'section')));
  const passage: Passage =
    heading === null ? { heading: title, entry: null, text: own } : { heading, entry: title, text: own };
  const inner = children
    .filter((child) => tagOf(child) === 'section')
    .flatMap((child) => sectionPassages(child, heading ?? title));
  return [...(own ? [passage] : []), ...inner];
}

export interface HelpPage {
  /** The page's id, as Yelp's address names it (help:gnome-help/display-night-light). */
  id: string;
  /** Its title: "Adjust the color temperature of your screen". */
  title: string;
  /** The page's own text first, under its title, then each section under its title. */
  passages: Passage[];
}

/** A Mallard page read; null for what is not one (a DocBook manual, an XML fragment that pages include). */
export function parseHelpPage(xml: string): HelpPage | null {
  const document = parser.parse(xml) as XmlNode[];
  const page = document.find((node) => tagOf(node) === 'page');
  if (!page) return null;
  const children = childrenOf(page);
  const info = children.find((node) => tagOf(node) === 'info');
  const desc = info && childrenOf(info).find((node) => tagOf(node) === 'desc');
  const description = desc ? lines(textOf(childrenOf(desc))).replace(/\n/g, ' ') : '';
  const title = titleOf(children);
  if (!title) return null;
  const intro = lines(textOf(children.filter((node) => tagOf(node) !== 'section')));
  const lead = description ? `${title}: ${description}` : title;
  return {
    id: page[':@']?.id ?? '',
    title,
    passages: [
      { heading: title, entry: null, text: intro ? `${lead}\n\n${intro}` : lead },
      ...children.filter((node) => tagOf(node) === 'section').flatMap((section) => sectionPassages(section, null)),
    ],
  };
}
