#include "protocol/describe_configs.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void DescribeConfigsRequest::encode(Writer& out, std::int16_t version) const {
    write_array_length(out, resources.size());
    for (const auto& r : resources) {
        out.i8(r.resource_type);
        out.string(r.resource_name);
        if (!r.configuration_keys) {
            write_null_array(out);
        } else {
            write_array_length(out, r.configuration_keys->size());
            for (const auto& k : *r.configuration_keys)
                out.string(k);
        }
    }
    if (version >= 1) out.boolean(include_synonyms);
}

bool DescribeConfigsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    read_elements(in, read_array_length(in, 1 + 2 + 4), resources, [&](Resource& r) {
        r.resource_type = in.i8();
        r.resource_name = in.string();
        const std::int32_t n = read_nullable_array_length(in, 2);
        if (n >= 0) {
            r.configuration_keys.emplace();
            read_elements(in, n, *r.configuration_keys, [&](std::string& k) { k = in.string(); });
        }
    });
    if (version >= 1) include_synonyms = in.boolean();
    return in.ok();
}

void DescribeConfigsResponse::encode(Writer& out, std::int16_t version) const {
    out.i32(throttle_time_ms);
    write_array_length(out, results.size());
    for (const auto& r : results) {
        out.i16(r.error_code);
        out.nullable_string(r.error_message);
        out.i8(r.resource_type);
        out.string(r.resource_name);
        write_array_length(out, r.configs.size());
        for (const auto& c : r.configs) {
            out.string(c.name);
            out.nullable_string(c.value);
            out.boolean(c.read_only);
            if (version == 0) {
                out.boolean(c.is_default);
            } else {
                out.i8(c.config_source);
            }
            out.boolean(c.is_sensitive);
            if (version >= 1) {
                write_array_length(out, c.synonyms.size());
                for (const auto& s : c.synonyms) {
                    out.string(s.name);
                    out.nullable_string(s.value);
                    out.i8(s.source);
                }
            }
        }
    }
}

bool DescribeConfigsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    read_elements(in, read_array_length(in, 2 + 2 + 1 + 2 + 4), results, [&](Result& r) {
        r.error_code = in.i16();
        r.error_message = in.nullable_string();
        r.resource_type = in.i8();
        r.resource_name = in.string();
        read_elements(in, read_array_length(in, 2 + 2 + 3), r.configs, [&](Config& c) {
            c.name = in.string();
            c.value = in.nullable_string();
            c.read_only = in.boolean();
            if (version == 0) {
                c.is_default = in.boolean();
            } else {
                c.config_source = in.i8();
            }
            c.is_sensitive = in.boolean();
            if (version >= 1) {
                read_elements(in, read_array_length(in, 2 + 2 + 1), c.synonyms, [&](Synonym& s) {
                    s.name = in.string();
                    s.value = in.nullable_string();
                    s.source = in.i8();
                });
            }
        });
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
