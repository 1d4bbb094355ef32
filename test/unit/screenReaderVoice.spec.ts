// SPDX-FileCopyrightText: 2026 The Steward contributors
// SPDX-License-Identifier: GPL-2.0-or-later
import { orcaVoice, voiceCommands } from '../../service/src/voice/screenReaderVoice.js';

describe("The screen reader's voice", () => {
  it("maps Orca's starting profile to SSIP's ranges as Orca does", () => {
    const settings = {
      general: {
        startingProfile: ['Work', 'work'],
        speechServerFactory: 'orca.speechdispatcherfactory',
        speechServerInfo: ['Default Synthesizer', 'default'],
        voices: { default: { rate: 50 } },
      },
      profiles: {
        work: {
          speechServerInfo: ['espeak-ng', 'espeak-ng'],
          voices: { default: { rate: 80, 'average-pitch': 6, family: { name: 'Klatt', lang: 'en', dialect: 'GB' } } },
        },
      },
    };
    const voice = orcaVoice(settings);
    expect(voice).toEqual({ module: 'espeak-ng', rate: 62, pitch: 30, language: 'en-GB', voice: 'Klatt' });
    expect(voiceCommands(voice)).toEqual([
      'SET SELF OUTPUT_MODULE espeak-ng',
      'SET SELF LANGUAGE en-GB',
      'SET SELF SYNTHESIS_VOICE Klatt',
      'SET SELF RATE 62',
      'SET SELF PITCH 30',
    ]);
  });

  it("leaves speech-dispatcher's defaults where Orca chose none, or another speech server", () => {
    expect(orcaVoice({})).toEqual({});
    expect(orcaVoice('not settings')).toEqual({});
    expect(orcaVoice({ general: { speechServerFactory: 'orca.spiel', voices: { default: { rate: 90 } } } })).toEqual(
      {},
    );
    expect(orcaVoice({ general: { voices: { default: { family: { name: 'espeak-ng default voice' } } } } })).toEqual(
      {},
    );
  });

  it('takes no name that could break the command line', () => {
    const voice = orcaVoice({
      general: {
        speechServerInfo: ['x', 'espeak-ng\r\nQUIT'],
        voices: { default: { rate: 500, family: { name: 'a\nSPEAK', lang: 'en; rm' } } },
      },
    });
    expect(voice).toEqual({ rate: 100 });
  });
});
