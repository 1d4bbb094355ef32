// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { RestartPolicy } from '../../service/src/engine/restartPolicy.js';

describe('the inference engine restart policy', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 350, gpuCrashLimit: 2 };

  it('starts at once until a crash, then backs off doubling up to the maximum', () => {
    const policy = new RestartPolicy(options);
    expect(policy.delayMs).toBe(0);
    const delays = [1, 2, 3, 4].map(() => {
      policy.recordCrash('cpu');
      return policy.delayMs;
    });
    expect(delays).toEqual([100, 200, 350, 350]);
  });

  it('starts at once again after a request succeeds', () => {
    const policy = new RestartPolicy(options);
    policy.recordCrash('cpu');
    policy.recordSuccess();
    expect(policy.delayMs).toBe(0);
  });

  it('falls back to the CPU after repeated GPU crashes, and says why', () => {
    const policy = new RestartPolicy(options);
    policy.recordCrash('vulkan');
    expect(policy.gpuSetting('auto')).toBe('auto');
    expect(policy.cpuFallbackReason).toBeNull();
    policy.recordCrash('vulkan');
    expect(policy.gpuSetting('auto')).toBeFalse();
    expect(policy.cpuFallbackReason).toBe(
      'the vulkan backend stopped unexpectedly 2 times in a row, so the CPU is used instead',
    );
    // The fallback stays: a working CPU worker proves nothing about the GPU.
    policy.recordSuccess();
    expect(policy.gpuSetting('cuda')).toBeFalse();
  });

  it('does not count CPU crashes or GPU crashes separated by a success towards the fallback', () => {
    const policy = new RestartPolicy(options);
    policy.recordCrash('cuda');
    policy.recordSuccess();
    policy.recordCrash('cuda');
    policy.recordCrash('cpu');
    expect(policy.gpuSetting('auto')).toBe('auto');
    expect(policy.cpuFallbackReason).toBeNull();
  });

  it('names no backend when the worker crashed before reporting which one "auto" chose', () => {
    const policy = new RestartPolicy(options);
    policy.recordCrash('auto');
    policy.recordCrash('auto');
    expect(policy.cpuFallbackReason).toMatch(/^the GPU backend stopped unexpectedly/);
  });

  it('keeps requests waiting through a crash, and gives up on them once crashes repeat', () => {
    const policy = new RestartPolicy({ ...options, waitingCrashLimit: 3 });
    policy.recordCrash('cpu');
    policy.recordCrash('cpu');
    expect(policy.givesUpOnWaiting).toBeFalse();
    policy.recordCrash('cpu');
    expect(policy.givesUpOnWaiting).toBeTrue();
    policy.recordSuccess();
    expect(policy.givesUpOnWaiting).toBeFalse();
  });
});
