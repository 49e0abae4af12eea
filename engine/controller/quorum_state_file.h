// The controller's quorum-state file (<session>/controller-<id>/quorum-state): the raft epoch,
// the vote cast in it and the known leader, as one JSON object, written whole (temporary file,
// fsync, rename) before a vote or a new epoch is acted on.
//
// The file is untrusted input: wrong types, numbers out of range, truncation, garbage and invalid
// JSON are refused with an error that names the file and the field, so that the controller does
// not start (it could otherwise reuse an epoch it already voted in, which Raft forbids). A
// missing file is a fresh start.
//
// Pure functions, any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "raft/raft.h"

namespace kraftlab::controller {

// The file's text for `state`.
std::string quorum_state_text(const raft::QuorumState& state);

// Parses the file's text into `out`; the reason on failure, naming `file` (as shown to the user)
// and the field: e.g. "quorum-state /x/quorum-state: "epoch" must be an integer from 0 to
// 2147483646, not "7"".
std::optional<std::string> parse_quorum_state(std::string_view text, const std::string& file,
                                              raft::QuorumState& out);

// Reads and parses `path`. A missing file leaves `out` as it is (a fresh start).
std::optional<std::string> read_quorum_state(const std::filesystem::path& path,
                                             raft::QuorumState& out);

}  // namespace kraftlab::controller
