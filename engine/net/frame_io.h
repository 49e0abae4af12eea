// Reading and writing Kafka frames (INT32 size + payload) on a TCP socket, with C++20 coroutines.
//
// A frame's size comes from the peer and is untrusted: sizes below the minimum or above the
// limit are refused before anything is allocated, and the payload buffer grows only as bytes
// actually arrive: a peer announcing 100 MB and sending 10 bytes holds 10 bytes, not 100 MB. A
// server's reads also count those bytes in its request memory pool (queued.max.request.bytes).
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/lab_clock.h"
#include "net/asio.h"
#include "protocol/codec.h"

namespace kraftlab::net {

using protocol::Bytes;
using protocol::ByteView;

enum class FrameStatus {
    Ok,
    Closed,      // the peer closed the connection (or it was reset) between frames
    Truncated,   // the connection ended inside a frame
    TooLarge,    // the size prefix exceeds the limit
    TooSmall,    // the size prefix is negative or below the minimum
    OverBudget,  // the size prefix exceeds the whole request memory pool
};
std::string_view describe(FrameStatus status);

struct FrameReadResult {
    FrameStatus status = FrameStatus::Ok;
    std::int64_t announced_size = 0;  // the peer's size prefix, for error messages
};

class RequestMemoryPool;

// How one server connection's frame reads are accounted: the bytes it holds in the pool (the
// caller releases them once the request is served), whether it is stopped waiting for the pool,
// and when it last received anything (for connections.max.idle.ms).
struct FrameAccount {
    RequestMemoryPool* pool = nullptr;
    std::size_t held = 0;
    bool waiting_for_pool = false;
    core::LabTime::time_point last_received = core::LabTime::now();
};

// Reads one frame into payload (replacing its contents). min_size is the smallest legal frame
// (a request header needs 8 bytes: api key, version, correlation id). With an account, every
// byte of the payload is taken from its pool before it is read; when the pool is full the read
// waits (the socket is not read, so the peer's writes stall in TCP).
awaitable<FrameReadResult> read_frame(tcp::socket& socket, Bytes& payload, std::size_t max_size,
                                      std::size_t min_size = 0, FrameAccount* account = nullptr);

// Writes size prefix + head + body in one gather write. Throws boost::system::system_error on a
// socket error (the caller's coroutine ends the connection).
awaitable<void> write_frame(tcp::socket& socket, ByteView head, ByteView body);

// Closes a socket so that the peer sees a reset rather than an orderly end (as when a process
// is killed), ignoring errors.
void reset_socket(tcp::socket& socket);

}  // namespace kraftlab::net
