// Helpers for tests of the metadata image and the controller's decisions: a cluster of live
// brokers, and an image with records applied.
#pragma once

#include <memory>
#include <vector>

#include "metadata/image.h"
#include "metadata/records.h"
#include "metadata/replication_control.h"

namespace kraftlab::metadata::test {

// Brokers 1..brokers, registered and unfenced.
inline std::shared_ptr<const MetadataImage> cluster_of(int brokers) {
    auto image = MetadataImage::empty();
    for (int id = 1; id <= brokers; ++id) {
        auto reg = register_broker(*image, id, Uuid::random(), "127.0.0.1",
                                   static_cast<std::uint16_t>(9091 + id), std::nullopt);
        image = replay(image, reg, image->offset() + 1);
        image = replay(image, unfence_broker(*image, id), image->offset() + 1);
    }
    return image;
}

inline std::shared_ptr<const MetadataImage> after(std::shared_ptr<const MetadataImage> image,
                                                  const std::vector<MetadataRecord>& records) {
    return replay(image, records, image->offset() + 1);
}

}  // namespace kraftlab::metadata::test
