// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The inputs that cost redaction the most, for its bench and for the spec that sends them through Chat.Ask.
import rules from '../../service/src/engine/gitleaks/rules.json';

const MIB = 1024 * 1024;

// The inputs that took quadratic time before the rules were bounded, and one with every gitleaks keyword
// (each rule then runs on every piece).
export const WORST_SEEDS: Record<string, string> = {
  password: 'password',
  'url password': 'a://b:',
  spaces: ' ',
  'keyfile lines': '[s]\npsk=a b\n',
  'key block headers': '-----BEGIN PRIVATE KEY-----',
  'JWT heads': 'eyJabcdefgh.',
  'PuTTY lines': 'Private-Lines: 1 ',
  'every gitleaks keyword': [...new Set(rules.rules.flatMap((rule) => rule.keywords))].map((k) => `${k}= `).join(''),
};

/** `seed` repeated to `length` characters, framed by "x" (a message is trimmed: spaces stay in the middle). */
export const repeatedTo = (seed: string, length = MIB) =>
  `x${seed.repeat(Math.ceil(length / seed.length)).slice(0, length - 2)}x`;
