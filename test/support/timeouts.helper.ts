// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// Every spec does real work (services, buses, models, processes): none runs under jasmine's 5 s default.
// A spec that stops at its timeout leaves its work running into the next spec, so the bound is generous.
import { SPEC_TIMEOUT_MS } from './timeouts.js';

jasmine.DEFAULT_TIMEOUT_INTERVAL = SPEC_TIMEOUT_MS;
