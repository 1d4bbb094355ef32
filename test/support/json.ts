// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// JSON a spec reads back (a config file, a reply, a line of a stand-in's
// report), typed as an object of unknown values so it is checked before use.
import { readFile } from 'node:fs/promises';

export type JsonObject = Record<string, unknown>;

export const parseJsonObject = (text: string) => JSON.parse(text) as JsonObject;

export const readJsonObject = async (path: string) => parseJsonObject(await readFile(path, 'utf8'));
