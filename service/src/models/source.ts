// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { StewardError } from '../dbus/errors.js';

export interface ModelSourceSpec {
  url: URL;
  /** The name the model gets in the store. */
  fileName: string;
  /** Lower-case hex, when the caller named one with #sha256=<hex>. */
  sha256?: string;
}

export const HUGGING_FACE = 'https://huggingface.co';

/**
 * Turns what a person typed into a download: an http(s) URL, or
 * hf:<user>/<repo>/<path/to/file.gguf>[#<branch>]. Either may end in #sha256=<hex>.
 */
export function resolveModelSource(uri: string, hub = HUGGING_FACE): ModelSourceSpec {
  const [main = '', fragment] = splitOnce(uri.trim(), '#');
  const sha256 = fragment?.startsWith('sha256=') ? fragment.slice('sha256='.length).toLowerCase() : undefined;
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256))
    throw new StewardError('InvalidArgs', `"${fragment}" is not a SHA-256 checksum: it needs 64 hexadecimal digits.`);
  const url = main.startsWith('hf:')
    ? huggingFaceUrl(main, hub, sha256 === undefined ? fragment : undefined)
    : httpUrl(main);
  return { url, fileName: fileNameOf(url), sha256 };
}

function huggingFaceUrl(uri: string, hub: string, branch = 'main'): URL {
  const path = uri.slice('hf:'.length);
  const [user, repo, ...file] = path.split('/');
  if (user && repo && file.length === 0 && repo.includes(':'))
    throw new StewardError(
      'InvalidArgs',
      `"${uri}" names a quantization, not a file; finding the file needs the Hugging Face hub API, which ` +
        `Steward does not query. Give the file instead: hf:${user}/${repo.split(':')[0]}/<file>.gguf`,
    );
  if (!user || !repo || file.length === 0 || file.some((part) => part === '' || part === '..'))
    throw new StewardError('InvalidArgs', `"${uri}" is not of the form hf:<user>/<repo>/<file>.gguf.`);
  const encoded = [user, repo, 'resolve', branch, ...file].map(encodeURIComponent).join('/');
  return new URL(`${hub.replace(/\/$/, '')}/${encoded}`);
}

function httpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StewardError('InvalidArgs', `"${text}" is neither a URL nor an hf: model URI.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new StewardError('InvalidArgs', `Models are pulled over http or https, not ${url.protocol.slice(0, -1)}.`);
  return url;
}

function fileNameOf(url: URL): string {
  const name = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  // The name becomes a path in the store: keep it a plain file name.
  if (!name.toLowerCase().endsWith('.gguf') || name.startsWith('.') || /[/\\\0]/.test(name))
    throw new StewardError('InvalidArgs', `"${url.href}" does not name a .gguf file.`);
  return name;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
