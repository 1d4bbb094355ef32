import '@girs/gjs';
import '@girs/gjs/dom';
import '@girs/gnome-shell/ambient';
import '@girs/gnome-shell/extensions/global';

declare global {
  /** The revision of the D-Bus API this extension was built against, from the interface XML. */
  const STEWARD_API_VERSION: number;
}
