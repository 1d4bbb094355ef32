# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Word error rate of a real English recogniser on the voice specs' kind of
speech: espeak-ng speaks each sentence, Debian's pocketsphinx (python3-pocketsphinx,
pocketsphinx-en-us) recognises it through its decoder API. No speech model for
sherpa-onnx can be downloaded here, so this is the reference that says how hard
the synthetic sentences are; Steward's own engine is measured with its tiny model
by test/integration/voice.spec.ts. Prints one JSON object.
Usage: /usr/bin/python3 pocketsphinxWer.py"""

import audioop
import json
import os
import subprocess
import tempfile
import time
import wave

from pocketsphinx import Decoder, get_model_path

# espeak-ng's American voice, a little slower than its default 175 words a minute.
VOICE = os.environ.get("VOICE", "en-us")

SENTENCES = [
    "what is using all my disk space",
    "why is my computer slow today",
    "please check the network connection",
    "restart the printer service",
    "show me the last errors in the journal",
    "is the backup running",
    "how much memory is free",
    "update all the packages",
    "which program uses the most memory",
    "turn off the bluetooth",
]


def words_error(reference, hypothesis):
    ref, hyp = reference.split(), hypothesis.split()
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[len(hyp)]


def pcm16k(path):
    with wave.open(path) as wav:
        data = wav.readframes(wav.getnframes())
        rate = wav.getframerate()
    return audioop.ratecv(data, 2, 1, rate, 16000, None)[0]


config = Decoder.default_config()
model = get_model_path()
config.set_string("-hmm", os.path.join(model, "en-us"))
config.set_string("-lm", os.path.join(model, "en-us.lm.bin"))
config.set_string("-dict", os.path.join(model, "cmudict-en-us.dict"))
config.set_string("-logfn", "/dev/null")
decoder = Decoder(config)

errors = total = 0
latencies = []
results = []
with tempfile.TemporaryDirectory() as directory:
    for sentence in SENTENCES:
        path = os.path.join(directory, "sentence.wav")
        subprocess.run(["espeak-ng", "-v", VOICE, "-s", "140", "-w", path, sentence], check=True)
        audio = pcm16k(path)
        decoder.start_utt()
        chunk = 3200  # 100 ms
        for offset in range(0, len(audio), chunk):
            decoder.process_raw(audio[offset : offset + chunk], False, False)
        # From the end of the audio to the final text.
        started = time.perf_counter()
        decoder.end_utt()
        hypothesis = decoder.hyp().hypstr if decoder.hyp() else ""
        latencies.append((time.perf_counter() - started) * 1000)
        wrong = words_error(sentence, hypothesis)
        errors += wrong
        total += len(sentence.split())
        results.append({"said": sentence, "heard": hypothesis, "errors": wrong})

latencies.sort()
print(
    json.dumps(
        {
            "engine": "pocketsphinx 5prealpha (Debian), en-us model",
            "voice": f"espeak-ng {VOICE}, 140 words a minute",
            "sentences": len(SENTENCES),
            "words": total,
            "wer": round(errors / total, 3),
            "medianFinalMs": round(latencies[len(latencies) // 2], 1),
            "results": results,
        },
        indent=2,
    )
)
