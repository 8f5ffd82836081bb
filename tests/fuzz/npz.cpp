// The checkpoint reader (checkpoint/npz.hpp) on damaged files: every proper prefix of good checkpoints,
// seeded byte mutations of them and random bytes. Each input either loads or throws
// tapeless::file_error, never anything else; a refused load leaves every destination as it was,
// and no input makes the reader ask for more memory than the destination's size justifies.
// SPDX-License-Identifier: BSL-1.0
#ifdef TAPELESS_TEST_HAVE_NPZ

#include "support/alloc_counter.hpp"
#include "support/fuzz.hpp"
#include "support/npz.hpp"

#include <tapeless/checkpoint/npz.hpp>
#include <tapeless/tapeless.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <cstring>
#include <string>

namespace fz = tapeless::test::fuzz;
namespace tn = tapeless::test::npz;
namespace tl = tapeless;

namespace {

// The destinations below hold 80 bytes of values: a few pages of buffers are all a load may need.
constexpr std::uint64_t max_allocation = std::uint64_t{1} << 20;

struct fixture {
    tn::temp_dir dir{"fuzz-npz"};
    tl::Tensor<float> w{3, 4}, b{1, 4};
    tl::optim::adam<float> adam;
    std::array<tn::bytes, 3> good; // stored (save_npz), deflated (as savez_compressed), with Adam's state

    fixture() {
        for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] = 0.25f * static_cast<float>(i);
        b.fill(-1.0f);
        auto set = boost::hana::make_tuple(tl::param<"w">(w), tl::param<"b">(b));
        tl::save_npz(file(), set);
        good[0] = tn::read_file(file());
        tn::write_zip(file(), {{"w.npy", good_array(w, 3, 4)}, {"b.npy", good_array(b, 1, 4)}}, true);
        good[1] = tn::read_file(file());
        tl::save_npz(file(), set, adam);
        good[2] = tn::read_file(file());
    }
    static tn::bytes good_array(tl::Tensor<float> const& t, std::size_t r, std::size_t c) {
        tn::bytes values(t.size() * sizeof(float), '\0');
        std::memcpy(values.data(), t.data(), values.size());
        return tn::npy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(r) + ", " +
                           std::to_string(c) + "), }",
                       values);
    }
    [[nodiscard]] std::filesystem::path file() const { return dir.path / "input.npz"; }

    // Loads `content` into sentinel-filled destinations (with Adam's state for file 2).
    fz::outcome load(tn::bytes const& content, bool with_state, fz::tally& tally, std::string const& where) {
        tn::write_file(file(), content);
        tl::Tensor<float> dw(3, 4), db(1, 4);
        dw.fill(7.0f);
        db.fill(7.0f);
        tl::optim::adam<float> opt;
        auto set = boost::hana::make_tuple(tl::param<"w">(dw), tl::param<"b">(db));
        fz::outcome o = fz::outcome::other;
        tapeless::test::reset_largest_allocation();
        try {
            tapeless::test::allocation_limit limit(max_allocation);
            if (with_state) tl::load_npz(file(), set, opt);
            else tl::load_npz(file(), set);
            o = fz::outcome::ok;
        } catch (tl::file_error const& e) {
            std::string const prefix = "tapeless: load_npz(\"" + file().string() + "\"): ";
            if (std::string(e.what()).rfind(prefix, 0) != 0) BOOST_ERROR(where << ": message does not name the call: " << e.what());
            for (std::size_t i = 0; i < dw.size(); ++i)
                if (dw.data()[i] != 7.0f) BOOST_ERROR(where << ": w changed by a refused load");
            for (std::size_t i = 0; i < db.size(); ++i)
                if (db.data()[i] != 7.0f) BOOST_ERROR(where << ": b changed by a refused load");
            if (opt.step_count() != 0 || !opt.checkpoint_state().empty()) BOOST_ERROR(where << ": Adam changed by a refused load");
            o = fz::outcome::value_error;
        } catch (std::exception const& e) {
            BOOST_ERROR(where << ": unexpected exception: " << e.what());
        } catch (...) {
            BOOST_ERROR(where << ": unexpected exception (not a std::exception)");
        }
        if (tapeless::test::largest_allocation() > max_allocation)
            BOOST_ERROR(where << ": asked for " << tapeless::test::largest_allocation() << " bytes at once");
        tally.add(o);
        return o;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(fuzz_npz, fixture)

BOOST_AUTO_TEST_CASE(good_files_load) {
    fz::tally t("npz good files", "file_error");
    for (std::size_t k = 0; k < good.size(); ++k)
        BOOST_TEST((load(good[k], k == 2, t, "good file " + std::to_string(k)) == fz::outcome::ok));
}

BOOST_AUTO_TEST_CASE(truncated_at_every_length) {
    fz::tally t("npz truncated", "file_error");
    for (std::size_t k = 0; k < good.size(); ++k)
        for (std::size_t len = 0; len < good[k].size(); ++len) {
            std::string where = "file " + std::to_string(k) + " cut at " + std::to_string(len);
            if (load(good[k].substr(0, len), k == 2, t, where) == fz::outcome::ok) BOOST_ERROR(where << ": accepted");
        }
}

// A few bytes of a good file changed: the CRC, the zip's structure or the .npy header should catch
// most; whatever loads, loads values of the right shape.
BOOST_AUTO_TEST_CASE(random_mutations) {
    fz::tally t("npz mutations", "file_error");
    for (std::size_t i = 0; i < fz::inputs(2000); ++i) {
        fz::rng g = fz::input_rng("npz mutations", i);
        std::size_t k = fz::below(g, good.size());
        tn::bytes b = good[k];
        for (std::size_t n = 1 + fz::below(g, 4); n > 0; --n) {
            std::size_t at = fz::below(g, b.size());
            b[at] = static_cast<char>(fz::chance(g, 0.5) ? b[at] ^ (1 << fz::below(g, 8)) : static_cast<char>(g()));
        }
        load(b, k == 2, t, fz::where("npz mutations", i) + " (file " + std::to_string(k) + ")");
    }
}

BOOST_AUTO_TEST_CASE(garbage) {
    fz::tally t("npz garbage", "file_error");
    for (std::size_t i = 0; i < fz::inputs(300); ++i) {
        fz::rng g = fz::input_rng("npz garbage", i);
        tn::bytes b(fz::below(g, 600), '\0');
        for (auto& x : b) x = static_cast<char>(g());
        if (fz::chance(g, 0.5) && b.size() >= 4) b.replace(0, 4, "PK\x03\x04", 4); // a zip's first signature
        std::string where = fz::where("npz garbage", i);
        if (load(b, i % 2 == 1, t, where) == fz::outcome::ok) BOOST_ERROR(where << ": accepted");
    }
}

BOOST_AUTO_TEST_SUITE_END()

#endif
