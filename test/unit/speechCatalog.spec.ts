// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { StewardError } from '../../service/src/dbus/errors.js';
import {
  catalogUrl,
  localeLanguage,
  recommendSpeechModel,
  SPEECH_CATALOG,
  type SpeechHardware,
} from '../../service/src/voice/speechCatalog.js';
import { resolveSpeechSource, SPEECH_MODEL_NAME } from '../../service/src/voice/speechModelPull.js';

const GB = 1024 ** 3;
const laptop: SpeechHardware = { totalRamBytes: 16 * GB, freeRamBytes: 8 * GB, cores: 8 };
const tiny: SpeechHardware = { totalRamBytes: 1 * GB, freeRamBytes: 0.1 * GB, cores: 1 };

describe('the speech model catalog', () => {
  it('holds valid names, release URLs and, where given, SHA-256 checksums', () => {
    const names = SPEECH_CATALOG.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of SPEECH_CATALOG) {
      expect(entry.name).toMatch(SPEECH_MODEL_NAME);
      expect(catalogUrl(entry)).toBe(
        `https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/${entry.name}.tar.bz2`,
      );
      if (entry.sha256 !== undefined) expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.languages.length).toBeGreaterThan(0);
      // The speech worker drives sherpa-onnx's streaming recognizer only.
      expect(entry.streaming).toBeTrue();
    }
  });

  it('reads the language from the locale, English for C and POSIX', () => {
    expect(localeLanguage({ LANG: 'de_DE.UTF-8' })).toBe('de');
    expect(localeLanguage({ LC_ALL: 'fr_CA.UTF-8', LANG: 'de_DE.UTF-8' })).toBe('fr');
    expect(localeLanguage({ LC_MESSAGES: 'ko_KR.UTF-8', LANG: 'en_US.UTF-8' })).toBe('ko');
    expect(localeLanguage({ LANG: 'C.UTF-8' })).toBe('en');
    expect(localeLanguage({ LANG: 'POSIX' })).toBe('en');
    expect(localeLanguage({})).toBe('en');
  });

  it('recommends the most accurate model in the language that the machine runs comfortably', () => {
    const modest = recommendSpeechModel({ totalRamBytes: 4 * GB, freeRamBytes: 1 * GB, cores: 1 }, 'en');
    expect(modest.entry.cores).toBe(1);
    expect(modest.reason).toContain('and 1 core');

    const english = recommendSpeechModel(laptop, 'en');
    expect(english.entry.languages).toContain('en');
    expect(english.entry.quality).toBe(
      Math.max(...SPEECH_CATALOG.filter((e) => e.languages.includes('en')).map((e) => e.quality)),
    );
    expect(english.reason).toContain('8 cores');
    expect(english.reason).toContain('8.0 GiB free');

    const french = recommendSpeechModel(laptop, 'fr');
    expect(french.entry.languages).toEqual(['fr']);
    expect(french.reason).not.toContain('English');
  });

  it('falls back to the smallest model on a machine with little to spare', () => {
    const { entry, reason } = recommendSpeechModel(tiny, 'en');
    const english = SPEECH_CATALOG.filter((e) => e.languages.includes('en'));
    expect(entry.ramBytes).toBe(Math.min(...english.map((e) => e.ramBytes)));
    expect(reason).toContain('smallest');
  });

  it('recommends an English model, and says so, for a language no model speaks', () => {
    const { entry, reason, language } = recommendSpeechModel(laptop, 'fi');
    expect(entry.languages).toContain('en');
    expect(language).toBe('fi');
    expect(reason).toContain('“fi”');
  });

  it('resolves a catalog name or a .tar.bz2 URL, and refuses anything else by name', () => {
    const [first] = SPEECH_CATALOG;
    expect(resolveSpeechSource(first!.name).url.href).toBe(catalogUrl(first!));
    expect(resolveSpeechSource('http://127.0.0.1:8000/m/my-model.tar.bz2').name).toBe('my-model');
    const refusal = (text: string) => {
      try {
        resolveSpeechSource(text);
      } catch (error) {
        return (error as StewardError).errorName;
      }
      return 'accepted';
    };
    expect(refusal('not-in-the-catalog')).toBe('NotFound');
    expect(refusal('https://example.org/model.zip')).toBe('InvalidArgs');
    expect(refusal('https://example.org/.hidden.tar.bz2')).toBe('InvalidArgs');
    expect(refusal('file:///etc/model.tar.bz2')).toBe('NotFound');
  });
});
