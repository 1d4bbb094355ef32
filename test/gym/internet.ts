// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Runs inside the gym's system, in the router's network namespace: the internet beyond the router, as far as
// NetworkManager's connectivity check sees it. It answers the check's address with the text NetworkManager
// expects, or, while the file named on its command line says "portal", as a captive portal does: every
// address but the sign-in page's is redirected there.
//   node internet.js MODE_FILE
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/** What NetworkManager's [connectivity] response= expects (test/gym/scenarios/*: 50-gym.conf). */
const ONLINE = 'NetworkManager is online';
const SIGN_IN = '/sign-in';

const modeFile = process.argv[2];
if (!modeFile) throw new Error('usage: internet.js MODE_FILE');

const mode = () => {
  try {
    return readFileSync(modeFile, 'utf8').trim();
  } catch {
    return 'online';
  }
};

createServer((request, response) => {
  if (request.url === SIGN_IN) {
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>Sign in to use this network</h1>\n');
  } else if (mode() === 'portal') {
    response.writeHead(302, { Location: `http://${request.headers.host}${SIGN_IN}` }).end();
  } else {
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end(`${ONLINE}\n`);
  }
}).listen(80);
