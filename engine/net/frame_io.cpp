#include "net/frame_io.h"

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace kraftlab::net {

namespace {
constexpr std::size_t kReadChunkBytes = 64 * 1024;
}

std::string_view describe(FrameStatus status) {
    switch (status) {
        case FrameStatus::Ok:
            return "ok";
        case FrameStatus::Closed:
            return "the connection was closed";
        case FrameStatus::Truncated:
            return "the connection ended in the middle of a frame";
        case FrameStatus::TooLarge:
            return "the frame size exceeds the limit";
        case FrameStatus::TooSmall:
            return "the frame size is negative or too small";
    }
    return "unknown";
}

awaitable<FrameReadResult> read_frame(tcp::socket& socket, Bytes& payload, std::size_t max_size,
                                      std::size_t min_size) {
    std::array<std::uint8_t, 4> prefix{};
    error_code ec;
    std::size_t n = co_await asio::async_read(socket, asio::buffer(prefix),
                                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return FrameReadResult{n == 0 ? FrameStatus::Closed : FrameStatus::Truncated, 0};

    std::int32_t size = static_cast<std::int32_t>((std::uint32_t{prefix[0]} << 24) |
                                                  (std::uint32_t{prefix[1]} << 16) |
                                                  (std::uint32_t{prefix[2]} << 8) | prefix[3]);
    if (size < 0 || static_cast<std::size_t>(size) < min_size) {
        co_return FrameReadResult{FrameStatus::TooSmall, size};
    }
    if (static_cast<std::size_t>(size) > max_size)
        co_return FrameReadResult{FrameStatus::TooLarge, size};

    const auto total = static_cast<std::size_t>(size);
    payload.clear();
    std::size_t have = 0;
    while (have < total) {
        std::size_t want = std::min(kReadChunkBytes, total - have);
        // Grow geometrically but never beyond what the frame needs.
        if (payload.capacity() < have + want) {
            payload.reserve(std::min(total, std::max(have + want, payload.capacity() * 2)));
        }
        payload.resize(have + want);
        error_code rec;
        std::size_t got =
            co_await asio::async_read(socket, asio::buffer(payload.data() + have, want),
                                      asio::redirect_error(asio::use_awaitable, rec));
        have += got;
        if (rec) {
            payload.resize(have);
            co_return FrameReadResult{FrameStatus::Truncated, size};
        }
    }
    co_return FrameReadResult{FrameStatus::Ok, size};
}

awaitable<void> write_frame(tcp::socket& socket, ByteView head, ByteView body) {
    const auto size = static_cast<std::uint32_t>(head.size() + body.size());
    std::array<std::uint8_t, 4> prefix{
        static_cast<std::uint8_t>(size >> 24), static_cast<std::uint8_t>(size >> 16),
        static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
    std::array<asio::const_buffer, 3> buffers{asio::buffer(prefix),
                                              asio::buffer(head.data(), head.size()),
                                              asio::buffer(body.data(), body.size())};
    co_await asio::async_write(socket, buffers, asio::use_awaitable);
}

void reset_socket(tcp::socket& socket) {
    boost::system::error_code ignored;
    if (!socket.is_open()) return;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
}

}  // namespace kraftlab::net
