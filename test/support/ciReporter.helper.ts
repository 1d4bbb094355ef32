// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// A serial run (`npx jasmine --config=test/jasmine.json FILES`) reports with ciReporter. In a parallel run this
// helper loads in the workers, which report to the main process: there --reporter= names ciReporter instead.
import cluster from 'node:cluster';

import CiReporter from './ciReporter.js';

if (!cluster.isWorker) {
  jasmine.getEnv().clearReporters();
  jasmine.getEnv().addReporter(new CiReporter());
}
