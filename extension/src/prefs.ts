// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type Adw from 'gi://Adw';
import { ExtensionPreferences } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import { modelPage } from './prefs/modelPage.js';
import { PrefsContext } from './prefs/prefsContext.js';
import { safetyPage } from './prefs/safetyPage.js';
import { shortcutPage } from './prefs/shortcutPage.js';
import { watchingPage } from './prefs/watchingPage.js';

/**
 * The preferences window: one page per file under prefs/, sharing a PrefsContext.
 * Only the shortcut and the notification level are the extension's own GSettings;
 * the rest is the service's configuration.
 */
export default class StewardPreferences extends ExtensionPreferences {
  override fillPreferencesWindow(window: Adw.PreferencesWindow): Promise<void> {
    const settings = this.getSettings();
    const context = new PrefsContext(window);
    window.set_default_size(720, 720);
    window.add(modelPage(context, String(this.metadata['version-name'] ?? '')));
    window.add(watchingPage(context, settings));
    window.add(safetyPage(context));
    window.add(shortcutPage(context, settings));
    window.connect('close-request', () => {
      context.destroy();
      return false;
    });
    context.start();
    return Promise.resolve();
  }
}
