// The follower's fetch loop decisions (see follower_fetcher.h). Checked against Kafka's
// AbstractFetcherThread (maybeTruncate, processFetchRequest's error handling) and
// ReplicaFetcherThread; the code is ours.
#include "replication/follower_fetcher.h"

namespace kraftlab::replication {

namespace {

std::string answered(std::int32_t leader, const char* request, protocol::ErrorCode error) {
    return "leader broker " + std::to_string(leader) + " answered " + request + " with " +
           std::string(protocol::error_name(error));
}

}  // namespace

bool FollowerFetcher::follow(std::int32_t leader, std::int32_t leader_epoch) {
    if (following_ && leader == leader_ && leader_epoch == leader_epoch_) return false;
    following_ = true;
    leader_ = leader;
    leader_epoch_ = leader_epoch;
    phase_ = leader < 0 ? Phase::Idle : Phase::Truncating;
    ++generation_;
    return true;
}

void FollowerFetcher::stop() {
    if (!following_) return;
    following_ = false;
    phase_ = Phase::Idle;
    leader_ = -1;
    leader_epoch_ = kUndefinedEpoch;
    ++generation_;
}

void FollowerFetcher::retruncate() {
    if (phase_ == Phase::Fetching) phase_ = Phase::Truncating;
}

FollowerFetcher::Request FollowerFetcher::next_request(const LeaderEpochCache& epochs,
                                                       const LogRange& log) {
    Request r;
    if (phase_ == Phase::Idle) return r;
    if (phase_ == Phase::Truncating && epochs.latest_epoch() == kUndefinedEpoch)
        phase_ = Phase::Fetching;
    r.leader = leader_;
    r.current_leader_epoch = leader_epoch_;
    r.generation = generation_;
    if (phase_ == Phase::Truncating) {
        r.kind = Request::Kind::OffsetsForLeaderEpoch;
        r.requested_epoch = epochs.latest_epoch();
    } else {
        r.kind = Request::Kind::Fetch;
        r.fetch_offset = log.end_offset;
    }
    return r;
}

FollowerFetcher::Step FollowerFetcher::on_epoch_answer(std::uint64_t generation,
                                                       const LeaderEpochCache& epochs,
                                                       const LogRange& log,
                                                       protocol::ErrorCode error,
                                                       const EpochEndOffset& answer) {
    Step s;
    if (generation != generation_ || phase_ != Phase::Truncating) {
        s.kind = Step::Kind::Stale;
        return s;
    }
    if (error != protocol::ErrorCode::NONE) {
        s.kind = Step::Kind::Backoff;
        s.reason = answered(leader_, "OffsetsForLeaderEpoch", error);
        return s;
    }
    const Truncation t = truncation_for(epochs, log.end_offset, log.start_offset, answer);
    if (t.complete) phase_ = Phase::Fetching;
    if (t.offset < log.end_offset) {
        s.kind = Step::Kind::Truncate;
        s.truncate_to = t.offset;
    }
    return s;
}

FollowerFetcher::Step FollowerFetcher::on_fetch_answer(std::uint64_t generation,
                                                       const LogRange& log,
                                                       protocol::ErrorCode error,
                                                       std::int64_t fetch_offset,
                                                       std::int64_t leader_log_start) {
    Step s;
    if (generation != generation_ || phase_ != Phase::Fetching || fetch_offset != log.end_offset) {
        s.kind = Step::Kind::Stale;
        return s;
    }
    if (error == protocol::ErrorCode::OFFSET_OUT_OF_RANGE && leader_log_start > log.end_offset) {
        s.kind = Step::Kind::StartAt;  // still fetching: next from the new log end
        s.start_at = leader_log_start;
        return s;
    }
    if (error == protocol::ErrorCode::OFFSET_OUT_OF_RANGE) {
        // Our log end is past the leader's: a divergent tail (e.g. the leader was elected
        // uncleanly, or lost its unflushed tail). Truncate by epoch again, at once.
        phase_ = Phase::Truncating;
        return s;
    }
    if (error != protocol::ErrorCode::NONE) {
        s.kind = Step::Kind::Backoff;
        s.reason = answered(leader_, "the fetch", error);
        return s;
    }
    s.kind = Step::Kind::Append;
    return s;
}

}  // namespace kraftlab::replication
