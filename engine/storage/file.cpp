#include "storage/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace kraftlab::storage {

namespace {

std::string errno_text(const char* call, const std::string& name, int err) {
    return std::string(call) + " " + name + ": " + std::strerror(err);
}

}  // namespace

File::File(File&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), name_(std::move(other.name_)) {}

File& File::operator=(File&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        name_ = std::move(other.name_);
    }
    return *this;
}

IoStatus File::open(const std::filesystem::path& path, Mode mode) {
    close();
    name_ = path.filename().string();
    int flags = O_CLOEXEC;
    switch (mode) {
        case Mode::ReadOnly:
            flags |= O_RDONLY;
            break;
        case Mode::ReadWrite:
            flags |= O_RDWR;
            break;
        case Mode::CreateReadWrite:
            flags |= O_RDWR | O_CREAT;
            break;
        case Mode::CreateTruncating:
            flags |= O_RDWR | O_CREAT | O_TRUNC;
            break;
    }
    int fd;
    do {
        fd = ::open(path.c_str(), flags, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return fail("open");
    fd_ = fd;
    return {};
}

void File::close() {
    if (fd_ >= 0) {
        ::close(fd_);  // nothing useful to do on error: data already went through pwrite
        fd_ = -1;
    }
}

IoStatus File::fail(const char* call) const {
    const int err = errno;
    return {errno_text(call, name_, err), err};
}

IoStatus File::size(std::uint64_t& size_bytes) const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return fail("fstat");
    size_bytes = static_cast<std::uint64_t>(st.st_size);
    return {};
}

IoStatus File::pread_exact(std::uint64_t position, std::span<std::uint8_t> out) const {
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(position + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("pread");
        }
        if (n == 0) {
            return {"pread " + name_ + ": unexpected end of file at byte " +
                    std::to_string(position + done)};
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

IoStatus File::pwrite_all(std::uint64_t position, std::span<const std::uint8_t> data) const {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done,
                             static_cast<off_t>(position + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("pwrite");
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

IoStatus File::truncate(std::uint64_t size_bytes) const {
    int rc;
    do {
        rc = ::ftruncate(fd_, static_cast<off_t>(size_bytes));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return fail("ftruncate");
    return {};
}

IoStatus File::sync() const {
    int rc;
    do {
        rc = ::fdatasync(fd_);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return fail("fdatasync");
    return {};
}

IoStatus sync_directory(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return {errno_text("open", dir.string(), errno)};
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return {errno_text("fsync", dir.string(), err)};
    return {};
}

SmallFile read_small_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
    SmallFile r;
    std::error_code ec;
    r.exists = std::filesystem::exists(path, ec);
    if (ec) {
        r.error = "cannot be checked: " + ec.message();
        return r;
    }
    if (!r.exists) return r;
    if (!std::filesystem::is_regular_file(path, ec)) {
        r.error = "is not a regular file";
        return r;
    }
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) {
        r.error = "cannot be read: " + ec.message();
        return r;
    }
    if (size > max_bytes) {
        r.error = "is " + std::to_string(size) + " bytes, more than such a file ever holds (" +
                  std::to_string(max_bytes) + ")";
        return r;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) r.error = "cannot be read";
    r.text = text.str();
    return r;
}

}  // namespace kraftlab::storage
