// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { homedir } from 'node:os';
import { join } from 'node:path';

import { resolvePaths } from '../paths.js';

export interface ModelLocations {
  /** Where pulled models live: $XDG_DATA_HOME/steward/models. */
  storeDirectory: string;
  /** The small JSON file naming the active model, in Steward's state directory. */
  activeModelFile: string;
  /** Ollama stores whose models are offered in place, most specific first. */
  ollamaDirectories: string[];
}

export function resolveModelLocations(env: NodeJS.ProcessEnv = process.env): ModelLocations {
  const home = env.HOME || homedir();
  // The XDG spec says relative values are invalid and must be ignored.
  const dataHome = env.XDG_DATA_HOME?.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  const ollama = [join(home, '.ollama', 'models'), '/usr/share/ollama/.ollama/models'];
  // OLLAMA_MODELS moves Ollama's store; honour it the way Ollama does.
  if (env.OLLAMA_MODELS?.startsWith('/')) ollama.unshift(env.OLLAMA_MODELS);
  return {
    storeDirectory: join(dataHome, 'steward', 'models'),
    activeModelFile: join(resolvePaths(env).stateDirectory, 'active-model.json'),
    ollamaDirectories: [...new Set(ollama)],
  };
}
