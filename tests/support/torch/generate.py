#!/usr/bin/python3
"""Writes the PyTorch references the op tests compare with: one header per op, every number a
hexadecimal double, so the tests need no Python. Run with Debian's python3-torch:

    /usr/bin/python3 tests/support/torch/generate.py

Each case: inputs drawn by torch's generator (seeded), an upstream weight r, and the value and
gradients of loss = sum(r * op(inputs)) from torch.autograd in float64."""
import pathlib

import torch
import torch.nn.functional as F

HERE = pathlib.Path(__file__).resolve().parent
torch.manual_seed(20261208)


def hexes(t):
    return "{" + ", ".join(float(v).hex() for v in t.detach().reshape(-1).tolist()) + "}"


def header(name, doc, fields, cases):
    out = [f"//! @file PyTorch {torch.__version__} references for `{name}` (written by generate.py; do not edit).",
           "// SPDX-License-Identifier: BSL-1.0",
           f"#ifndef TAPELESS_TEST_SUPPORT_TORCH_{name.upper()}_HPP",
           f"#define TAPELESS_TEST_SUPPORT_TORCH_{name.upper()}_HPP",
           "", "#include <cstddef>", "#include <vector>", "",
           f"namespace tapeless::test::torch_ref::{name} {{", "",
           f"//! {doc}", "struct case_t {"]
    ints = [f for f in fields if f[1] == "int"]
    reals = [f for f in fields if f[1] == "real"]
    vecs = [f for f in fields if f[1] == "vec"]
    out += [f"    std::size_t {f[0]};" for f in ints]
    out += [f"    double {f[0]};" for f in reals]
    out += [f"    std::vector<double> {f[0]};" for f in vecs]
    out += ["};", "", "inline case_t const cases[] = {"]
    for c in cases:
        parts = [str(c[f[0]]) for f in ints] + [float(c[f[0]]).hex() for f in reals] + [hexes(c[f[0]]) for f in vecs]
        out.append("    {" + ", ".join(parts) + "},")
    out += ["};", "", f"}} // namespace tapeless::test::torch_ref::{name}", "", "#endif", ""]
    (HERE / f"{name}.hpp").write_text("\n".join(out))


def layer_norm():
    cases = []
    for n, d, eps, scale in [(1, 1, 1e-5, 1.0), (1, 5, 1e-5, 1.0), (3, 7, 1e-5, 1.0), (4, 16, 1e-3, 3.0),
                             (5, 33, 1e-5, 100.0), (2, 2, 1e-5, 1e-3)]:
        x = (torch.randn(n, d, dtype=torch.float64) * scale + 0.5).requires_grad_()
        g = torch.randn(1, d, dtype=torch.float64).requires_grad_()
        b = torch.randn(1, d, dtype=torch.float64).requires_grad_()
        r = torch.randn(n, d, dtype=torch.float64)
        y = F.layer_norm(x, (d,), g.reshape(d), b.reshape(d), eps)
        (r * y).sum().backward()
        cases.append(dict(n=n, d=d, eps=eps, x=x, g=g, b=b, r=r, y=y, gx=x.grad, gg=g.grad, gb=b.grad))
    header("layer_norm", "x: n x d, g and b: 1 x d, r: n x d; y = F.layer_norm(x, (d,), g, b, eps); "
           "gx, gg, gb: gradients of sum(r * y).",
           [("n", "int"), ("d", "int"), ("eps", "real")] +
           [(k, "vec") for k in ["x", "g", "b", "r", "y", "gx", "gg", "gb"]], cases)


def embedding():
    cases = []
    for v, d, n in [(1, 1, 1), (5, 3, 8), (10, 7, 13), (3, 16, 1), (4, 2, 9)]:
        table = torch.randn(v, d, dtype=torch.float64).requires_grad_()
        ids = torch.randint(0, v, (n, 1))
        r = torch.randn(n, d, dtype=torch.float64)
        y = F.embedding(ids.reshape(n), table)
        (r * y).sum().backward()
        cases.append(dict(v=v, d=d, n=n, table=table, ids=ids.to(torch.float64), r=r, y=y, gtable=table.grad))
    header("embedding", "table: v x d, ids: n x 1, r: n x d; y = F.embedding(ids, table); gtable: gradient of "
           "sum(r * y).",
           [("v", "int"), ("d", "int"), ("n", "int")] + [(k, "vec") for k in ["table", "ids", "r", "y", "gtable"]],
           cases)


def sdpa(q, k, v, causal):
    """F.scaled_dot_product_attention (PyTorch 2), written out for this PyTorch: q, k, v are
    (B, h, T, dh)."""
    s = q @ k.transpose(-2, -1) / (q.shape[-1] ** 0.5)
    if causal:
        t = q.shape[-2]
        s = s.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
    return torch.softmax(s, dim=-1) @ v


def attention():
    cases = []
    for b, t, h, d, causal in [(1, 1, 1, 1, 0), (1, 4, 1, 3, 1), (2, 5, 2, 6, 1), (3, 7, 4, 8, 0), (2, 16, 4, 32, 1),
                               (1, 3, 3, 9, 0)]:
        q, k, v = (torch.randn(b * t, d, dtype=torch.float64).requires_grad_() for _ in range(3))
        r = torch.randn(b * t, d, dtype=torch.float64)

        def heads(x):
            return x.reshape(b, t, h, d // h).transpose(1, 2)

        y = sdpa(heads(q), heads(k), heads(v), causal).transpose(1, 2).reshape(b * t, d)
        (r * y).sum().backward()
        cases.append(dict(b=b, t=t, h=h, d=d, causal=causal, q=q, k=k, v=v, r=r, y=y, gq=q.grad, gk=k.grad, gv=v.grad))
    header("attention", "q, k, v, r: (b t) x d, heads h, causal 0 or 1; y = attention of each sequence and head "
           "(softmax(q kᵀ / √(d/h) + mask) v); gq, gk, gv: gradients of sum(r * y).",
           [("b", "int"), ("t", "int"), ("h", "int"), ("d", "int"), ("causal", "int")] +
           [(k, "vec") for k in ["q", "k", "v", "r", "y", "gq", "gk", "gv"]], cases)


if __name__ == "__main__":
    layer_norm()
    embedding()
    attention()
