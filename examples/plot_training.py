#!/usr/bin/env python3
"""Draws the training curve fashion_mnist_classifier writes: cross-entropy and accuracy per epoch.

usage: plot_training.py CSV [PNG]    (PNG defaults to CSV with .png; needs python3-matplotlib)
"""
# SPDX-License-Identifier: BSL-1.0
import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    source = Path(argv[1])
    target = Path(argv[2]) if len(argv) == 3 else source.with_suffix(".png")
    with source.open(newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        print(f"{source}: no epochs to plot", file=sys.stderr)
        return 1
    epoch = [int(r["epoch"]) for r in rows]
    col = lambda name, scale=1.0: [float(r[name]) * scale for r in rows]  # noqa: E731

    fig, (loss, acc) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    fig.suptitle("Fashion-MNIST 784-128-10 MLP, Adam")
    loss.plot(epoch, col("train_loss"), "o-", lw=2, label="train")
    loss.plot(epoch, col("test_loss"), "o-", lw=2, label="test")
    loss.set_ylabel("cross-entropy")
    acc.plot(epoch, col("train_acc", 100), "o-", lw=2, label="train (running)")
    acc.plot(epoch, col("test_acc", 100), "o-", lw=2, label="test")
    acc.set_ylabel("accuracy (%)")
    acc.legend(loc="lower right")
    loss.legend()
    for ax in (loss, acc):
        ax.set_xlabel("epoch")
        ax.set_xticks(epoch)
        ax.set_xlim(0.5, max(epoch) + 0.5)
        ax.grid(True, alpha=0.4)
    fig.savefig(target, dpi=100)
    print(f"plot: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
