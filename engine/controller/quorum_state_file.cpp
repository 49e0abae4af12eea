#include "controller/quorum_state_file.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "storage/file.h"

namespace kraftlab::controller {

namespace {

// The largest file we read: the real one is about 50 bytes.
constexpr std::uintmax_t kMaxFileBytes = 64 * 1024;

std::string shown(const nlohmann::json& v) {
    std::string text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() > 40) text = text.substr(0, 40) + "...";
    return text;
}

// An integer field in [lo, hi], or the reason it is not.
std::optional<std::string> integer_field(const nlohmann::json& j, const char* name, std::int64_t lo,
                                         std::int64_t hi, std::int32_t& out) {
    auto it = j.find(name);
    const std::string range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (it == j.end()) return "\"" + std::string(name) + "\" is missing (" + range + ")";
    bool ok = false;
    std::int64_t v = 0;
    if (it->is_number_integer() && !it->is_number_unsigned()) {
        v = it->get<std::int64_t>();
        ok = true;
    } else if (it->is_number_unsigned()) {
        const auto u = it->get<std::uint64_t>();
        ok = u <= static_cast<std::uint64_t>(hi);
        v = ok ? static_cast<std::int64_t>(u) : 0;
    }
    if (!ok || v < lo || v > hi) {
        return "\"" + std::string(name) + "\" must be " + range + ", not " + shown(*it);
    }
    out = static_cast<std::int32_t>(v);
    return std::nullopt;
}

}  // namespace

std::string quorum_state_text(const raft::QuorumState& state) {
    const nlohmann::json j = {
        {"epoch", state.epoch}, {"voted_for", state.voted_for}, {"leader", state.leader}};
    return j.dump() + "\n";
}

std::optional<std::string> parse_quorum_state(std::string_view text, const std::string& file,
                                              raft::QuorumState& out) {
    const std::string where = "quorum-state file " + file + ": ";
    const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) {
        return where + "not valid JSON (" + std::to_string(text.size()) +
               " bytes; truncated or damaged)";
    }
    if (!j.is_object()) return where + "not a JSON object but " + shown(j);
    raft::QuorumState s;
    if (auto e = integer_field(j, "epoch", 0, raft::kMaxEpoch, s.epoch)) return where + *e;
    if (auto e = integer_field(j, "voted_for", raft::kNoNode, INT32_MAX, s.voted_for))
        return where + *e;
    if (auto e = integer_field(j, "leader", raft::kNoNode, INT32_MAX, s.leader)) return where + *e;
    out = s;
    return std::nullopt;
}

std::optional<std::string> read_quorum_state(const std::filesystem::path& path,
                                             raft::QuorumState& out) {
    const auto file = storage::read_small_file(path, kMaxFileBytes);
    if (!file.exists && file.error.empty()) return std::nullopt;
    if (!file.error.empty()) return "quorum-state file " + path.string() + " " + file.error;
    return parse_quorum_state(file.text, path.string(), out);
}

}  // namespace kraftlab::controller
