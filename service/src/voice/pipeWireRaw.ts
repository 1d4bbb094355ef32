// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// pw-play and pw-record (pw-cat's two modes) of PipeWire 1.x (Debian 13) read
// and write a file named "-" through libsndfile: pw-play refuses raw samples
// ("Format not recognised") and pw-record writes an AU header before them,
// unless told --raw. 0.3 (Debian 12) reads and writes raw samples and has no
// --raw: it refuses the option ("unrecognized option '--raw'") and plays nothing.
import { execFile } from 'node:child_process';

export type PipeWireTool = 'pw-cat' | 'pw-play' | 'pw-record';

const asked = new Map<PipeWireTool, Promise<string[]>>();

/**
 * ['--raw'] where `tool` has it, else []. Its own --help says which; asked once, and again after a failure to
 * run it (it may be installed later).
 */
export function pipeWireRawFlag(tool: PipeWireTool): Promise<string[]> {
  const known = asked.get(tool);
  if (known) return known;
  const answer = new Promise<string[]>((resolve) => {
    execFile(tool, ['--help'], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error && stdout === '' && stderr === '') asked.delete(tool);
      resolve(/(?:^|\s)--raw\b/.test(`${stdout}\n${stderr}`) ? ['--raw'] : []);
    });
  });
  asked.set(tool, answer);
  return answer;
}
