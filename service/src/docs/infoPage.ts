// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A GNU info manual (makeinfo's output) read into its nodes: each node starts
// after a 0x1f byte with a line such as "File: coreutils.info,  Node: ls
// invocation,  Next: …", and a large manual is split into parts that its main
// file lists under "Indirect:".

export interface InfoNode {
  name: string;
  text: string;
}

const SEPARATOR = '\x1f';

/** The parts a split manual's main file lists ("find.info-1: 1201"), in order; none for a manual in one file. */
export function indirectParts(main: string): string[] {
  const table = main.split(SEPARATOR).find((chunk) => chunk.trimStart().startsWith('Indirect:'));
  if (!table) return [];
  return table
    .trim()
    .split('\n')
    .slice(1)
    .flatMap((line) => /^(.+?):\s*\d+\s*$/.exec(line)?.[1] ?? []);
}

/** The nodes of a manual's text (its main file and parts joined), with the header line and tag tables left out. */
export function infoNodes(text: string): InfoNode[] {
  const nodes: InfoNode[] = [];
  for (const chunk of text.replace(/\r/g, '').split(SEPARATOR)) {
    const body = chunk.replace(/^\f?\n/, '');
    const newline = body.indexOf('\n');
    const header = newline === -1 ? body : body.slice(0, newline);
    // Info 6 quotes a node name that holds a comma or colon between DEL bytes.
    const name = /(?:^|,)\s*Node:\s*(?:\x7f([^\x7f]+)\x7f|([^,\t]+))/.exec(header);
    const found = (name?.[1] ?? name?.[2])?.trim();
    // An index node ("Concept Index", "Primary Index") is a list of pointers to the other nodes: it matches
    // every question and answers none.
    if (!found || !header.startsWith('File:') || /\bIndex$/i.test(found)) continue;
    const content = body
      .slice(newline + 1)
      .replace(/\x7f/g, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    if (content) nodes.push({ name: found, text: content });
  }
  return nodes;
}
