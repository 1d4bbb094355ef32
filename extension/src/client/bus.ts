// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
/** Where the Steward service is on the session bus. */
export const BUS_NAME = 'io.github.steward.Steward1';
export const OBJECT_PATH = '/io/github/steward/Steward1';
