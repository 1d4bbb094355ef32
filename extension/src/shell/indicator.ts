// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import Clutter from 'gi://Clutter';
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import St from 'gi://St';
import { gettext as _, ngettext } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';
import * as PanelMenu from 'resource:///org/gnome/shell/ui/panelMenu.js';
import * as PopupMenu from 'resource:///org/gnome/shell/ui/popupMenu.js';

import { API_VERSION } from '../client/interfaces.js';
import type { Proposal } from '../shared/model.js';
import {
  copyCommandLabel,
  docsSummary,
  engineSummary,
  modelIsLoaded,
  present,
  type Presentation,
} from '../shared/serviceStatus.js';
import { shownText } from '../shared/shownText.js';
import { FindingsSection, ProposalsSection } from './indicatorMenu.js';
import type { StewardState } from './stewardState.js';

const TOOLTIP_OFFSET = 6;
const PULSE_OPACITY = 110;
const PULSE_MS = 900;

// GNOME Shell adds ease() to actors; the type definitions declare it for another Clutter version.
interface Easing {
  ease(params: Record<string, unknown>): void;
}

export interface IndicatorHandlers {
  startService(): void;
  /** Gives the keys of GNOME's input-source shortcut to the quick chat (offered only with a single layout). */
  takeShortcut(): void;
  openChat(proposalId?: string): void;
  openPreferences(): void;
  apply(proposal: Proposal): void;
}

/** The top-bar button: an icon for the service state, a tooltip, and a menu with the details. */
export const StewardIndicator = GObject.registerClass(
  class StewardIndicator extends PanelMenu.Button {
    private _iconsDir!: Gio.File;
    private _icon!: St.Icon;
    private _tooltip!: St.Label;
    private _titleItem!: PopupMenu.PopupMenuItem;
    private _detailItem!: PopupMenu.PopupMenuItem;
    private _engineItem!: PopupMenu.PopupMenuItem;
    private _unloadItem!: PopupMenu.PopupMenuItem;
    private _startItem!: PopupMenu.PopupMenuItem;
    private _copyCommandItem!: PopupMenu.PopupMenuItem;
    private _copyCommand = '';
    private _proposalsSection!: ProposalsSection;
    private _findingsSection!: FindingsSection;
    private _actionsSection!: PopupMenu.PopupMenuSection;
    private _pauseItem!: PopupMenu.PopupSwitchMenuItem;
    private _conflictItem!: PopupMenu.PopupMenuItem;
    private _takeShortcutItem!: PopupMenu.PopupMenuItem;
    private _handlers!: IndicatorHandlers;
    private _steward!: StewardState;
    private _docsItem!: PopupMenu.PopupMenuItem;
    private _iconName = '';

    constructor(iconsDir: Gio.File, steward: StewardState, handlers: IndicatorHandlers) {
      super(0.5, _('Steward'));
      this._iconsDir = iconsDir;
      this._steward = steward;
      this._handlers = handlers;

      this._icon = new St.Icon({ style_class: 'system-status-icon' });
      this.add_child(this._icon);

      this._tooltip = new St.Label({ style_class: 'steward-tooltip', visible: false });
      Main.layoutManager.addTopChrome(this._tooltip);
      this.connect('notify::hover', () => this._syncTooltip());

      const menu = this.menu as PopupMenu.PopupMenu;
      // Reactive but not activatable: the theme dims unreactive items, and the
      // status line is a heading, not a disabled action.
      this._titleItem = new PopupMenu.PopupMenuItem('', {
        activate: false,
        can_focus: false,
        hover: false,
        style_class: 'steward-status-title',
      });
      this._titleItem.remove_style_class_name('popup-inactive-menu-item');
      this._detailItem = new PopupMenu.PopupMenuItem('', { reactive: false, style_class: 'steward-status-detail' });
      this._detailItem.label.clutter_text.line_wrap = true;
      this._engineItem = new PopupMenu.PopupMenuItem('', { reactive: false, style_class: 'steward-status-detail' });
      this._engineItem.label.clutter_text.line_wrap = true;
      this._docsItem = new PopupMenu.PopupMenuItem('', { reactive: false, style_class: 'steward-status-detail' });
      this._docsItem.label.clutter_text.line_wrap = true;
      this._startItem = new PopupMenu.PopupMenuItem(_('Start Steward'));
      this._startItem.connect('activate', () => this._handlers.startService());
      this._copyCommandItem = new PopupMenu.PopupMenuItem('');
      this._copyCommandItem.connect('activate', () =>
        St.Clipboard.get_default().set_text(St.ClipboardType.CLIPBOARD, this._copyCommand),
      );
      menu.addMenuItem(this._titleItem);
      menu.addMenuItem(this._detailItem);
      menu.addMenuItem(this._engineItem);
      menu.addMenuItem(this._docsItem);
      menu.addMenuItem(this._startItem);
      menu.addMenuItem(this._copyCommandItem);

      this._proposalsSection = new ProposalsSection({
        apply: (proposal) => this._handlers.apply(proposal),
        dismiss: (proposal) => void this._steward.dismiss(proposal.id),
      });
      this._findingsSection = new FindingsSection();
      menu.addMenuItem(this._proposalsSection);
      menu.addMenuItem(this._findingsSection);

      this._actionsSection = new PopupMenu.PopupMenuSection();
      this._actionsSection.addMenuItem(new PopupMenu.PopupSeparatorMenuItem());
      this._pauseItem = new PopupMenu.PopupSwitchMenuItem(_('Pause Steward'), false);
      this._pauseItem.connect('toggled', (_item, paused: boolean) => void this._steward.setPaused(paused));
      this._actionsSection.addMenuItem(this._pauseItem);
      this._unloadItem = new PopupMenu.PopupMenuItem(_('Unload Model'));
      this._unloadItem.connect('activate', () => void this._steward.unload());
      this._unloadItem.visible = false;
      this._actionsSection.addMenuItem(this._unloadItem);
      this._actionsSection.addAction(_('Open Chat'), () => this._handlers.openChat());
      this._conflictItem = new PopupMenu.PopupMenuItem('', { reactive: false, style_class: 'steward-status-detail' });
      this._conflictItem.label.clutter_text.line_wrap = true;
      this._takeShortcutItem = new PopupMenu.PopupMenuItem(_('Use for Steward'));
      this._takeShortcutItem.connect('activate', () => this._handlers.takeShortcut());
      this._actionsSection.addMenuItem(this._conflictItem);
      this._actionsSection.addMenuItem(this._takeShortcutItem);
      this.showShortcutConflict(null, false);
      menu.addMenuItem(this._actionsSection);
      menu.addAction(_('Preferences'), () => this._handlers.openPreferences());
      menu.connectObject(
        'open-state-changed',
        (_menu: unknown, open: boolean) => {
          if (open) {
            void this._syncEngine();
            void this._syncDocs();
          }
        },
        this,
      );
      this.connect('button-press-event', () => {
        this._tooltip.hide();
        return Clutter.EVENT_PROPAGATE;
      });

      this._docsItem.visible = false;
      this.sync();
    }

    /** Shows the service's state, what waits for the user and the engine, as they are now. */
    sync(): void {
      const status = this._steward.status;
      const running = status.running;
      const activity = this._steward.activity;
      this._apply(present(status, API_VERSION, { _, ngettext }, activity));
      const proposals = running ? this._steward.proposals : [];
      this._proposalsSection.show(proposals, this._steward.findings);
      this._findingsSection.show(running ? this._steward.findings : [], proposals);
      this._actionsSection.actor.visible = running;
      this._engineItem.visible = running && this._engineItem.label.text !== '';
      this._docsItem.visible = running && this._docsItem.label.text !== '';
      this._pauseItem.setToggleState(activity.paused);
    }

    /** Opens the menu with the proposal's exact effect shown. */
    showProposal(proposalId?: string): void {
      if (proposalId) this._proposalsSection.show(this._steward.proposals, this._steward.findings, proposalId);
      (this.menu as PopupMenu.PopupMenu).open();
    }

    /** Says why the quick chat's shortcut does not open it, and offers the fix where one is safe. */
    showShortcutConflict(conflict: string | null, canTake: boolean): void {
      this._conflictItem.label.text = conflict ?? '';
      this._conflictItem.visible = conflict !== null;
      this._takeShortcutItem.visible = conflict !== null && canTake;
    }

    showError(message: string): void {
      this._detailItem.label.text = shownText(message, { multiline: true });
      this._detailItem.visible = true;
    }

    private async _syncEngine(): Promise<void> {
      const engine = await this._steward.engineStatus();
      this._engineItem.label.text = engine ? shownText(engineSummary(engine, _)) : '';
      this._engineItem.visible = this._steward.running && engine !== null;
      this._unloadItem.visible = this._steward.running && modelIsLoaded(engine);
    }

    /** The documentation index's line: its first indexing's progress, or that it is ready. */
    private async _syncDocs(): Promise<void> {
      const status = await this._steward.serviceStatus();
      this._docsItem.label.text = status ? docsSummary(status, _) : '';
      this._docsItem.visible = this._steward.running && this._docsItem.label.text !== '';
    }

    /** The file name of the icon on screen. */
    get shownIconFile(): string {
      return (this._icon.gicon as Gio.FileIcon | null)?.get_file().get_basename() ?? '';
    }

    private _apply(presentation: Presentation): void {
      if (presentation.iconName !== this._iconName) {
        this._iconName = presentation.iconName;
        this._icon.gicon = new Gio.FileIcon({ file: this._iconsDir.get_child(`${presentation.iconName}.svg`) });
      }
      this._pulse(presentation.animate);
      this.accessible_name = presentation.title;
      this._tooltip.text = presentation.title;
      this._titleItem.label.text = presentation.title;
      this._detailItem.label.text = shownText(presentation.detail, { multiline: true });
      this._detailItem.visible = presentation.detail !== '';
      this._startItem.visible = presentation.canStart;
      this._copyCommand = presentation.copyCommand;
      this._copyCommandItem.label.text = copyCommandLabel(presentation.copyCommand, _);
      this._copyCommandItem.visible = presentation.copyCommand !== '';
    }

    private _pulse(animate: boolean): void {
      const pulsing = this._icon.get_transition('opacity') !== null;
      if (animate && !pulsing) {
        (this._icon as unknown as Easing).ease({
          opacity: PULSE_OPACITY,
          duration: PULSE_MS,
          mode: Clutter.AnimationMode.EASE_IN_OUT_SINE,
          repeatCount: -1,
          autoReverse: true,
        });
      } else if (!animate && pulsing) {
        this._icon.remove_transition('opacity');
        this._icon.opacity = 255;
      }
    }

    private _syncTooltip(): void {
      if (this.hover && !(this.menu as PopupMenu.PopupMenu).isOpen) {
        const [x, y] = this.get_transformed_position();
        const [width, height] = this.get_transformed_size();
        const [, tooltipWidth] = this._tooltip.get_preferred_width(-1);
        const monitor = Main.layoutManager.findMonitorForActor(this);
        const maxX = monitor ? monitor.x + monitor.width - tooltipWidth : x;
        this._tooltip.set_position(
          Math.floor(Math.min(x + (width - tooltipWidth) / 2, maxX)),
          Math.floor(y + height + TOOLTIP_OFFSET),
        );
        this._tooltip.show();
      } else {
        this._tooltip.hide();
      }
    }

    override destroy(): void {
      this._icon.remove_all_transitions();
      const menu = this.menu as PopupMenu.PopupMenu;
      menu.disconnectObject(this);
      // A menu and its sections are no GObjects, so nothing ends the connections the shell made between them
      // (addMenuItem) and from the menu to the panel (Panel._onMenuSet): it would keep every disabled menu and
      // its items (the heap comparison in test/bench/extension.ts).
      for (const section of [this._proposalsSection, this._findingsSection, this._actionsSection]) {
        menu.disconnectObject(section);
        section.disconnectObject(menu);
      }
      menu.disconnectObject(Main.panel);
      this._tooltip.destroy();
      super.destroy();
    }
  },
);

export type StewardIndicator = InstanceType<typeof StewardIndicator>;
