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
