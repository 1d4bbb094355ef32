// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { Variant } from '@jellybrick/dbus-next';
import { z } from 'zod';

/** A value in an a{sv} argument: it must carry D-Bus type `signature`, and its value must pass `value`. */
export const variantOf = <T extends z.ZodType>(signature: string, value: T) =>
  z
    .instanceof(Variant)
    .refine((variant) => variant.signature === signature, `must have the D-Bus type ${signature}`)
    .transform((variant): unknown => variant.value)
    .pipe(value);

/**
 * Text from another service, bounded in characters and in UTF-8 bytes (a character may take four): what
 * exceeds either is not what the interface means, and is refused rather than cut.
 */
export const boundedText = (maxCharacters: number, maxBytes = maxCharacters * 4) =>
  z
    .string()
    .max(maxCharacters)
    .refine((text) => Buffer.byteLength(text) <= maxBytes, `must take at most ${maxBytes} bytes`);

/** An a{sv} argument: its values are variants, read further by a schema. */
export const variantDict = z.record(z.string(), z.instanceof(Variant));
