// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// One policy for what holds passwords and keys: read_file refuses it, shell.run
// hides it, as what either shows may reach a remote model.
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

/**
 * Places in the home directory that keep passwords, keys, tokens or cookies: the key stores, cloud and
 * container credentials, browser profiles, password managers, and Steward's own state (its chat history, the
 * known-good copies of watched files).
 */
export const HOME_SECRETS = [
  '.ssh',
  '.gnupg',
  '.password-store',
  '.local/share/keyrings',
  '.netrc',
  '.git-credentials',
  '.pgpass',
  '.my.cnf',
  '.pypirc',
  '.s3cfg',
  '.aws',
  '.azure',
  '.config/gcloud',
  '.kube',
  '.docker',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.config/containers',
  '.mozilla',
  '.thunderbird',
  '.config/google-chrome',
  '.config/chromium',
  '.config/BraveSoftware',
  '.config/microsoft-edge',
  '.config/vivaldi',
  '.config/opera',
  '.local/share/epiphany',
  // Messengers' desktop apps keep their session tokens and database keys in their profiles.
  '.config/Signal',
  '.config/discord',
  '.config/Slack',
  // Browsers installed as Flatpaks and snaps keep their profiles (cookies, saved passwords) in their own homes.
  '.var/app/org.mozilla.firefox',
  '.var/app/org.mozilla.Thunderbird',
  '.var/app/org.chromium.Chromium',
  '.var/app/com.google.Chrome',
  '.var/app/com.brave.Browser',
  '.var/app/com.microsoft.Edge',
  '.var/app/com.vivaldi.Vivaldi',
  '.var/app/org.gnome.Epiphany',
  'snap/firefox',
  'snap/chromium',
  'snap/thunderbird',
  '.config/Bitwarden',
  '.config/keepassxc',
  '.local/share/KeePassXC',
  '.local/state/steward',
];

/** System places that hold secrets; a crashed program's core dump holds whatever it had in memory. */
export const SYSTEM_SECRETS = [
  '/etc/shadow',
  '/etc/shadow-',
  '/etc/gshadow',
  '/etc/gshadow-',
  '/etc/ssl/private',
  '/var/lib/systemd/coredump',
];

// File names that hold secrets wherever they are: credential files, cookie stores, password databases, keys.
const SECRET_NAMES = new Set(['.netrc', '.pgpass', '.git-credentials', 'credentials', 'Cookies', 'cookies.sqlite']);
const SECRET_EXTENSIONS = /\.(?:pem|key|ppk|kdbx|keystore|jks|p12|pfx)$/i;

// Private keys by their content, in every common format: PEM and PGP armour, SSH2, PuTTY, age, kubeconfig, JWK,
// and libgcrypt's S-expressions as GnuPG keeps them in private-keys-v1.d (advanced, canonical and the extended
// "Key:" format, protected or not).
const PRIVATE_KEY_CONTENT =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|---- BEGIN SSH2 (?:ENCRYPTED )?PRIVATE KEY ----|^PuTTY-User-Key-File-\d:|AGE-SECRET-KEY-1[0-9A-Z]{20}|\bclient-key-data:\s*\S|"kty"\s*:\s*"[A-Za-z]+"[^}]*"d"\s*:\s*"|\((?:\d+:)?(?:protected-)?private-key\b/m;

const isUnder = (path: string, root: string) =>
  path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);

/**
 * Steward's own secrets wherever the settings put them: its state directory (chat history, known-good copies of
 * watched files, the audit trail), which XDG_STATE_HOME may move out of ~/.local/state, and the API key file
 * named by inference.remote.apiKeyFile, whatever its name. A relative key file is where the service opens it.
 */
export function stewardSecretPaths(stateDirectory: string, apiKeyFile: string | undefined): string[] {
  return [stateDirectory, ...(apiKeyFile === undefined ? [] : [resolve(apiKeyFile)])];
}

/**
 * Why `path` is a secret by where it is or what it is called, or null; `stewardSecrets` are the paths of
 * stewardSecretPaths (a file, or a directory and all it holds).
 */
export function secretPlaceReason(path: string, home: string, stewardSecrets: readonly string[] = []): string | null {
  if (stewardSecrets.some((place) => isUnder(path, place))) return "it holds Steward's keys or private state";
  if (
    HOME_SECRETS.some((place) => isUnder(path, join(home, place))) ||
    SYSTEM_SECRETS.some((place) => isUnder(path, place))
  )
    return 'it is in a place that keeps passwords or keys';
  const name = basename(path);
  if (isUnder(path, join(home, '.config/steward')) && /key/i.test(name)) return "it holds Steward's keys";
  if (SECRET_NAMES.has(name)) return 'it holds passwords';
  if (SECRET_EXTENSIONS.test(name)) return 'it may hold a private key';
  return null;
}

/** Whether `text` (the start of a file) holds a private key. */
export function holdsPrivateKey(text: string): boolean {
  return PRIVATE_KEY_CONTENT.test(text);
}

// A key store holds a few dozen files; a bound keeps a huge one from stalling a read.
const MAX_ENTRIES_SEARCHED = 5000;

/**
 * Whether `path` is a hard link to a file in one of the home's secret places: same device and inode, whatever
 * the name. Only files with more than one link are looked for.
 */
export async function isHardLinkToSecret(path: string, home: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  if (!info || info.nlink < 2) return false;
  let budget = MAX_ENTRIES_SEARCHED;
  const search = async (place: string): Promise<boolean> => {
    const entry = await lstat(place).catch(() => null);
    if (!entry || budget-- <= 0) return false;
    if (entry.isFile()) return entry.dev === info.dev && entry.ino === info.ino;
    if (!entry.isDirectory()) return false;
    const names = await readdir(place).catch(() => [] as string[]);
    for (const name of names) if (await search(join(place, name))) return true;
    return false;
  };
  for (const place of HOME_SECRETS) if (await search(join(home, place))) return true;
  return false;
}

/** Entries a search of the home looks at, at most: a few seconds' worth on a cold disk. */
const MAX_ENTRIES_SCANNED = 100_000;
// Trees of downloaded packages and caches: many files, none the user's secrets by name.
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.cache', '.npm', '.rustup', 'site-packages', '__pycache__']);
// Copies of SSH keys keep their names (id_ed25519, id_rsa.bak): their content says whether they are keys.
const KEY_LIKE_NAME = /^id_[a-z0-9]+(?:[._-]|$)|\.asc$/i;
const KEY_READ_BYTES = 4096;
const PARALLEL_DIRECTORIES = 16;

async function startOf(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(KEY_READ_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, KEY_READ_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The files in the home that the policy names as secrets outside the fixed places: by name or extension
 * (a .netrc in a project, a server.key in a backup, cookies.sqlite in another browser's profile), and key-like
 * names holding a private key. Symlinks are not followed; the fixed places are not searched (they are hidden
 * whole). `complete` is false when the home held more than the search looks at.
 */
export async function findSecretFiles(
  home: string,
  stewardSecrets: readonly string[] = [],
): Promise<{ files: string[]; complete: boolean }> {
  const files: string[] = [];
  // Reached on the way down, so an exact match suffices.
  const hiddenWhole = new Set([...HOME_SECRETS.map((place) => join(home, place)), ...stewardSecrets]);
  const pending = [home];
  let budget = MAX_ENTRIES_SCANNED;
  while (pending.length > 0) {
    // Several directories at a time: the disk answers them in parallel.
    const directories = pending.splice(0, PARALLEL_DIRECTORIES);
    const listings = await Promise.all(
      directories.map((directory) => readdir(directory, { withFileTypes: true }).catch(() => [])),
    );
    for (const [index, entries] of listings.entries()) {
      for (const entry of entries) {
        if (--budget < 0) return { files, complete: false };
        const path = join(directories[index] as string, entry.name);
        if (hiddenWhole.has(path)) continue;
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRECTORIES.has(entry.name)) pending.push(path);
        } else if (entry.isFile()) {
          const named = secretPlaceReason(path, home) !== null;
          if (named || (KEY_LIKE_NAME.test(entry.name) && holdsPrivateKey(await startOf(path).catch(() => '')))) {
            files.push(path);
          }
        }
      }
    }
  }
  return { files, complete: true };
}
