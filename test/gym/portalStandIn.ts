// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs inside the gym's system as the test user, on the user's session bus: a stand-in for the desktop portal
// (xdg-desktop-portal needs a desktop session and a browser behind it). It owns org.freedesktop.portal.Desktop
// and answers OpenURI as the real one does, with a request object, appending each URI it was asked to open to
// the file named on its command line, for a scenario to read.
//   node portalStandIn.js RECORD_FILE
import { appendFileSync } from 'node:fs';

import { Message, sessionBus } from '@jellybrick/dbus-next';

const PORTAL = 'org.freedesktop.portal.Desktop';
const PORTAL_PATH = '/org/freedesktop/portal/desktop';
const OPEN_URI = 'org.freedesktop.portal.OpenURI';
/** DBUS_NAME_FLAG_DO_NOT_QUEUE: fail rather than wait behind another owner. */
const DO_NOT_QUEUE = 4;

const recordFile = process.argv[2];
if (!recordFile) throw new Error('usage: portalStandIn.js RECORD_FILE');

const bus = sessionBus();
let requests = 0;
bus.addMethodHandler((message) => {
  if (message.path !== PORTAL_PATH || message.interface !== OPEN_URI || message.member !== 'OpenURI') return false;
  const [, uri] = message.body as [string, string];
  appendFileSync(recordFile, `${uri}\n`);
  requests += 1;
  bus.send(Message.newMethodReturn(message, 'o', [`${PORTAL_PATH}/request/stand_in/r${requests}`]));
  return true;
});
// Owned only once the handler is in place: whoever waits for the name (systemd's Type=dbus) can call at once.
const owned = await bus.requestName(PORTAL, DO_NOT_QUEUE);
if (owned !== 1) throw new Error(`${PORTAL} is owned by another process`);
