// Reading and writing Kafka frames (INT32 size + payload) on a TCP socket, with C++20 coroutines.
//
// A frame's size comes from the peer and is untrusted: sizes below the minimum or above the
// limit are refused before anything is allocated, and the payload buffer grows only as bytes
// actually arrive, so a peer announcing 100 MB and sending 10 bytes costs 64 KiB, not 100 MB.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "net/asio.h"
#include "protocol/codec.h"

namespace kraftlab::net {

using protocol::Bytes;
using protocol::ByteView;

enum class FrameStatus {
    Ok,
    Closed,     // the peer closed the connection (or it was reset) between frames
    Truncated,  // the connection ended inside a frame
    TooLarge,   // the size prefix exceeds the limit
    TooSmall,   // the size prefix is negative or below the minimum
};
std::string_view describe(FrameStatus status);

struct FrameReadResult {
    FrameStatus status = FrameStatus::Ok;
    std::int64_t announced_size = 0;  // the peer's size prefix, for error messages
};

// Reads one frame into payload (replacing its contents). min_size is the smallest legal frame
// (a request header needs 8 bytes: api key, version, correlation id).
awaitable<FrameReadResult> read_frame(tcp::socket& socket, Bytes& payload, std::size_t max_size,
                                      std::size_t min_size = 0);

// Writes size prefix + head + body in one gather write. Throws boost::system::system_error on a
// socket error (the caller's coroutine ends the connection).
awaitable<void> write_frame(tcp::socket& socket, ByteView head, ByteView body);

// Closes a socket so that the peer sees a reset rather than an orderly end (as when a process
// is killed), ignoring errors.
void reset_socket(tcp::socket& socket);

}  // namespace kraftlab::net
