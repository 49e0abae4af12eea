// SASL for the lab's listeners: the SaslHandshake / SaslAuthenticate codecs (bytes checked by
// hand against Kafka's message schemas), the PLAIN token parser (RFC 4616, Kafka's rules), and
// the listener's gate (net/sasl_server.h) driven request by request without sockets.
#include <QtTest>

#include "message_test_util.h"
#include "net/sasl_plain.h"
#include "net/sasl_server.h"
#include "protocol/errors.h"
#include "protocol/header.h"
#include "protocol/sasl_authenticate.h"
#include "protocol/sasl_handshake.h"

using namespace kraftlab;
using namespace kraftlab::protocol;
using namespace kraftlab::protocol::test;

namespace {

// Encodes request into a body and runs it through the gate as `key` v`version`.
template <typename Request>
std::optional<net::ServerReply> through_gate(const net::SaslGate& gate, net::SessionInfo& session,
                                             std::int16_t version, const Request& request) {
    Bytes body = encode(request, version);
    Reader in(body);
    RequestHeader header{to_wire(Request::kKey), version, 1, "test"};
    return gate.intercept(header, in, session);
}

template <typename Response>
Response decode_reply(const net::ServerReply& reply, std::int16_t version) {
    Response r;
    Reader in(reply.body);
    if (!r.decode(in, version)) r.error_code = -100;
    return r;
}

struct EmptyRequest {
    static constexpr ApiKey kKey = ApiKey::Vote;
    void encode(Writer&, std::int16_t) const {}
};

}  // namespace

class SaslTest : public QObject {
    Q_OBJECT

  private slots:
    void handshake_bytes() {
        QCOMPARE(to_hex(encode(SaslHandshakeRequest{"PLAIN"}, 1)), to_hex(hex("0005 504c41494e")));
        SaslHandshakeResponse r;
        r.error_code = 33;
        r.mechanisms = {"PLAIN"};
        QCOMPARE(to_hex(encode(r, 1)), to_hex(hex("0021 00000001 0005 504c41494e")));
        for (std::int16_t v : {0, 1}) {
            check_round_trip(SaslHandshakeRequest{"SCRAM-SHA-256"}, v);
            check_round_trip(r, v);
        }
        SaslHandshakeRequest out_of_range;
        QVERIFY(!decode(encode(SaslHandshakeRequest{"PLAIN"}, 1), 2, out_of_range));
    }

    void authenticate_bytes() {
        SaslAuthenticateRequest req{text_bytes(std::string_view("\0u\0p", 4))};
        QCOMPARE(to_hex(encode(req, 1)), to_hex(hex("00000004 00 75 00 70")));
        QCOMPARE(to_hex(encode(req, 2)), to_hex(hex("05 00 75 00 70 00")));  // compact, tags
        SaslAuthenticateResponse resp;
        resp.error_code = 58;
        resp.error_message = "no";
        // v0: error, nullable string, bytes; v1 adds the session lifetime; v2 is compact.
        QCOMPARE(to_hex(encode(resp, 0)), to_hex(hex("003a 0002 6e6f 00000000")));
        QCOMPARE(to_hex(encode(resp, 1)), to_hex(hex("003a 0002 6e6f 00000000 0000000000000000")));
        QCOMPARE(to_hex(encode(resp, 2)), to_hex(hex("003a 03 6e6f 01 0000000000000000 00")));
        for (std::int16_t v = 0; v <= 2; ++v) {
            check_round_trip(req, v);
            check_round_trip(resp, v);
            SaslAuthenticateResponse ok;
            if (v >= 1) ok.session_lifetime_ms = 3600000;
            check_round_trip(ok, v);
        }
        QCOMPARE(first_flexible_version(ApiKey::SaslAuthenticate), std::int16_t{2});
        QCOMPARE(response_header_version(ApiKey::SaslHandshake, 1), std::int16_t{0});
        QCOMPARE(api_name(36), std::string_view("SaslAuthenticate"));
    }

    void plain_tokens() {
        auto parse = [](std::string_view s, std::string* why = nullptr) {
            return net::parse_plain_token(text_bytes(s), why);
        };
        auto ok = parse(std::string_view("\0alice\0secret", 13));
        QVERIFY(ok);
        QCOMPARE(ok->username, std::string("alice"));
        QCOMPARE(ok->password, std::string("secret"));
        QVERIFY(parse(std::string_view("alice\0alice\0secret", 18)));  // authzid = username
        std::string why;
        QVERIFY(!parse(std::string_view("bob\0alice\0secret", 16), &why));
        QVERIFY2(why.find("authorization id") != std::string::npos, why.c_str());
        QVERIFY(!parse("alice", &why));
        QVERIFY2(why.find("no NUL") != std::string::npos, why.c_str());
        QVERIFY(!parse(std::string_view("\0alice", 6)));
        QVERIFY(!parse(std::string_view("\0\0secret", 8)));                // empty username
        QVERIFY(!parse(std::string_view("\0alice\0", 7)));                 // empty password
        QVERIFY(!parse(std::string_view("\0a\0b\0c", 6)));                 // three separators
        QVERIFY(!parse(std::string("\0a\0", 3) + std::string(256, 'x')));  // overlong password
        QVERIFY(parse(std::string("\0a\0", 3) + std::string(255, 'x')));
        const net::SaslCredentials c{"kraftlab-node", "s3cret"};
        auto back = net::parse_plain_token(net::encode_plain_token(c), nullptr);
        QVERIFY(back && back->username == c.username && back->password == c.password);
    }

    void constant_time_equal() {
        QVERIFY(net::constant_time_equal("abc", "abc"));
        QVERIFY(net::constant_time_equal("", ""));
        QVERIFY(!net::constant_time_equal("abc", "abd"));
        QVERIFY(!net::constant_time_equal("abc", "abcd"));
        QVERIFY(!net::constant_time_equal("abc", ""));
        QVERIFY(!net::constant_time_equal(std::string_view("a\0", 2), "a"));
    }

    void gate_requires_authentication_first() {
        net::SaslGate gate({true, {{"kraftlab-node", "right"}}, {}});
        net::SessionInfo s;
        // Anything but ApiVersions and the SASL APIs closes the connection before authenticating.
        auto vote = through_gate(gate, s, 0, EmptyRequest{});
        QVERIFY(vote && vote->action == net::ServerReply::Action::Close);
        // SaslAuthenticate before SaslHandshake: ILLEGAL_SASL_STATE.
        auto early = through_gate(gate, s, 1, SaslAuthenticateRequest{});
        QVERIFY(early);
        QCOMPARE(decode_reply<SaslAuthenticateResponse>(*early, 1).error_code,
                 to_wire(ErrorCode::ILLEGAL_SASL_STATE));
        auto scram = through_gate(gate, s, 1, SaslHandshakeRequest{"SCRAM-SHA-512"});
        auto scram_answer = decode_reply<SaslHandshakeResponse>(*scram, 1);
        QCOMPARE(scram_answer.error_code, to_wire(ErrorCode::UNSUPPORTED_SASL_MECHANISM));
        QCOMPARE(scram_answer.mechanisms, std::vector<std::string>{"PLAIN"});
        auto shaken = through_gate(gate, s, 1, SaslHandshakeRequest{"PLAIN"});
        QCOMPARE(decode_reply<SaslHandshakeResponse>(*shaken, 1).error_code, std::int16_t{0});
        auto token = net::encode_plain_token({"kraftlab-node", "right"});
        auto authenticated = through_gate(gate, s, 2, SaslAuthenticateRequest{token});
        QCOMPARE(authenticated->header_version, std::int16_t{1});  // v2 is flexible
        QCOMPARE(decode_reply<SaslAuthenticateResponse>(*authenticated, 2).error_code,
                 std::int16_t{0});
        QVERIFY(net::SaslGate::is_lab_node(s));
        QVERIFY(!through_gate(gate, s, 0, EmptyRequest{}));  // now the node serves it
    }

    void gate_refuses_a_wrong_password_and_then_closes() {
        std::string refused;
        net::SaslGate gate(
            {true,
             {{"kraftlab-node", "right"}},
             [&](const net::SessionInfo&, const std::string& why) { refused = why; }});
        net::SessionInfo s;
        through_gate(gate, s, 1, SaslHandshakeRequest{"PLAIN"});
        auto wrong = through_gate(
            gate, s, 1,
            SaslAuthenticateRequest{net::encode_plain_token({"kraftlab-node", "wrong"})});
        QCOMPARE(decode_reply<SaslAuthenticateResponse>(*wrong, 1).error_code,
                 to_wire(ErrorCode::SASL_AUTHENTICATION_FAILED));
        QVERIFY(!s.principal);
        QVERIFY(refused.find("wrong") == std::string::npos);  // never the password
        QVERIFY(!refused.empty());
        auto next = through_gate(gate, s, 1, SaslHandshakeRequest{"PLAIN"});
        QVERIFY(next && next->action == net::ServerReply::Action::Close);
    }

    void an_optional_gate_serves_the_unauthenticated_but_not_as_a_node() {
        net::SaslGate gate({false, {{"kraftlab-node", "n"}, {"client", "c"}}, {}});
        net::SessionInfo s;
        QVERIFY(!through_gate(gate, s, 0, EmptyRequest{}));
        through_gate(gate, s, 1, SaslHandshakeRequest{"PLAIN"});
        through_gate(gate, s, 1, SaslAuthenticateRequest{net::encode_plain_token({"client", "c"})});
        QCOMPARE(s.principal.value_or(""), std::string("client"));
        QVERIFY(!net::SaslGate::is_lab_node(s));
    }
};

QTEST_GUILESS_MAIN(SaslTest)
#include "test_sasl.moc"
