// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Adw from 'gi://Adw';
import Gtk from 'gi://Gtk';
import { gettext as _, ngettext } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import type { PrefsContext } from './prefsContext.js';
import { mergePatch, policyGroups, policyIndex, policyLabel, policyPatch, readOnlySummary } from './prefsModel.js';

/** Whether fixes ask first, diagnostic commands, and what local models see. */
export function safetyPage(context: PrefsContext): Adw.PreferencesPage {
  const page = context.page(_('_Safety'), 'security-high-symbolic');
  const fixes = context.serviceGroup(
    page,
    _('Fixes'),
    _('Whether Steward asks before a fix. Only low-risk fixes can run without asking.'),
  );
  const looking = new Adw.ActionRow({
    title: _('Steps that only look'),
    subtitle: readOnlySummary(ngettext),
    use_markup: false,
  });
  looking.add_prefix(new Gtk.Image({ icon_name: 'edit-find-symbolic' }));
  fixes.add(looking);
  const rows = policyGroups({}, _).flatMap((group) => {
    const section = context.serviceGroup(page, group.title);
    return group.rows.map((policy) => {
      const row = new Adw.ComboRow({
        title: policy.title,
        model: Gtk.StringList.new(policy.choices.map((choice) => policyLabel(choice, _))),
      });
      row.connect('notify::selected', () => {
        const choice = policy.choices[row.selected];
        if (choice) context.update(policyPatch(policy.name, choice));
      });
      section.add(row);
      return [row, policy] as const;
    });
  });
  context.onFill((config) => {
    for (const [row, policy] of rows) row.selected = policyIndex(config.fixes.policy, policy);
  });

  const expert = context.serviceGroup(page, _('Expert'));
  const shell = new Adw.SwitchRow({
    title: _('Allow diagnostic commands'),
    subtitle: _('The assistant may propose commands. One runs only after you approve it, in a sandbox.'),
  });
  shell.connect('notify::active', () => {
    if (context.filling || !shell.active) context.update(mergePatch(['fixes', 'expertShell'], shell.active));
    else confirmExpertShell(context, shell);
  });
  expert.add(shell);
  context.onFill((config) => (shell.active = config.fixes.expertShell));

  const privacy = context.serviceGroup(page, _('Privacy'));
  const redact = new Adw.SwitchRow({
    title: _('Hide secrets from local models too'),
    subtitle: _('What goes to a remote endpoint is always redacted.'),
  });
  redact.connect('notify::active', () => context.update(mergePatch(['assistant', 'redactLocal'], redact.active)));
  privacy.add(redact);
  context.onFill((config) => (redact.active = config.assistant.redactLocal));
  return page;
}

/** Turning on commands is the one setting that widens what a fix can be: it asks first. */
function confirmExpertShell(context: PrefsContext, row: Adw.SwitchRow): void {
  const dialog = new Adw.AlertDialog({
    heading: _('Allow diagnostic commands?'),
    body: _('A command runs without network and cannot change files, but it can read them.'),
    close_response: 'cancel',
  });
  dialog.add_response('cancel', _('_Cancel'));
  dialog.add_response('allow', _('_Allow'));
  dialog.set_response_appearance('allow', Adw.ResponseAppearance.DESTRUCTIVE);
  dialog.connect('response', (_dialog, response) => {
    if (response === 'allow') context.update(mergePatch(['fixes', 'expertShell'], true));
    else context.quietly(() => (row.active = false));
  });
  dialog.present(context.window);
}
