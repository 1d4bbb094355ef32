// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Changes to the configuration file: what the user set, patched, checked, and
// written so that the service never reads a half-written file.
import type { z } from 'zod';

import { type Config, configSchema, defaultConfig, MAX_CONFIG_BYTES } from '../config.js';
import { describeConfigIssues } from '../configIssues.js';
import { StewardError } from '../dbus/errors.js';
import { _, format } from '../i18n.js';
import { nestsDeeperThan } from '../jsonShape.js';
import { readSmallFile, writeFileAtomically } from '../smallFile.js';

export type JsonObject = { [key: string]: unknown };

// Far deeper than the configuration goes; merging recurses once per level.
const MAX_PATCH_DEPTH = 32;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386 JSON Merge Patch: objects merge key by key, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  // A Map, not an object: a "__proto__" key in the patch stays a plain key.
  const result = new Map(Object.entries(isObject(target) ? target : {}));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) result.delete(key);
    else result.set(key, mergePatch(result.get(key), value));
  }
  return Object.fromEntries(result);
}

/** A patch as UpdateConfig receives it: JSON text holding an object. */
export function parsePatch(text: string): JsonObject {
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (error) {
    throw new StewardError('InvalidArgs', `the patch is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(patch)) throw new StewardError('InvalidArgs', 'the patch must be a JSON object');
  if (nestsDeeperThan(patch, MAX_PATCH_DEPTH)) {
    throw new StewardError(
      'InvalidArgs',
      format(_('the patch nests deeper than {depth} levels'), { depth: MAX_PATCH_DEPTH }),
    );
  }
  return patch;
}

/** "inference.threads: expected "auto" or a number, not the text "4"", one per problem. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], content: unknown): string[] {
  return describeConfigIssues(issues, configSchema, content);
}

/** The configuration `content` gives, or InvalidArgs naming each bad setting. */
export function validateConfig(content: unknown): Config {
  const parsed = configSchema.safeParse(content);
  if (!parsed.success) throw new StewardError('InvalidArgs', describeIssues(parsed.error.issues, content).join('; '));
  return parsed.data;
}

/** What the user set: the file's object, or {} when there is no file. A broken file is refused, never replaced. */
export async function readOwnSettings(file: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readSmallFile(file, MAX_CONFIG_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new StewardError(
      'InvalidArgs',
      `${file} cannot be read (${(error as Error).message}), so it was left as it is; fix or remove it, then try again`,
    );
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    content = undefined;
  }
  if (!isObject(content)) {
    throw new StewardError(
      'InvalidArgs',
      `${file} does not hold a JSON object, so it was left as it is; fix or remove it, then try again`,
    );
  }
  return content;
}

/** A change to the file, checked but not yet written: its new content and the configuration before and after. */
export interface ConfigUpdate {
  settings: unknown;
  before: Config;
  after: Config;
}

/**
 * Applies `patch` to the file's own settings and checks the result; InvalidArgs
 * when it is not valid. A file that is not valid now counts as the defaults, the
 * narrowest trust, so nothing it held is taken as already granted.
 */
export async function planConfigUpdate(file: string, patch: JsonObject): Promise<ConfigUpdate> {
  const own = await readOwnSettings(file);
  const settings = mergePatch(own, patch);
  const after = validateConfig(settings);
  const current = configSchema.safeParse(own);
  return { settings, before: current.success ? current.data : defaultConfig, after };
}

/** Writes what planConfigUpdate checked. */
export async function writeConfigUpdate(file: string, update: ConfigUpdate): Promise<Config> {
  await writeFileAtomically(file, `${JSON.stringify(update.settings, null, 2)}\n`);
  return update.after;
}

/**
 * Applies `patch` to the file's own settings and writes the result when it is
 * valid; the file is untouched otherwise. Returns the new effective configuration.
 */
export async function updateConfigFile(file: string, patch: JsonObject): Promise<Config> {
  return writeConfigUpdate(file, await planConfigUpdate(file, patch));
}
