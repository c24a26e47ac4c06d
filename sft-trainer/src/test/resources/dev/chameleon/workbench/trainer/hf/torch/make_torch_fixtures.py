#!/usr/bin/env python3
"""Makes the PyTorch checkpoint fixtures that TorchCheckpointTest and SafeUnpicklerTest read.

Run it from any folder: python3 make_torch_fixtures.py. It writes next to itself:

  tiny_state_dict.pt        a plain state dict (torch.save(model.state_dict())), archive folder "tiny_state_dict"
  tiny_lightning.ckpt       a Lightning-style checkpoint: {"epoch", "global_step", ..., "state_dict": ...}
  evil_checkpoint.ckpt      the torch.save layout whose data.pkl hides an os.system call next to the weights
  evil_*.pkl                bare pickles that would run code (or create objects) if Python loaded them
  plain_p2.pkl, plain_p5.pkl  plain data in protocols 2 and 5 (bytes, big ints, floats, shared lists, ...)
  malformed_*.pkl           damaged or resource-exhausting pickles

The checkpoints mimic torch.save's zip format exactly: ARCHIVE/data.pkl is a protocol-2 pickle in which each
tensor is a REDUCE of torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks), each
storage a persistent id ('storage', torch.FloatStorage, key, 'cpu', numel), and the storages' raw little-endian
bytes are the entries ARCHIVE/data/<key>. Without torch, stub modules named torch and torch._utils stand in for
the real ones so that the standard pickle module writes those same globals; the stubs are only ever pickled,
never called. With torch importable, the script calls torch.save on real tensors holding the same values instead.

Nothing here loads a pickle: the evil files are written, never read, by Python.
"""
import collections
import io
import os
import pickle
import struct
import subprocess
import sys
import types
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import torch
except ImportError:
    torch = None

# name -> (dtype, storage values, storage offset, shape, stride); entries naming the same storage share it.
# Values are exact in their dtype so the Java test can compare with ==.
SHARED = "decoder.table"
TENSORS = collections.OrderedDict([
    ("encoder.conv_in.weight", ("float32", [0.5, -1.25, 2.0, 3.5, -0.125, 7.0], 0, (2, 3), (3, 1))),
    ("encoder.conv_in.bias", ("float16", [1.5, -0.5, 1024.0], 0, (3,), (1,))),
    ("quantize.embedding.weight", ("bfloat16", [1.0, -2.5, 0.15625, 256.0], 0, (2, 2), (2, 1))),
    (SHARED, ("float32", [float(i) for i in range(10)], 0, (10,), (1,))),
    ("decoder.slice", ("float32", SHARED, 4, (4,), (1,))),
    ("decoder.grid", ("float32", SHARED, 2, (2, 3), (3, 1))),
    ("decoder.transposed", ("float32", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 0, (3, 2), (1, 3))),
    ("bn.num_batches_tracked", ("int64", [7], 0, (), ())),
])

STORAGE_CLASS = {"float32": "FloatStorage", "float16": "HalfStorage", "bfloat16": "BFloat16Storage",
                 "int64": "LongStorage"}


def raw_bytes(dtype, values):
    if dtype == "float32":
        return struct.pack("<%df" % len(values), *values)
    if dtype == "float16":
        return struct.pack("<%de" % len(values), *values)
    if dtype == "bfloat16":  # the upper half of a float32; the values above are exact in bfloat16
        return b"".join(struct.pack("<I", struct.unpack("<I", struct.pack("<f", v))[0])[2:] for v in values)
    if dtype == "int64":
        return struct.pack("<%dq" % len(values), *values)
    raise ValueError(dtype)


# ---- the stand-in for torch.save

def install_torch_stubs():
    """Registers modules named torch and torch._utils so that pickle writes torch's globals by name."""
    stub_torch = types.ModuleType("torch")
    stub_utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):
        raise RuntimeError("a pickling stub; never called")

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    stub_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    stub_torch._utils = stub_utils
    for cls_name in STORAGE_CLASS.values():
        setattr(stub_torch, cls_name, type(cls_name, (), {"__module__": "torch"}))
    sys.modules["torch"] = stub_torch
    sys.modules["torch._utils"] = stub_utils
    return stub_torch


class StubStorage:
    def __init__(self, dtype, values):
        self.dtype = dtype
        self.data = raw_bytes(dtype, values)
        self.numel = len(values)


class StubTensor:
    """Pickles the way torch.Tensor does: a reduce to _rebuild_tensor_v2 over a persistent storage."""

    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, shape, stride

    def __reduce_ex__(self, protocol):
        rebuild = sys.modules["torch._utils"]._rebuild_tensor_v2
        return rebuild, (self.storage, self.offset, tuple(self.shape), tuple(self.stride), False,
                         collections.OrderedDict())


class TorchStylePickler(pickle.Pickler):
    """torch.save's persistent_id: storages leave the pickle as ('storage', type, key, location, numel)."""

    def __init__(self, f, stub_torch):
        super().__init__(f, protocol=2)
        self.stub_torch = stub_torch
        self.keys = {}
        self.storages = []

    def persistent_id(self, obj):
        if not isinstance(obj, StubStorage):
            return None
        if id(obj) not in self.keys:
            self.keys[id(obj)] = str(len(self.keys))
            self.storages.append((self.keys[id(obj)], obj))
        storage_type = getattr(self.stub_torch, STORAGE_CLASS[obj.dtype])
        return ("storage", storage_type, self.keys[id(obj)], "cpu", obj.numel)


def stub_save(obj, path, stub_torch):
    """Writes torch.save's zip layout: data.pkl, byteorder, data/<key> per storage, version."""
    buf = io.BytesIO()
    pickler = TorchStylePickler(buf, stub_torch)
    pickler.dump(obj)
    archive = os.path.splitext(os.path.basename(path))[0]
    entries = [("data.pkl", buf.getvalue()), ("byteorder", b"little")]
    entries += [("data/" + key, storage.data) for key, storage in pickler.storages]
    entries.append(("version", b"3\n"))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, body in entries:  # a fixed date keeps the regenerated files byte-identical
            z.writestr(zipfile.ZipInfo(archive + "/" + name, date_time=(1980, 1, 1, 0, 0, 0)), body)


def stub_tensors():
    storages = {}
    out = collections.OrderedDict()
    for name, (dtype, values, offset, shape, stride) in TENSORS.items():
        if isinstance(values, str):
            storage = storages[values]
        else:
            storage = storages[name] = StubStorage(dtype, values)
        out[name] = StubTensor(storage, offset, shape, stride)
    return out


def torch_tensors():
    out = collections.OrderedDict()
    for name, (dtype, values, offset, shape, stride) in TENSORS.items():
        if isinstance(values, str):
            base = out[values]
            out[name] = base.as_strided(shape, stride, offset)
        elif stride != () and list(stride) != [
                int(torch.tensor(shape[i + 1:]).prod()) for i in range(len(shape))]:
            dense = torch.tensor(values, dtype=getattr(torch, dtype))
            out[name] = dense.as_strided(shape, stride, offset)  # a non-contiguous view, e.g. a transpose
        else:
            out[name] = torch.tensor(values, dtype=getattr(torch, dtype)).reshape(shape)
    return out


# ---- the fixtures

def state_dict(tensors):
    sd = collections.OrderedDict(tensors)
    # module.state_dict() carries this attribute, which pickle writes as a BUILD on the OrderedDict.
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("encoder", {"version": 1})])
    return sd


def lightning(sd):
    return {
        "epoch": 3,
        "global_step": 1200,
        "pytorch-lightning_version": "1.9.0",
        "state_dict": sd,
        "loops": None,
        "optimizer_states": [],
        "lr_schedulers": [],
        "hyper_parameters": {"embed_dim": 256, "n_embed": 8192, "lr": 4.5e-06},
    }


class EvilSystem:
    def __reduce__(self):
        return os.system, ("echo pwned",)


class EvilEval:
    def __reduce__(self):
        return eval, ("__import__('os').system('echo pwned')",)


class EvilPopen:
    def __reduce__(self):
        return subprocess.Popen, (["echo", "pwned"],)


class Plain:
    """An ordinary class: protocol 2 writes its instances with NEWOBJ on a global naming the class."""


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def make_checkpoints():
    if torch is not None:
        tensors = torch_tensors()
        torch.save(state_dict(tensors), os.path.join(HERE, "tiny_state_dict.pt"))
        torch.save(lightning(state_dict(tensors)), os.path.join(HERE, "tiny_lightning.ckpt"))
        evil = {"state_dict": state_dict(tensors), "callbacks": EvilSystem()}
        torch.save(evil, os.path.join(HERE, "evil_checkpoint.ckpt"))
        return
    stub_torch = install_torch_stubs()
    try:
        tensors = stub_tensors()
        stub_save(state_dict(tensors), os.path.join(HERE, "tiny_state_dict.pt"), stub_torch)
        stub_save(lightning(state_dict(tensors)), os.path.join(HERE, "tiny_lightning.ckpt"), stub_torch)
        evil = {"state_dict": state_dict(tensors), "callbacks": EvilSystem()}
        stub_save(evil, os.path.join(HERE, "evil_checkpoint.ckpt"), stub_torch)
    finally:
        del sys.modules["torch"], sys.modules["torch._utils"]


def make_pickles():
    P = pickle
    # Code that runs on load, the way an attacker writes it: __reduce__ names a callable and its arguments.
    write("evil_os_system.pkl", pickle.dumps(EvilSystem(), protocol=2))
    write("evil_eval_p4.pkl", pickle.dumps(EvilEval(), protocol=4))
    # Protocol 3: protocol 2 would spell it commands.Popen, the Python 2 name that Python 3 maps back on load.
    write("evil_popen.pkl", pickle.dumps(EvilPopen(), protocol=3))
    write("evil_newobj_class.pkl", pickle.dumps(Plain(), protocol=2))
    # Object-creating opcodes that Python's pickler no longer writes but its unpickler still runs; assembled
    # from the pickle module's own opcode constants. INST names os.system inline, so loading it runs the command.
    write("evil_inst.pkl", P.PROTO + b"\x02" + P.MARK + P.SHORT_BINUNICODE + bytes([10]) + b"echo pwned"
          + P.INST + b"os\nsystem\n" + P.STOP)
    # OBJ and NEWOBJ on an allow-listed class: refused for the opcode itself.
    write("evil_obj.pkl", P.PROTO + b"\x02" + P.MARK + P.GLOBAL + b"collections\nOrderedDict\n" + P.OBJ + P.STOP)
    write("evil_newobj.pkl", P.PROTO + b"\x02" + P.GLOBAL + b"collections\nOrderedDict\n" + P.EMPTY_TUPLE
          + P.NEWOBJ + P.STOP)
    # REDUCE on an allow-listed name that is not a callable.
    write("evil_reduce_storage.pkl", P.PROTO + b"\x02" + P.GLOBAL + b"torch\nFloatStorage\n" + P.EMPTY_TUPLE
          + P.REDUCE + P.STOP)

    shared = [1, 2]
    plain = {
        "ints": [0, 1, -1, 255, 256, 65535, 65536, -2 ** 31, 2 ** 31, 2 ** 63 - 1, 2 ** 70, -(2 ** 70)],
        "floats": [1.5, -0.0, 1e300],
        "flags": (True, False, None),
        "text": "grüße ✓",
        "bytes": b"\x00\x01\xff",
        "empty": (b"", "", (), [], {}),
        "shared": (shared, shared),
        "nested": {"a": {"b": [("c", 3)]}},
        7: "int key",
    }
    write("plain_p2.pkl", pickle.dumps(plain, protocol=2))
    write("plain_p5.pkl", pickle.dumps(plain, protocol=5))

    deep = []
    for _ in range(150):
        deep = [deep]
    write("malformed_deep.pkl", pickle.dumps(deep, protocol=2))
    cycle = []
    cycle.append(cycle)
    write("malformed_cycle.pkl", pickle.dumps(cycle, protocol=2))
    write("malformed_truncated.pkl", pickle.dumps(plain, protocol=2)[:60])
    # A string that claims 2 GiB in a pickle of a few bytes.
    write("malformed_huge_string.pkl", P.PROTO + b"\x02" + P.BINUNICODE + struct.pack("<I", 0x7fffffff) + b"abc"
          + P.STOP)


if __name__ == "__main__":
    make_checkpoints()
    make_pickles()
    print("wrote fixtures to", HERE, "with", "torch.save" if torch is not None else "the torch.save stand-in")
