// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's line for a process it stopped at a fault: which process (its comm, as the process named itself), how,
// and the file of the code it was running, which the kernel reads from the process's own mapping of it.

// arch/x86/mm/fault.c: "foo[1234]: segfault at 0 ip 00007f… sp 00007ff… error 4 in libc.so.6[7f…+1a5000]" (6.x
// adds " likely on CPU 3 (core 3, socket 0)"). The name is the thread's comm, which may hold spaces and brackets:
// the greedy match takes the last "[pid]: segfault" of the line.
const SEGFAULT = /^(.+)\[(\d+)\]: segfault at /;
// arch/x86/kernel/traps.c: "traps: foo[1234] general protection fault ip:… sp:… error:0 in …",
// "traps: foo[1234] trap invalid opcode ip:…", "traps: foo[1234] trap divide error ip:…".
const TRAP = /^(?:traps: )?(.+)\[(\d+)\] (general protection fault|trap ([\w ]+?)) ip:/;
// print_vma_addr: " in libc.so.6[7f2b3c4d5000+1a5000]"; 6.13+: " in libc.so.6[28a3e,7f2b3c4d5000+1a5000]". The file's
// base name, as the kernel's mapping of it has it.
const IN_OBJECT = / in ([^\s[]+)\[[0-9a-f,]+\+[0-9a-f]+\]/;

export interface KernelFault {
  /** The process's comm, as it named itself. */
  comm: string;
  pid: string;
  /** The trap, for a line of traps.c ("general protection fault", "trap invalid opcode"); a segfault has none. */
  trap?: string;
  /** The file the faulting code was in: a library, or the program's own. */
  object?: string;
}

/** The fault a kernel line (without dmesg's time) reports, or null. */
export function kernelFaultOf(text: string): KernelFault | null {
  const segfault = SEGFAULT.exec(text);
  const trap = segfault ? null : TRAP.exec(text);
  const fault = segfault ?? trap;
  if (!fault) return null;
  const object = IN_OBJECT.exec(text)?.[1];
  return {
    comm: fault[1] ?? '',
    pid: fault[2] ?? '',
    ...(trap && { trap: trap[3] ?? '' }),
    ...(object && { object }),
  };
}
