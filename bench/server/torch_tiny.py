# PyTorch's step for the tiny model of bench/server/run.mjs: 2-16-16-1, tanh,
# MSE, SGD lr 0.01, batch 32. Prints the median ms per step over 7 runs of
# `steps` steps, at the OpenBLAS/torch thread count given (the caller takes
# the best of 1 and 2; see TOOLCHAIN.md "Peers in the bench").
import ctypes, ctypes.util, json, sys, time

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
for name in ("libopenblas.so.0", ctypes.util.find_library("openblas") or ""):
    try:
        ctypes.CDLL(name).openblas_set_num_threads(threads)
        break
    except (OSError, AttributeError):
        pass
import torch

torch.set_num_threads(threads)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
loss_fn = torch.nn.MSELoss()
x = torch.rand(32, 2) * 2 - 1
y = torch.rand(32, 1) * 2 - 1


def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()


for _ in range(200):
    step()
runs = []
for _ in range(7):
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    runs.append((time.perf_counter() - t0) / steps * 1e3)
runs.sort()
print(json.dumps({"threads": threads, "msPerStep": runs[len(runs) // 2], "torch": torch.__version__}))
