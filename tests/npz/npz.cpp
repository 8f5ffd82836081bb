// Checkpoints as numpy .npz: what save_npz writes, load_npz reads back exactly and numpy reads too;
// what numpy writes, load_npz reads; every file that does not fit the destination is refused with
// a file_error naming the difference, and leaves every destination tensor as it was.
// SPDX-License-Identifier: BSL-1.0
#include "support/npz.hpp"

#include <tapeless/checkpoint/npz.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/hana/tuple.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace tl = tapeless;
namespace tn = tapeless::test::npz;
namespace fs = std::filesystem;

namespace {

// Values exact in float and double alike, so numpy can compare them with ==.
template <class T>
void fill_pattern(tl::Tensor<T>& t, double offset) {
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<T>(offset + 0.125 * static_cast<double>(i));
}

template <class T>
bool holds(tl::Tensor<T> const& t, T v) {
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t.data()[i] != v) return false;
    return true;
}

// Runs a python3 script with numpy; its exit status is the check (a missing python3 or numpy fails).
int python(fs::path const& dir, std::string const& script, fs::path const& arg) {
    fs::path file = dir / "check.py";
    tn::write_file(file, "import sys\nimport numpy\npath = sys.argv[1]\n" + script);
    std::string cmd = std::string("\"") + TAPELESS_TEST_PYTHON + "\" \"" + file.string() + "\" \"" + arg.string() + "\"";
    return std::system(cmd.c_str());
}

// Two float parameters, a good checkpoint of them, and sentinels to see that a refused load
// wrote nothing.
struct fixture {
    tn::temp_dir dir{"npz"};
    tl::Tensor<float> w{3, 4}, b{1, 4};
    fs::path good = dir.path / "good.npz";
    fixture() {
        fill_pattern(w, -1.0);
        fill_pattern(b, 2.0);
        tl::save_npz(good, tl::param<"w">(w), tl::param<"b">(b));
        sentinel();
    }
    void sentinel() {
        w.fill(7.0f);
        b.fill(7.0f);
    }
    // load_npz(file) into (w, b) must throw a file_error saying `says`, writing nothing.
    void refused(fs::path const& file, std::string const& says) {
        std::string msg = "(accepted)";
        try {
            tl::load_npz(file, tl::param<"w">(w), tl::param<"b">(b));
        } catch (tl::file_error const& e) {
            msg = e.what();
        }
        BOOST_TEST(msg.find(says) != std::string::npos, "\"" << msg << "\" should say \"" << says << "\"");
        BOOST_TEST(msg.rfind("tapeless: load_npz(\"" + file.string() + "\"): ", 0) == 0u, msg);
        BOOST_TEST(holds(w, 7.0f));
        BOOST_TEST(holds(b, 7.0f));
    }
    fs::path zip(std::vector<std::pair<std::string, tn::bytes>> const& files, bool deflate = false) {
        fs::path p = dir.path / "made.npz";
        tn::write_zip(p, files, deflate);
        return p;
    }
    static tn::bytes payload(std::size_t n, std::size_t elem) { return tn::bytes(n * elem, '\0'); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(npz, fixture)

BOOST_AUTO_TEST_CASE(round_trip_float) {
    tl::load_npz(good, boost::hana::make_tuple(tl::param<"w">(w), tl::param<"b">(b)));
    tl::Tensor<float> ew(3, 4), eb(1, 4);
    fill_pattern(ew, -1.0);
    fill_pattern(eb, 2.0);
    for (std::size_t i = 0; i < w.size(); ++i) BOOST_TEST(w.data()[i] == ew.data()[i]);
    for (std::size_t i = 0; i < b.size(); ++i) BOOST_TEST(b.data()[i] == eb.data()[i]);
}

BOOST_AUTO_TEST_CASE(round_trip_double_and_odd_extents) {
    tl::Tensor<double> a(5, 1), e(0, 3), s(1, 1);
    for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = 1.0 / 3.0 + static_cast<double>(i) * 1e-17;
    s.data()[0] = -0.0;
    auto set = boost::hana::make_tuple(tl::param<"a">(a), tl::param<"e">(e), tl::param<"s">(s));
    tl::save_npz(dir.path / "d.npz", set);
    tl::Tensor<double> a0 = a;
    a.fill(9.0);
    s.fill(9.0);
    tl::load_npz(dir.path / "d.npz", set);
    for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(a.data()[i] == a0.data()[i]);
    BOOST_TEST((s.data()[0] == 0.0 && std::signbit(s.data()[0])));
}

BOOST_AUTO_TEST_CASE(adam_state_round_trip_resumes_exactly) {
    tl::Tensor<float> gw(3, 4), gb(1, 4);
    fill_pattern(gw, 0.5);
    fill_pattern(gb, -0.25);
    fill_pattern(w, -1.0);
    fill_pattern(b, 2.0);
    auto set = boost::hana::make_tuple(tl::param<"w">(w), tl::param<"b">(b));
    tl::optim::adam<float> adam;
    adam.step(w, gw, b, gb);
    adam.step(w, gw, b, gb);
    tl::save_npz(dir.path / "a.npz", set, adam);
    adam.step(w, gw, b, gb); // the run that continues
    tl::Tensor<float> w3 = w, b3 = b;

    tl::Tensor<float> w2(3, 4), b2(1, 4);
    tl::optim::adam<float> fresh;
    tl::load_npz(dir.path / "a.npz", boost::hana::make_tuple(tl::param<"w">(w2), tl::param<"b">(b2)), fresh);
    BOOST_TEST(fresh.step_count() == 2u);
    fresh.step(w2, gw, b2, gb);
    for (std::size_t i = 0; i < w.size(); ++i) BOOST_TEST(w2.data()[i] == w3.data()[i]);
    for (std::size_t i = 0; i < b.size(); ++i) BOOST_TEST(b2.data()[i] == b3.data()[i]);

    // An optimizer that stepped other tensors is refused before anything changes.
    w2.fill(7.0f);
    BOOST_CHECK_THROW(tl::load_npz(dir.path / "a.npz", set, fresh), tl::binding_error);
    BOOST_TEST(holds(w2, 7.0f));
    // Parameters alone are not a checkpoint with state: its extra arrays are refused.
    BOOST_CHECK_THROW(tl::load_npz(dir.path / "a.npz", set), tl::file_error);
}

BOOST_AUTO_TEST_CASE(momentum_state_round_trip) {
    tl::Tensor<float> gw(3, 4), gb(1, 4);
    fill_pattern(gw, 0.5);
    fill_pattern(gb, -0.25);
    auto set = boost::hana::make_tuple(tl::param<"w">(w), tl::param<"b">(b));
    tl::optim::momentum<float> opt;
    tl::save_npz(dir.path / "fresh.npz", set, opt); // no step yet: zero velocities
    opt.step(w, gw, b, gb);
    tl::save_npz(dir.path / "m.npz", set, opt);
    opt.step(w, gw, b, gb);
    tl::Tensor<float> w3 = w;

    tl::Tensor<float> w2(3, 4), b2(1, 4);
    tl::optim::momentum<float> other;
    tl::load_npz(dir.path / "m.npz", boost::hana::make_tuple(tl::param<"w">(w2), tl::param<"b">(b2)), other);
    other.step(w2, gw, b2, gb);
    for (std::size_t i = 0; i < w.size(); ++i) BOOST_TEST(w2.data()[i] == w3.data()[i]);
    tl::optim::momentum<float> zero;
    tl::load_npz(dir.path / "fresh.npz", boost::hana::make_tuple(tl::param<"w">(w2), tl::param<"b">(b2)), zero);
}

// A stack is one array per layer, w.0 ... w.{L-1}, beside plain leaves; numpy reads them by name.
BOOST_AUTO_TEST_CASE(stack_round_trip) {
    std::vector<tl::Tensor<double>> s{tl::Tensor<double>(2, 3), tl::Tensor<double>(2, 3), tl::Tensor<double>(1, 5)};
    for (std::size_t l = 0; l < s.size(); ++l) fill_pattern(s[l], double(l));
    tl::save_npz(dir.path / "s.npz", tl::params<"s">(s), tl::param<"w">(w));
    BOOST_TEST(python(dir.path,
                      "a = numpy.load(path)\n"
                      "assert sorted(a.files) == ['s.0', 's.1', 's.2', 'w'], a.files\n"
                      "assert a['s.2'].shape == (1, 5) and a['s.1'][1, 2] == 1 + 0.125 * 5\n",
                      dir.path / "s.npz") == 0);
    std::vector<tl::Tensor<double>> r{tl::Tensor<double>(2, 3), tl::Tensor<double>(2, 3), tl::Tensor<double>(1, 5)};
    tl::load_npz(dir.path / "s.npz", tl::params<"s">(r), tl::param<"w">(w));
    for (std::size_t l = 0; l < s.size(); ++l)
        for (std::size_t i = 0; i < s[l].size(); ++i) BOOST_TEST(r[l].data()[i] == s[l].data()[i]);
    r.pop_back(); // one layer fewer than the file holds: refused, nothing written
    r[0].fill(7.0);
    BOOST_CHECK_THROW(tl::load_npz(dir.path / "s.npz", tl::params<"s">(r), tl::param<"w">(w)), tl::file_error);
    BOOST_TEST(r[0].data()[0] == 7.0);
}

BOOST_AUTO_TEST_CASE(names) {
    tl::Tensor<float> x(3, 4);
    x.fill(7.0f);
    BOOST_CHECK_EXCEPTION(tl::load_npz(good, tl::param<"x">(x), tl::param<"b">(b)), tl::file_error,
                          [&](tl::file_error const& e) {
                              return std::string(e.what()) ==
                                     "tapeless: load_npz(\"" + good.string() + "\"): no array 'x' in the file";
                          });
    BOOST_TEST(holds(x, 7.0f));
    BOOST_TEST(holds(b, 7.0f));
    tl::save_npz(dir.path / "w.npz", tl::param<"w">(w));
    refused(dir.path / "w.npz", "no array 'b' in the file");
    tl::save_npz(dir.path / "wbx.npz", tl::param<"w">(w), tl::param<"b">(b), tl::param<"x">(x));
    sentinel();
    refused(dir.path / "wbx.npz", "unexpected array 'x' in the file");
    refused(zip({{"w.npy", tn::npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", payload(12, 4))},
                 {"b.npy", tn::npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", payload(4, 4))},
                 {"notes.txt", "hello"}}),
            "entry 'notes.txt' is not a .npy array");
}

BOOST_AUTO_TEST_CASE(shapes_and_dtypes) {
    tl::Tensor<float> w5(3, 5);
    w5.fill(7.0f);
    BOOST_CHECK_EXCEPTION(tl::load_npz(good, tl::param<"w">(w5), tl::param<"b">(b)), tl::file_error,
                          [&](tl::file_error const& e) {
                              return std::string(e.what()) == "tapeless: load_npz(\"" + good.string() +
                                                                  "\"): array 'w' is 3x4 in the file, the "
                                                                  "destination is 3x5";
                          });
    BOOST_TEST(holds(w5, 7.0f));
    auto b4 = tn::npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", payload(4, 4));
    auto with_w = [&](std::string const& dict, tn::bytes const& data) {
        return zip({{"w.npy", tn::npy(dict, data)}, {"b.npy", b4}});
    };
    refused(with_w("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", payload(12, 8)),
            "array 'w' has dtype '<f8' in the file, the destination is '<f4'");
    refused(with_w("{'descr': '>f4', 'fortran_order': False, 'shape': (3, 4), }", payload(12, 4)), "dtype '>f4'");
    refused(with_w("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 4), }", payload(12, 4)),
            "array 'w' is in Fortran order");
    refused(with_w("{'descr': '<f4', 'fortran_order': False, 'shape': (12,), }", payload(12, 4)),
            "array 'w' is 12 in the file, the destination is 3x4");
    refused(with_w("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4, 1), }", payload(12, 4)), "3x4x1");
    refused(with_w("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", payload(11, 4)), "bytes, the array needs");
    refused(with_w("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", payload(13, 4)), "bytes after the last element");
    refused(with_w("{'descr': '<f4', 'shape': (3, 4), }", payload(12, 4)), "lacks");
    refused(with_w("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), 'x': 1}", payload(12, 4)),
            "unknown header key 'x'");
    refused(with_w("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 4), }", payload(12, 4)),
            "shape is not a tuple");
    refused(with_w("['descr']", payload(12, 4)), "header is not a dict");
    refused(zip({{"w.npy", "\x93NUMPY\x01"}, {"b.npy", b4}}), "no magic");
    refused(zip({{"w.npy", "NUMPY"}, {"b.npy", b4}}), "no magic");
}

BOOST_AUTO_TEST_CASE(truncated_corrupt_and_not_a_zip) {
    tn::bytes const file = tn::read_file(good);
    fs::path const p = dir.path / "bad.npz";
    for (std::size_t len : {std::size_t{0}, std::size_t{1}, std::size_t{4}, std::size_t{30}, std::size_t{64},
                            file.size() / 2, file.size() - 23, file.size() - 22, file.size() - 1}) {
        BOOST_TEST_CONTEXT("cut at " << len) {
            tn::write_file(p, file.substr(0, len));
            refused(p, "load_npz");
        }
    }
    // A byte of each array's values changed: the zip's CRC catches it.
    for (std::size_t magic = file.find("\x93NUMPY"); magic != tn::bytes::npos; magic = file.find("\x93NUMPY", magic + 1)) {
        std::size_t const at = magic + 128 + 3; // past the header, in the values
        tn::bytes f = file;
        f[at] = static_cast<char>(f[at] ^ 0x10);
        tn::write_file(p, f);
        BOOST_TEST_CONTEXT("byte " << at) { refused(p, "CRC"); }
    }
    tn::write_file(p, "this is not a zip archive, it is text\n");
    refused(p, "not a readable zip archive");
    refused(dir.path / "absent.npz", "no such file");
    // Deflated entries cut short or corrupted inside the stream.
    auto made = zip({{"w.npy", tn::npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", payload(12, 4))},
                     {"b.npy", tn::npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", payload(4, 4))}},
                    true);
    tn::bytes z = tn::read_file(made);
    z[40] = static_cast<char>(z[40] ^ 0xff);
    tn::write_file(p, z);
    refused(p, "load_npz");
}

// numpy reads what save_npz writes: every name, dtype, shape and value, and the optimizer's state.
BOOST_AUTO_TEST_CASE(numpy_reads_our_files) {
    tl::Tensor<double> d(2, 3);
    fill_pattern(w, -1.0);
    fill_pattern(b, 2.0);
    fill_pattern(d, 0.5);
    tl::save_npz(dir.path / "ours.npz", tl::param<"w">(w), tl::param<"b">(b), tl::param<"d">(d));
    std::string const script = R"(
d = numpy.load(path)
assert sorted(d.files) == ['b', 'd', 'w'], d.files
def expect(a, offset, shape, dtype):
    want = (offset + 0.125 * numpy.arange(numpy.prod(shape))).reshape(shape).astype(dtype)
    assert a.shape == shape and a.dtype == numpy.dtype(dtype), (a.shape, a.dtype)
    assert a.flags['C_CONTIGUOUS']
    assert (a == want).all(), (a, want)
expect(d['w'], -1.0, (3, 4), '<f4')
expect(d['b'], 2.0, (1, 4), '<f4')
expect(d['d'], 0.5, (2, 3), '<f8')
)";
    BOOST_TEST(python(dir.path, script, dir.path / "ours.npz") == 0);

    tl::Tensor<float> gw(3, 4), gb(1, 4);
    gw.fill(1.0f);
    gb.fill(-1.0f);
    tl::optim::adam<float> adam;
    adam.step(w, gw, b, gb);
    auto set = boost::hana::make_tuple(tl::param<"w">(w), tl::param<"b">(b));
    tl::save_npz(dir.path / "adam.npz", set, adam);
    std::string const state = R"(
d = numpy.load(path)
assert sorted(d.files) == ['adam/m/b', 'adam/m/w', 'adam/t', 'adam/v/b', 'adam/v/w', 'b', 'w'], d.files
assert d['adam/t'].shape == () and d['adam/t'].dtype == numpy.dtype('<u8') and d['adam/t'] == 1
assert d['adam/m/w'].shape == (3, 4) and numpy.allclose(d['adam/m/w'], 0.1)
assert d['adam/v/b'].shape == (1, 4) and numpy.allclose(d['adam/v/b'], 0.001)
)";
    BOOST_TEST(python(dir.path, state, dir.path / "adam.npz") == 0);
}

// load_npz reads what numpy.savez and numpy.savez_compressed write.
BOOST_AUTO_TEST_CASE(we_read_numpy_files) {
    for (std::string how : {"savez", "savez_compressed"}) {
        BOOST_TEST_CONTEXT(how) {
            fs::path const p = dir.path / (how + ".npz");
            std::string const script = "w = (-1.0 + 0.125 * numpy.arange(12)).reshape(3, 4).astype('<f4')\n"
                                       "b = (2.0 + 0.125 * numpy.arange(4)).reshape(1, 4).astype('<f4')\n"
                                       "numpy." + how + "(path, w=w, b=b)\n";
            BOOST_TEST_REQUIRE(python(dir.path, script, p) == 0);
            sentinel();
            tl::load_npz(p, tl::param<"w">(w), tl::param<"b">(b));
            for (std::size_t i = 0; i < w.size(); ++i) BOOST_TEST(w.data()[i] == -1.0f + 0.125f * static_cast<float>(i));
            for (std::size_t i = 0; i < b.size(); ++i) BOOST_TEST(b.data()[i] == 2.0f + 0.125f * static_cast<float>(i));
        }
    }
    // A Fortran-ordered array from numpy is refused, not transposed silently.
    fs::path const f = dir.path / "fortran.npz";
    BOOST_TEST_REQUIRE(python(dir.path,
                              "numpy.savez(path, w=numpy.asfortranarray(numpy.ones((3, 4), '<f4')), "
                              "b=numpy.ones((1, 4), '<f4'))\n",
                              f) == 0);
    sentinel();
    refused(f, "Fortran order");
}

BOOST_AUTO_TEST_CASE(readme_checkpoints) {
    tn::temp_dir scratch("npz-readme");
    fs::path const was = fs::current_path();
    fs::current_path(scratch.path);
    //! [checkpoints]
    tl::Tensor<float> w1(784, 50), b1(1, 50);
    auto W1 = tl::param<"w1">(w1);
    auto B1 = tl::param<"b1">(b1);
    auto params = boost::hana::make_tuple(W1, B1);   // a parameter set
    tl::optim::adam<float> adam;
    /* ... train: adam.step(w1, gw1, b1, gb1) ... */

    tl::save_npz("classifier.npz", params, adam);    // w1, b1, adam/m/w1, ..., adam/t
    tl::load_npz("classifier.npz", params, adam);    // in place: training resumes where it was
    tl::save_npz("weights.npz", W1, B1);             // numpy.load("weights.npz")["w1"]
    tl::load_npz("weights.npz", W1, B1);
    //! [checkpoints]
    fs::current_path(was);
}

BOOST_AUTO_TEST_SUITE_END()
