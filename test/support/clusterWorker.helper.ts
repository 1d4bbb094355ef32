// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The workers of a parallel run (jasmine --parallel) are Node.js cluster workers, and Node.js has a cluster
// worker's servers listen in the primary process: every worker's listen on port 0 gets the same port, and
// connections go round-robin to whichever worker listens there. A spec's server is its own, as it is in any
// other process: here a server listens in the process that made it (what `exclusive: true` does for one).
import cluster from 'node:cluster';

if (cluster.isWorker) {
  (cluster as { isPrimary: boolean }).isPrimary = true;
  // Once the primary has every result it lets its workers go. A serial run ends with process.exit whatever a
  // spec left open (a watcher, a socket); so does a worker, which would otherwise outlive the run and hold
  // its output open.
  cluster.worker?.once('disconnect', () => process.exit(process.exitCode ?? 0));
}
