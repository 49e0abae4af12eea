// Helpers for message-codec tests: hex literals, encode/decode wrappers, and the round-trip check
// every API gets (encode, decode, compare, re-encode; then every strict prefix must fail).
#pragma once

#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "protocol/codec.h"

namespace kraftlab::protocol::test {

// "0a ff" -> {0x0a, 0xff}; anything but hex digits is ignored so expectations can be grouped and
// commented by field.
inline Bytes hex(std::string_view text) {
    Bytes out;
    int high = -1;
    for (char c : text) {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (v < 0) continue;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    return out;
}

inline QByteArray to_hex(const Bytes& b, char separator = ' ') {
    return QByteArray(reinterpret_cast<const char*>(b.data()), static_cast<qsizetype>(b.size()))
        .toHex(separator);
}

inline Bytes text_bytes(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

inline bool contains(const Bytes& haystack, const Bytes& needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

template <typename M>
Bytes encode(const M& msg, std::int16_t version) {
    Bytes out;
    Writer w(out);
    msg.encode(w, version);
    return out;
}

template <typename M>
bool decode(const Bytes& wire, std::int16_t version, M& msg, bool* consumed_all = nullptr) {
    Reader in(wire);
    bool ok = msg.decode(in, version);
    if (consumed_all) *consumed_all = in.at_end();
    return ok;
}

// Encode, decode, compare; then every strict prefix must fail to decode. Each prefix gets its own
// exactly-sized allocation so that a read past its end lands in ASan's redzone.
template <typename M>
void check_round_trip(const M& msg, std::int16_t version) {
    const Bytes wire = encode(msg, version);
    M back;
    bool consumed_all = false;
    QVERIFY2(decode(wire, version, back, &consumed_all), to_hex(wire).constData());
    QVERIFY2(consumed_all, "decode left bytes unread");
    QVERIFY2(back == msg, "decoded message differs from the original");
    QCOMPARE(encode(back, version), wire);
    for (std::size_t n = 0; n < wire.size(); ++n) {
        Bytes prefix(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
        M partial;
        if (decode(prefix, version, partial)) {
            QFAIL(qPrintable(
                QStringLiteral("a %1-byte prefix of %2 bytes decoded").arg(n).arg(wire.size())));
        }
    }
}

inline void add_versions(int first, int last) {
    QTest::addColumn<int>("version");
    for (int v = first; v <= last; ++v)
        QTest::newRow(qPrintable(QStringLiteral("v%1").arg(v))) << v;
}

}  // namespace kraftlab::protocol::test
