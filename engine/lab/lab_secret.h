// The per-lab secret: what the lab's nodes authenticate to each other with (SASL PLAIN as
// net::kLabNodeUser, net/sasl_plain.h). A lab generates a fresh one at every start and hands it to
// its nodes through their configs only; it is never written to disk, events, status or logs (all
// nodes live in one process, and nothing persistent needs it). A test that must authenticate as a
// node supplies a known secret from a file only its owner can read
// (kraftlab-cluster --lab-secret-file PATH).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace kraftlab::lab {

// 32 random bytes from the kernel, base64: 44 characters.
std::string generate_lab_secret();

// The secret in `path` (one line; a trailing newline is dropped). Refused, with the reason in
// *why: a file others or its group may read, an empty or overlong (above 255 bytes) secret, a
// secret with a NUL or line break inside, a file that cannot be read.
std::optional<std::string> read_lab_secret_file(const std::filesystem::path& path,
                                                std::string* why);

}  // namespace kraftlab::lab
