// How a broker reaches the active controller: topic creation and deletion are decided there and
// come back to every broker as metadata records.
//
// Contract: calls may be made from any thread; `done` runs on the controller's thread, so a
// broker passes a `done` that posts into its own mailbox. If the controller is unreachable `done`
// still runs, with every topic failed (NOT_CONTROLLER / REQUEST_TIMED_OUT).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "metadata/replication_control.h"

namespace kraftlab::broker {

class ControllerChannel {
  public:
    using TopicsDone = std::function<void(std::vector<metadata::TopicResult>)>;

    virtual ~ControllerChannel() = default;
    virtual void create_topics(std::vector<metadata::NewTopic> topics, bool validate_only,
                               TopicsDone done) = 0;
    virtual void delete_topics(std::vector<std::string> names, TopicsDone done) = 0;
};

}  // namespace kraftlab::broker
