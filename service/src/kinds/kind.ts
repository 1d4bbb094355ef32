// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The shape each kind's kind.ts fills: the engine's (fixes/kind.ts), which takes the kinds from service/parts.ts.
export type { Kind, SourceOptions } from '../fixes/kind.js';
