// SaslGate: the SASL side of one listener (KIP-43, KIP-152), shared by controllers and brokers.
// It answers SaslHandshake and SaslAuthenticate (mechanism PLAIN), records in the session who
// authenticated, and, on a listener that requires SASL, closes a connection that sends anything
// but ApiVersions, SaslHandshake or SaslAuthenticate before authenticating (as Kafka does: the
// request is not served, nothing changes).
//
// Order, as Kafka's SaslServerAuthenticator: SaslHandshake v0-1 (a mechanism other than PLAIN is
// answered UNSUPPORTED_SASL_MECHANISM), then one SaslAuthenticate v0-2 carrying the PLAIN token.
// A wrong user or password is answered SASL_AUTHENTICATION_FAILED; that connection is then
// closed at its next request, whatever it is. A handshake or token out of order (before the
// handshake, or after authenticating) is ILLEGAL_SASL_STATE. Passwords are compared in constant
// time and never appear in messages.
//
// Threads: stateless apart from its options; called on the node's io_context thread with the
// session the request came on. Lifecycle: owned by the node, lives as long as its listener.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/kafka_server.h"
#include "net/sasl_plain.h"
#include "protocol/api_versions.h"

namespace kraftlab::net {

class SaslGate {
  public:
    struct Options {
        // Before authenticating, only ApiVersions, SaslHandshake and SaslAuthenticate.
        bool required = false;
        // Who may authenticate; empty: SASL is off (every handshake is refused).
        std::vector<SaslCredentials> users;
        // Told of every refused authentication (the user name, never the password).
        std::function<void(const SessionInfo&, const std::string& why)> on_refused;
    };

    explicit SaslGate(Options options) : options_(std::move(options)) {}

    // A reply when the gate deals with the request itself (the SASL APIs in the versions it
    // speaks, or a request refused before authentication); nullopt when the node serves it.
    std::optional<ServerReply> intercept(const protocol::RequestHeader& header,
                                         protocol::Reader& body, SessionInfo& session) const;

    bool required() const { return options_.required; }
    // The ranges a listener advertises in ApiVersions for the SASL APIs.
    static std::vector<protocol::ApiVersionsResponse::ApiVersion> advertised();
    // The session authenticated as one of the lab's nodes (kLabNodeUser).
    static bool is_lab_node(const SessionInfo& session);

  private:
    ServerReply handshake(const protocol::RequestHeader& header, protocol::Reader& body,
                          SessionInfo& session) const;
    ServerReply authenticate(const protocol::RequestHeader& header, protocol::Reader& body,
                             SessionInfo& session) const;

    Options options_;
};

}  // namespace kraftlab::net
