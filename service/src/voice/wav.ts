// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Reads the PCM of a RIFF WAVE file: 16-bit mono, as espeak-ng and pw-record write it.

export interface Pcm16 {
  sampleRate: number;
  /** 16-bit signed little-endian mono samples. */
  data: Buffer;
}

export function readWav(file: Buffer): Pcm16 {
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a WAVE file');
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = file.readUInt16LE(body);
      const channels = file.readUInt16LE(body + 2);
      const bits = file.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error('not 16-bit mono PCM');
      sampleRate = file.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (!sampleRate) throw new Error('the data comes before its format');
      // espeak-ng writing to a pipe leaves the size at its maximum: the data runs to the end.
      return { sampleRate, data: file.subarray(body, Math.min(file.length, body + size)) };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('no audio data');
}
