// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Clutter from 'gi://Clutter';
import Pango from 'gi://Pango';
import St from 'gi://St';
import * as Config from 'resource:///org/gnome/shell/misc/config.js';

import { shownText } from '../shared/shownText.js';

/**
 * A box that stacks its children. St.BoxLayout took `orientation` in GNOME 48
 * and dropped `vertical` in 51, which 46 and 47 still need.
 */
export function verticalBox(params: Partial<St.BoxLayout.ConstructorProps> = {}): St.BoxLayout {
  const major = Number(Config.PACKAGE_VERSION.split('.')[0]);
  return major >= 48
    ? new St.BoxLayout({ ...params, orientation: Clutter.Orientation.VERTICAL })
    : new St.BoxLayout({ ...params, vertical: true });
}

/**
 * A label that wraps at word boundaries (or inside long words) and never ellipsizes; its text, which may come from
 * outside (the model, a log line), as shownText leaves it.
 */
export function wrappedLabel(text: string, styleClass: string): St.Label {
  const label = new St.Label({ text: shownText(text, { multiline: true }), style_class: styleClass, x_expand: true });
  label.clutter_text.line_wrap = true;
  label.clutter_text.line_wrap_mode = Pango.WrapMode.WORD_CHAR;
  label.clutter_text.ellipsize = Pango.EllipsizeMode.NONE;
  return label;
}
