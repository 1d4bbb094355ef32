# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a tiny streaming speech model in the shape sherpa-onnx loads as a
NeMo cache-aware CTC model: model.onnx with the metadata sherpa-onnx reads and
tokens.txt. It recognises no words: each 40 ms output frame is a token chosen
by the loudness of its log-mel frames (blank in silence, "la" for speech,
"di" for louder speech), which is enough to prove loading, streaming partial
results and endpointing with real audio. Usage: tinySpeechModel.py DIR"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WINDOW = 8  # feature frames (10 ms each) per chunk
SUBSAMPLING = 4
FEATURES = 80
# Log-mel energy (mean over the 80 bins) where speech starts: silence from
# kaldi-native-fbank without dither sits near -15, espeak-ng's speech above -6.
SPEECH = -9.0
LOUD = -3.0

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def dims(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


# Per class c: logit = slope[c] * energy + offset[c]; blank wins below SPEECH,
# "la" between SPEECH and LOUD, "di" above LOUD (tokens: la=0, di=1, blank=2).
slope = np.array([[[1.0, 2.0, 0.0]]], dtype=np.float32)
offset = np.array([[[-SPEECH, -SPEECH - LOUD, 0.0]]], dtype=np.float32)

nodes = [
    helper.make_node("ReduceMean", ["audio_signal"], ["energy"], axes=[1], keepdims=0),
    helper.make_node("Reshape", ["energy", "frames_shape"], ["frames"]),
    helper.make_node("ReduceMean", ["frames"], ["frame_energy"], axes=[2], keepdims=1),
    helper.make_node("Mul", ["frame_energy", "slope"], ["scaled"]),
    helper.make_node("Add", ["scaled", "offset"], ["logits"]),
    helper.make_node("LogSoftmax", ["logits"], ["logprobs"], axis=2),
    helper.make_node("Div", ["length", "subsampling"], ["encoded_lengths"]),
    helper.make_node("Identity", ["cache_last_channel"], ["cache_last_channel_next"]),
    helper.make_node("Identity", ["cache_last_time"], ["cache_last_time_next"]),
    helper.make_node("Identity", ["cache_last_channel_len"], ["cache_last_channel_len_next"]),
]
initializers = [
    numpy_helper.from_array(np.array([1, WINDOW // SUBSAMPLING, SUBSAMPLING], dtype=np.int64), "frames_shape"),
    numpy_helper.from_array(slope, "slope"),
    numpy_helper.from_array(offset, "offset"),
    numpy_helper.from_array(np.array([SUBSAMPLING], dtype=np.int64), "subsampling"),
]
graph = helper.make_graph(
    nodes,
    "steward-tiny-speech",
    [
        dims("audio_signal", TensorProto.FLOAT, [1, FEATURES, WINDOW]),
        dims("length", TensorProto.INT64, [1]),
        dims("cache_last_channel", TensorProto.FLOAT, [1, 1, 1, 1]),
        dims("cache_last_time", TensorProto.FLOAT, [1, 1, 1, 1]),
        dims("cache_last_channel_len", TensorProto.INT64, [1]),
    ],
    [
        dims("logprobs", TensorProto.FLOAT, [1, WINDOW // SUBSAMPLING, 3]),
        dims("encoded_lengths", TensorProto.INT64, [1]),
        dims("cache_last_channel_next", TensorProto.FLOAT, [1, 1, 1, 1]),
        dims("cache_last_time_next", TensorProto.FLOAT, [1, 1, 1, 1]),
        dims("cache_last_channel_len_next", TensorProto.INT64, [1]),
    ],
    initializers,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
metadata = {
    "model_type": "EncDecCTCModelBPE",
    "window_size": WINDOW,
    "chunk_shift": WINDOW,
    "subsampling_factor": SUBSAMPLING,
    "vocab_size": 2,  # NeMo leaves the blank out of it
    "cache_last_channel_dim1": 1,
    "cache_last_channel_dim2": 1,
    "cache_last_channel_dim3": 1,
    "cache_last_time_dim1": 1,
    "cache_last_time_dim2": 1,
    "cache_last_time_dim3": 1,
}
for key, value in metadata.items():
    entry = model.metadata_props.add()
    entry.key = key
    entry.value = str(value)
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "model.onnx"))
with open(os.path.join(out, "tokens.txt"), "w", encoding="utf-8") as tokens:
    tokens.write("\u2581la 0\n\u2581di 1\n<blk> 2\n")
