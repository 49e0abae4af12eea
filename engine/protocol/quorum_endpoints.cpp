#include "protocol/quorum_endpoints.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol::detail {

namespace {

// node_id, compact host, port, tagged fields.
constexpr std::size_t kNodeEndpointMinBytes = 4 + 1 + 2 + 1;
// compact name, compact host, port, tagged fields.
constexpr std::size_t kListenerEndpointMinBytes = 1 + 1 + 2 + 1;

}  // namespace

void write_node_endpoints(Writer& out, const std::vector<NodeEndpoint>& endpoints) {
    write_array_length(out, endpoints.size(), true);
    for (const auto& e : endpoints) {
        out.i32(e.node_id);
        out.compact_string(e.host);
        out.u16(e.port);
        out.empty_tagged_fields();
    }
}

void read_node_endpoints(Reader& in, std::vector<NodeEndpoint>& out) {
    read_elements(in, read_array_length(in, kNodeEndpointMinBytes, true), out,
                  [&](NodeEndpoint& e) {
                      e.node_id = in.i32();
                      e.host = in.compact_string();
                      e.port = in.u16();
                      in.tagged_fields();
                  });
}

void write_listener_endpoints(Writer& out, const std::vector<ListenerEndpoint>& endpoints) {
    write_array_length(out, endpoints.size(), true);
    for (const auto& e : endpoints) {
        out.compact_string(e.name);
        out.compact_string(e.host);
        out.u16(e.port);
        out.empty_tagged_fields();
    }
}

void read_listener_endpoints(Reader& in, std::vector<ListenerEndpoint>& out) {
    read_elements(in, read_array_length(in, kListenerEndpointMinBytes, true), out,
                  [&](ListenerEndpoint& e) {
                      e.name = in.compact_string();
                      e.host = in.compact_string();
                      e.port = in.u16();
                      in.tagged_fields();
                  });
}

void write_node_endpoints_tagged_section(Writer& out, const std::vector<NodeEndpoint>& endpoints) {
    if (endpoints.empty()) {
        out.empty_tagged_fields();
        return;
    }
    out.uvarint(1);
    write_tagged_field(out, kNodeEndpointsTag, false,
                       [&](Writer& w) { write_node_endpoints(w, endpoints); });
}

void read_node_endpoints_tagged_section(Reader& in, std::vector<NodeEndpoint>& out) {
    in.tagged_fields([&](std::uint32_t tag, Reader& field) {
        if (tag != kNodeEndpointsTag) return false;
        read_node_endpoints(field, out);
        finish_tagged_value(field);
        return true;
    });
}

}  // namespace kraftlab::protocol::detail
