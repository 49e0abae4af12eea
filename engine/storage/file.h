// A POSIX file descriptor with the few calls the log needs, every one returning its error as a
// value (errno turned into words) instead of throwing.
//
// Contract: single owner (move-only; the destructor closes without syncing, as a crashing process
// would). open() and close() are not thread-safe; a log's segment files are owned by the
// DescriptorCache, which never closes one while a Lease pins it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace kraftlab::storage {

// An empty error is success. The text names the call and the file: "pwrite 000.log: No space ...".
struct IoStatus {
    std::string error;
    int code = 0;  // the errno behind error, when a system call failed
    bool ok() const { return error.empty(); }
};

class File {
  public:
    enum class Mode {
        ReadOnly,
        ReadWrite,         // the file must exist
        CreateReadWrite,   // created if missing, kept otherwise
        CreateTruncating,  // created if missing, emptied otherwise
    };

    File() = default;
    ~File() { close(); }
    File(File&& other) noexcept;
    File& operator=(File&& other) noexcept;
    File(const File&) = delete;
    File& operator=(const File&) = delete;

    IoStatus open(const std::filesystem::path& path, Mode mode);
    bool is_open() const { return fd_ >= 0; }
    void close();

    // Size from fstat.
    IoStatus size(std::uint64_t& size_bytes) const;
    // Reads exactly out.size() bytes at position; a short file is an error.
    IoStatus pread_exact(std::uint64_t position, std::span<std::uint8_t> out) const;
    // Writes all of data at position (retrying short writes).
    IoStatus pwrite_all(std::uint64_t position, std::span<const std::uint8_t> data) const;
    IoStatus truncate(std::uint64_t size_bytes) const;
    // fdatasync: data and the size, which is all a reader of our files needs after a power loss.
    IoStatus sync() const;

    const std::string& name() const { return name_; }

  private:
    IoStatus fail(const char* call) const;

    int fd_ = -1;
    std::string name_;  // file name only, for messages
};

// fsync of a directory, so that files created, renamed or deleted in it survive a power loss.
IoStatus sync_directory(const std::filesystem::path& dir);

// A small file the lab reads whole and does not trust (quorum-state, partition.metadata,
// leader-epoch-checkpoint): its text, or that it is missing, or why it cannot be read (a phrase
// to follow the file's name, e.g. "is not a regular file").
struct SmallFile {
    bool exists = false;
    std::string text;
    std::string error;  // empty when the text was read
};
SmallFile read_small_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

}  // namespace kraftlab::storage
