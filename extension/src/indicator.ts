import Clutter from 'gi://Clutter';
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import St from 'gi://St';

import { gettext as _ } from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';
import * as PanelMenu from 'resource:///org/gnome/shell/ui/panelMenu.js';
import * as PopupMenu from 'resource:///org/gnome/shell/ui/popupMenu.js';

import { API_VERSION } from './interfaces.js';
import { present, type Presentation, type ServiceStatus } from './serviceStatus.js';

const TOOLTIP_OFFSET = 6;

/** The top-bar button: an icon for the service state, a tooltip, and a menu with the details. */
export const StewardIndicator = GObject.registerClass(
  class StewardIndicator extends PanelMenu.Button {
    private _iconsDir!: Gio.File;
    private _icon!: St.Icon;
    private _tooltip!: St.Label;
    private _titleItem!: PopupMenu.PopupMenuItem;
    private _detailItem!: PopupMenu.PopupMenuItem;
    private _startItem!: PopupMenu.PopupMenuItem;
    private _startService!: () => void;

    constructor(iconsDir: Gio.File, startService: () => void) {
      super(0.5, _('Steward'));
      this._iconsDir = iconsDir;
      this._startService = startService;

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
      this._startItem = new PopupMenu.PopupMenuItem(_('Start Steward'));
      this._startItem.connect('activate', () => this._startService());
      menu.addMenuItem(this._titleItem);
      menu.addMenuItem(this._detailItem);
      menu.addMenuItem(this._startItem);
      this.connect('button-press-event', () => {
        this._tooltip.hide();
        return Clutter.EVENT_PROPAGATE;
      });

      this.showStatus({ running: false });
    }

    showStatus(status: ServiceStatus): void {
      this._apply(present(status, API_VERSION, _));
    }

    showError(message: string): void {
      this._detailItem.label.text = message;
      this._detailItem.visible = true;
    }

    private _apply(presentation: Presentation): void {
      this._icon.gicon = new Gio.FileIcon({ file: this._iconsDir.get_child(`${presentation.iconName}.svg`) });
      this.accessible_name = presentation.title;
      this._tooltip.text = presentation.title;
      this._titleItem.label.text = presentation.title;
      this._detailItem.label.text = presentation.detail;
      this._detailItem.visible = presentation.detail !== '';
      this._startItem.visible = presentation.canStart;
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
      this._tooltip.destroy();
      super.destroy();
    }
  },
);

export type StewardIndicator = InstanceType<typeof StewardIndicator>;
