//! @file Defines `save_npz` and `load_npz`: parameters (and an optimizer's state) as a numpy `.npz`
//! checkpoint, one `.npy` array per leaf, that `numpy.load` reads. Needs libzip: link `tapeless::npz`.
// SPDX-License-Identifier: BSL-1.0
#ifndef TAPELESS_CHECKPOINT_NPZ_HPP
#define TAPELESS_CHECKPOINT_NPZ_HPP

#include "../error.hpp"
#include "../expr/leaf.hpp"
#include "../expr/stack.hpp"
#include "../optim/adam.hpp"
#include "../optim/momentum.hpp"

#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include <zip.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tapeless {

namespace detail::npz {

// One array of the checkpoint: where its values live and what they must be.
struct slot {
    std::string name;       // in the archive, without ".npy"
    std::string descr;      // "<f4", "<f8", "<u8"
    std::size_t elem = 0;   // bytes per element
    std::vector<std::size_t> shape;
    void const* src = nullptr; // saving
    void* dst = nullptr;       // loading
    [[nodiscard]] std::size_t count() const {
        std::size_t n = 1;
        for (auto e : shape) n *= e;
        return n;
    }
};

template <class T>
constexpr char const* descr_of() {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "tapeless: npz: parameters must be float or double");
    return std::is_same_v<T, float> ? "<f4" : "<f8";
}

inline std::string shape_text(std::vector<std::size_t> const& s) {
    if (s.empty()) return "a scalar";
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i) out += 'x';
        out += std::to_string(s[i]);
    }
    return out;
}

template <class Leaf>
concept leaf_object = requires(Leaf const& l) {
    Leaf::name;
    l.source;
    l.rows;
    l.data;
};

// The leaf's tensor as it is now: a tracked tensor may have been resized or moved since the leaf
// was made, so its extents and pointer are read through the source.
template <leaf_object Leaf>
slot leaf_slot(Leaf const& l, bool writing) {
    using T = typename Leaf::value_type;
    slot s;
    s.name = std::string(Leaf::name.view());
    s.descr = descr_of<T>();
    s.elem = sizeof(T);
    auto const& src = l.source;
    std::size_t rows = src.rows ? *src.rows : l.rows;
    std::size_t cols = src.cols ? *src.cols : l.cols;
    s.shape = {rows, cols};
    if (src.tracked()) {
        s.src = *src.data;
        s.dst = *src.data;
    } else {
        s.src = l.data;
        if (writing)
            throw binding_error("tapeless: load_npz: leaf '" + s.name +
                                "' views storage it cannot write; make it from a tl::Tensor");
    }
    return s;
}

// A stack's layers, `w.0` ... `w.{L-1}`: each a tensor of the vector as it is now.
template <fixed_string N, class X>
void add_slots(std::vector<slot>& out, stack<N, X> const& s, bool writing) {
    auto& v = stack<N, X>::vector(s.source);
    for (std::size_t i = 0; i < v.size(); ++i) {
        slot one = leaf_slot(typename stack<N, X>::layer{v[i].data(), v[i].rows(), v[i].cols(), v[i].source()}, writing);
        one.name += '.'; // appends: GCC 12 -Wrestrict false positive on `+`
        one.name += std::to_string(i);
        out.push_back(std::move(one));
    }
}
template <leaf_object Leaf>
void add_slots(std::vector<slot>& out, Leaf const& l, bool writing) {
    out.push_back(leaf_slot(l, writing));
}

template <class... Leaves>
std::vector<slot> leaf_slots(boost::hana::tuple<Leaves...> const& params, bool writing) {
    std::vector<slot> out;
    boost::hana::unpack(params, [&](auto const&... l) { (add_slots(out, l, writing), ...); });
    return out;
}

// The optimizers a checkpoint knows: their arrays' prefix, buffers per parameter and step count.
template <class Opt>
struct optimizer_traits;
template <class T>
struct optimizer_traits<optim::adam<T>> {
    static constexpr char const* name = "adam";
    static constexpr std::array<char const*, 2> buffers{"m", "v"};
    static constexpr bool counts_steps = true;
};
template <class T>
struct optimizer_traits<optim::momentum<T>> {
    static constexpr char const* name = "momentum";
    static constexpr std::array<char const*, 1> buffers{"v"};
    static constexpr bool counts_steps = false;
};

// .npy version 1.0: magic, version, little-endian header length, then a Python dict literal
// padded with spaces and a newline so the data starts on a 64-byte boundary (numpy's alignment).
inline std::string npy_header(slot const& s) {
    std::string shape = "(";
    for (std::size_t i = 0; i < s.shape.size(); ++i) shape += std::to_string(s.shape[i]) + ", ";
    if (s.shape.size() > 1) shape.resize(shape.size() - 2); // (3,) for one dimension, (3, 4) for two
    shape += ")";
    std::string dict = "{'descr': '" + s.descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    std::size_t total = (10 + dict.size() + 1 + 63) / 64 * 64;
    dict.append(total - 10 - dict.size() - 1, ' ');
    dict += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(dict.size() & 0xff);
    out += static_cast<char>(dict.size() >> 8);
    return out + dict;
}

// The header dict numpy writes: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }, keys
// in any order. Anything else is refused.
struct header {
    std::string descr;
    bool fortran_order = true;
    std::vector<std::size_t> shape;
    std::size_t data_offset = 0;
};

class dict_parser {
public:
    explicit dict_parser(std::string_view t) : t_(t) {}
    // Returns the failure, or empty.
    std::string parse(header& h) {
        bool seen_descr = false, seen_order = false, seen_shape = false;
        if (!eat('{')) return "header is not a dict";
        while (true) {
            skip();
            if (eat('}')) break;
            std::string key;
            if (!string(key)) return "header key is not a string";
            if (!eat(':')) return "no ':' after header key";
            if (key == "descr") {
                if (!string(h.descr)) return "descr is not a string";
                seen_descr = true;
            } else if (key == "fortran_order") {
                skip();
                if (t_.substr(i_, 4) == "True") h.fortran_order = true, i_ += 4;
                else if (t_.substr(i_, 5) == "False") h.fortran_order = false, i_ += 5;
                else return "fortran_order is not True or False";
                seen_order = true;
            } else if (key == "shape") {
                if (!tuple(h.shape)) return "shape is not a tuple of integers";
                seen_shape = true;
            } else {
                return "unknown header key '" + key + "'";
            }
            skip();
            if (eat('}')) break;
            if (!eat(',')) return "no ',' between header entries";
        }
        skip();
        if (i_ != t_.size()) return "bytes after the header dict";
        if (!seen_descr || !seen_order || !seen_shape) return "header lacks descr, fortran_order or shape";
        return {};
    }

private:
    void skip() {
        while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n')) ++i_;
    }
    bool eat(char c) {
        skip();
        if (i_ < t_.size() && t_[i_] == c) return ++i_, true;
        return false;
    }
    bool string(std::string& out) {
        skip();
        if (i_ >= t_.size() || (t_[i_] != '\'' && t_[i_] != '"')) return false;
        char q = t_[i_++];
        auto end = t_.find(q, i_);
        if (end == std::string_view::npos || end - i_ > 64) return false;
        out = std::string(t_.substr(i_, end - i_));
        i_ = end + 1;
        return true;
    }
    bool tuple(std::vector<std::size_t>& out) {
        if (!eat('(')) return false;
        while (true) {
            if (eat(')')) return true;
            skip();
            std::size_t v = 0, digits = 0;
            while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') {
                if (++digits > 15) return false; // an extent beyond 10^15 fits no tensor
                v = v * 10 + static_cast<std::size_t>(t_[i_++] - '0');
            }
            if (!digits || out.size() >= 8) return false;
            out.push_back(v);
            if (eat(')')) return true;
            if (!eat(',')) return false;
        }
    }
    std::string_view t_;
    std::size_t i_ = 0;
};

// Parses the header at the front of `b` (its first bytes, at most the header's); empty on success.
inline std::string parse_header(std::string_view b, header& h) {
    if (b.size() < 10 || b.substr(0, 6) != std::string_view("\x93NUMPY", 6)) return "not a .npy array (no magic)";
    auto byte = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(b[i])); };
    std::size_t major = byte(6), len = 0, start = 0;
    if (major == 1) len = byte(8) | byte(9) << 8, start = 10;
    else if (major == 2 || major == 3) {
        if (b.size() < 12) return "truncated .npy header";
        len = byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24;
        start = 12;
    } else {
        return ".npy version " + std::to_string(major) + " is not 1, 2 or 3";
    }
    if (b.size() < start + len) return "truncated .npy header";
    std::string msg = dict_parser(b.substr(start, len)).parse(h);
    h.data_offset = start + len;
    return msg;
}

struct zip_closer {
    void operator()(zip_t* z) const { zip_discard(z); }
};
struct file_closer {
    void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using zip_ptr = std::unique_ptr<zip_t, zip_closer>;

// Appended to a named string, not `literal + temporary`: GCC 12 at -O3 misreports that as an
// overlapping copy (-Wrestrict).
inline std::string quoted(std::filesystem::path const& p) {
    std::string s = "\"";
    s += p.string();
    s += '"';
    return s;
}

inline void save(std::filesystem::path const& path, std::vector<slot> const& slots) {
    auto fail = [&](std::string what) { throw file_error("tapeless: save_npz(" + quoted(path) + "): " + what); };
    for (std::size_t i = 0; i < slots.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (slots[i].name == slots[j].name) fail("two arrays named '" + slots[i].name + "'");
    // Every array in memory first: libzip reads the buffers only when the archive is closed.
    std::vector<std::string> files;
    files.reserve(slots.size());
    for (auto const& s : slots) {
        std::string f = npy_header(s);
        std::size_t head = f.size();
        f.resize(head + s.count() * s.elem);
        if (s.count()) std::memcpy(f.data() + head, s.src, s.count() * s.elem);
        files.push_back(std::move(f));
    }
    int err = 0;
    // libzip writes a temporary file beside `path` and renames it over `path` on close.
    zip_ptr z(zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err));
    if (!z) {
        zip_error_t e;
        zip_error_init_with_code(&e, err);
        std::string what = zip_error_strerror(&e);
        zip_error_fini(&e);
        fail(what);
    }
    for (std::size_t i = 0; i < slots.size(); ++i) {
        zip_source_t* src = zip_source_buffer(z.get(), files[i].data(), files[i].size(), 0);
        if (!src) fail(zip_strerror(z.get()));
        zip_int64_t at = zip_file_add(z.get(), (slots[i].name + ".npy").c_str(), src, ZIP_FL_ENC_UTF_8);
        if (at < 0) {
            zip_source_free(src);
            fail(zip_strerror(z.get()));
        }
        // Stored, not deflated, as numpy.savez does: floats barely compress.
        zip_set_file_compression(z.get(), static_cast<zip_uint64_t>(at), ZIP_CM_STORE, 0);
    }
    if (zip_close(z.get()) != 0) fail(zip_strerror(z.get()));
    (void)z.release(); // closed
}

// Reads every array named by `slots`, checks it, and only then copies them all into place.
inline void load(std::filesystem::path const& path, std::vector<slot> const& slots) {
    auto fail = [&](std::string what) { throw file_error("tapeless: load_npz(" + quoted(path) + "): " + what); };
    int err = 0;
    zip_ptr z(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err));
    if (!z) {
        zip_error_t e;
        zip_error_init_with_code(&e, err);
        std::string what = zip_error_strerror(&e);
        zip_error_fini(&e);
        fail(err == ZIP_ER_NOENT ? "no such file" : "not a readable zip archive: " + what);
    }
    zip_int64_t n = zip_get_num_entries(z.get(), 0);
    if (n < 0) fail("not a readable zip archive");
    std::map<std::string, zip_uint64_t> entries;
    for (zip_int64_t i = 0; i < n; ++i) {
        char const* raw = zip_get_name(z.get(), static_cast<zip_uint64_t>(i), 0);
        if (!raw) fail("entry " + std::to_string(i) + " has no name");
        std::string name = raw;
        if (name.size() < 4 || name.compare(name.size() - 4, 4, ".npy") != 0)
            fail("entry '" + name + "' is not a .npy array");
        name.resize(name.size() - 4);
        if (!entries.emplace(name, static_cast<zip_uint64_t>(i)).second) fail("two arrays named '" + name + "'");
    }
    for (auto const& s : slots)
        if (!entries.count(s.name)) fail("no array '" + s.name + "' in the file");
    for (auto const& entry : entries) { // not a structured binding: clang 14 cannot capture those
        std::string const& name = entry.first;
        bool wanted = std::any_of(slots.begin(), slots.end(), [&](slot const& s) { return s.name == name; });
        if (!wanted) fail("unexpected array '" + name + "' in the file");
    }

    std::vector<std::string> data(slots.size());
    for (std::size_t k = 0; k < slots.size(); ++k) {
        slot const& s = slots[k];
        std::string const what = "array '" + s.name + "'";
        zip_uint64_t index = entries.at(s.name);
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(z.get(), index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
            fail(what + ": unreadable entry");
        std::unique_ptr<zip_file_t, file_closer> f(zip_fopen_index(z.get(), index, 0));
        if (!f) fail(what + ": " + zip_strerror(z.get()));
        // Read in pieces, growing the buffer only as far as the bytes that came and the size the
        // destination allows: a header's word allocates nothing.
        std::size_t const header_cap = 65536 + 12;
        std::string b;
        header h;
        bool parsed = false;
        std::size_t want = std::min<zip_uint64_t>(st.size, header_cap);
        std::array<char, 65536> chunk;
        while (true) {
            if (b.size() >= want) {
                if (!parsed) {
                    std::string msg = parse_header(b, h);
                    if (!msg.empty()) fail(what + ": " + msg);
                    parsed = true;
                    if (h.descr != s.descr)
                        fail(what + " has dtype '" + h.descr + "' in the file, the destination is '" + s.descr + "'");
                    if (h.fortran_order) fail(what + " is in Fortran order; save it in C order");
                    if (h.shape != s.shape)
                        fail(what + " is " + shape_text(h.shape) + " in the file, the destination is " +
                             shape_text(s.shape));
                    want = h.data_offset + s.count() * s.elem;
                    if (b.size() > want) fail(what + ": bytes after the last element");
                    if (st.size != want)
                        fail(what + ": the archive says " + std::to_string(st.size) + " bytes, the array needs " +
                             std::to_string(want));
                    continue;
                }
                // One read past the end: libzip checks the CRC when it reaches the end.
                zip_int64_t extra = zip_fread(f.get(), chunk.data(), 1);
                if (extra < 0) fail(what + ": " + zip_file_strerror(f.get()));
                if (extra > 0) fail(what + ": bytes after the last element");
                break;
            }
            std::size_t ask = std::min(chunk.size(), want - b.size());
            zip_int64_t got = zip_fread(f.get(), chunk.data(), ask);
            if (got < 0) fail(what + ": " + zip_file_strerror(f.get()));
            if (got == 0) {
                if (!parsed) {
                    std::string msg = parse_header(b, h);
                    fail(what + ": " + (msg.empty() ? "truncated" : msg));
                }
                fail(what + ": truncated (" + std::to_string(b.size()) + " of " + std::to_string(want) + " bytes)");
            }
            b.append(chunk.data(), static_cast<std::size_t>(got));
        }
        data[k] = b.substr(h.data_offset);
    }
    for (std::size_t k = 0; k < slots.size(); ++k)
        if (!data[k].empty()) std::memcpy(slots[k].dst, data[k].data(), data[k].size());
}

template <class Opt>
using opt_t = optimizer_traits<std::remove_cvref_t<Opt>>;

// Arrays of the optimizer's state: buffer k of parameter i is "<optimizer>/<buffer>/<leaf>"; an
// optimizer that has not stepped yet saves zeros (which is what its first step would start from).
template <class Opt>
void add_state(std::vector<slot>& slots, std::size_t nparams, Opt& opt, std::vector<std::vector<char>>& zeros,
               std::uint64_t* t) {
    using traits = opt_t<Opt>;
    auto& state = opt.checkpoint_state();
    for (std::size_t k = 0; k < traits::buffers.size(); ++k)
        for (std::size_t i = 0; i < nparams; ++i) {
            slot s = slots[i];
            s.name = std::string(traits::name) + "/" + traits::buffers[k] + "/" + slots[i].name;
            if (state.empty()) {
                zeros.emplace_back(s.count() * s.elem, char(0));
                s.src = zeros.back().data();
                s.dst = nullptr; // bound after validation
            } else {
                s.src = state.buffer(i, k);
                s.dst = state.buffer(i, k);
            }
            slots.push_back(std::move(s));
        }
    if constexpr (traits::counts_steps) {
        slot s;
        s.name = std::string(traits::name) + "/t";
        s.descr = "<u8";
        s.elem = sizeof(std::uint64_t);
        s.src = t;
        s.dst = t;
        slots.push_back(std::move(s));
    }
}

} // namespace detail::npz

//! Writes each parameter as `<name>.npy` in an uncompressed zip at `path` (numpy.savez's layout):
//! `numpy.load(path)["w1"]` is w1, 2-D, C order, float32 or float64 as the tensor; a stack `w`
//! (`params<"w">`) is one array per layer, `w.0` ... `w.{L-1}`. Throws
//! `file_error` if the file cannot be written; an existing file is replaced only on success.
template <class... Leaves>
void save_npz(std::filesystem::path const& path, boost::hana::tuple<Leaves...> const& params) {
    detail::npz::save(path, detail::npz::leaf_slots(params, false));
}

//! As `save_npz(path, params)`, plus the optimizer's state: `adam/m/<name>`, `adam/v/<name>` and
//! the step count `adam/t` (uint64, shape ()); `momentum/v/<name>` for momentum.
template <class... Leaves, class Opt>
    requires requires { detail::npz::opt_t<Opt>::name; }
void save_npz(std::filesystem::path const& path, boost::hana::tuple<Leaves...> const& params, Opt const& opt) {
    auto slots = detail::npz::leaf_slots(params, false);
    std::vector<std::vector<char>> zeros;
    zeros.reserve(2 * slots.size());
    auto& o = const_cast<Opt&>(opt); // the state's buffers are only read here
    std::uint64_t t = 0;
    if constexpr (detail::npz::opt_t<Opt>::counts_steps) t = opt.step_count();
    detail::npz::add_state(slots, slots.size(), o, zeros, &t);
    detail::npz::save(path, slots);
}

//! `save_npz(path, W1, B1, ...)`: the leaves themselves, without a parameter set.
template <detail::npz::leaf_object... Leaves>
    requires(sizeof...(Leaves) > 0)
void save_npz(std::filesystem::path const& path, Leaves const&... params) {
    save_npz(path, boost::hana::make_tuple(params...));
}

//! Reads what `save_npz(path, params)` wrote (or numpy.savez / savez_compressed with the same
//! names) into the parameters' tensors, in place. The file must hold exactly one array per
//! parameter, of its name, shape and element type, in C order; otherwise `file_error` names the
//! first difference, as does a missing, truncated or corrupt file, and no tensor is changed.
template <class... Leaves>
void load_npz(std::filesystem::path const& path, boost::hana::tuple<Leaves...> const& params) {
    detail::npz::load(path, detail::npz::leaf_slots(params, true));
}

//! As `load_npz(path, params)`, plus the optimizer's state, so training resumes where it was
//! saved. An optimizer that already stepped must have stepped these parameters (else
//! `binding_error`); a fresh one takes them as its first step would.
template <class... Leaves, class Opt>
    requires requires { detail::npz::opt_t<Opt>::name; }
void load_npz(std::filesystem::path const& path, boost::hana::tuple<Leaves...> const& params, Opt& opt) {
    using traits = detail::npz::opt_t<Opt>;
    using T = typename Opt::value_type;
    auto slots = detail::npz::leaf_slots(params, true);
    std::size_t const np = slots.size();
    // Pairs as the optimizer's first step would see them (the gradient is not read by bind).
    std::vector<optim::detail::pair_ref<T>> pairs;
    for (auto const& s : slots) {
        if (s.descr != detail::npz::descr_of<T>())
            throw binding_error("tapeless: load_npz: parameter '" + s.name + "' is not of the optimizer's element type");
        pairs.push_back({static_cast<T*>(s.dst), static_cast<T const*>(s.dst), {s.shape[0], s.shape[1]},
                         {s.shape[0], s.shape[1]}});
    }
    auto& state = opt.checkpoint_state();
    if (!state.empty()) state.bind(traits::name, pairs); // checks, changes nothing
    // Read into scratch first, then bind a fresh optimizer (which allocates its buffers) and copy.
    std::vector<std::vector<char>> scratch;
    scratch.reserve(np * traits::buffers.size());
    std::uint64_t t = 0;
    detail::npz::add_state(slots, np, opt, scratch, &t);
    std::vector<void*> dst(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
        dst[i] = slots[i].dst;
        if (!slots[i].dst) {
            scratch.emplace_back(slots[i].count() * slots[i].elem);
            slots[i].dst = scratch.back().data();
        }
    }
    detail::npz::load(path, slots);
    if (state.empty()) state.bind(traits::name, pairs);
    std::size_t at = np;
    for (std::size_t k = 0; k < traits::buffers.size(); ++k)
        for (std::size_t i = 0; i < np; ++i, ++at)
            if (!dst[at] && slots[at].count())
                std::memcpy(state.buffer(i, k), slots[at].dst, slots[at].count() * slots[at].elem);
    if constexpr (traits::counts_steps) opt.checkpoint_step_count(t);
}

//! `load_npz(path, W1, B1, ...)`: the leaves themselves, without a parameter set.
template <detail::npz::leaf_object... Leaves>
    requires(sizeof...(Leaves) > 0)
void load_npz(std::filesystem::path const& path, Leaves const&... params) {
    load_npz(path, boost::hana::make_tuple(params...));
}

} // namespace tapeless

#endif
