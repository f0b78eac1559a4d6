# PyTorch's step for bench/layers/run.mjs: 784-256-128-10, softmax
# cross-entropy, Adam lr 1e-3, batch 128, in two forms: plain (Linear → ReLU)
# and with BatchNorm1d and Dropout(0.2) after each hidden Linear (Linear
# without bias → BatchNorm1d → ReLU → Dropout, as `nodegrad train
# --batch-norm --dropout 0.2` builds it). Prints the median ms per step over
# `runs` runs of `steps` steps for each, at the OpenBLAS/torch thread count
# given (the caller takes the best of 1 and 2; TOOLCHAIN.md "Peers in the bench").
import ctypes, ctypes.util, json, sys, time

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
runs_n = int(sys.argv[3]) if len(sys.argv) > 3 else 7
batch = int(sys.argv[4]) if len(sys.argv) > 4 else 128
for name in ("libopenblas.so.0", ctypes.util.find_library("openblas") or ""):
    try:
        ctypes.CDLL(name).openblas_set_num_threads(threads)
        break
    except (OSError, AttributeError):
        pass
import torch

torch.set_num_threads(threads)
torch.manual_seed(0)
nn = torch.nn


def plain():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def normed():
    return nn.Sequential(
        nn.Linear(784, 256, bias=False), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(256, 128, bias=False), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(128, 10),
    )


x = torch.rand(batch, 784)
y = torch.tensor([(i * 7) % 10 for i in range(batch)])
loss_fn = nn.CrossEntropyLoss()
out = {"threads": threads, "torch": torch.__version__}
for name, make in (("plain", plain), ("bnDropout", normed)):
    model = make()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(20):
        step()
    runs = []
    for _ in range(runs_n):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        runs.append((time.perf_counter() - t0) / steps * 1e3)
    runs.sort()
    out[name] = runs[len(runs) // 2]
print(json.dumps(out))
