// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import type { Config, ConfigLoad } from '../config.js';

/** The configuration in effect: every part reads it through here, so a reload reaches all of them at once. */
export class LiveConfig {
  constructor(private current: ConfigLoad) {}

  get load(): ConfigLoad {
    return this.current;
  }

  get config(): Config {
    return this.current.config;
  }

  get status(): ConfigLoad['status'] {
    return this.current.status;
  }

  replace(load: ConfigLoad): void {
    this.current = load;
  }
}
