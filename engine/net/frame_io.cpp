#include "net/frame_io.h"

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/lab_clock.h"
#include "net/request_memory_pool.h"

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
        case FrameStatus::OverBudget:
            return "the frame size exceeds queued.max.request.bytes";
    }
    return "unknown";
}

awaitable<FrameReadResult> read_frame(tcp::socket& socket, Bytes& payload, std::size_t max_size,
                                      std::size_t min_size, FrameAccount* account) {
    std::array<std::uint8_t, 4> prefix{};
    error_code ec;
    std::size_t n = co_await asio::async_read(socket, asio::buffer(prefix),
                                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return FrameReadResult{n == 0 ? FrameStatus::Closed : FrameStatus::Truncated, 0};
    if (account) account->last_received = core::LabTime::now();

    std::int32_t size = static_cast<std::int32_t>((std::uint32_t{prefix[0]} << 24) |
                                                  (std::uint32_t{prefix[1]} << 16) |
                                                  (std::uint32_t{prefix[2]} << 8) | prefix[3]);
    if (size < 0 || static_cast<std::size_t>(size) < min_size) {
        co_return FrameReadResult{FrameStatus::TooSmall, size};
    }
    if (static_cast<std::size_t>(size) > max_size)
        co_return FrameReadResult{FrameStatus::TooLarge, size};
    RequestMemoryPool* pool = account ? account->pool : nullptr;
    if (pool && static_cast<std::size_t>(size) > pool->budget())
        co_return FrameReadResult{FrameStatus::OverBudget, size};

    // Reads take only what the kernel already holds (never more than one chunk), so the payload
    // grows with what arrived and the pool is charged for exactly that.
    socket.non_blocking(true, ec);
    const auto total = static_cast<std::size_t>(size);
    payload.clear();
    std::size_t have = 0;
    auto truncated = [&] {
        payload.resize(have);
        return FrameReadResult{FrameStatus::Truncated, size};
    };
    while (have < total) {
        error_code rec;
        co_await socket.async_wait(tcp::socket::wait_read,
                                   asio::redirect_error(asio::use_awaitable, rec));
        if (rec) co_return truncated();
        std::size_t ready = socket.available(rec);
        if (rec) co_return truncated();
        // Nothing ready on a readable socket: the read below sees the end of the stream.
        std::size_t want =
            std::min({std::max<std::size_t>(ready, 1), kReadChunkBytes, total - have});
        if (pool) {
            while (!pool->try_acquire(want)) {
                if (pool->closed() || !socket.is_open()) co_return truncated();
                account->waiting_for_pool = true;
                co_await pool->wait_for_release();
                account->waiting_for_pool = false;
            }
            if (!socket.is_open()) {
                pool->release(want);
                co_return truncated();
            }
        }
        // Grow geometrically but never beyond what the frame needs.
        if (payload.capacity() < have + want) {
            payload.reserve(std::min(total, std::max(have + want, payload.capacity() * 2)));
        }
        payload.resize(have + want);
        std::size_t got = socket.read_some(asio::buffer(payload.data() + have, want), rec);
        if (pool) {
            pool->release(want - got);
            account->held += got;
        }
        have += got;
        payload.resize(have);
        if (got > 0 && account) account->last_received = core::LabTime::now();
        if (rec == asio::error::would_block || rec == asio::error::try_again) continue;
        if (rec) co_return truncated();
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
