// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The store path of a flake input from its lock entry: Nix stores a locked source as a fixed-output
// path named "source" whose NAR has the lock's narHash, so the path follows from the hash alone.

import { createHash } from 'node:crypto';

const BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';

/** Nix's base-32: the bytes read from the end, 5 bits at a time. */
function nixBase32(bytes: Buffer): string {
  const length = Math.ceil((bytes.length * 8) / 5);
  let out = '';
  for (let n = length - 1; n >= 0; n--) {
    const bit = n * 5;
    const index = Math.floor(bit / 8);
    const shift = bit % 8;
    const value =
      (bytes.readUInt8(index) >> shift) | (index + 1 < bytes.length ? bytes.readUInt8(index + 1) << (8 - shift) : 0);
    out += BASE32[value & 0x1f];
  }
  return out;
}

/** Nix's compressHash: the digest folded by XOR into `size` bytes. */
function compress(digest: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  digest.forEach((byte, index) => out.writeUInt8(out.readUInt8(index % size) ^ byte, index % size));
  return out;
}

/** The path of a recursively hashed (NAR) sha256 source, e.g. `narHash = "sha256-…"` from flake.lock; null for other hashes. */
export function sourceStorePath(narHash: string, name = 'source', storeDir = '/nix/store'): string | null {
  const sri = /^sha256-([A-Za-z0-9+/]{43}=)$/.exec(narHash);
  if (!sri) return null;
  const hex = Buffer.from(sri[1] ?? '', 'base64').toString('hex');
  const fingerprint = `source:sha256:${hex}:${storeDir}:${name}`;
  const digest = createHash('sha256').update(fingerprint).digest();
  return `${storeDir}/${nixBase32(compress(digest, 20))}-${name}`;
}
