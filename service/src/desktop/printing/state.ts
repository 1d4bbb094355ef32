// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later

/** One CUPS queue as IPP's Get-Printer-Attributes and Get-Jobs tell it. */
export interface PrinterState {
  name: string;
  /** printer-state: 3 idle, 4 processing, 5 stopped. */
  state: number;
  stateMessage: string;
  reasons: string[];
  acceptingJobs: boolean;
  jobs: { id: number; state: number; name: string; createdAt?: Date }[];
}
