// ApiVersions: the versions this broker speaks (api_support.cpp). v3 requests are flexible; an
// unsupported version gets the v0-format error body every client can read (KIP-511).
#include "broker/api_support.h"
#include "broker/broker.h"
#include "protocol/api_versions.h"

namespace kraftlab::broker {

net::awaitable<Broker::Reply> Broker::handle_api_versions(const protocol::RequestHeader& h,
                                                          protocol::Reader& body) {
    if (!is_supported(h.api_key, h.api_version))
        co_return Reply::respond(unsupported_version_body());
    protocol::ApiVersionsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed ApiVersions request");

    protocol::ApiVersionsResponse response;
    for (const auto& api : supported_apis()) {
        response.api_keys.push_back({protocol::to_wire(api.key), api.min_version, api.max_version});
    }
    protocol::Bytes out;
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

}  // namespace kraftlab::broker
