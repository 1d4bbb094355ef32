// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The quick chat's logic that needs no GNOME Shell: how an answer's text is cut
// into paragraphs and code blocks, the history of questions for Up and Down, and
// whether its shortcut clashes with the input-source switcher. Runs under Node
// in the unit tests.

import { format, formatBytes } from './text.js';

export type Block = { kind: 'text'; text: string } | { kind: 'code'; language: string; text: string };

type Gettext = (text: string) => string;

const FENCE = /^\s*```\s*([\w+#.-]*)\s*$/;

/**
 * Paragraphs and ``` fenced code blocks of an answer, in order. An answer still
 * streaming may end inside a block whose closing fence has not come yet: it is
 * a code block all the same.
 */
export function splitBlocks(answer: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let code: { language: string; lines: string[] } | null = null;
  const endParagraph = () => {
    const text = paragraph.join('\n').trim();
    if (text) blocks.push({ kind: 'text', text });
    paragraph = [];
  };
  for (const line of answer.split('\n')) {
    const fence = FENCE.exec(line);
    if (code) {
      if (fence && fence[1] === '') {
        blocks.push({ kind: 'code', language: code.language, text: code.lines.join('\n') });
        code = null;
      } else {
        code.lines.push(line);
      }
    } else if (fence) {
      endParagraph();
      code = { language: fence[1] ?? '', lines: [] };
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line);
    }
  }
  endParagraph();
  if (code) blocks.push({ kind: 'code', language: code.language, text: code.lines.join('\n') });
  return blocks;
}

/**
 * The questions asked before, for Up and Down in the entry, as in a shell: Up
 * goes back from what is being typed, Down comes forward again and ends at it.
 */
export class InputHistory {
  private readonly _entries: string[] = [];
  private _position = 0;
  private _draft = '';

  constructor(private readonly _limit = 50) {}

  get entries(): readonly string[] {
    return this._entries;
  }

  /** Records a question (not twice in a row) and goes back to the end. */
  add(entry: string): void {
    if (entry.trim() && this._entries.at(-1) !== entry) this._entries.push(entry);
    if (this._entries.length > this._limit) this._entries.splice(0, this._entries.length - this._limit);
    this.reset();
  }

  /** The question before the one shown, or null at the oldest; `current` is kept to come back to. */
  previous(current: string): string | null {
    if (this._position === 0) return null;
    if (this._position === this._entries.length) this._draft = current;
    this._position -= 1;
    return this._entries[this._position] ?? null;
  }

  /** The question after the one shown, the draft after the newest, or null when already there. */
  next(): string | null {
    if (this._position >= this._entries.length) return null;
    this._position += 1;
    return this._position === this._entries.length ? this._draft : (this._entries[this._position] ?? null);
  }

  reset(): void {
    this._position = this._entries.length;
    this._draft = '';
  }
}

const MODIFIER_NAMES: Record<string, string> = {
  super: 'super',
  mod4: 'super',
  control: 'control',
  ctrl: 'control',
  primary: 'control',
  shift: 'shift',
  alt: 'alt',
  mod1: 'alt',
  meta: 'meta',
  hyper: 'hyper',
};

/** An accelerator ("<Super>space", "<Mod4>Space") in one spelling, for comparison. */
export function normalizeAccelerator(accelerator: string): string {
  const modifiers: string[] = [];
  const key = accelerator.replace(/<(\w+)>/g, (_match, name: string) => {
    const lower = name.toLowerCase();
    modifiers.push(MODIFIER_NAMES[lower] ?? lower);
    return '';
  });
  return [...new Set(modifiers)]
    .sort()
    .map((modifier) => `<${modifier}>`)
    .concat(key.trim().toLowerCase())
    .join('');
}

export interface ShortcutSettings {
  /** The quick chat's accelerators (its toggle-quick-chat key). */
  accelerators: readonly string[];
  /** org.gnome.desktop.wm.keybindings switch-input-source. */
  switchInputSource: readonly string[];
  /** How many entries org.gnome.desktop.input-sources sources has. */
  inputSources: number;
}

/**
 * The accelerators of the quick chat that also switch input sources. Mutter
 * gives keys bound twice to either binding, and which one changes whenever any
 * binding is added, so such an accelerator cannot be the quick chat's.
 */
export function clashingAccelerators(settings: ShortcutSettings): string[] {
  const taken = new Set(settings.switchInputSource.map(normalizeAccelerator));
  return settings.accelerators.filter((accelerator) => accelerator && taken.has(normalizeAccelerator(accelerator)));
}

/**
 * Whether the quick chat may offer to take its accelerators from the input-source
 * switcher: only with at most one input source, when switching does nothing.
 */
export function canTakeFromSwitcher(settings: ShortcutSettings): boolean {
  return settings.inputSources < 2 && clashingAccelerators(settings).length > 0;
}

/** switch-input-source without the quick chat's accelerators. */
export function switcherWithout(settings: ShortcutSettings): string[] {
  const ours = new Set(settings.accelerators.map(normalizeAccelerator));
  return settings.switchInputSource.filter((accelerator) => !ours.has(normalizeAccelerator(accelerator)));
}

/** The names of modifiers and keys as the keyboard's caps say them in the user's language ("Strg", "Leertaste"). */
function keyNames(_: Gettext): Record<string, string> {
  return {
    // Translators: names of keys in a shortcut such as "Ctrl+Space", as your language's keyboards label them
    // (German: "Strg", "Umschalt", "Leertaste"; French: "Ctrl", "Maj", "Espace").
    control: _('Ctrl'),
    super: _('Super'),
    shift: _('Shift'),
    alt: _('Alt'),
    space: _('Space'),
    return: _('Enter'),
    escape: _('Esc'),
    tab: _('Tab'),
    backspace: _('Backspace'),
  };
}

/** "<Super>space" as people read it, in their language: "Super+Space", "Super+Leertaste". */
export function acceleratorLabel(accelerator: string, _: Gettext): string {
  const names = keyNames(_);
  const modifiers = [...accelerator.matchAll(/<(\w+)>/g)].map((match) => {
    const name = match[1] ?? '';
    const normal = MODIFIER_NAMES[name.toLowerCase()] ?? name;
    return names[normal] ?? normal;
  });
  const key = accelerator.replace(/<\w+>/g, '').trim();
  return [...modifiers, names[key.toLowerCase()] ?? key.charAt(0).toUpperCase() + key.slice(1)].join('+');
}

/**
 * Why the shortcut is not bound, for people; null when it is free. In the preferences, the way to another
 * shortcut is their Change… button beside it, not the preferences themselves.
 */
export function conflictSentence(
  settings: ShortcutSettings,
  _: Gettext,
  shownIn: 'menu' | 'preferences' = 'menu',
): string | null {
  const clashing = clashingAccelerators(settings);
  if (clashing.length === 0) return null;
  const shortcut = clashing.map((accelerator) => acceleratorLabel(accelerator, _)).join(', ');
  const inPreferences = shownIn === 'preferences';
  const button = _('Change…');
  if (settings.inputSources > 1) {
    const why = format(_('{shortcut} switches between your input sources, so it does not open the quick chat.'), {
      shortcut,
    });
    const other = inPreferences
      ? format(_('Choose another shortcut with “{button}”.'), { button })
      : _('Choose another shortcut in the preferences.');
    return `${why} ${other}`;
  }
  const why = format(_('{shortcut} is also GNOME’s shortcut for switching input sources.'), { shortcut });
  const ways = inPreferences
    ? format(_('Use it for Steward instead, or choose another shortcut with “{button}”.'), { button })
    : _('Use it for Steward instead, or choose another shortcut in the preferences.');
  return `${why} ${ways}`;
}

/**
 * "Checking disk usage…" while a tool runs; the same without the ellipsis once it has finished. The service writes
 * its steps in lower case, as its command line lists them; on screen each is a line of its own, begun as one.
 */
export function toolStepText(description: string, status: string, _: Gettext): string {
  const capital = description.charAt(0).toLocaleUpperCase() + description.slice(1);
  // A translation may set its ellipsis apart ("wird geprüft …"): kept while running, gone with it after.
  const text = capital.replace(/\s*(…|\.\.\.)$/, '');
  if (status === 'running') return /(…|\.\.\.)$/.test(capital) ? capital : `${text}…`;
  // Translators: a step of the assistant that failed, e.g. "Checking disk usage (failed)".
  if (status === 'failed') return format(_('{step} (failed)'), { step: text });
  return text;
}

/** A download's progress: "312.0 MB of 1.1 GB (27 %)", or what is known of it. */
export function pullProgressText(done: number, total: number, _: Gettext): string {
  if (total <= 0) return format(_('{done} downloaded'), { done: formatBytes(done, _) });
  // Translators: a download's progress, e.g. "312.0 MB of 1.1 GB (27 %)".
  return format(_('{done} of {total} ({percent} %)'), {
    done: formatBytes(done, _),
    total: formatBytes(total, _),
    percent: Math.floor((done / total) * 100),
  });
}

/**
 * What is read aloud of an answer: its paragraphs without Markdown's marks;
 * code blocks are left out, being for the eyes and the clipboard.
 */
export function spokenText(answer: string): string {
  return splitBlocks(answer)
    .filter((block) => block.kind === 'text')
    .map((block) =>
      block.text
        .replace(/`([^`]*)`/g, '$1')
        .replace(/\*\*|__|^#+\s*|^\s*[-*]\s+/gm, '')
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'),
    )
    .join('\n\n');
}
