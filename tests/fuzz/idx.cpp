// Fuzzing the MNIST-format IDX readers (tapeless/data/mnist.hpp over data/idx.hpp) with small
// label and image files, plain and gzip-compressed, written to a temporary directory and then
// truncated at every length, given wrong magic numbers, dtype and rank bytes, huge, zero and lying
// counts, and random bytes. Every broken file must end in a tapeless::data::file_error naming the file
// ("tapeless: corrupt file <path>: ..."), never a crash, another exception or an allocation sized
// from the header before the data arrived.
#define TAPELESS_TEST_DEFINE_ALLOC_COUNTER
#include "support/alloc_counter.hpp"
#include "support/fuzz.hpp"

#include <tapeless/data/mnist.hpp>

#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace fz = tapeless::test::fuzz;
namespace td = tapeless::data;
using bytes = std::vector<std::uint8_t>;

namespace {

// No read of these small files, however corrupt, may ask for more than this at once.
constexpr std::uint64_t max_allocation = std::uint64_t{128} << 20;

void put_u32(bytes& b, std::size_t at, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) b[at + k] = static_cast<std::uint8_t>(v >> (24 - 8 * k));
}

bytes labels_file(std::uint32_t count, bytes const& labels) {
    bytes b(8);
    put_u32(b, 0, 0x00000801);
    put_u32(b, 4, count);
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

bytes images_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols, bytes const& pixels) {
    bytes b(16);
    put_u32(b, 0, 0x00000803);
    put_u32(b, 4, count);
    put_u32(b, 8, rows);
    put_u32(b, 12, cols);
    b.insert(b.end(), pixels.begin(), pixels.end());
    return b;
}

bytes gzip(bytes const& plain, fs::path const& scratch) {
    gzFile f = gzopen(scratch.c_str(), "wb9");
    BOOST_REQUIRE(f != nullptr);
    if (!plain.empty()) BOOST_REQUIRE(gzwrite(f, plain.data(), static_cast<unsigned>(plain.size())) > 0);
    BOOST_REQUIRE(gzclose(f) == Z_OK);
    std::ifstream in(scratch, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(in), {});
}

// A directory of its own, removed at the end: in /dev/shm where there is one (thousands of small
// files are written; a shared disk made that take seconds), else the system's temporary directory.
struct temp_dir {
    fs::path path;
    temp_dir() {
        auto tick = std::chrono::steady_clock::now().time_since_epoch().count();
        std::error_code ec;
        fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
        path = base /
               ("tapeless-fuzz-idx-" + std::to_string(fz::splitmix64(static_cast<std::uint64_t>(tick))));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

enum class kind { labels, images };

// Writes `content` and reads it back with the reader for `k`.
struct reader {
    fs::path file;
    fz::tally& tally;

    // How the read ended: ok, or the corrupt-file error (the tally's rejection), with its message.
    fz::outcome read(kind k, bytes const& content, std::string const& where, std::string* message = nullptr,
                     std::size_t* items = nullptr) {
        {
            std::ofstream out(file, std::ios::binary | std::ios::trunc);
            out.write(reinterpret_cast<char const*>(content.data()), static_cast<std::streamsize>(content.size()));
        }
        fz::outcome o = fz::outcome::other;
        std::string msg;
        tapeless::test::reset_largest_allocation();
        try {
            tapeless::test::allocation_limit limit(max_allocation);
            if (k == kind::labels) {
                auto l = td::read_mnist_labels(file);
                for (auto v : l) BOOST_TEST(v <= 9, where);
                if (items) *items = l.size();
            } else {
                auto t = td::read_mnist_images(file);
                BOOST_TEST(t.cols() == 784u, where);
                for (std::size_t i = 0; i < t.size(); ++i)
                    if (!(t.data()[i] >= 0.0f && t.data()[i] <= 1.0f)) BOOST_ERROR(where << ": pixel " << t.data()[i]);
                if (items) *items = t.rows();
            }
            o = fz::outcome::ok;
        } catch (td::file_missing const& e) {
            BOOST_ERROR(where << ": file_missing for a file that exists: " << e.what());
        } catch (td::file_error const& e) {
            msg = e.what();
            std::string const prefix = "tapeless: corrupt file " + file.string() + ": ";
            if (msg.rfind(prefix, 0) != 0) BOOST_ERROR(where << ": message does not name the file: " << msg);
            o = fz::outcome::shape_error;
        } catch (std::exception const& e) {
            BOOST_ERROR(where << ": unexpected exception: " << e.what());
        } catch (...) {
            BOOST_ERROR(where << ": unexpected exception (not a std::exception)");
        }
        if (tapeless::test::largest_allocation() > max_allocation)
            BOOST_ERROR(where << ": asked for " << tapeless::test::largest_allocation() << " bytes at once");
        tally.add(o);
        if (message) *message = msg;
        return o;
    }

    void expect_error(kind k, bytes const& content, std::string const& where, char const* says = nullptr) {
        std::string msg;
        if (read(k, content, where, &msg) != fz::outcome::shape_error)
            BOOST_ERROR(where << ": accepted");
        else if (says && msg.find(says) == std::string::npos)
            BOOST_ERROR(where << ": message \"" << msg << "\" does not say \"" << says << "\"");
    }
};

struct fixture {
    temp_dir dir;
    fz::rng g{fz::splitmix64(fz::base_seed())};
    bytes label_values, pixels;
    bytes labels, images, labels_gz, images_gz;
    fixture() {
        for (int i = 0; i < 7; ++i) label_values.push_back(static_cast<std::uint8_t>(fz::below(g, 10)));
        for (int i = 0; i < 2 * 784; ++i) pixels.push_back(static_cast<std::uint8_t>(fz::below(g, 256)));
        labels = labels_file(7, label_values);
        images = images_file(2, 28, 28, pixels);
        labels_gz = gzip(labels, dir.path / "scratch.gz");
        images_gz = gzip(images, dir.path / "scratch.gz");
    }
    [[nodiscard]] fs::path file() const { return dir.path / "input.gz"; }
    // The four good files, each with its reader.
    struct sample {
        char const* name;
        kind k;
        bytes const* content;
    };
    [[nodiscard]] std::array<sample, 4> samples() const {
        return {sample{"labels", kind::labels, &labels}, sample{"labels.gz", kind::labels, &labels_gz},
                sample{"images", kind::images, &images}, sample{"images.gz", kind::images, &images_gz}};
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(fuzz_idx, fixture)

BOOST_AUTO_TEST_CASE(good_files_are_read_exactly) {
    fz::tally t("idx good files", "tapeless::data::file_error");
    reader r{file(), t};
    for (auto const& s : samples()) {
        std::size_t items = 0;
        BOOST_TEST((r.read(s.k, *s.content, s.name, nullptr, &items) == fz::outcome::ok), s.name);
        BOOST_TEST(items == (s.k == kind::labels ? 7u : 2u), s.name);
    }
    std::ofstream(file(), std::ios::binary).write(reinterpret_cast<char const*>(labels_gz.data()),
                                                  static_cast<std::streamsize>(labels_gz.size()));
    BOOST_TEST((td::read_mnist_labels(file()) == label_values));
    std::ofstream(file(), std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<char const*>(images.data()), static_cast<std::streamsize>(images.size()));
    auto im = td::read_mnist_images(file());
    for (std::size_t k = 0; k < pixels.size(); ++k) BOOST_TEST(im.data()[k] == static_cast<float>(pixels[k]) * (1.0f / 255.0f));
}

// Every proper prefix of every file, the gzip ones cut inside their header, deflate stream and
// trailer alike.
BOOST_AUTO_TEST_CASE(truncated_at_every_length) {
    fz::tally t("idx truncated", "tapeless::data::file_error");
    reader r{file(), t};
    for (auto const& s : samples())
        for (std::size_t len = 0; len < s.content->size(); ++len)
            r.expect_error(s.k, bytes(s.content->begin(), s.content->begin() + static_cast<std::ptrdiff_t>(len)),
                           std::string(s.name) + " cut at " + std::to_string(len));
}

// Each byte of the magic number in turn takes every other value: the zero bytes, the dtype
// (0x08 unsigned byte; 0x09, 0x0b... other types) and the rank (1 for labels, 3 for images).
BOOST_AUTO_TEST_CASE(wrong_magic_dtype_and_rank) {
    fz::tally t("idx magic", "tapeless::data::file_error");
    reader r{file(), t};
    for (auto const& s : samples()) {
        if (s.content == &labels_gz || s.content == &images_gz) continue;
        for (std::size_t at = 0; at < 4; ++at)
            for (unsigned v = 0; v < 256; ++v) {
                if (v == (*s.content)[at]) continue;
                bytes b = *s.content;
                b[at] = static_cast<std::uint8_t>(v);
                std::string where = std::string(s.name) + " magic byte " + std::to_string(at) + " = " + std::to_string(v);
                r.expect_error(s.k, b, where, "magic");
                r.expect_error(s.k, gzip(b, dir.path / "scratch.gz"), where + " (gz)", "magic");
            }
    }
}

// Counts and image sides from the header, none of which the data backs: zero, one too many,
// the largest count accepted (2^24, whose images would take 52 GB of floats), beyond it, 2^31
// and 2^32 - 1; sides 0, 27, 2^31. All rejected, and no allocation follows the header's word.
BOOST_AUTO_TEST_CASE(zero_huge_and_lying_dimensions) {
    fz::tally t("idx dimensions", "tapeless::data::file_error");
    reader r{file(), t};
    std::uint32_t const counts[] = {0, 1, 3, 8, 60001, 1u << 24, (1u << 24) + 1, 1u << 31, 0xffffffffu};
    std::uint32_t const sides[] = {0, 1, 27, 28, 29, 1u << 31, 0xffffffffu};
    for (bool gz : {false, true}) {
        auto pack = [&](bytes const& b) { return gz ? gzip(b, dir.path / "scratch.gz") : b; };
        std::string const tag = gz ? " (gz)" : "";
        for (std::uint32_t n : counts) {
            if (n == 7) continue;
            bytes b = labels;
            put_u32(b, 4, n);
            std::string where = "labels count " + std::to_string(n) + tag;
            char const* says = n == 0 || n > (1u << 24) ? "implausible" : n < 7 ? "data after the last item" : "truncated";
            r.expect_error(kind::labels, pack(b), where, says);
        }
        for (std::uint32_t n : counts)
            for (std::uint32_t rows : sides)
                for (std::uint32_t cols : sides) {
                    if (n == 2 && rows == 28 && cols == 28) continue;
                    bytes b = images;
                    put_u32(b, 4, n);
                    put_u32(b, 8, rows);
                    put_u32(b, 12, cols);
                    std::string where = "images " + std::to_string(n) + " x " + std::to_string(rows) + " x " +
                                        std::to_string(cols) + tag;
                    char const* says = n == 0 || n > (1u << 24) ? "implausible"
                                       : rows != 28 || cols != 28 ? "expected 28x28"
                                       : n < 2                    ? "data after the last item"
                                                                  : "truncated";
                    r.expect_error(kind::images, pack(b), where, says);
                }
    }
}

BOOST_AUTO_TEST_CASE(label_out_of_range) {
    fz::tally t("idx labels", "tapeless::data::file_error");
    reader r{file(), t};
    for (unsigned v = 10; v < 256; ++v) {
        bytes b = labels;
        b[8 + v % 7] = static_cast<std::uint8_t>(v);
        r.expect_error(kind::labels, b, "label " + std::to_string(v), "label");
    }
}

// Random bytes, with and without a gzip header in front, of random lengths.
BOOST_AUTO_TEST_CASE(garbage) {
    fz::tally t("idx garbage", "tapeless::data::file_error");
    reader r{file(), t};
    for (std::size_t i = 0; i < fz::inputs(1000); ++i) {
        fz::rng g = fz::input_rng("idx garbage", i);
        bytes b(fz::below(g, 200));
        for (auto& x : b) x = static_cast<std::uint8_t>(g());
        if (fz::chance(g, 0.5) && b.size() >= 3) b[0] = 0x1f, b[1] = 0x8b, b[2] = 8; // gzip, deflate
        r.expect_error(i % 2 ? kind::labels : kind::images, b, fz::where("idx garbage", i));
    }
}

// A few random bytes of a good file changed: a plain file may still be valid (a pixel changed)
// and is then read as it now says; a gzip file's checksum should catch the change; neither may
// end in anything but a value or the corrupt-file error.
BOOST_AUTO_TEST_CASE(random_mutations) {
    fz::tally t("idx mutations", "tapeless::data::file_error");
    reader r{file(), t};
    auto const all = samples();
    for (std::size_t i = 0; i < fz::inputs(3000); ++i) {
        fz::rng g = fz::input_rng("idx mutations", i);
        auto const& s = all[fz::below(g, all.size())];
        bytes b = *s.content;
        for (std::size_t n = 1 + fz::below(g, 4); n > 0; --n) {
            std::size_t at = fz::below(g, b.size());
            b[at] = static_cast<std::uint8_t>(fz::chance(g, 0.5) ? b[at] ^ (1u << fz::below(g, 8)) : g());
        }
        r.read(s.k, b, fz::where("idx mutations", i) + " (" + s.name + ")");
    }
}

BOOST_AUTO_TEST_CASE(missing_file_and_mismatched_split) {
    BOOST_CHECK_EXCEPTION(td::read_mnist_labels(dir.path / "absent.gz"), td::file_missing, [&](auto const& e) {
        return std::string(e.what()) == "tapeless: file not found: " + (dir.path / "absent.gz").string();
    });
    auto write = [&](char const* name, bytes const& b) {
        std::ofstream(dir.path / name, std::ios::binary).write(reinterpret_cast<char const*>(b.data()),
                                                               static_cast<std::streamsize>(b.size()));
    };
    write("x-labels-idx1-ubyte.gz", labels_gz);
    write("x-images-idx3-ubyte.gz", images_gz);
    BOOST_CHECK_EXCEPTION(td::load_mnist_split(dir.path, "x"), td::file_error, [&](auto const& e) {
        return std::string(e.what()) == "tapeless: MNIST split " + (dir.path / "x").string() + ": 2 images but 7 labels";
    });
    BOOST_CHECK_THROW(td::load_mnist_split(dir.path, "y"), td::file_missing);
}

BOOST_AUTO_TEST_SUITE_END()
