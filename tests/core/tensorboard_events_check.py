#!/usr/bin/env python3
"""Reads the TensorBoard events file of a short rlab run back with an independent reader and
checks it against the run's metrics.jsonl, and checks the run's provenance.

The reader shares nothing with rlab's writer: TFRecord framing is parsed here with this file's
own CRC32C, and each Event is decoded by python's protobuf (Debian's python3-protobuf) from
message definitions written below with the field numbers of TensorFlow's event.proto and
summary.proto. Exits 77 (CTest's skip code) when python's protobuf is not installed.

usage: tensorboard_events_check.py --rlab BIN --source SRC_DIR --scratch DIR
"""
import argparse
import glob
import json
import math
import os
import shutil
import struct
import subprocess
import sys

SKIP = 77

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError:
    print("skipped: python's protobuf is not installed (Debian: apt-get install python3-protobuf)")
    sys.exit(SKIP)


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    """The data of each TFRecord in the file; fails on a bad length or CRC."""
    with open(path, "rb") as f:
        data = f.read()
    out, offset = [], 0
    while offset < len(data):
        header = data[offset:offset + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[offset + 8:offset + 12])
        assert length_crc == masked(crc32c(header)), f"{path}: bad length CRC at byte {offset}"
        body = data[offset + 12:offset + 12 + length]
        (body_crc,) = struct.unpack("<I", data[offset + 12 + length:offset + 16 + length])
        assert len(body) == length and body_crc == masked(crc32c(body)), \
            f"{path}: bad data CRC at byte {offset}"
        out.append(body)
        offset += 16 + length
    return out


def event_class():
    """tensorflow.Event built from field definitions (event.proto, summary.proto)."""
    F = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto(name="rlab_check_event.proto", package="tensorflow",
                                               syntax="proto3")

    def message(name, fields):
        m = proto.message_type.add(name=name)
        for fname, number, ftype, label, type_name in fields:
            f = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                f.type_name = type_name
        return m

    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    message("SummaryValue", [("tag", 1, F.TYPE_STRING, opt, None),
                             ("simple_value", 2, F.TYPE_FLOAT, opt, None)])
    message("Summary", [("value", 1, F.TYPE_MESSAGE, rep, ".tensorflow.SummaryValue")])
    message("Event", [("wall_time", 1, F.TYPE_DOUBLE, opt, None),
                      ("step", 2, F.TYPE_INT64, opt, None),
                      ("file_version", 3, F.TYPE_STRING, opt, None),
                      ("summary", 5, F.TYPE_MESSAGE, opt, ".tensorflow.Summary")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    descriptor = pool.FindMessageTypeByName("tensorflow.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def scalars(line, prefix=""):
    out = {}
    for key, value in line.items():
        if not prefix and key == "step":
            continue
        tag = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict):
            out.update(scalars(value, tag))
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            out[tag] = value
    return out


def as_float32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def check_events(run_dir):
    files = glob.glob(os.path.join(run_dir, "events.out.tfevents.*"))
    assert len(files) == 1, f"{run_dir}: expected one events file, found {files}"
    Event = event_class()
    events = []
    for body in records(files[0]):
        event = Event()
        event.ParseFromString(body)
        events.append(event)
    assert events and events[0].file_version == "brain.Event:2", "first event is not the version"
    with open(os.path.join(run_dir, "metrics.jsonl")) as f:
        lines = [json.loads(text) for text in f if text.strip()]
    expected = [(line["step"], scalars(line)) for line in lines if scalars(line)]
    got = events[1:]
    assert len(got) == len(expected), f"{len(got)} scalar events for {len(expected)} metric lines"
    previous_time = events[0].wall_time
    for event, (step, values) in zip(got, expected):
        assert event.step == step, f"event step {event.step}, metrics line step {step}"
        decoded = {v.tag: v.simple_value for v in event.summary.value}
        assert decoded.keys() == values.keys(), f"step {step}: tags {sorted(decoded)} vs {sorted(values)}"
        for tag, value in values.items():
            assert decoded[tag] == as_float32(value), f"step {step} {tag}: {decoded[tag]} vs {value}"
        assert event.wall_time >= previous_time > 1e9, "wall times must be real and not go back"
        previous_time = event.wall_time
    return len(got), sum(len(v) for _, v in expected)


def check_provenance(run_dir, command):
    with open(os.path.join(run_dir, "summary.json")) as f:
        provenance = json.load(f)["provenance"]
    for key in ("rlab_version", "git_commit", "command_line", "host", "data_files"):
        assert key in provenance, f"summary.json provenance lacks {key}: {provenance}"
    assert provenance["git_commit"], "empty git_commit"
    assert provenance["command_line"] == " ".join(["rlab"] + command[1:]), provenance["command_line"]
    with open(os.path.join(run_dir, "config.yaml")) as f:
        assert "\n# provenance:\n" in f.read(), "config.yaml has no provenance block"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rlab", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--scratch", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.scratch, ignore_errors=True)
    # A run of a few steps that logs every 5 steps (bt-recovery, small: about a second).
    command = [args.rlab, "run", os.path.join(args.source, "examples", "bt_recovery.yaml"),
               f"run.out_dir={args.scratch}", "train.steps=30", "run.log_every=5",
               "run.checkpoint_every=0", "data.items=200", "data.train_pairs=300",
               "data.heldout_pairs=100", "run.threads=1"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    runs = [d for d in glob.glob(os.path.join(args.scratch, "*")) if not os.path.islink(d)]
    assert len(runs) == 1, f"expected one run directory, found {runs}"
    events, values = check_events(runs[0])
    check_provenance(runs[0], command)
    shutil.rmtree(args.scratch, ignore_errors=True)
    print(f"ok: {events} events, {values} scalars match metrics.jsonl; provenance present")


if __name__ == "__main__":
    main()
