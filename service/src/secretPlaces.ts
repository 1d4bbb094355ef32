// One policy for what holds passwords and keys: read_file refuses it, shell.run
// hides it, as what either shows may reach a remote model.
import { lstat, readdir, stat } from 'node:fs/promises';
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

/** System places that hold secrets. */
export const SYSTEM_SECRETS = ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/ssl/private'];

// File names that hold secrets wherever they are: credential files, cookie stores, password databases, keys.
const SECRET_NAMES = new Set(['.netrc', '.pgpass', '.git-credentials', 'credentials', 'Cookies', 'cookies.sqlite']);
const SECRET_EXTENSIONS = /\.(?:pem|key|ppk|kdbx|keystore|jks|p12|pfx)$/i;

// Private keys by their content, in every common format.
const PRIVATE_KEY_CONTENT =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|---- BEGIN SSH2 (?:ENCRYPTED )?PRIVATE KEY ----|^PuTTY-User-Key-File-\d:|AGE-SECRET-KEY-1[0-9A-Z]{20}|\bclient-key-data:\s*\S|"kty"\s*:\s*"[A-Za-z]+"[^}]*"d"\s*:\s*"/m;

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
