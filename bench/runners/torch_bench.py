"""Benchmark runner for PyTorch (Debian's python3-torch), one workload per process.

Usage: python3 bench/runners/torch_bench.py '{"workload": "a", "threads": 1, ...}'
Prints one JSON line. The workloads mirror bench/runners/ditto.ts and tfjs.ts: the same networks,
losses (Keras's form: softmax probabilities, clipped, categorical crossentropy), Adam with
lr 1e-3, betas (0.9, 0.999), eps 1e-7, and the same synthetic data (read from the files the
orchestrator writes).
"""

import json
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

ROUNDS = {"discarded": 0, "noisy": 0}


def machine_busy_ms():
    """Milliseconds of CPU time the whole machine has spent busy (Linux /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) * 10  # USER_HZ = 100


class RoundMeter:
    """Wall-clock time of a round, and whether other processes used at most 5 % of a core meanwhile."""

    def begin(self):
        self.busy0 = machine_busy_ms()
        self.cpu0 = os.times()
        self.start = time.perf_counter()

    def end(self):
        ms = (time.perf_counter() - self.start) * 1000
        cpu = os.times()
        busy1 = machine_busy_ms()
        if self.busy0 is None or busy1 is None:
            return ms, True
        own = ((cpu.user - self.cpu0.user) + (cpu.system - self.cpu0.system)) * 1000
        return ms, busy1 - self.busy0 - own <= 0.05 * ms + 20


def clean_round(fn, max_attempts=10):
    """Runs fn until a round passes that other processes left alone (at most max_attempts times)."""
    meter = RoundMeter()
    attempt = 1
    while True:
        meter.begin()
        fn()
        ms, clean = meter.end()
        if clean:
            return ms
        if attempt >= max_attempts:
            ROUNDS["noisy"] += 1
            return ms
        ROUNDS["discarded"] += 1
        attempt += 1
        time.sleep(1)


def summarize(samples):
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=4, method="inclusive") if len(ordered) > 1 else [ordered[0]] * 3
    return {
        "median": statistics.median(ordered),
        "p25": q[0],
        "p75": q[2],
        "min": ordered[0],
        "max": ordered[-1],
        "n": len(ordered),
    }


def adam(model):
    return torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)


def tutorial(args):
    x = torch.tensor([[v] for v in [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]], dtype=torch.float32)
    y = torch.tensor([[v] for v in [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]], dtype=torch.float32)

    def fit_once(seed):
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(1, 10), nn.Linear(10, 1))
        optimizer = adam(model)
        for _ in range(100):
            order = torch.randperm(9)
            xb, yb = x[order], y[order]
            optimizer.zero_grad()
            loss = torch.mean((model(xb) - yb) ** 2)
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            return torch.mean((model(x) - y) ** 2).item()

    plan = args["plan"]
    for i in range(plan["warmup"]):
        fit_once(i)
    start = time.perf_counter()
    fit_once(999)
    fits_per_round = max(1, round(plan["roundMs"] / ((time.perf_counter() - start) * 1000)))
    seeds = iter(range(1000, 10**9))

    def fits(count):
        for _ in range(count):
            fit_once(next(seeds))

    per_fit = [clean_round(lambda: fits(fits_per_round)) / fits_per_round for _ in range(plan["rounds"])]
    thirty = [clean_round(lambda: fits(30)) for _ in range(plan["runsOf30"])]
    return {"perFitMs": summarize(per_fit), "thirtyFitsMs": summarize(thirty), "fitsPerRound": fits_per_round}


def epochs_per_second(model, loss_fn, x, y, plan):
    """Rates of clean epochs after a warm-up epoch (extra epochs replace disturbed ones)."""
    optimizer = adam(model)
    n, batch_size = x.shape[0], plan["batchSize"]
    meter = RoundMeter()
    clean, every = [], []
    for epoch in range(1 + plan["epochs"] + plan["extraEpochs"]):
        meter.begin()
        order = torch.randperm(n)
        for s in range(0, n, batch_size):
            index = order[s : s + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        ms, quiet = meter.end()
        if epoch == 0:
            continue
        every.append(n / (ms / 1000))
        if quiet:
            clean.append(every[-1])
        else:
            ROUNDS["discarded"] += 1
        if len(clean) >= plan["epochs"]:
            return summarize(clean[: plan["epochs"]])
    ROUNDS["noisy"] += len(every) - len(clean)
    ROUNDS["discarded"] -= len(every) - len(clean)
    return summarize(every)


def mlp(args):
    plan = args["plan"]
    n = plan["samples"]
    x = torch.from_numpy(np.fromfile(args["x"], dtype="<f4").reshape(n, 784))
    y = torch.from_numpy(np.fromfile(args["y"], dtype="<f4").reshape(n, 10))
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.Softmax(dim=1))

    def crossentropy(p, t):
        p = p / p.sum(dim=1, keepdim=True)
        return torch.mean(-torch.sum(t * torch.log(torch.clamp(p, 1e-7, 1 - 1e-7)), dim=1))

    rate = epochs_per_second(model, crossentropy, x, y, plan)
    return {"samplesPerSecond": rate}


class LstmRegressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 32, batch_first=True)
        self.dense = nn.Linear(32, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.dense(out[:, -1, :])


def lstm(args):
    plan = args["plan"]
    n, steps = plan["samples"], plan["steps"]
    x = torch.from_numpy(np.fromfile(args["x"], dtype="<f4").reshape(n, steps, 1))
    y = torch.from_numpy(np.fromfile(args["y"], dtype="<f4").reshape(n, 1))
    torch.manual_seed(1)
    rate = epochs_per_second(LstmRegressor(), lambda p, t: torch.mean((p - t) ** 2), x, y, plan)
    return {"samplesPerSecond": rate}


class SmallCnn(nn.Module):
    """Conv2D(16, 3) relu → MaxPooling2D → Conv2D(32, 3) relu → GlobalAveragePooling2D → Dense(10) softmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.conv2 = nn.Conv2d(16, 32, 3)
        self.dense = nn.Linear(32, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.relu(self.conv2(x)).mean(dim=(2, 3))
        return torch.softmax(self.dense(x), dim=1)


def cnn(args):
    plan = args["plan"]
    n = plan["samples"]
    # The images are written channels-last [n, 28, 28, 1]; PyTorch's layout is [n, 1, 28, 28].
    x = torch.from_numpy(np.fromfile(args["x"], dtype="<f4").reshape(n, 28, 28, 1)).permute(0, 3, 1, 2).contiguous()
    y = torch.from_numpy(np.fromfile(args["y"], dtype="<f4").reshape(n, 10))
    torch.manual_seed(1)

    def crossentropy(p, t):
        return torch.mean(-torch.sum(t * torch.log(torch.clamp(p, 1e-7, 1 - 1e-7)), dim=1))

    return {"samplesPerSecond": epochs_per_second(SmallCnn(), crossentropy, x, y, plan)}


class TextClassifier(nn.Module):
    """Embedding(vocabulary, dim) → mean over the steps → Linear(dim, 1) → sigmoid."""

    def __init__(self, vocabulary, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, dim)
        self.dense = nn.Linear(dim, 1)

    def forward(self, x):
        return torch.sigmoid(self.dense(self.embedding(x).mean(dim=1)))


def text(args):
    plan = args["plan"]
    n, steps = plan["samples"], plan["steps"]
    # Indices are written as float32 (what ditto's Embedding reads); PyTorch's wants int64.
    x = torch.from_numpy(np.fromfile(args["x"], dtype="<f4").reshape(n, steps).astype(np.int64))
    y = torch.from_numpy(np.fromfile(args["y"], dtype="<f4").reshape(n, 1))
    torch.manual_seed(1)

    def crossentropy(p, t):
        # Keras's binary crossentropy on probabilities: clipped to [1e-7, 1 − 1e-7].
        p = torch.clamp(p, 1e-7, 1 - 1e-7)
        return torch.mean(-(t * torch.log(p) + (1 - t) * torch.log(1 - p)))

    model = TextClassifier(plan["vocabulary"], plan["dim"])
    return {"samplesPerSecond": epochs_per_second(model, crossentropy, x, y, plan)}


def main():
    args = json.loads(sys.argv[1])
    torch.set_num_threads(args["threads"])
    result = {"a": tutorial, "b": mlp, "c": lstm, "d": cnn, "e": text}[args["workload"]](args)
    result.update(
        framework="pytorch",
        version=torch.__version__,
        threads=torch.get_num_threads(),
        rounds=ROUNDS,
        blas=torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in torch.__config__.show() else "?",
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
