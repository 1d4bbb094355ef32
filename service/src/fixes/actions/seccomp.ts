// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
// The expert shell's seccomp filter, handed to bubblewrap (`bwrap --seccomp FD`)
// as a compiled classic-BPF program. It closes what the sandbox's mounts cannot:
// a socket to a Unix socket in the home (an SSH or GPG agent, a keyring, a
// desktop service), and io_uring, through which a socket could be opened
// without the socket system call.
// Classic BPF, as in <linux/filter.h>: an instruction is { code: u16, jt: u8, jf: u8, k: u32 }.
const BPF_LD_W_ABS = 0x20; // A = the 32-bit word at offset k of seccomp_data
const BPF_JMP_JEQ_K = 0x15; // A == k ? jump jt : jump jf
const BPF_JMP_JGE_K = 0x35; // A >= k ? jump jt : jump jf
const BPF_RET_K = 0x06; // return k
const INSTRUCTION_BYTES = 8;

// struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
const SYSCALL_NUMBER = 0;
const ARCH = 4;
// The first argument's low 32 bits (both architectures are little endian): socket()'s domain is an int, and the
// kernel looks at no more of it.
const FIRST_ARGUMENT_LOW = 16;

// Return values, from <linux/seccomp.h>.
const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ERRNO = 0x00050000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const EPERM = 1;
const AF_UNIX = 1;

/** What the filter denies on one architecture, by that architecture's system call numbers. */
interface ArchitectureCalls {
  /** AUDIT_ARCH_* from <linux/audit.h>, as seccomp_data.arch reports it. */
  audit: number;
  socket: number;
  /** io_uring_setup, io_uring_enter, io_uring_register. */
  ioUring: number[];
  /** Numbers at or above this are another ABI's (x86_64's x32); none is allowed. */
  foreignAbiFrom?: number;
}

export const ARCHITECTURES: Record<'x86_64' | 'aarch64', ArchitectureCalls> = {
  x86_64: { audit: 0xc000003e, socket: 41, ioUring: [425, 426, 427], foreignAbiFrom: 0x40000000 },
  aarch64: { audit: 0xc00000b7, socket: 198, ioUring: [425, 426, 427] },
};

/** An instruction whose jumps name labels; `assemble` turns them into offsets. */
type Instruction =
  | { op: 'load'; offset: number }
  | { op: 'jumpIfEqual' | 'jumpIfAtLeast'; value: number; then: string; else?: string }
  | { op: 'return'; value: number }
  | { op: 'label'; name: string };

/** The instructions as bytes in the kernel's layout (struct sock_filter), little endian like both architectures. */
export function assemble(program: readonly Instruction[]): Buffer {
  const code = program.filter((instruction) => instruction.op !== 'label');
  const labels = new Map<string, number>();
  let position = 0;
  for (const instruction of program) {
    if (instruction.op === 'label') labels.set(instruction.name, position);
    else position += 1;
  }
  // A jump counts from the instruction after it, forward only, at most 255 instructions.
  const offset = (from: number, label: string | undefined) => {
    if (label === undefined) return 0;
    const target = labels.get(label);
    if (target === undefined) throw new Error(`no label ${label}`);
    const distance = target - from - 1;
    if (distance < 0 || distance > 255) throw new Error(`cannot jump from ${from} to ${label}`);
    return distance;
  };
  const encode = (instruction: Instruction, index: number): [number, number, number, number] => {
    switch (instruction.op) {
      case 'load':
        return [BPF_LD_W_ABS, 0, 0, instruction.offset];
      case 'return':
        return [BPF_RET_K, 0, 0, instruction.value];
      case 'jumpIfEqual':
      case 'jumpIfAtLeast': {
        const opcode = instruction.op === 'jumpIfEqual' ? BPF_JMP_JEQ_K : BPF_JMP_JGE_K;
        return [opcode, offset(index, instruction.then), offset(index, instruction.else), instruction.value];
      }
      case 'label':
        throw new Error('a label is no instruction');
    }
  };
  const bytes = Buffer.alloc(code.length * INSTRUCTION_BYTES);
  code.forEach((instruction, index) => {
    const [opcode, jt, jf, k] = encode(instruction, index);
    const at = index * INSTRUCTION_BYTES;
    bytes.writeUInt16LE(opcode, at);
    bytes.writeUInt8(jt, at + 2);
    bytes.writeUInt8(jf, at + 3);
    bytes.writeUInt32LE(k >>> 0, at + 4);
  });
  return bytes;
}

/** One architecture's checks: its other ABI, io_uring and socket(AF_UNIX) denied, everything else allowed. */
function architectureChecks(name: string, calls: ArchitectureCalls): Instruction[] {
  return [
    { op: 'label', name },
    { op: 'load', offset: SYSCALL_NUMBER },
    ...(calls.foreignAbiFrom === undefined
      ? []
      : [{ op: 'jumpIfAtLeast', value: calls.foreignAbiFrom, then: 'deny' } as const]),
    ...calls.ioUring.map((number) => ({ op: 'jumpIfEqual', value: number, then: 'deny' }) as const),
    { op: 'jumpIfEqual', value: calls.socket, then: 'socket', else: 'allow' },
  ];
}

/**
 * The shell's filter: on x86_64 and aarch64, socket(AF_UNIX, …) and io_uring fail with EPERM, as do all x32
 * calls; a process of any other architecture (a 32-bit program, whose socketcall() multiplexes sockets) is
 * killed. A socketpair stays allowed: it connects to nothing outside the process.
 */
export function shellSeccompProgram(): Buffer {
  const { x86_64, aarch64 } = ARCHITECTURES;
  return assemble([
    { op: 'load', offset: ARCH },
    { op: 'jumpIfEqual', value: x86_64.audit, then: 'x86_64' },
    { op: 'jumpIfEqual', value: aarch64.audit, then: 'aarch64' },
    { op: 'return', value: SECCOMP_RET_KILL_PROCESS },
    ...architectureChecks('x86_64', x86_64),
    ...architectureChecks('aarch64', aarch64),
    { op: 'label', name: 'socket' },
    { op: 'load', offset: FIRST_ARGUMENT_LOW },
    { op: 'jumpIfEqual', value: AF_UNIX, then: 'deny', else: 'allow' },
    { op: 'label', name: 'allow' },
    { op: 'return', value: SECCOMP_RET_ALLOW },
    { op: 'label', name: 'deny' },
    { op: 'return', value: SECCOMP_RET_ERRNO | EPERM },
  ]);
}
