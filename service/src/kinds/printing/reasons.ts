// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// What the printer itself reports through CUPS, read by IPP's structure: a printer-state-reasons keyword says how
// grave it is by its suffix (RFC 8011 §5.4.12): "-error" the printer cannot print until someone sees to it (out of
// paper, a jam, an open door), "-warning" it prints but something runs low, "-report" only news. CUPS's backends
// pass on the printer's own keywords ("STATE: +media-empty-error"; the ipp backend relays the device's), so the
// suffix is the device's word, whatever the model. A keyword without a suffix is left alone: cupsd and its backends
// set bare ones for moments of every print ("connecting-to-device", "cups-waiting-for-job-completed").
import { _, N_ } from '../../i18n.js';

const DEVICE_ERROR = /^([a-z0-9][a-z0-9-]{0,62})-error$/;

/** The reasons' keywords whose suffix says the printer cannot print, without the suffix, each once. */
export function deviceErrors(reasons: readonly string[]): string[] {
  return [...new Set(reasons.flatMap((reason) => DEVICE_ERROR.exec(reason)?.[1] ?? []))];
}

// The keywords people meet most (RFC 8011 §5.4.12, PWG 5100.9's additions), in a person's words. The others are
// shown as the printer said them.
const WORDS: Readonly<Record<string, string>> = {
  'media-empty': N_('it is out of paper'),
  'media-needed': N_('it needs paper'),
  'media-jam': N_('paper is jammed'),
  'toner-empty': N_('it is out of toner'),
  'marker-supply-empty': N_('it is out of ink or toner'),
  'marker-waste-full': N_('its waste ink or toner box is full'),
  'door-open': N_('a door is open'),
  'cover-open': N_('a cover is open'),
  'interlock-open': N_('a cover is open'),
  'input-tray-missing': N_('a paper tray is missing'),
  'output-tray-missing': N_('the output tray is missing'),
  'output-area-full': N_('the output tray is full'),
  offline: N_('it is offline'),
  shutdown: N_('it is switched off'),
};

/** One keyword (without its suffix) in a person's words, or as the printer said it. */
export const reasonWords = (keyword: string): string => {
  const words = WORDS[keyword];
  return words === undefined ? `${keyword}-error` : _(words);
};
