#!/usr/bin/env python3
"""Writes the randomized gradient tests tests/random/graphs_XX.cpp.

Every graph is a random expression DAG over tapeless's op vocabulary (elementwise, broadcasting
binary ops with numbers mixed in, matmul, transpose, lin, reductions, the softmax family and the
losses), of depth 1 to 10, with shared subexpressions, built from leaves of static
(tl::Tensor<double, R, C>) and runtime (tl::Tensor<double>) extents. Each becomes one Boost.Test
case: a generic lambda writing the graph once, and one call of
tapeless::test::random_graphs::check (tests/random/support.hpp), which compares the compiled step's
value with the tape's forward value, and its gradients with central differences and with the tape.

The generator evaluates every graph itself (it reimplements std::mt19937_64 and the uniform fill of
tests/support/random.hpp, so the leaf values are the C++ ones bit for bit) and only keeps graphs
that are well conditioned for finite differences: no kink of relu/abs/leaky_relu/max/min/clamp
closer than KINK_MARGIN to an argument, arguments of log/sqrt/fractional pow/division bounded away
from 0, every intermediate of moderate size, and its own finite differences at two step sizes
agreeing. The same seed always gives the same files.

Standard library only:  python3 tests/random/generate.py [--seed N] [--graphs N] [--files N]
"""

import argparse
import math
import os
import random
import sys

DEFAULT_SEED = 20240611
DEFAULT_GRAPHS = 360
DEFAULT_REPEATS = 40
DEFAULT_FILES = 40

KINK_MARGIN = 5e-3  # |argument - kink| at least this, so x +- a finite-difference step stays on one side
POSITIVE = 0.1  # arguments of log, sqrt, fractional or negative powers and denominators at least this
MAGNITUDE = 20.0  # every intermediate value at most this in absolute value
MAX_LEAVES = 7
MAX_DEPTH = 10  # graphs of every depth 1 to MAX_DEPTH, equally many
# The library copies a subexpression that holds a number each time an op reads it (the number is
# renumbered per read; composite ops read their argument several times), so nested reads grow the
# expression's type exponentially. Graphs whose tree, unfolded with these reads, exceeds this many
# nodes pass the compilers' template depth (one of the 360 did: 2,878 nodes; the next is 1,499).
MAX_UNFOLDED = 2000
READS = {'cross_entropy': 4, 'softmax': 3, 'log_softmax': 3, 'binary_cross_entropy_with_logits': 3, 'mean': 2,
         'mean_rows': 2, 'mean_cols': 2, 'mse': 2, 'max': 2, 'min': 2, 'clamp': 2}

# ---------------------------------------------------------------------------------------------
# std::mt19937_64 and tests/support/random.hpp's fill_uniform, bit for bit.


class MT19937_64:
    def __init__(self, seed):
        self.mt = [0] * 312
        self.mt[0] = seed & 0xFFFFFFFFFFFFFFFF
        for i in range(1, 312):
            prev = self.mt[i - 1]
            self.mt[i] = (6364136223846793005 * (prev ^ (prev >> 62)) + i) & 0xFFFFFFFFFFFFFFFF
        self.index = 312

    def _twist(self):
        mt = self.mt
        for i in range(312):
            x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            mt[i] = mt[(i + 156) % 312] ^ xa
        self.index = 0

    def __call__(self):
        if self.index >= 312:
            self._twist()
        y = self.mt[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & 0xFFFFFFFFFFFFFFFF


def fill_uniform(rows, cols, seed, lo, hi):
    g = MT19937_64(seed)
    vals = [lo + (hi - lo) * ((g() >> 11) * 2.0 ** -53) for _ in range(rows * cols)]
    return [vals[i * cols:(i + 1) * cols] for i in range(rows)]


def fill_labels(rows, classes, seed):
    return [[float((seed + 7 * i) % classes)] for i in range(rows)]


# ---------------------------------------------------------------------------------------------
# Values: lists of rows of floats, the semantics of tapeless (and its tape).


def shape_of(v):
    return (len(v), len(v[0]))


def bshape(a, b):
    (ra, ca), (rb, cb) = a, b
    if not ((ra == rb or ra == 1 or rb == 1) and (ca == cb or ca == 1 or cb == 1)):
        return None
    return (max(ra, rb), max(ca, cb))


def ew(f, x):
    return [[f(e) for e in row] for row in x]


def bc(f, a, b):
    (ra, ca), (rb, cb) = shape_of(a), shape_of(b)
    r, c = max(ra, rb), max(ca, cb)
    return [[f(a[i if ra > 1 else 0][j if ca > 1 else 0], b[i if rb > 1 else 0][j if cb > 1 else 0])
             for j in range(c)] for i in range(r)]


def matmul(a, b):
    bt = list(zip(*b))
    return [[math.fsum(x * y for x, y in zip(row, col)) for col in bt] for row in a]


def transpose(a):
    return [list(r) for r in zip(*a)]


def softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def log_softmax(x):
    out = []
    for row in x:
        m = max(row)
        ls = math.log(math.fsum(math.exp(e - m) for e in row))
        out.append([e - m - ls for e in row])
    return out


def total(x):
    return math.fsum(e for row in x for e in row)


def count(x):
    return len(x) * len(x[0])


UNARY = {
    'relu': lambda x, a: max(x, 0.0),
    'leaky_relu': lambda x, a: x if x > 0 else a['slope'] * x,
    'square': lambda x, a: x * x,
    'exp': lambda x, a: math.exp(x),
    'log': lambda x, a: math.log(x),
    'sqrt': lambda x, a: math.sqrt(x),
    'abs': lambda x, a: abs(x),
    'tanh': lambda x, a: math.tanh(x),
    'sigmoid': lambda x, a: sigmoid(x),
    'softplus': lambda x, a: softplus(x),
    'pow': lambda x, a: x ** a['p'],
    'neg': lambda x, a: -x,
    'clamp': lambda x, a: min(max(x, a['lo']), a['hi']),
}
BINARY = {
    'add': lambda x, y: x + y,
    'sub': lambda x, y: x - y,
    'mul': lambda x, y: x * y,
    'div': lambda x, y: x / y,
    'max': lambda x, y: max(x, y),
    'min': lambda x, y: min(x, y),
}


def compute(op, vals, attr):
    if op in UNARY:
        f = UNARY[op]
        return ew(lambda x: f(x, attr), vals[0])
    if op in BINARY:
        return bc(BINARY[op], vals[0], vals[1])
    if op == 'matmul':
        return matmul(vals[0], vals[1])
    if op == 'lin':
        return bc(BINARY['add'], matmul(vals[0], vals[1]), vals[2])
    if op == 'transpose':
        return transpose(vals[0])
    if op == 'sum':
        return [[total(vals[0])]]
    if op == 'mean':
        return [[total(vals[0]) / count(vals[0])]]
    if op == 'l2':
        return [[math.fsum(e * e for row in vals[0] for e in row)]]
    if op in ('sum_rows', 'mean_rows'):
        n = len(vals[0][0]) if op == 'mean_rows' else 1
        return [[math.fsum(row) / n] for row in vals[0]]
    if op in ('sum_cols', 'mean_cols'):
        n = len(vals[0]) if op == 'mean_cols' else 1
        return [[math.fsum(col) / n for col in zip(*vals[0])]]
    if op == 'log_softmax':
        return log_softmax(vals[0])
    if op == 'softmax':
        return ew(math.exp, log_softmax(vals[0]))
    if op == 'mse':
        d = bc(BINARY['sub'], vals[0], vals[1])
        return [[math.fsum(e * e for row in d for e in row) / count(d)]]
    if op == 'binary_cross_entropy_with_logits':
        d = bc(lambda x, t: softplus(x) - x * t, vals[0], vals[1])
        return [[total(d) / count(d)]]
    if op == 'cross_entropy':
        ls = log_softmax(vals[0])
        return [[-math.fsum(ls[i][int(vals[1][i][0])] for i in range(len(ls))) / len(ls)]]
    raise KeyError(op)


# ---------------------------------------------------------------------------------------------
# Graphs.


class Node:
    __slots__ = ('op', 'args', 'attr', 'shape', 'height', 'value', 'leaf', 'static_shape')

    def __init__(self, op, args, attr, shape, height, value, leaf=None, static_shape=None):
        self.op, self.args, self.attr, self.shape, self.height, self.value, self.leaf = \
            op, args, attr, shape, height, value, leaf
        self.static_shape = static_shape


# The library's static shapes (ops/traits.hpp infer_shape), None for a runtime extent.
def static_broadcast_extent(a, b):
    if a == b or b == 1:
        return a
    if a == 1:
        return b
    return b if a is None else a


def static_shape(op, args):
    ss = [a.static_shape for a in args]
    if op in ('matmul', 'lin'):
        r = (ss[0][0], ss[1][1])
        if op == 'lin':
            r = (static_broadcast_extent(r[0], ss[2][0]), static_broadcast_extent(r[1], ss[2][1]))
        return r
    if op == 'transpose':
        return (ss[0][1], ss[0][0])
    if op in ('sum', 'mean', 'l2', 'mse', 'binary_cross_entropy_with_logits', 'cross_entropy'):
        return (1, 1)
    if op in ('sum_rows', 'mean_rows'):
        return (ss[0][0], 1)
    if op in ('sum_cols', 'mean_cols'):
        return (1, ss[0][1])
    r = ss[0]
    for x in ss[1:]:
        r = (static_broadcast_extent(r[0], x[0]), static_broadcast_extent(r[1], x[1]))
    return r


class Leaf:
    """A tensor: kind 'param' or 'input'; fill 'uniform' (seed, lo, hi) or 'labels' (classes, seed)."""
    __slots__ = ('kind', 'fill', 'shape', 'seed', 'lo', 'hi', 'classes', 'static', 'positive', 'role')

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


def const(x):
    return Node('const', [], {'x': x}, (1, 1), -1, [[x]], static_shape=(1, 1))


def evaluate(node, memo):
    """Re-evaluates the DAG (after leaf values changed) with a memo keyed by node identity."""
    k = id(node)
    if k in memo:
        return memo[k]
    if node.op in ('leaf', 'const'):
        v = node.value
    else:
        v = compute(node.op, [evaluate(a, memo) for a in node.args], node.attr)
    memo[k] = v
    return v


def finite_and_moderate(v):
    return all(math.isfinite(e) and abs(e) <= MAGNITUDE for row in v for e in row)


def min_abs(v):
    return min(abs(e) for row in v for e in row)


def min_value(v):
    return min(e for row in v for e in row)


# Elementwise unary ops; 'neg' is unary minus; pos_ops yield values bounded away from zero.
UNARY_OPS = ['relu', 'leaky_relu', 'square', 'exp', 'log', 'sqrt', 'abs', 'tanh', 'sigmoid', 'softplus',
             'pow', 'neg', 'clamp']
BINARY_OPS = ['add', 'sub', 'mul', 'div', 'max', 'min']
SCALAR_OPS = ['sum', 'mean', 'l2', 'mse', 'binary_cross_entropy_with_logits', 'cross_entropy']
ALL_OPS = (['add', 'sub', 'mul', 'div', 'neg', 'matmul', 'transpose', 'lin'] +
           [o for o in UNARY_OPS if o != 'neg'] + ['max', 'min'] +
           ['sum', 'mean', 'sum_rows', 'sum_cols', 'mean_rows', 'mean_cols', 'log_softmax', 'softmax',
            'cross_entropy', 'binary_cross_entropy_with_logits', 'l2', 'mse'])
ALL_OPS = list(dict.fromkeys(ALL_OPS))
POW_ANY = [2.0, 3.0]
POW_POSITIVE = [0.5, 1.5, 2.5, -1.0, -0.5]


class GraphBuilder:
    def __init__(self, rng, seed_base, op_counts):
        self.rng = rng
        self.seed_base = seed_base
        self.op_counts = op_counts  # global, for balancing coverage
        self.leaves = []  # leaf Nodes created (not all end up reachable)
        self.pool = []  # accepted op Nodes, for sharing
        d = rng.sample([2, 3, 4, 5, 6], 3)
        self.dims = d
        self.mode = rng.choices(['static', 'dynamic', 'mixed'], [4, 3, 3])[0]
        self.seed_counter = 0

    # -- leaves
    def new_leaf(self, shape, kind='param', lo=-1.0, hi=1.0, fill='uniform', classes=None, role=None,
                 positive=False):
        self.seed_counter += 1
        seed = self.seed_base + self.seed_counter
        static = {'static': True, 'dynamic': False, 'mixed': self.rng.random() < 0.5}[self.mode]
        leaf = Leaf(kind=kind, fill=fill, shape=shape, seed=seed, lo=lo, hi=hi, classes=classes,
                    static=static, positive=positive, role=role)
        if fill == 'labels':
            value = fill_labels(shape[0], classes, seed)
        else:
            value = fill_uniform(shape[0], shape[1], seed, lo, hi)
        n = Node('leaf', [], {}, shape, 0, value, leaf, shape if static else (None, None))
        self.leaves.append(n)
        return n

    def leaf(self, shape, pos=False):
        cands = [n for n in self.leaves if n.shape == shape and n.leaf.fill == 'uniform' and
                 n.leaf.role is None and (not pos or n.leaf.positive)]
        if cands and (self.rng.random() < 0.35 or len(self.leaves) >= MAX_LEAVES):
            return self.rng.choice(cands)
        if pos:
            return self.new_leaf(shape, lo=0.5, hi=2.0, positive=True)
        kind = 'input' if self.rng.random() < 0.12 else 'param'
        span = self.rng.choice([1.0, 1.0, 1.5, 2.0])
        return self.new_leaf(shape, kind=kind, lo=-span, hi=span)

    # -- shapes
    def dim(self):
        return self.rng.choice(self.dims + self.dims + [1])

    def operand_shapes(self, shape):
        """Two operand shapes broadcasting to `shape`: mostly equal, sometimes row/column/scalar."""
        r, c = shape
        opts = list(dict.fromkeys([(r, c), (1, c), (r, 1), (1, 1)]))
        while True:
            if self.rng.random() < 0.3:
                a, b = shape, shape
            else:
                a, b = self.rng.choice(opts), self.rng.choice(opts)
                if self.rng.random() < 0.5:
                    a, b = b, a
            if bshape(a, b) == shape:
                return a, b

    # -- op choice
    def applicable(self, shape, pos, top):
        r, c = shape
        ops = []
        if pos:
            return ['exp', 'softplus', 'sigmoid', 'add_pos']
        ops += UNARY_OPS + BINARY_OPS + ['matmul', 'transpose', 'lin']
        if c >= 2:
            ops += ['log_softmax', 'softmax']
        if c == 1:
            ops += ['sum_rows', 'mean_rows']
        if r == 1:
            ops += ['sum_cols', 'mean_cols']
        if shape == (1, 1):
            ops += SCALAR_OPS
        return ops

    def choose_op(self, shape, pos, top):
        ops = self.applicable(shape, pos, top)
        weights = []
        for op in ops:
            w = 1.0 / (1.0 + self.op_counts.get(op, 0)) ** 1.5
            if shape == (1, 1) and op in SCALAR_OPS + ['sum_rows', 'sum_cols', 'mean_rows', 'mean_cols', 'matmul']:
                w *= 6.0 if top else 2.0
            if op in ('transpose', 'neg'):
                w *= 0.5
            weights.append(w)
        return self.rng.choices(ops, weights)[0]

    def heights(self, h, n):
        """Heights of n children of a node of height h: one is h - 1, the rest small."""
        hs = [-(h - 1) if h > 1 else 0 for _ in range(n)]  # negative: any height up to |h|
        hs[self.rng.randrange(n)] = h - 1
        return hs

    # -- generation
    def gen(self, shape, h, pos=False, top=False):
        """A node of `shape` and height exactly h, or for h < 0 at most -h (then mostly low, or
        an existing node of at most that height: a shared subexpression)."""
        if h < 0:
            cands = [n for n in self.pool if n.shape == shape and n.height <= -h and
                     (not pos or min_value(n.value) >= POSITIVE)]
            if cands and self.rng.random() < 0.5:
                return self.rng.choice(cands)
            h = min(-h, self.rng.choice([0, 0, 0, 1, 1, 2, 3]))
        if h == 0:
            return self.leaf(shape, pos)
        if not top and self.rng.random() < 0.25:
            cands = [n for n in self.pool if n.shape == shape and n.height == h and
                     (not pos or min_value(n.value) >= POSITIVE)]
            if cands:
                return self.rng.choice(cands)
        for _ in range(10):
            op = self.choose_op(shape, pos, top)
            node = self.build(op, shape, h)
            if node is not None and self.valid(node) and (not pos or min_value(node.value) >= POSITIVE):
                self.pool.append(node)
                return node
        # Fallbacks that are always valid: exp(tanh(x)) is in [0.37, 2.7], tanh(x) in (-1, 1).
        if pos:
            inner = self.new_leaf(shape) if h == 1 else self.make('tanh', [self.gen(shape, h - 2)], {})
            node = self.make('exp', [inner], {})
        else:
            node = self.make('tanh', [self.gen(shape, h - 1)], {})
        self.pool.append(node)
        return node

    def make(self, op, args, attr):
        vals = [a.value for a in args]
        value = compute(op, vals, attr)
        height = 1 + max(a.height for a in args)
        return Node(op, args, attr, shape_of(value), height, value, static_shape=static_shape(op, args))

    def number(self, lo=0.25, hi=2.0):
        return const(round(self.rng.uniform(lo, hi) * self.rng.choice([1, -1]), 2))

    def build(self, op, shape, h):
        rng = self.rng
        r, c = shape
        if op == 'add_pos':  # square(x) + number, or a positive x plus a number
            hs = h - 1
            if hs >= 1 and rng.random() < 0.6:
                x = self.make('square', [self.gen(shape, hs - 1)], {})
            else:
                x = self.gen(shape, hs, pos=True)
            return self.make('add', [x, const(round(rng.uniform(0.2, 1.0), 2))], {})
        if op in UNARY_OPS:
            attr = {}
            pos = op in ('log', 'sqrt')
            if op == 'leaky_relu':
                attr['slope'] = rng.choice([0.01, 0.1, 0.2, 0.3])
            if op == 'pow':
                if rng.random() < 0.5:
                    attr['p'] = rng.choice(POW_ANY)
                else:
                    attr['p'] = rng.choice(POW_POSITIVE)
                    pos = True
            x = self.gen(shape, h - 1, pos=pos)
            if op == 'exp' and max(e for row in x.value for e in row) > 3.0:
                return None
            if op == 'clamp':
                vals = sorted(e for row in x.value for e in row)
                lo = round(vals[len(vals) // 4] - 0.05, 2) if len(vals) >= 4 else round(vals[0] - 0.3, 2)
                hi = round(max(vals[(3 * len(vals)) // 4] + 0.05, lo + 0.1), 2)
                if rng.random() < 0.3:
                    lo, hi = round(lo - 0.5, 2), round(hi + 0.5, 2)
                attr['lo'], attr['hi'] = lo, hi
            return self.make(op, [x], attr)
        if op in BINARY_OPS:
            sa, sb = self.operand_shapes(shape)
            ha, hb = self.heights(h, 2)
            if rng.random() < 0.25 and (sa == shape or sb == shape):
                # a number on one side (the other side must have the full shape)
                x = self.gen(shape, h - 1, pos=(op == 'div' and rng.random() < 0.5))
                if op in ('max', 'min'):
                    vals = sorted(e for row in x.value for e in row)
                    k = const(round(vals[len(vals) // 2] + rng.uniform(-0.1, 0.1), 2))
                elif op == 'div':
                    k = self.number()
                else:
                    k = self.number()
                if op == 'div' and min_value(x.value) >= POSITIVE and rng.random() < 0.5:
                    return self.make(op, [k, x], {})
                return self.make(op, [x, k] if rng.random() < 0.6 or op == 'div' else [k, x], {})
            a = self.gen(sa, ha)
            b = self.gen(sb, hb, pos=(op == 'div'))
            return self.make(op, [a, b], {})
        if op == 'matmul':
            k = rng.choice(self.dims + [1]) if rng.random() < 0.9 else 1
            ha, hb = self.heights(h, 2)
            a = self.gen((r, k), ha)
            b = self.gen((k, c), hb)
            return self.make(op, [a, b], {})
        if op == 'lin':
            k = rng.choice(self.dims)
            ha, hb, hc = self.heights(h, 3)
            bias = rng.choice(list(dict.fromkeys([(1, c), (1, c), (r, c), (1, 1), (r, 1)])))
            return self.make(op, [self.gen((r, k), ha), self.gen((k, c), hb), self.gen(bias, hc)], {})
        if op == 'transpose':
            return self.make(op, [self.gen((c, r), h - 1)], {})
        if op in ('sum_rows', 'mean_rows'):
            return self.make(op, [self.gen((r, rng.choice(self.dims)), h - 1)], {})
        if op in ('sum_cols', 'mean_cols'):
            return self.make(op, [self.gen((rng.choice(self.dims), c), h - 1)], {})
        if op in ('log_softmax', 'softmax'):
            return self.make(op, [self.gen(shape, h - 1)], {})
        if op in ('sum', 'mean', 'l2'):
            return self.make(op, [self.gen((self.dim(), self.dim()), h - 1)], {})
        if op == 'mse':
            s = (self.dim(), self.dim())
            ha, hb = self.heights(h, 2)
            if rng.random() < 0.5:
                a, b = self.gen(s, h - 1), self.new_leaf(s, kind='input', role='target')
            else:
                a, b = self.gen(s, ha), self.gen(s, hb)
            return self.make(op, [a, b] if rng.random() < 0.7 else [b, a], {})
        if op == 'binary_cross_entropy_with_logits':
            s = (self.dim(), self.dim())
            a = self.gen(s, h - 1)
            if h >= 2 and rng.random() < 0.3:
                t = self.make('sigmoid', [self.gen(s, -(h - 2))], {})
            else:
                t = self.new_leaf(s, kind='input', lo=0.0, hi=1.0, role='target')
            return self.make(op, [a, t], {})
        if op == 'cross_entropy':
            s = (self.dim(), rng.choice(self.dims))
            a = self.gen(s, h - 1)
            labels = self.new_leaf((s[0], 1), kind='input', fill='labels', classes=s[1], role='labels')
            return self.make(op, [a, labels], {})
        raise KeyError(op)

    def valid(self, node):
        if not finite_and_moderate(node.value):
            return False
        op, a = node.op, node.args
        if op in ('relu', 'abs', 'leaky_relu'):
            return min_abs(a[0].value) >= KINK_MARGIN
        if op == 'clamp':
            lo, hi = node.attr['lo'], node.attr['hi']
            return all(abs(e - lo) >= KINK_MARGIN and abs(e - hi) >= KINK_MARGIN
                       for row in a[0].value for e in row)
        if op in ('max', 'min'):
            return min_abs(bc(BINARY['sub'], a[0].value, a[1].value)) >= KINK_MARGIN
        if op in ('log', 'sqrt'):
            return min_value(a[0].value) >= POSITIVE
        if op == 'pow' and node.attr['p'] not in POW_ANY:
            return min_value(a[0].value) >= POSITIVE
        if op == 'div':
            return min_abs(a[1].value) >= POSITIVE
        return True

    def root(self, depth):
        """A 1 x 1 loss of height exactly `depth`."""
        if depth >= 2 and self.rng.random() < 0.3:
            # sum(e * R): the full Jacobian of e, weighted by a random input R
            s = (self.dim(), self.dim())
            e = self.gen(s, depth - 2)
            R = self.new_leaf(s, kind='input', role='weights')
            node = self.make('sum', [self.make('mul', [e, R], {})], {})
            if finite_and_moderate(node.value):
                return node
        return self.gen((1, 1), depth, top=True)


# ---------------------------------------------------------------------------------------------
# Acceptance: the generator's own finite differences at two step sizes must agree, which rules
# out kinks straddled by a step and gradients drowned in rounding.


def fd_gradient(root, leaf_node, h):
    g = []
    vals = leaf_node.value
    for row in vals:
        grow = []
        for j in range(len(row)):
            saved = row[j]
            s = (saved + h * max(1.0, abs(saved))) - saved
            row[j] = saved + s
            fp = evaluate(root, {})[0][0]
            row[j] = saved - s
            fm = evaluate(root, {})[0][0]
            row[j] = saved
            grow.append((fp - fm) / (2 * s))
        g.append(grow)
    return g


def rel_err(a, b):
    diff, scale = 0.0, 1e-12
    for ra, rb in zip(a, b):
        for x, y in zip(ra, rb):
            diff = max(diff, abs(x - y))
            scale = max(scale, abs(x), abs(y))
    return diff / scale


def well_conditioned(root, params):
    f = abs(root.value[0][0])
    for p in params:
        g1 = fd_gradient(root, p, 1e-6)
        if max(abs(e) for row in g1 for e in row) < 1e-4 * max(1.0, f):
            return False  # (nearly) zero gradient: relative errors of rounding noise
        g2 = fd_gradient(root, p, 1e-4)
        if rel_err(g1, g2) > 2e-7:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Emission.


def topo(root):
    """Nodes in dependency order, and how many argument slots of distinct nodes use each."""
    order, seen, uses = [], set(), {}

    def count_uses(n, done):
        if id(n) in done:
            return
        done.add(id(n))
        for a in n.args:
            uses[id(a)] = uses.get(id(a), 0) + 1
            count_uses(a, done)

    def order_nodes(n):
        if id(n) in seen:
            return
        seen.add(id(n))
        for a in n.args:
            order_nodes(a)
        order.append(n)

    count_uses(root, set())
    order_nodes(root)
    return order, uses


def num(x):
    s = repr(float(x))
    return s


def graph_facts(root):
    order, uses = topo(root)
    ops = set()
    occurrences = {}
    bcast = set()
    numbers = False
    for n in order:
        if n.op in ('leaf', 'const'):
            continue
        ops.add(n.op)
        occurrences[n.op] = occurrences.get(n.op, 0) + 1
        if n.op in BINARY_OPS or n.op == 'lin':
            operands = n.args if n.op != 'lin' else [n.args[2]]
            for a in operands:
                if a.op == 'const':
                    numbers = True
                elif a.shape != n.shape:
                    bcast.add('scalar' if a.shape == (1, 1) else 'row' if a.shape[0] == 1 else 'column')
        if n.op == 'clamp' or n.op == 'leaky_relu' or n.op == 'pow':
            numbers = True
    shared = [n for n in order if n.op not in ('leaf', 'const') and uses.get(id(n), 0) >= 2]
    return order, uses, ops, occurrences, bcast, numbers, shared


class Graph:
    pass


def unfolded_size(root):
    """Nodes of the graph as a tree, each argument counted once per read of its op (READS)."""
    memo = {}

    def size(n):
        if id(n) not in memo:
            memo[id(n)] = 1 + sum(size(a) * READS.get(n.op, 1) for a in n.args)
        return memo[id(n)]
    return size(root)


def make_graph(index, seed, op_counts):
    depth = 1 + index % MAX_DEPTH
    for attempt in range(200):
        rng = random.Random(f'{seed}/{index}/{attempt}')
        seed_base = (seed * 1000003 + index * 1009 + attempt * 101) % (1 << 40) * 16
        b = GraphBuilder(rng, seed_base, op_counts)
        root = b.root(depth)
        if root.height != depth or root.shape != (1, 1) or root.static_shape != (1, 1):
            continue  # value_and_grad wants a loss that is 1 x 1 at compile time
        order, uses, ops, occ, bcast, numbers, shared = graph_facts(root)
        leaves = [n for n in order if n.op == 'leaf']
        params = [n for n in leaves if n.leaf.kind == 'param']
        if not params or len(params) > 10 or len(leaves) - len(params) > 10:
            continue
        if depth >= 3 and not shared and rng.random() < 0.9:
            continue  # most deeper graphs share a subexpression
        if unfolded_size(root) > MAX_UNFOLDED:
            continue
        if not well_conditioned(root, params):
            continue
        g = Graph()
        g.index, g.depth, g.root, g.order, g.uses, g.ops, g.occ = index, depth, root, order, uses, ops, occ
        g.bcast, g.numbers, g.shared, g.params = bcast, numbers, shared, params
        g.inputs = [n for n in leaves if n.leaf.kind == 'input']
        g.mode = b.mode
        g.attempts = attempt + 1
        for op, k in occ.items():
            op_counts[op] = op_counts.get(op, 0) + k
        return g
    raise RuntimeError(f'graph {index}: no well-conditioned graph in 200 attempts')


def emit_graph(g):
    names = {}
    for i, n in enumerate(g.params):
        names[id(n)] = f'p{i}'
    for i, n in enumerate(g.inputs):
        names[id(n)] = f'i{i}'
    lines = []
    shared_ids = {id(n) for n in g.shared}
    k = 0

    def expr(n, top=False):
        if id(n) in names:
            return names[id(n)]
        if n.op == 'const':
            return num(n.attr['x'])
        a = [expr(x, top=n.op not in ('add', 'sub', 'mul', 'div', 'neg')) for x in n.args]
        op = n.op
        if op in ('add', 'sub', 'mul', 'div'):
            sym = {'add': '+', 'sub': '-', 'mul': '*', 'div': '/'}[op]
            for i, x in enumerate(n.args):
                if x.op == 'const' and x.attr['x'] < 0:
                    a[i] = f'({a[i]})'
            s = f'{a[0]} {sym} {a[1]}'
            return s if top else f'({s})'
        if op == 'neg':
            return f'(-{a[0]})'
        if op == 'leaky_relu':
            return f'o.leaky_relu({a[0]}, {num(n.attr["slope"])})'
        if op == 'pow':
            return f'o.pow({a[0]}, {num(n.attr["p"])})'
        if op == 'clamp':
            return f'o.clamp({a[0]}, {num(n.attr["lo"])}, {num(n.attr["hi"])})'
        return f'o.{op}({", ".join(a)})'

    for n in g.order:
        if id(n) in shared_ids:
            e = expr(n, top=True)
            names[id(n)] = f's{k}'
            lines.append(f'auto s{k} = {e};')
            k += 1
    lines.append(f'return {expr(g.root, top=True)};')

    out = []
    facts = [f'depth {g.depth}', g.mode]
    if g.shared:
        facts.append(f'{len(g.shared)} shared')
    if g.bcast:
        facts.append('broadcast ' + '/'.join(sorted(g.bcast)))
    out.append(f'BOOST_AUTO_TEST_CASE(g{g.index:03d}) {{ // {", ".join(facts)}')
    tensors = g.params + g.inputs
    for i, n in enumerate(tensors):
        L = n.leaf
        r, c = L.shape
        if L.fill == 'labels':
            t = f'rg::labels<{r}>({L.classes}, {L.seed})' if L.static else f'rg::labels({r}, {L.classes}, {L.seed})'
        elif L.static:
            t = f'rg::uniform<{r}, {c}>({L.seed}, {num(L.lo)}, {num(L.hi)})'
        else:
            t = f'rg::uniform({r}, {c}, {L.seed}, {num(L.lo)}, {num(L.hi)})'
        out.append(f'    auto t{i} = {t};')
    params = ', '.join(['[[maybe_unused]] auto o'] + [f'auto const& {names[id(n)]}' for n in tensors])
    out.append(f'    rg::check<{len(g.params)}>([]({params}) {{')
    for line in lines:
        out.append(f'        {line}')
    out.append(f'    }}, {", ".join(f"t{i}" for i in range(len(tensors)))});')
    out.append('}')
    return '\n'.join(out)



# ---------------------------------------------------------------------------------------------
# Graphs with `repeat`: a block from BLOCKS run over stacks of 0 to 4 layers, inside a loss. Every
# block is smooth (no kinks), so these need no conditioning pass; weights are small.

BLOCKS = [  # (the stacks the block takes, each 'w' (d x d) or 'b' (1 x d), and its body)
    ('wb', 'h + v.tanh(v.lin(h, w, b))'),
    ('wb', 'v.sigmoid(v.matmul(h, w)) * h + b'),
    ('wb', 'v.softplus(v.matmul(h, w) + b) - 0.5 * h'),
    ('wb', 'h + v.tanh(v.matmul(h, w)) * b'),
    ('wb', 'v.tanh(h * b + v.matmul(v.square(h), w))'),
    ('wb', 'h - v.mean_rows(h) + v.sigmoid(v.lin(h, w, b))'),
    ('w', 'h + v.tanh(v.matmul(h, w))'),
    ('w', 'h + v.matmul(v.tanh(h), v.transpose(w))'),
    ('b', '0.9 * v.tanh(h + b)'),
    ('wbu', 'h + v.matmul(v.tanh(v.lin(h, w, b)), u)'),
]
REPEAT_LOSSES = [  # of the repeat's result R (n x d); V: a d x c param, Y: labels, T: an n x d input
    'o.sum(o.square(R))',
    'o.mean(o.softplus(R))',
    'o.cross_entropy(o.matmul(R, V), Y)',
    'o.mse(R, T)',
    'o.l2(R) + o.sum(R)',
]


class RepeatGraph:
    pass


def make_repeat_graph(index, seed):
    rng = random.Random(f'{seed}/repeat/{index}')
    base = (seed * 1000003 + index * 7919) % (1 << 40) * 16 + (1 << 44)
    n, d = rng.choice([1, 2, 3, 5]), rng.choice([1, 2, 3, 4])
    mode = rng.choice(['static', 'dynamic', 'mixed'])
    inner_static = mode == 'static' or (mode == 'mixed' and rng.random() < 0.5)
    outer_static = mode == 'static' or (mode == 'mixed' and not inner_static)
    g = RepeatGraph()
    g.index, g.mode, g.n, g.d = index, mode, n, d
    g.leaves = []  # (kind, name, C++ initialiser); params first

    def leaf(kind, init):
        g.leaves.append((kind, init))
        return len(g.leaves) - 1

    def tensor(rows, cols, static, lo, hi):
        s = base + 64 * len(g.leaves)
        if static:
            return f'rg::uniform<{rows}, {cols}>({s}, {num(lo)}, {num(hi)})'
        return f'rg::uniform({rows}, {cols}, {s}, {num(lo)}, {num(hi)})'

    def stack(layers, rows, cols, static, lo, hi):
        s = base + 64 * len(g.leaves)
        if static:
            return f'rg::uniform_stack<{rows}, {cols}>({layers}, {s}, {num(lo)}, {num(hi)})'
        return f'rg::uniform_stack({layers}, {rows}, {cols}, {s}, {num(lo)}, {num(hi)})'

    repeats = 2 if rng.random() < 0.2 else 1
    g.blocks, g.layers, g.stacks = [], [], []
    for _ in range(repeats):
        b = rng.randrange(len(BLOCKS))
        layers = rng.choice([0, 1, 2, 2, 3, 3, 4])
        g.blocks.append(b)
        g.layers.append(layers)
        ids = []
        for kind in BLOCKS[b][0]:
            rows = 1 if kind == 'b' else d
            ids.append(leaf('param', stack(layers, rows, d, inner_static, -0.6, 0.6)))
        g.stacks.append(ids)
    x_param = rng.random() < 0.6
    losses = [rng.randrange(len(REPEAT_LOSSES)) for _ in range(repeats)]
    # A number in the input is renumbered where the loss reads the repeat twice (cross_entropy, or
    # l2 + sum), and the repeat would run twice (a compile error that says so): only under losses
    # that read it once (mean's second read is for its count only).
    once = all(REPEAT_LOSSES[li].count('R') == 1 and 'cross_entropy' not in REPEAT_LOSSES[li] for li in losses)
    pre = rng.choice(['X', 'X', 'o.tanh(X)'] + ['0.5 * X'] * once)
    g.losses = losses
    needs = set()
    for li in losses:
        for ch in 'VYT':
            if ch in REPEAT_LOSSES[li]:
                needs.add(ch)
    classes = rng.choice([2, 3])
    x = leaf('param', tensor(n, d, inner_static, -1.0, 1.0)) if x_param else None
    v = leaf('param', tensor(d, classes, outer_static, -1.0, 1.0)) if 'V' in needs else None
    if not x_param:
        x = leaf('input', tensor(n, d, inner_static, -1.0, 1.0))
    y = None
    if 'Y' in needs:
        s = base + 64 * len(g.leaves)
        y = leaf('input', f'rg::labels<{n}>({classes}, {s})' if outer_static else f'rg::labels({n}, {classes}, {s})')
    t = leaf('input', tensor(n, d, outer_static, -1.0, 1.0)) if 'T' in needs else None

    params = [i for i, (k, _) in enumerate(g.leaves) if k == 'param']
    inputs = [i for i, (k, _) in enumerate(g.leaves) if k == 'input']
    g.order = params + inputs
    names = {}
    for k, i in enumerate(params):
        names[i] = f'p{k}'
    for k, i in enumerate(inputs):
        names[i] = f'i{k}'
    g.names = names
    terms = []
    lines = []
    for r in range(repeats):
        kinds, body = BLOCKS[g.blocks[r]]
        args = ', '.join(f'auto const& {k}' for k in kinds)
        lines.append(f'auto block{r} = [](auto const& h, {args}) {{')
        lines.append('    auto v = rg::vocabulary(h);')
        lines.append(f'    return {body};')
        lines.append('};')
        stacks = ', '.join(names[i] for i in g.stacks[r])
        # Bound once: a loss that reads it twice (l2 + sum) reads one repeat, not two copies.
        lines.append(f'auto r{r} = o.repeat(block{r}, {pre.replace("X", names[x])}, {stacks});')
        loss = REPEAT_LOSSES[losses[r]].replace('R', f'r{r}')
        loss = loss.replace('V', names[v] if v is not None else 'V').replace('Y', names[y] if y is not None else 'Y')
        loss = loss.replace('T', names[t] if t is not None else 'T')
        terms.append(loss)
    lines.append(f'return {" + ".join(terms)};')
    g.lines = lines
    return g


def emit_repeat_graph(g):
    facts = [f'repeat, {" and ".join(f"{L} layer" + "s" * (L != 1) for L in g.layers)}', g.mode,
             'blocks ' + '/'.join(str(b) for b in g.blocks)]
    out = [f'BOOST_AUTO_TEST_CASE(r{g.index:03d}) {{ // {", ".join(facts)}']
    for k, i in enumerate(g.order):
        out.append(f'    auto t{k} = {g.leaves[i][1]};')
    params = ', '.join(['[[maybe_unused]] auto o'] + [f'auto const& {g.names[i]}' for i in g.order])
    nparams = sum(1 for k, _ in g.leaves if k == 'param')
    out.append(f'    rg::check<{nparams}>([]({params}) {{')
    for line in g.lines:
        out.append(f'        {line}')
    out.append(f'    }}, {", ".join(f"t{k}" for k in range(len(g.order)))});')
    out.append('}')
    return '\n'.join(out)


def coverage_table(graphs, repeats=()):
    rows = []
    n = len(graphs)
    for op in ALL_OPS:
        gs = sum(1 for g in graphs if op in g.ops)
        occ = sum(g.occ.get(op, 0) for g in graphs)
        rows.append((op, gs, occ))
    feats = [
        ('shared subexpression', sum(1 for g in graphs if g.shared)),
        ('number operand', sum(1 for g in graphs if g.numbers)),
        ('row-vector broadcast', sum(1 for g in graphs if 'row' in g.bcast)),
        ('column-vector broadcast', sum(1 for g in graphs if 'column' in g.bcast)),
        ('scalar broadcast', sum(1 for g in graphs if 'scalar' in g.bcast)),
        ('static extents only', sum(1 for g in graphs if g.mode == 'static')),
        ('runtime extents only', sum(1 for g in graphs if g.mode == 'dynamic')),
        ('static and runtime mixed', sum(1 for g in graphs if g.mode == 'mixed')),
    ]
    depths = [(d, sum(1 for g in graphs if g.depth == d)) for d in range(1, MAX_DEPTH + 1)]
    lines = [f'{n} graphs.', '', f'{"op":<34} {"graphs":>6} {"uses":>6}']
    lines += [f'{op:<34} {gs:>6} {occ:>6}' for op, gs, occ in rows]
    lines += ['', f'{"feature":<34} {"graphs":>6}']
    lines += [f'{f:<34} {k:>6}' for f, k in feats]
    lines += ['', 'depth   ' + '  '.join(f'{d}:{k}' for d, k in depths)]
    if repeats:
        layers = sorted({L for r in repeats for L in r.layers})
        used = sorted({b for r in repeats for b in r.blocks})
        lines += ['', f'{len(repeats)} graphs with repeat: blocks {used[0]} to {used[-1]} of BLOCKS, '
                  f'{min(layers)} to {max(layers)} layers, {sum(1 for r in repeats if len(r.layers) == 2)} with two repeats']
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seed', type=int, default=DEFAULT_SEED)
    ap.add_argument('--graphs', type=int, default=DEFAULT_GRAPHS)
    ap.add_argument('--repeats', type=int, default=DEFAULT_REPEATS, help='graphs with repeat, spread over the files')
    ap.add_argument('--files', type=int, default=DEFAULT_FILES)
    ap.add_argument('--out', default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument('--only', type=str, default=None, help='comma-separated graph indices to emit (debugging)')
    args = ap.parse_args()

    op_counts = {}
    graphs = [make_graph(i, args.seed, op_counts) for i in range(args.graphs)]
    repeats = [make_repeat_graph(i, args.seed) for i in range(args.repeats)]
    table = coverage_table(graphs, repeats)
    print('\n'.join(table))
    print(f'attempts: {sum(g.attempts for g in graphs)} for {len(graphs)} graphs', file=sys.stderr)

    if args.only is not None:
        keep = {int(x) for x in args.only.split(',')}
        graphs = [g for g in graphs if g.index in keep]

    cmd = 'python3 tests/random/generate.py'
    if args.seed != DEFAULT_SEED:
        cmd += f' --seed {args.seed}'
    if args.graphs != DEFAULT_GRAPHS:
        cmd += f' --graphs {args.graphs}'
    if args.repeats != DEFAULT_REPEATS:
        cmd += f' --repeats {args.repeats}'
    if args.files != DEFAULT_FILES:
        cmd += f' --files {args.files}'
    written = set()
    per = -(-len(graphs) // args.files)
    rper = -(-len(repeats) // args.files)
    for fi in range(args.files):
        chunk = graphs[fi * per:(fi + 1) * per]
        rchunk = repeats[fi * rper:(fi + 1) * rper]
        if not chunk and not rchunk:
            continue
        head = [
            '// GENERATED by tests/random/generate.py: do not edit, regenerate.',
            f'//   seed {args.seed}, file {fi + 1} of {args.files}: ' + ', '.join(
                [f'graphs {chunk[0].index} to {chunk[-1].index}'] * bool(chunk) +
                [f'repeat graphs {rchunk[0].index} to {rchunk[-1].index}'] * bool(rchunk)),
            f'//   regenerate (all files) with: {cmd}',
            '//',
            '// Randomized gradient checks: each case is one random expression graph, written once as a',
            '// generic lambda over the vocabulary `o` (tapeless expressions or tapeless::tape vars), and',
            "// rg::check compares the compiled step's value with the tape, its gradients with central",
            '// differences and with the tape (tests/random/support.hpp). Coverage of the whole generated set:',
            '//',
        ] + [f'//   {line}'.rstrip() for line in table] + [
            '',
            '#include "random/support.hpp"',
            '',
            'namespace rg = tapeless::test::random_graphs;',
            '',
            f'BOOST_AUTO_TEST_SUITE(random_graphs_{fi:02d})',
            '',
        ]
        body = '\n\n'.join([emit_graph(g) for g in chunk] + [emit_repeat_graph(g) for g in rchunk])
        path = os.path.join(args.out, f'graphs_{fi:02d}.cpp')
        text = '\n'.join(head) + '\n' + body + '\n\nBOOST_AUTO_TEST_SUITE_END()\n'
        written.add(path)
        if os.path.exists(path) and open(path).read() == text:
            continue  # unchanged: keep its time stamp, so the build does not compile it again
        with open(path, 'w') as f:
            f.write(text)

    # a smaller --files must not leave stale files behind
    for f in os.listdir(args.out):
        path = os.path.join(args.out, f)
        if f.startswith('graphs_') and f.endswith('.cpp') and path not in written:
            os.remove(path)


if __name__ == '__main__':
    main()
