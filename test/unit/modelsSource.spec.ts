// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { StewardError } from '../../service/src/dbus/errors.js';
import { formatParameterCount } from '../../service/src/models/gguf.js';
import { formatProgressLine, ProgressMeter } from '../../service/src/models/progress.js';
import { resolveModelSource } from '../../service/src/models/source.js';

const HEX = 'ab'.repeat(32);

function errorOf(uri: string): StewardError {
  try {
    resolveModelSource(uri);
  } catch (error) {
    return error as StewardError;
  }
  throw new Error(`${uri} was accepted`);
}

describe('model sources', () => {
  it('turns hf: file URIs into Hugging Face resolve URLs', () => {
    const source = resolveModelSource('hf:Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf');
    expect(source.url.href).toBe('https://huggingface.co/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf');
    expect(source.fileName).toBe('Qwen3-0.6B-Q8_0.gguf');
    expect(source.sha256).toBeUndefined();
  });

  it('takes a branch or a checksum after #', () => {
    expect(resolveModelSource('hf:u/r/sub/m.gguf#dev').url.href).toBe(
      'https://huggingface.co/u/r/resolve/dev/sub/m.gguf',
    );
    const pinned = resolveModelSource(`https://example.org/m.gguf#sha256=${HEX.toUpperCase()}`);
    expect(pinned.sha256).toBe(HEX);
    expect(pinned.url.href).toBe('https://example.org/m.gguf');
  });

  it('explains that quantization URIs need the hub', () => {
    const error = errorOf('hf:Qwen/Qwen3-0.6B-GGUF:Q8_0');
    expect(error.errorName).toBe('InvalidArgs');
    expect(error.message).toContain('hub');
    expect(error.message).toContain('hf:Qwen/Qwen3-0.6B-GGUF/<file>.gguf');
  });

  it('refuses what cannot become a store file', () => {
    for (const uri of [
      'ftp://example.org/m.gguf',
      'https://example.org/model.bin',
      'https://example.org/',
      'hf:u/r/../x.gguf',
      'hf:onlyuser',
      'not a url',
      'https://example.org/m.gguf#sha256=123',
    ])
      expect(errorOf(uri).errorName).withContext(uri).toBe('InvalidArgs');
  });
});

describe('pull progress', () => {
  it('reports rate and ETA, throttled', () => {
    let now = 0;
    const meter = new ProgressMeter(1000, 11_000, 250, () => now);
    expect(meter.sample(1000)).toEqual({
      bytesDone: 1000,
      bytesTotal: 11_000,
      bytesPerSecond: 0,
      etaSeconds: undefined,
    });
    now = 100;
    expect(meter.sample(2000)).toBeUndefined();
    now = 1000;
    // 4000 new bytes in one second: the 1000 resumed bytes do not count toward the rate
    expect(meter.sample(5000)).toEqual({ bytesDone: 5000, bytesTotal: 11_000, bytesPerSecond: 4000, etaSeconds: 2 });
    now = 1001;
    expect(meter.sample(11_000, true)?.etaSeconds).toBe(0);
  });

  it('draws a terminal line with bytes, rate and ETA', () => {
    const line = formatProgressLine({ bytesDone: 320e6, bytesTotal: 640e6, bytesPerSecond: 4.2e6, etaSeconds: 78 }, 10);
    expect(line).toBe('[#####-----]  50% 320.0 MB / 640.0 MB  4.2 MB/s  ETA 1m 18s');
    expect(formatProgressLine({ bytesDone: 1500, bytesPerSecond: 0 })).toBe('1.5 kB  0 B/s');
  });

  it('labels parameter counts the way model cards do', () => {
    expect(formatParameterCount(596_049_920)).toBe('596M');
    expect(formatParameterCount(4_022_468_096)).toBe('4B');
    expect(formatParameterCount(1_240_000_000)).toBe('1.2B');
  });
});
