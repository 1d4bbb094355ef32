// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Adw from 'gi://Adw';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk';
import { gettext as _, ngettext } from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import { errorMessage } from '../client/errors.js';
import type { PrefsContext } from './prefsContext.js';
import {
  type CatalogAction,
  catalogActions,
  mergePatch,
  POLICY_AREAS,
  type PolicyArea,
  policyAreaTitle,
  policyGroups,
  policyIndex,
  policyLabel,
  policyPatch,
  type PolicyRow,
  readOnlySummary,
  type ServiceConfig,
} from './prefsModel.js';

/** Whether fixes ask first, diagnostic commands, and what local models see. */
export function safetyPage(context: PrefsContext): Adw.PreferencesPage {
  const page = context.page(_('_Safety'), 'security-high-symbolic');
  const fixes = context.serviceGroup(
    page,
    _('Fixes'),
    _('Whether Steward asks before a fix. Only low-risk fixes can run without asking.'),
  );
  fixRules(context, page, fixes);

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

/**
 * The "Fixes" group's rows: one rule per action of the service's catalog that changes something, grouped by what it
 * changes, and one line for the steps that only read. The catalog is the service's (Proposals.Catalog), read each
 * time the service is there; until it answers, one row says so, and without the service the page's first row says
 * that it is not running (PrefsContext.page) and no rule is listed.
 */
function fixRules(context: PrefsContext, page: Adw.PreferencesPage, fixes: Adw.PreferencesGroup): void {
  const reading = new Adw.ActionRow({ title: _('Reading Steward’s fixes…'), use_markup: false });
  const spinner = new Gtk.Spinner({ spinning: true });
  const failed = new Gtk.Image({ icon_name: 'dialog-warning-symbolic', visible: false });
  reading.add_prefix(spinner);
  reading.add_prefix(failed);
  fixes.add(reading);
  const looking = new Adw.ActionRow({ title: _('Steps that only look'), use_markup: false, visible: false });
  looking.add_prefix(new Gtk.Image({ icon_name: 'edit-find-symbolic' }));
  fixes.add(looking);
  // Made now, hidden until the catalog fills them, so that they stand before the Expert and Privacy groups.
  const sections = Object.fromEntries(
    POLICY_AREAS.map((touches) => {
      const section = new Adw.PreferencesGroup({ title: policyAreaTitle(touches, _), visible: false });
      page.add(section);
      return [touches, section];
    }),
  ) as Record<PolicyArea, Adw.PreferencesGroup>;
  let rows: { row: Adw.ComboRow; policy: PolicyRow; section: Adw.PreferencesGroup }[] = [];
  let policies: ServiceConfig['fixes']['policy'] = {};
  let listed = '';

  const removeRules = () => {
    for (const { row, section } of rows) section.remove(row);
    rows = [];
    listed = '';
    for (const section of Object.values(sections)) section.visible = false;
  };
  const waiting = () => {
    reading.title = _('Reading Steward’s fixes…');
    reading.subtitle = '';
    spinner.visible = true;
    failed.visible = false;
    reading.visible = true;
  };
  const show = (actions: CatalogAction[]) => {
    reading.visible = false;
    looking.subtitle = readOnlySummary(actions, ngettext);
    looking.visible = true;
    // Read again after a refused change or a change of the expert shell: the same list keeps its rows and their focus.
    const key = JSON.stringify(actions);
    if (key === listed) return;
    removeRules();
    listed = key;
    rows = policyGroups(actions, policies, _).flatMap((group) => {
      const section = sections[group.touches];
      section.visible = true;
      return group.rows.map((policy) => {
        const row = new Adw.ComboRow({
          title: policy.title,
          model: Gtk.StringList.new(policy.choices.map((choice) => policyLabel(choice, _))),
        });
        row.selected = policy.selected;
        row.connect('notify::selected', () => {
          const choice = policy.choices[row.selected];
          if (choice) context.update(policyPatch(policy.name, choice));
        });
        section.add(row);
        return { row, policy, section };
      });
    });
  };
  const load = () =>
    context.client.catalog().then(
      (dicts) => {
        if (!context.closed && context.running) show(catalogActions(dicts));
      },
      (error: unknown) => {
        if (context.closed || !context.running) return;
        reading.title = _('Steward did not list its fixes');
        reading.subtitle = olderService(error)
          ? _('The service is older than this extension. Update it to choose how each fix runs.')
          : errorMessage(error, _);
        spinner.visible = false;
        failed.visible = true;
      },
    );

  context.onLoad(() => void load());
  context.onPresence(({ running }) => {
    if (running) return;
    removeRules();
    looking.visible = false;
    waiting();
  });
  let expertShell: boolean | null = null;
  context.onFill((config) => {
    policies = config.fixes.policy;
    for (const { row, policy } of rows) row.selected = policyIndex(policies, policy);
    // The expert shell is a step of the catalog while it is allowed: the count of steps that only look changes.
    if (expertShell !== null && expertShell !== config.fixes.expertShell) void load();
    expertShell = config.fixes.expertShell;
  });
}

/** A service of API revision 20 or older has no Proposals.Catalog. */
const olderService = (error: unknown) =>
  error instanceof GLib.Error && error.matches(Gio.DBusError, Gio.DBusError.UNKNOWN_METHOD);
