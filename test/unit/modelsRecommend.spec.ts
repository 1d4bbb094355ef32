// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { assessFit, estimateRequiredBytes, type Hardware, ramBudget } from '../../service/src/models/fit.js';
import { CATALOGUE, recommendModel } from '../../service/src/models/recommend.js';

const GIB = 1024 ** 3;
const cpuOnly = (ramGib: number): Hardware => ({
  totalRamBytes: ramGib * GIB,
  freeRamBytes: (ramGib * GIB) / 2,
  vramBytes: 0,
  backend: 'cpu',
});
const withGpu = (ramGib: number, vramGib: number): Hardware => ({
  ...cpuOnly(ramGib),
  vramBytes: vramGib * GIB,
  backend: 'vulkan',
});

describe('model recommendation', () => {
  it('picks a small fast model on a machine without a GPU, however much RAM it has', () => {
    expect(recommendModel(cpuOnly(8))?.entry.id).toBe('qwen3.5-0.8b-q8_0');
    expect(recommendModel(cpuOnly(64))?.entry.id).toBe('qwen3.5-0.8b-q8_0');
  });

  it('picks the smallest model when RAM is tight', () => {
    expect(recommendModel(cpuOnly(2))?.entry.id).toBe('qwen3-0.6b-q8_0');
  });

  it('recommends nothing when even the smallest model does not fit', () => {
    expect(recommendModel(cpuOnly(1))).toBeUndefined();
  });

  it('picks a 4B model at Q4_K_M with 4 GiB of VRAM and at Q6_K with 8 GiB', () => {
    expect(recommendModel(withGpu(16, 4))?.entry.id).toBe('qwen3.5-4b-q4_k_m');
    expect(recommendModel(withGpu(16, 8))?.entry.id).toBe('qwen3.5-4b-q6_k');
  });

  it('falls back to a small model on the GPU when the 4B ones do not fit its VRAM', () => {
    const pick = recommendModel(withGpu(8, 2));
    expect(pick?.entry.id).toBe('qwen3.5-0.8b-q8_0');
    expect(pick?.fit.placement).toBe('gpu');
  });

  it('says why, and offers the other models that fit', () => {
    const pick = recommendModel(withGpu(16, 8))!;
    // The name is the recommendation's own field, shown beside the reason.
    expect(pick.reason).not.toContain('Qwen');
    expect(pick.reason).toMatch(/^It fits in the 8\.0 GiB of free video memory/);
    expect(pick.reason).toContain('(Vulkan)');
    expect(pick.reason).toMatch(/\d+ tokens a second/);
    expect(pick.alternatives.map((e) => e.id)).toContain('gemma-4-e2b-q6_k');
    expect(pick.alternatives.map((e) => e.id)).not.toContain(pick.entry.id);
    expect(recommendModel(cpuOnly(8))!.reason).toContain('no usable graphics card');
  });

  it('gives the context that fits beside the model in the free VRAM, longer with more of it', () => {
    const small = recommendModel(withGpu(16, 4))!;
    const large = recommendModel(withGpu(32, 24))!;
    expect(small.entry.id).toBe('qwen3.5-4b-q4_k_m');
    expect(small.contextSize).toBeGreaterThanOrEqual(4096);
    expect(small.contextSize % 1024).toBe(0);
    expect(large.contextSize).toBe(32_768);
    expect(small.reason).toContain(`with a context of ${small.contextSize.toLocaleString('en-US')} tokens`);
  });

  it('goes by the RAM free now, not the RAM installed', () => {
    const busy: Hardware = { ...cpuOnly(16), freeRamBytes: 1 * GIB };
    expect(recommendModel(busy)?.entry.id).toBe('qwen3-0.6b-q8_0');
    expect(recommendModel({ ...cpuOnly(16), freeRamBytes: 0.5 * GIB })).toBeUndefined();
    expect(recommendModel(busy)!.reason).toContain('1.0 GiB of memory free for it');
  });

  it('only offers file URIs the downloader can fetch offline', () => {
    for (const entry of CATALOGUE) expect(entry.uri).toMatch(/^hf:[^/:]+\/[^/:]+\/[^:]+\.gguf$/);
  });
});

describe('fit assessment', () => {
  it('keeps RAM for the desktop', () => {
    expect(ramBudget(2 * GIB)).toBe(1 * GIB);
    expect(ramBudget(8 * GIB)).toBe(6 * GIB);
    expect(ramBudget(64 * GIB)).toBe(60 * GIB);
  });

  it('counts the KV cache for at most the default context', () => {
    const perToken = 1000;
    expect(estimateRequiredBytes(1e9, perToken, 128_000)).toBe(estimateRequiredBytes(1e9, perToken, 4096));
    expect(estimateRequiredBytes(1e9, perToken, 1024)).toBeLessThan(estimateRequiredBytes(1e9, perToken, 4096));
  });

  it('classes speed by where the model runs', () => {
    const weights = 2.5e9;
    expect(assessFit(3e9, weights, withGpu(16, 8)).speedClass).toBe('fast');
    expect(assessFit(3e9, weights, cpuOnly(16)).speedClass).toBe('usable');
    expect(assessFit(6e9, 5e9, cpuOnly(16)).speedClass).toBe('slow');
    expect(assessFit(30e9, 25e9, cpuOnly(16)).speedClass).toBe('too-large');
  });
});
