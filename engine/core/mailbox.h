// Mailbox: hands work to a node's thread, and stays safe to use after that node is killed.
//
// Nodes share no memory. When one node must reach another inside the process (for now: a broker
// and the lab's metadata controller), it posts a closure into the other's mailbox. The closure
// runs on the receiver's io_context thread. Once the receiver closes its mailbox (it is being
// killed), post() drops the work and returns false, so no closure ever runs against a dead node.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <mutex>

namespace kraftlab::core {

class Mailbox : public std::enable_shared_from_this<Mailbox> {
  public:
    static std::shared_ptr<Mailbox> create(boost::asio::any_io_executor executor) {
        return std::shared_ptr<Mailbox>(new Mailbox(std::move(executor)));
    }

    // Runs fn on the owner's thread unless the mailbox is closed. Thread-safe.
    bool post(std::function<void()> fn);
    // After close() returns, no posted closure will start. Call from the owner before it stops.
    void close();
    bool is_open() const;

  private:
    explicit Mailbox(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

    mutable std::mutex mutex_;
    boost::asio::any_io_executor executor_;
    bool open_ = true;
};

using MailboxPtr = std::shared_ptr<Mailbox>;

}  // namespace kraftlab::core
