# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a tiny neural voice in the shape sherpa-onnx's OfflineTts loads as a
VITS model with the "characters" frontend: model.onnx with the metadata that
offline-tts-vits-model.cc reads (sample_rate, n_speakers, language, comment,
frontend) and tokens.txt, one character a line. It speaks no words: each
character becomes 0.1 s of white noise (times length_scale), which proves
loading, sentence-by-sentence synthesis and playback. Usage: tinyVoiceModel.py DIR"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLE_RATE = 16000
SAMPLES_PER_CHARACTER = SAMPLE_RATE // 10
AMPLITUDE = 0.3

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

noise = np.random.default_rng(35).uniform(-AMPLITUDE, AMPLITUDE, (1, SAMPLES_PER_CHARACTER)).astype(np.float32)

nodes = [
    helper.make_node("Shape", ["x"], ["x_shape"]),
    # [1, N] repeats of a [1, HOP] row: N characters' worth of samples.
    helper.make_node("Tile", ["noise", "x_shape"], ["tiled"]),
    helper.make_node("Mul", ["tiled", "length_scale"], ["scaled"]),
    helper.make_node("Unsqueeze", ["scaled", "axis_one"], ["y"]),
]
scalar = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1])
graph = helper.make_graph(
    nodes,
    "tiny-voice",
    # The order sherpa-onnx passes them in for a VITS model that is neither Piper's nor Coqui's.
    [
        helper.make_tensor_value_info("x", TensorProto.INT64, [1, "N"]),
        helper.make_tensor_value_info("x_length", TensorProto.INT64, [1]),
        scalar("noise_scale"),
        scalar("length_scale"),
        scalar("noise_scale_w"),
    ],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, "T"])],
    [
        numpy_helper.from_array(noise, "noise"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_one"),
    ],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
metadata = {
    "model_type": "vits",
    "comment": "tiny generated voice",
    "language": "English",
    "frontend": "characters",
    "sample_rate": str(SAMPLE_RATE),
    "n_speakers": "1",
    "add_blank": "0",
    "use_eos_bos": "0",
    "punctuation": "",
}
for key, value in metadata.items():
    entry = model.metadata_props.add()
    entry.key = key
    entry.value = value
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "model.onnx"))

# A line with the id alone is the space.
characters = "abcdefghijklmnopqrstuvwxyz0123456789',.?!:-"
with open(os.path.join(out, "tokens.txt"), "w", encoding="utf-8") as tokens:
    tokens.write("0\n")
    for index, character in enumerate(characters, start=1):
        tokens.write(f"{character} {index}\n")
