"""PyTorch side of test/export/torch.test.ts (run with /usr/bin/python3, torch).

  save SPEC OUT.safetensors OUT.json   builds nn.Sequential from SPEC (a JSON
      list of modules), seeds it, writes its state_dict as safetensors and
      OUT.json = {"x": input rows, "y": torch's output for them}
  run SPEC IN.safetensors X.json OUT.json   loads a state_dict (strict) into
      nn.Sequential(SPEC), runs X.json's "x", writes {"y": ...}
  batch JOBS.json   each job an argument list of the above (torch is imported once)

SPEC entries: ["Linear", in, out, bias], ["ReLU"], ["LeakyReLU", slope],
["ELU", alpha], ["PReLU", n], ["Sigmoid"], ["Tanh"], ["GELU", "none"|"tanh"],
["SiLU"], ["BatchNorm1d", n, affine?, track_running_stats?],
["LayerNorm", n, elementwise_affine?], ["Dropout", p].
A model with norm layers gets seeded weights and biases for them and, for
BatchNorm1d, running statistics from a few training-mode batches (so
num_batches_tracked, an int64, is not 0); OUT.json then also holds every
state_dict tensor as "state" (flattened).
The safetensors file is written from the tensors' bytes as the format
specifies (u64 little-endian header length, JSON header, raw little-endian
data), since the safetensors package may not be installed; reading follows
the same layout. An optional "dtype": "float64" in save mode writes F64.
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn

DTYPES = {torch.float32: ("F32", np.float32), torch.float64: ("F64", np.float64), torch.int64: ("I64", np.int64)}


def build(spec):
    mods = []
    for m in spec:
        kind = m[0]
        if kind == "Linear":
            mods.append(nn.Linear(m[1], m[2], bias=m[3] if len(m) > 3 else True))
        elif kind == "ReLU":
            mods.append(nn.ReLU())
        elif kind == "LeakyReLU":
            mods.append(nn.LeakyReLU(m[1]))
        elif kind == "ELU":
            mods.append(nn.ELU(m[1]))
        elif kind == "PReLU":
            mods.append(nn.PReLU(m[1]))
        elif kind == "Sigmoid":
            mods.append(nn.Sigmoid())
        elif kind == "Tanh":
            mods.append(nn.Tanh())
        elif kind == "GELU":
            mods.append(nn.GELU(approximate=m[1] if len(m) > 1 else "none"))
        elif kind == "SiLU":
            mods.append(nn.SiLU())
        elif kind == "BatchNorm1d":
            mods.append(nn.BatchNorm1d(m[1], affine=m[2] if len(m) > 2 else True, track_running_stats=m[3] if len(m) > 3 else True))
        elif kind == "LayerNorm":
            mods.append(nn.LayerNorm(m[1], elementwise_affine=m[2] if len(m) > 2 else True))
        elif kind == "Dropout":
            mods.append(nn.Dropout(m[1]))
        else:
            raise SystemExit("unknown module " + kind)
    return nn.Sequential(*mods)


def save_safetensors(tensors, path):
    assert sys.byteorder == "little"
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        dtype, _ = DTYPES[t.dtype]
        b = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", e
        a, b = e["data_offsets"]
        arr = np.frombuffer(data[8 + n + a : 8 + n + b], dtype="<f4").reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def job(argv):
    mode, spec = argv[0], json.loads(argv[1])
    torch.manual_seed(1234)
    dtype = torch.float32
    if isinstance(spec, dict):
        dtype = torch.float64 if spec.get("dtype") == "float64" else torch.float32
        spec = spec["modules"]
    model = build(spec)
    if mode == "save":
        with torch.no_grad():
            for m in model:
                if isinstance(m, nn.PReLU):
                    # Distinct slopes per feature, so a mix-up shows.
                    m.weight.copy_(torch.rand(m.weight.shape) * 0.5)
                if isinstance(m, (nn.BatchNorm1d, nn.LayerNorm)) and m.weight is not None:
                    m.weight.copy_(0.5 + torch.rand(m.weight.shape))
                    m.bias.copy_(torch.rand(m.bias.shape) - 0.5)
        norms = [m for m in model if isinstance(m, (nn.BatchNorm1d, nn.LayerNorm))]
        if any(isinstance(m, nn.BatchNorm1d) for m in norms):
            # Running statistics from training-mode batches on shifted, scaled columns.
            model.train()
            with torch.no_grad():
                for _ in range(3):
                    model(torch.randn(16, spec[0][1]) * 2 + 1)
        model = model.to(dtype)
        save_safetensors(model.state_dict(), argv[2])
        x = torch.randn(9, spec[0][1])
        model.eval()
        with torch.no_grad():
            y = model(x.to(dtype)).float()
        out = {"x": x.flatten().tolist(), "y": y.flatten().tolist(), "torch": torch.__version__}
        if norms:
            out["state"] = {k: v.flatten().tolist() for k, v in model.state_dict().items()}
        with open(argv[3], "w") as f:
            json.dump(out, f)
    elif mode == "run":
        model.load_state_dict(load_safetensors(argv[2]), strict=True)
        model.eval()  # BatchNorm1d on its running statistics, Dropout the identity
        with open(argv[3]) as f:
            x = torch.tensor(json.load(f)["x"], dtype=torch.float32).reshape(-1, spec[0][1])
        with torch.no_grad():
            y = model(x)
        with open(argv[4], "w") as f:
            json.dump({"y": y.flatten().tolist()}, f)
    else:
        raise SystemExit("mode must be save or run")


def main():
    if sys.argv[1] == "batch":
        with open(sys.argv[2]) as f:
            for argv in json.load(f):
                job(argv)
    else:
        job(sys.argv[1:])


if __name__ == "__main__":
    main()
