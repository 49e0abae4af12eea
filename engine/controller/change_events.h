// The lab's events for a step of the metadata log: topics created and deleted, brokers
// registered, fenced and unfenced, partition leaders moved or gone offline, ISRs shrunk and
// expanded, unclean leader elections, topic configs changed, each explained in plain words (with
// `cause`, when known: "broker 2 was killed").
#pragma once

#include <string>

#include "core/events.h"
#include "metadata/image.h"

namespace kraftlab::controller {

void publish_metadata_changes(core::EventBus& events, const metadata::MetadataImage& before,
                              const metadata::MetadataImage& after,
                              const metadata::MetadataChanges& changes, const std::string& cause);

}  // namespace kraftlab::controller
