// tl::data::read_idx and the MNIST readers on small IDX files written here, plain and gzipped:
// every element type, the dimensions as the header gives them, and each kind of broken file
// ending in a file_error that names the file and says what is wrong (tests/fuzz/idx.cpp fuzzes).
#include "support/alloc_counter.hpp"

#include <tapeless/data/mnist.hpp>

#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <bit>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace td = tapeless::data;
using bytes = std::vector<std::uint8_t>;

namespace {

void put_be(bytes& b, std::uint64_t v, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) b.push_back(static_cast<std::uint8_t>(v >> (8 * (n - 1 - k))));
}

bytes header(std::uint8_t type, std::vector<std::uint32_t> const& dims) {
    bytes b{0, 0, type, static_cast<std::uint8_t>(dims.size())};
    for (auto d : dims) put_be(b, d, 4);
    return b;
}

struct files {
    fs::path dir = fs::temp_directory_path() / ("tapeless-test-idx-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    files() { fs::create_directories(dir); }
    ~files() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    fs::path write(std::string const& name, bytes const& b) const {
        std::ofstream(dir / name, std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<char const*>(b.data()), static_cast<std::streamsize>(b.size()));
        return dir / name;
    }
    fs::path write_gz(std::string const& name, bytes const& b) const {
        gzFile f = gzopen((dir / name).c_str(), "wb9");
        BOOST_REQUIRE(f != nullptr);
        if (!b.empty()) BOOST_REQUIRE(gzwrite(f, b.data(), static_cast<unsigned>(b.size())) > 0);
        BOOST_REQUIRE(gzclose(f) == Z_OK);
        return dir / name;
    }
    bytes read(fs::path const& p) const {
        std::ifstream in(p, std::ios::binary);
        return bytes(std::istreambuf_iterator<char>(in), {});
    }
};

// The message of the file_error reading `p` throws, or "accepted".
std::string error_of(fs::path const& p) {
    try {
        (void)td::read_idx<double>(p);
    } catch (td::file_error const& e) {
        return e.what();
    }
    return "accepted";
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(idx, files)

BOOST_AUTO_TEST_CASE(every_element_type_plain_and_gzipped) {
    // 2 x 3 values, -1.5 .. 1 in steps of 0.5 (whole numbers for the integer types).
    bytes u8 = header(0x08, {2, 3}), i8 = header(0x09, {2, 3}), i16 = header(0x0b, {2, 3}),
          i32 = header(0x0c, {2, 3}), f32 = header(0x0d, {2, 3}), f64 = header(0x0e, {2, 3});
    for (int k = 0; k < 6; ++k) {
        u8.push_back(static_cast<std::uint8_t>(250 + k));
        i8.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(k - 3)));
        put_be(i16, static_cast<std::uint16_t>(static_cast<std::int16_t>(-300 * k)), 2);
        put_be(i32, static_cast<std::uint32_t>(static_cast<std::int32_t>(-70000 * k)), 4);
        put_be(f32, std::bit_cast<std::uint32_t>(-1.5f + 0.5f * float(k)), 4);
        put_be(f64, std::bit_cast<std::uint64_t>(-1.5 + 0.5 * double(k)), 8);
    }
    for (bool gz : {false, true}) {
        auto put = [&](char const* name, bytes const& b) { return gz ? write_gz(name, b) : write(name, b); };
        auto a = td::read_idx<double>(put("u8", u8));
        BOOST_TEST(a.dims == (std::vector<std::size_t>{2, 3}), boost::test_tools::per_element());
        BOOST_TEST(a.values.rows() == 2u);
        BOOST_TEST(a.values.cols() == 3u);
        auto b = td::read_idx<double>(put("i8", i8));
        auto c = td::read_idx<double>(put("i16", i16));
        auto d = td::read_idx<double>(put("i32", i32));
        auto e = td::read_idx<float>(put("f32", f32));
        auto f = td::read_idx<double>(put("f64", f64), 2.0);
        for (int k = 0; k < 6; ++k) {
            BOOST_TEST(a.values.data()[k] == 250.0 + k);
            BOOST_TEST(b.values.data()[k] == k - 3.0);
            BOOST_TEST(c.values.data()[k] == -300.0 * k);
            BOOST_TEST(d.values.data()[k] == -70000.0 * k);
            BOOST_TEST(e.values.data()[k] == -1.5f + 0.5f * float(k));
            BOOST_TEST(f.values.data()[k] == 2 * (-1.5 + 0.5 * k)); // scaled
        }
    }
}

BOOST_AUTO_TEST_CASE(dimensions_as_the_header_gives_them) {
    bytes one = header(0x08, {5}), three = header(0x08, {2, 3, 4});
    for (int k = 0; k < 5; ++k) one.push_back(static_cast<std::uint8_t>(k));
    for (int k = 0; k < 24; ++k) three.push_back(static_cast<std::uint8_t>(k));
    auto a = td::read_idx(write("one", one));
    BOOST_TEST(a.dims == (std::vector<std::size_t>{5}), boost::test_tools::per_element());
    BOOST_TEST(a.values.rows() == 5u);
    BOOST_TEST(a.values.cols() == 1u);
    auto b = td::read_idx(write_gz("three.gz", three), 1.0f / 255.0f);
    BOOST_TEST(b.dims == (std::vector<std::size_t>{2, 3, 4}), boost::test_tools::per_element());
    BOOST_TEST(b.values.cols() == 12u);
    BOOST_TEST(b.values(1, 11) == 23.0f / 255.0f);
}

BOOST_AUTO_TEST_CASE(broken_files_name_the_file_and_the_fault) {
    bytes good = header(0x0b, {3, 2});
    for (int k = 0; k < 6; ++k) put_be(good, std::uint16_t(k), 2);
    auto prefix = [&](std::string const& name) { return "tapeless: corrupt file " + (dir / name).string() + ": "; };

    // Cut anywhere, plain or gzipped (the gzip ones inside their header, data and trailer).
    bytes const gz = read(write_gz("good.gz", good));
    for (std::size_t len = 0; len < good.size(); ++len)
        BOOST_TEST(error_of(write("cut", bytes(good.begin(), good.begin() + std::ptrdiff_t(len)))) ==
                   prefix("cut") + "truncated");
    for (std::size_t len = 0; len < gz.size(); ++len)
        BOOST_TEST(error_of(write("cut.gz", bytes(gz.begin(), gz.begin() + std::ptrdiff_t(len)))).rfind(prefix("cut.gz"), 0) ==
                   0u);
    // The gzip trailer's checksum.
    bytes bad_crc = gz;
    bad_crc[bad_crc.size() - 6] ^= 0x40;
    BOOST_TEST(error_of(write("crc.gz", bad_crc)).rfind(prefix("crc.gz"), 0) == 0u);

    bytes extra = good;
    extra.push_back(0);
    BOOST_TEST(error_of(write("extra", extra)) == prefix("extra") + "data after the last item");

    bytes magic = good;
    magic[2] = 0x0a; // no such type
    BOOST_TEST(error_of(write("magic", magic)) ==
               prefix("magic") + "IDX magic 0x00000a02 is not 0x0000TTRR with a known type TT and rank RR in 1..8");
    magic = good;
    magic[3] = 0; // rank 0
    BOOST_TEST(error_of(write("rank", magic)).find("IDX magic 0x00000b00") != std::string::npos);

    // Headers asking for huge sizes: rejected, or "truncated" before anything of that size exists.
    tapeless::test::reset_largest_allocation();
    BOOST_TEST(error_of(write("zero", header(0x0e, {0, 2}))) == prefix("zero") + "implausible count 0");
    BOOST_TEST(error_of(write("huge", header(0x0e, {0xffffffffu}))) == prefix("huge") + "implausible count 4294967295");
    BOOST_TEST(error_of(write("wide", header(0x0e, {2, 1u << 25}))) ==
               prefix("wide") + "implausible extent 33554432 of dimension 1");
    BOOST_TEST(error_of(write("big", header(0x0e, {1u << 24, 1u << 24, 1u << 24}))) ==
               prefix("big") + "implausible size: more than 2^40 elements");
    BOOST_TEST(error_of(write_gz("lying.gz", header(0x0e, {1u << 24, 1u << 10}))) == prefix("lying.gz") + "truncated");
    BOOST_TEST(tapeless::test::largest_allocation() < (std::uint64_t{128} << 20));

    BOOST_CHECK_EXCEPTION(td::read_idx(dir / "absent"), td::file_missing, [&](auto const& e) {
        return std::string(e.what()) == "tapeless: file not found: " + (dir / "absent").string();
    });
}

BOOST_AUTO_TEST_CASE(mnist_layout) {
    bytes labels = header(0x08, {3}), images = header(0x08, {3, 28, 28});
    labels.insert(labels.end(), {7, 0, 9});
    for (int k = 0; k < 3 * 784; ++k) images.push_back(static_cast<std::uint8_t>(k % 256));
    write_gz("train-labels-idx1-ubyte.gz", labels);
    write_gz("train-images-idx3-ubyte.gz", images);
    auto s = td::load_mnist_split(dir, "train");
    BOOST_TEST(s.size() == 3u);
    BOOST_TEST(s.images.rows() == 3u);
    BOOST_TEST(s.images.cols() == 784u);
    BOOST_TEST(s.images(2, 783) == float((2 * 784 + 783) % 256) / 255.0f);
    BOOST_TEST(s.targets(0, 0) == 7.0f);
    BOOST_TEST(s.targets(2, 0) == 9.0f);

    labels[9] = 10;
    BOOST_TEST(error_of(write("bad-labels", labels)) == "accepted"); // a plain IDX file
    BOOST_CHECK_EXCEPTION(td::read_mnist_labels(dir / "bad-labels"), td::file_error, [&](auto const& e) {
        return std::string(e.what()) == "tapeless: corrupt file " + (dir / "bad-labels").string() + ": label 10 at index 1";
    });
    BOOST_CHECK_EXCEPTION(td::read_mnist_images(dir / "train-labels-idx1-ubyte.gz"), td::file_error, [](auto const& e) {
        return std::string(e.what()).find("IDX magic 0x00000801, expected 0x00000803") != std::string::npos;
    });
}

BOOST_AUTO_TEST_SUITE_END()
