// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// How a signal's argument is named in the payload objects that the object server sends and the generated types
// describe.

/** The key of a D-Bus argument in a signal's payload object: request_id → requestId. */
export function payloadKey(argName: string): string {
  return argName
    .split('_')
    .map((part, index) => (index === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}
