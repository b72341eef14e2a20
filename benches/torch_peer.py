"""The lab's run in PyTorch, as a peer for benches/compare.sh: the same network (784 → hidden
→ 10, tanh, softmax with cross-entropy from the logits), the same initialisation (weights
N(0, σ²), biases 0), plain SGD with the same η, batches of 128 in file order, on the same MNIST
files. The training set is staged once as one tensor and each batch is a slice of it (no
loader, no copies), which is PyTorch at its quickest for this size.

Prints one line per epoch: `epoch train_seconds test_seconds train_loss test_accuracy`, the
training pass timed apart from the test pass (one forward over the 10,000 test images).

Usage: python benches/torch_peer.py [--hidden 132] [--epochs 3] [--threads 1] [--data-dir data/mnist]
Needs torch and numpy (`python3 -m venv V && V/bin/pip install torch numpy`); never run by CI.
"""

import argparse
import gzip
import struct
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (gzip-compressed or not): big-endian magic, one u32 per dimension, u8 data."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(f">{dims}I", data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir: Path, split: str):
    def find(stem):
        for name in (f"{stem}.gz", stem):
            if (data_dir / name).exists():
                return data_dir / name
        raise SystemExit(f"--data-dir: no {stem}(.gz) in {data_dir}")

    images = read_idx(find(f"{split}-images-idx3-ubyte"))
    labels = read_idx(find(f"{split}-labels-idx1-ubyte"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", default="132", help="hidden sizes, e.g. 132 or 1024,1024")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--init-std", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", default="data/mnist")
    parser.add_argument("--train-limit", type=int, default=0, help="the first N training images (0: all)")
    args = parser.parse_args()
    try:
        hidden = [int(h) for h in args.hidden.split(",")]
    except ValueError:
        raise SystemExit(f"--hidden: layer sizes separated by commas, e.g. 1024,1024, got {args.hidden!r}")
    if args.epochs < 1 or args.threads < 1:
        raise SystemExit("--epochs, --threads: at least 1")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y = load(Path(args.data_dir), "train")
    test_x, test_y = load(Path(args.data_dir), "t10k")
    if args.train_limit > 0:
        train_x, train_y = train_x[:args.train_limit].contiguous(), train_y[:args.train_limit].contiguous()

    widths = [train_x.shape[1], *hidden, 10]
    layers = [torch.nn.Linear(a, b) for a, b in zip(widths, widths[1:])]
    with torch.no_grad():
        for layer in layers:
            layer.weight.normal_(0.0, args.init_std)
            layer.bias.zero_()
    model = torch.nn.Sequential(*[m for layer in layers[:-1] for m in (layer, torch.nn.Tanh())], layers[-1])
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)

    n = len(train_x)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        total_loss = torch.zeros(())
        for i in range(0, n, args.batch_size):
            x = train_x[i:i + args.batch_size]
            y = train_y[i:i + args.batch_size]
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total_loss += loss.detach() * len(x)
        train_seconds = time.perf_counter() - start
        start = time.perf_counter()
        with torch.no_grad():
            correct = (model(test_x).argmax(1) == test_y).sum().item()
        test_seconds = time.perf_counter() - start
        print(f"{epoch} {train_seconds:.4f} {test_seconds:.4f} {total_loss.item() / n:.4f} "
              f"{100 * correct / len(test_y):.2f}", flush=True)


if __name__ == "__main__":
    main()
