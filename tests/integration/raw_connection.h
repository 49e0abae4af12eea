// Test helper: a blocking TCP connection for speaking (or mangling) the Kafka protocol by hand
// against a lab's broker or controller, and the lab process's resident memory. Used on the test's
// own thread only; one object per connection, closed when destroyed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QFile>
#include <QString>
#include <optional>

#include "protocol/codec.h"
#include "protocol/header.h"
#include "protocol/sasl_authenticate.h"
#include "protocol/sasl_handshake.h"

namespace kraftlab::testing {

using protocol::Bytes;
using protocol::Reader;
using protocol::Writer;

// A blocking TCP connection with timeouts, for speaking (or mangling) the protocol by hand.
class RawConnection {
  public:
    explicit RawConnection(const QString& address) {
        auto parts = address.split(':');
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(static_cast<uint16_t>(parts[1].toInt()));
        inet_pton(AF_INET, parts[0].toUtf8().constData(), &sa.sin_addr);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    }
    ~RawConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool connected() const { return connected_; }

    bool send_raw(const Bytes& bytes) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }

    template <typename Request>
    bool send_request(std::int16_t key, std::int16_t version, std::int32_t correlation,
                      const Request& r) {
        Bytes body;
        Writer w(body);
        protocol::encode_request_header(
            w, protocol::RequestHeader{key, version, correlation, "raw-test"});
        r.encode(w, version);
        return send_frame(body);
    }

    bool send_frame(const Bytes& payload) {
        Bytes frame;
        Writer(frame).i32(static_cast<std::int32_t>(payload.size()));
        frame.insert(frame.end(), payload.begin(), payload.end());
        return send_raw(frame);
    }

    // Sends as much of bytes as the peer takes within timeout_ms (it may stop reading).
    std::size_t send_some(const Bytes& bytes, int timeout_ms) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            pollfd p{fd_, POLLOUT, 0};
            if (::poll(&p, 1, timeout_ms) <= 0) break;
            ssize_t n =
                ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        return sent;
    }

    // One response frame (without its size), or nullopt if the connection closed or timed out.
    std::optional<Bytes> read_frame(int timeout_ms = 5000) {
        Bytes size_bytes;
        if (!read_exact(size_bytes, 4, timeout_ms)) return std::nullopt;
        Reader r(size_bytes);
        std::int32_t size = r.i32();
        Bytes payload;
        if (size < 0 || !read_exact(payload, static_cast<std::size_t>(size), timeout_ms))
            return std::nullopt;
        return payload;
    }

    // True if the peer closed (or reset) the connection within the timeout.
    bool closed_by_peer(int timeout_ms = 5000) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return false;
        char c;
        ssize_t n = ::recv(fd_, &c, 1, MSG_DONTWAIT);
        return n <= 0;
    }

    // Sends a request and decodes its response (of the same version); nullopt if the connection
    // closed, timed out, or the answer does not decode or belongs to another request.
    template <typename Response, typename Request>
    std::optional<Response> call(std::int16_t version, const Request& request,
                                 int timeout_ms = 10'000) {
        const std::int32_t correlation = ++correlation_;
        if (!send_request(static_cast<std::int16_t>(Request::kKey), version, correlation,
                          request)) {
            return std::nullopt;
        }
        auto frame = read_frame(timeout_ms);
        if (!frame) return std::nullopt;
        last_frame_bytes_ = frame->size();
        Reader r(*frame);
        if (protocol::decode_response_header(
                r, protocol::response_header_version(Request::kKey, version)) != correlation)
            return std::nullopt;
        Response response;
        if (!response.decode(r, version)) return std::nullopt;
        return response;
    }
    // SASL PLAIN as `user` (SaslHandshake v1, SaslAuthenticate v1): the SaslAuthenticate error
    // code (0: authenticated), or -100 if the exchange did not complete.
    std::int16_t authenticate(const std::string& user, const std::string& password) {
        auto shaken =
            call<protocol::SaslHandshakeResponse>(1, protocol::SaslHandshakeRequest{"PLAIN"});
        if (!shaken) return -100;
        if (shaken->error_code != 0) return shaken->error_code;
        protocol::SaslAuthenticateRequest request;
        request.auth_bytes.push_back(0);
        request.auth_bytes.insert(request.auth_bytes.end(), user.begin(), user.end());
        request.auth_bytes.push_back(0);
        request.auth_bytes.insert(request.auth_bytes.end(), password.begin(), password.end());
        auto answer = call<protocol::SaslAuthenticateResponse>(1, request);
        return answer ? answer->error_code : std::int16_t{-100};
    }

    // The size of the last response frame call() read.
    std::size_t last_frame_bytes() const { return last_frame_bytes_; }

  private:
    bool read_exact(Bytes& out, std::size_t n, int timeout_ms) {
        out.resize(n);
        std::size_t got = 0;
        while (got < n) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, timeout_ms) <= 0) return false;
            ssize_t k = ::recv(fd_, out.data() + got, n - got, 0);
            if (k <= 0) return false;
            got += static_cast<std::size_t>(k);
        }
        return true;
    }

    int fd_ = -1;
    bool connected_ = false;
    std::int32_t correlation_ = 0;
    std::size_t last_frame_bytes_ = 0;
};

// Writes a lab secret file (owner-only, as kraftlab-cluster --lab-secret-file demands) into dir;
// returns its path.
inline QString write_lab_secret_file(const QString& dir, const QByteArray& secret) {
    const QString path = dir + "/lab-secret";
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return {};
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(secret + "\n");
    return path;
}
inline constexpr const char* kTestLabSecret = "test-secret-0123456789abcdefghijklmnopqrstuv";

// A field of /proc/<pid>/status in KiB: VmRSS (resident now) or VmHWM (peak resident), or -1.
inline long status_kib(qint64 pid, const char* field = "VmRSS") {
    QFile f(QString("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const auto& line : f.readAll().split('\n')) {
        if (line.startsWith(key)) return line.mid(key.size()).trimmed().split(' ').first().toLong();
    }
    return -1;
}

inline long rss_kib(qint64 pid) {
    return status_kib(pid, "VmRSS");
}

// Resets the process's peak resident size (VmHWM) to what it holds now (Linux 4.0+); false if
// the kernel refused.
inline bool reset_peak_rss(qint64 pid) {
    QFile f(QString("/proc/%1/clear_refs").arg(pid));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

}  // namespace kraftlab::testing
