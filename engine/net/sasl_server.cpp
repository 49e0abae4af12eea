#include "net/sasl_server.h"

#include "protocol/errors.h"
#include "protocol/sasl_authenticate.h"
#include "protocol/sasl_handshake.h"

namespace kraftlab::net {

using protocol::ApiKey;
using protocol::ErrorCode;
using protocol::to_wire;

namespace {

bool in_range(std::int16_t version, std::int16_t min, std::int16_t max) {
    return version >= min && version <= max;
}

template <typename Response>
ServerReply respond(const Response& response, const protocol::RequestHeader& header) {
    protocol::Bytes body;
    protocol::Writer w(body);
    response.encode(w, header.api_version);
    return ServerReply::respond(
        std::move(body), protocol::response_header_version(header.key(), header.api_version));
}

}  // namespace

std::vector<protocol::ApiVersionsResponse::ApiVersion> SaslGate::advertised() {
    using protocol::SaslAuthenticateRequest;
    using protocol::SaslHandshakeRequest;
    return {{to_wire(ApiKey::SaslHandshake), SaslHandshakeRequest::kMinVersion,
             SaslHandshakeRequest::kMaxVersion},
            {to_wire(ApiKey::SaslAuthenticate), SaslAuthenticateRequest::kMinVersion,
             SaslAuthenticateRequest::kMaxVersion}};
}

bool SaslGate::is_lab_node(const SessionInfo& session) {
    return session.principal && *session.principal == kLabNodeUser;
}

std::optional<ServerReply> SaslGate::intercept(const protocol::RequestHeader& header,
                                               protocol::Reader& body, SessionInfo& session) const {
    const auto key = header.key();
    if (session.sasl_failed) {
        return ServerReply::close(
            "its SASL authentication failed; the connection ends, as Kafka's");
    }
    if (key == ApiKey::SaslHandshake &&
        in_range(header.api_version, protocol::SaslHandshakeRequest::kMinVersion,
                 protocol::SaslHandshakeRequest::kMaxVersion)) {
        return handshake(header, body, session);
    }
    if (key == ApiKey::SaslAuthenticate &&
        in_range(header.api_version, protocol::SaslAuthenticateRequest::kMinVersion,
                 protocol::SaslAuthenticateRequest::kMaxVersion)) {
        return authenticate(header, body, session);
    }
    const bool allowed_before = key == ApiKey::ApiVersions || key == ApiKey::SaslHandshake ||
                                key == ApiKey::SaslAuthenticate;
    if (options_.required && !session.principal && !allowed_before) {
        return ServerReply::close("it sent " + std::string(protocol::api_name(header.api_key)) +
                                  " before authenticating; this listener requires SASL");
    }
    return std::nullopt;
}

ServerReply SaslGate::handshake(const protocol::RequestHeader& header, protocol::Reader& body,
                                SessionInfo& session) const {
    protocol::SaslHandshakeRequest request;
    if (!request.decode(body, header.api_version))
        return ServerReply::close("malformed SaslHandshake request");
    protocol::SaslHandshakeResponse response;
    if (!options_.users.empty()) response.mechanisms.emplace_back(kPlainMechanism);
    if (session.principal || session.sasl_handshake_done) {
        response.error_code = to_wire(ErrorCode::ILLEGAL_SASL_STATE);
    } else if (options_.users.empty() || request.mechanism != kPlainMechanism) {
        response.error_code = to_wire(ErrorCode::UNSUPPORTED_SASL_MECHANISM);
    } else {
        session.sasl_handshake_done = true;
    }
    return respond(response, header);
}

ServerReply SaslGate::authenticate(const protocol::RequestHeader& header, protocol::Reader& body,
                                   SessionInfo& session) const {
    protocol::SaslAuthenticateRequest request;
    if (!request.decode(body, header.api_version))
        return ServerReply::close("malformed SaslAuthenticate request");
    protocol::SaslAuthenticateResponse response;
    auto refuse = [&](ErrorCode code, std::string why) {
        response.error_code = to_wire(code);
        response.error_message = why;
        if (code == ErrorCode::SASL_AUTHENTICATION_FAILED) session.sasl_failed = true;
        if (options_.on_refused) options_.on_refused(session, why);
        return respond(response, header);
    };
    if (session.principal || !session.sasl_handshake_done) {
        return refuse(ErrorCode::ILLEGAL_SASL_STATE,
                      session.principal ? "the connection is authenticated already"
                                        : "SaslAuthenticate came before SaslHandshake");
    }
    std::string why;
    auto token = parse_plain_token(request.auth_bytes, &why);
    if (!token)
        return refuse(ErrorCode::SASL_AUTHENTICATION_FAILED, "Authentication failed: " + why);
    // Every user's password is compared, so the time does not tell which user exists either.
    bool match = false;
    for (const auto& user : options_.users) {
        const bool same_user = constant_time_equal(user.username, token->username);
        const bool same_password = constant_time_equal(user.password, token->password);
        match = match || (same_user && same_password);
    }
    if (!match) {
        return refuse(ErrorCode::SASL_AUTHENTICATION_FAILED,
                      "Authentication failed: invalid username or password (user '" +
                          token->username.substr(0, 64) + "')");
    }
    session.principal = token->username;
    return respond(response, header);
}

}  // namespace kraftlab::net
