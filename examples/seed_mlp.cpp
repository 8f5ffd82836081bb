//! @file Defines the seed demo: a 784-50-1 network, its derived chain rule, and minibatch SGD on
//! Fashion-MNIST.
// SPDX-License-Identifier: BSL-1.0
//
// relu(x·w1 + b1)·w2 + b2, regressing the class label (0..9 as a float) with mean squared error:
// the network whose gradients "Backpropagation explained" derives by hand. Here tapeless derives
// them at compile time; the demo prints d loss/d w1 beside the hand-derived answer, writes the four
// weight gradients as LaTeX and the graph and plan as Graphviz files, shows the plan, then trains.
// This file writes only the forward expression and the update.
//                      usage: seed_mlp [--epochs N] [--batch B] [--lr X] [--out DIR]

#include "support/fashion_mnist.hpp"

#include <tapeless/data/minibatch.hpp>

#include <tapeless/tapeless.hpp>

#include <unistd.h> // isatty

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tl = tapeless;

namespace {

struct options {
    int epochs = 5;
    std::size_t batch = 64;
    // Targets span 0..9, so the first gradients are large: 0.01 trains stably (0.02 too), while 0.05
    // overshoots in the first steps, kills every relu and leaves the loss at the labels' variance.
    float lr = 0.01f;
    std::string out = "."; // where the .tex and .dot files go
};

bool parse(int argc, char** argv, options& opt) {
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view flag = argv[i];
        std::string value = argv[i + 1];
        try {
            if (flag == "--epochs") opt.epochs = std::stoi(value);
            else if (flag == "--batch") opt.batch = std::stoul(value);
            else if (flag == "--lr") opt.lr = std::stof(value);
            else if (flag == "--out") opt.out = value;
            else return false;
        } catch (std::exception const&) {
            return false;
        }
    }
    return argc % 2 == 1 && opt.epochs > 0 && opt.batch > 0 && opt.lr > 0;
}

// He (Kaiming) normal init: variance 2/fan_in keeps relu activations from shrinking or growing.
void he_normal(tl::Tensor<float>& w, std::mt19937& rng) {
    std::normal_distribution<float> dist(0.0f, std::sqrt(2.0f / static_cast<float>(w.rows())));
    for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] = dist(rng);
}

// What "Backpropagation explained" derives by hand for d MSE/d w1 (its final answer, in its notation:
// rows x_i of the batch, the case split is relu's derivative).
constexpr char const* hand_derived_w1 =
    "(2/N) Σᵢ (max(0, xᵢ·w1 + b1)·w2 + b2 - yᵢ)·w2ᵀ·xᵢᵀ  where xᵢ·w1 + b1 > 0, else 0";

// Each line of `text` indented by two spaces.
std::string indented(std::string const& text) {
    std::string out = "  ";
    for (std::size_t i = 0; i < text.size(); ++i) {
        out += text[i];
        if (text[i] == '\n' && i + 1 < text.size()) out += "  ";
    }
    return out;
}

void write_file(std::string const& path, std::string const& text) {
    std::ofstream f(path);
    f << text;
    if (!f) throw std::runtime_error("cannot write " + path);
}

// The chain rule as the compiler derived it: d loss/d w1 beside the hand derivation, the four
// weight gradients as LaTeX, the graphs and the plan as Graphviz files, and what the step runs.
template <class Loss, class Step, class W1, class B1, class W2, class B2>
void show_chain_rule(Loss const& loss, Step const& step, std::string const& dir, W1 const& w1, B1 const& b1,
                     W2 const& w2, B2 const& b2) {
    std::printf("d loss/d w1, derived by tapeless from the type of the expression:\n\n%s\n\n",
                indented(tl::to_string(tl::grad(loss, w1))).c_str());
    std::printf("d MSE/d w1, derived by hand (\"Backpropagation explained\"):\n\n  %s\n\n", hand_derived_w1);
    std::printf("The same, row by row: Σᵢ ... xᵢᵀ is xᵀ·(...), the case split is the mask 𝟙[u1 > 0],\n"
                "and (2/N)u2 is the 2/N·(prediction - y) that both derivations start the backward pass with.\n\n");

    std::string tex = "% The gradients of loss = mse(lin(relu(lin(x, w1, b1)), w2, b2), y), as tapeless derives them.\n"
                      "% Display math for amsmath; \\mathbb{1} renders in MathJax and KaTeX, in LaTeX with bbold.\n";
    auto add = [&](char const* name, auto const& g) {
        tex += std::string("\\[ \\frac{\\partial \\mathrm{loss}}{\\partial ") + name + "} = " + tl::to_latex(g) + " \\]\n";
    };
    add("w_1", tl::grad(loss, w1));
    add("b_1", tl::grad(loss, b1));
    add("w_2", tl::grad(loss, w2));
    add("b_2", tl::grad(loss, b2));
    write_file(dir + "/seed_gradients.tex", tex);
    write_file(dir + "/seed_graph.dot", tl::to_dot(loss, w1, b1, w2, b2));
    write_file(dir + "/seed_plan.dot", tl::to_dot(step));
    write_file(dir + "/seed_plan.txt", tl::explain(step));
    std::printf("What the compiled step runs (tl::describe; each gemm is one matrix product, each loop one\n"
                "pass that fuses the values listed under it):\n\n%s\n", indented(tl::describe(step)).c_str());
    std::printf("Written to %s/: seed_gradients.tex (LaTeX of the gradients), seed_graph.dot (the expression\n"
                "and its derived backward graph), seed_plan.dot (the kernels as a picture) and seed_plan.txt\n"
                "(tl::explain: FLOPs, bytes and buffers of each kernel). Render a .dot file with\n"
                "  dot -Tsvg %s/seed_graph.dot -o seed_graph.svg        (Debian: apt-get install graphviz)\n\n",
                dir.c_str(), dir.c_str());
}

// Plain SGD, w -= lr * dL/dw; the gradient lives in the compiled step's workspace.
void sgd(tl::Tensor<float>& w, auto const& grad, float lr) {
    float const* g = grad.data();
    for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] -= lr * g[i];
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    if (!parse(argc, argv, opt)) {
        std::fprintf(stderr, "usage: %s [--epochs N] [--batch B] [--lr X] [--out DIR]\n", argv[0]);
        return 2;
    }
    tl::examples::fashion_mnist data;
    try {
        data = tl::examples::load_fashion_mnist();
    } catch (tl::examples::dataset_missing const& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    } catch (std::exception const& e) { // a corrupt file
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    auto const& train = data.train;
    std::size_t const B = opt.batch, D = train.images.cols(), H = 50;

    // The tensors the expression reads. x and y hold one minibatch at a time.
    tl::Tensor<float> x(B, D), y(B, 1);
    tl::Tensor<float> w1(D, H), b1(1, H), w2(H, 1), b2(1, 1); // biases start at zero
    std::mt19937 rng(2024);                                   // fixed seed: reproducible runs
    he_normal(w1, rng);
    he_normal(w2, rng);

    auto X = tl::input<"x">(x);
    auto Y = tl::input<"y">(y);
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto W2 = tl::param<"w2">(w2);
    auto B2 = tl::param<"b2">(b2);

    // The seed, one line: loss = mse(lin(relu(lin(x, w1, b1)), w2, b2), y).
    auto loss = tl::mse(tl::lin(tl::relu(tl::lin(X, W1, B1)), W2, B2), Y);
    // Forward and backward planned once, workspace allocated once; each step() allocates nothing.
    auto step = tl::compile(loss, W1, B1, W2, B2);
    try {
        show_chain_rule(loss, step, opt.out, W1, B1, W2, B2);
    } catch (std::exception const& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }

    // The same network over the whole test set: the same W1..B2 leaves, so it always sees the
    // current weights. No leaf is asked for a gradient, so only the forward pass is planned.
    auto test_loss = tl::mse(tl::lin(tl::relu(tl::lin(tl::input<"x">(data.test.images), W1, B1)), W2, B2),
                             tl::input<"y">(data.test.targets));
    auto evaluate = tl::compile(test_loss);

    // Shuffled anew each epoch; the leftover samples are dropped. Each minibatch's rows are
    // copied into x and y, which the compiled step reads.
    tl::data::minibatches train_batches(train.images, train.targets,
                                        {.batch = B, .shuffle = true, .seed = 2024, .drop_last = true});
    std::size_t const batches = train_batches.batches_per_epoch();
    bool const tty = isatty(STDOUT_FILENO) != 0;
    std::printf("seed MLP %zu-%zu-1 on Fashion-MNIST: %zu train, %zu test, batch %zu, lr %g\n", D, H,
                train.size(), data.test.size(), B, static_cast<double>(opt.lr));

    for (int epoch = 1; epoch <= opt.epochs; ++epoch) {
        auto const start = std::chrono::steady_clock::now();
        double train_sum = 0;
        for (std::size_t b : train_batches.epoch(x, y)) {
            step();
            train_sum += step.value();
            sgd(w1, step.grad(W1), opt.lr);
            sgd(b1, step.grad(B1), opt.lr);
            sgd(w2, step.grad(W2), opt.lr);
            sgd(b2, step.grad(B2), opt.lr);

            // Progress: redrawn in place on a terminal, a line per quarter epoch in a log.
            std::size_t const done = b + 1;
            if (tty && (done % 16 == 0 || done == batches)) {
                std::printf("\repoch %d/%d  batch %zu/%zu  loss %.4f", epoch, opt.epochs, done, batches,
                            train_sum / static_cast<double>(done));
                std::fflush(stdout);
            } else if (!tty && done * 4 / batches != b * 4 / batches) {
                std::printf("epoch %d/%d  %3zu%%  loss %.4f\n", epoch, opt.epochs, done * 100 / batches,
                            train_sum / static_cast<double>(done));
            }
        }
        double const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        evaluate();
        std::printf("%sepoch %d/%d  train loss %.4f  test loss %.4f  %.2f s (%.1f us/step)\n", tty ? "\r\033[K" : "",
                    epoch, opt.epochs, train_sum / static_cast<double>(batches),
                    static_cast<double>(evaluate.value()), seconds, 1e6 * seconds / static_cast<double>(batches));
    }
    return 0;
}
