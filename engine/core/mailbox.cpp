#include "core/mailbox.h"

#include <boost/asio/post.hpp>

namespace kraftlab::core {

bool Mailbox::post(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    if (!open_) return false;
    // The closure re-checks at run time: work queued before close() must not run after it.
    boost::asio::post(executor_, [self = shared_from_this(), fn = std::move(fn)]() mutable {
        {
            std::lock_guard inner(self->mutex_);
            if (!self->open_) return;
        }
        fn();
    });
    return true;
}

void Mailbox::close() {
    std::lock_guard lock(mutex_);
    open_ = false;
}

bool Mailbox::is_open() const {
    std::lock_guard lock(mutex_);
    return open_;
}

}  // namespace kraftlab::core
