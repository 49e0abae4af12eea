#include "broker/recent_keys.h"

#include <algorithm>

#include "protocol/record_batch.h"
#include "protocol/records.h"

namespace kraftlab::broker {

namespace {

// Valid UTF-8 with no control characters (C0, DEL; C1 is left alone: rare and harmless).
bool printable(const protocol::Bytes& key) {
    std::size_t i = 0;
    while (i < key.size()) {
        const std::uint8_t c = key[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) return false;
            ++i;
            continue;
        }
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= key.size()) return false;  // cut short
        for (std::size_t k = 1; k <= extra; ++k) {
            if ((key[i + k] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (key[i + k] & 0x3f);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace

std::string display_key(const std::optional<protocol::Bytes>& key) {
    if (!key) return "(null)";
    const auto max = RecentKeys::kMaxKeyChars;
    if (printable(*key)) {
        if (key->size() <= max) return std::string(key->begin(), key->end());
        // Cut on a character boundary.
        std::size_t cut = max - 3;
        while (cut > 0 && ((*key)[cut] & 0xc0) == 0x80)
            --cut;
        return std::string(key->begin(), key->begin() + static_cast<std::ptrdiff_t>(cut)) + "...";
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    const std::size_t shown = std::min(key->size(), (max - 3) / 2);
    for (std::size_t i = 0; i < shown; ++i) {
        out += kHex[(*key)[i] >> 4];
        out += kHex[(*key)[i] & 0x0f];
    }
    if (shown < key->size()) out += "...";
    return out;
}

void RecentKeys::appended(protocol::ByteView data) {
    protocol::BatchIterator it(data);
    while (it.next()) {
        auto batch = it.batch();
        batches_.push_back(
            {protocol::Bytes(batch.begin(), batch.end()), it.header().records_count});
        bytes_ += batch.size();
        dirty_ = true;
    }
    // Drop the oldest batch while the newer ones hold enough keys, or the ring is too big.
    auto newer_records = [&] {
        std::size_t n = 0;
        for (std::size_t i = 1; i < batches_.size(); ++i)
            n += static_cast<std::size_t>(std::max(batches_[i].records, 0));
        return n;
    };
    while (batches_.size() > 1 &&
           (batches_.size() > kMaxBatches || bytes_ > kMaxBytes || newer_records() >= kKeys)) {
        bytes_ -= batches_.front().bytes.size();
        batches_.pop_front();
    }
}

const std::vector<std::string>& RecentKeys::keys() {
    if (!dirty_) return keys_;
    dirty_ = false;
    keys_.clear();
    if (batches_.empty()) return keys_;
    if (auto h = protocol::RecordBatchHeader::parse(batches_.back().bytes))
        end_offset_ = h->next_offset();
    std::vector<protocol::Record> records;
    std::vector<std::string> newest_first;
    for (auto b = batches_.rbegin(); b != batches_.rend() && newest_first.size() < kKeys; ++b) {
        records.clear();
        if (protocol::decode_records(b->bytes, records, 16 << 20) != protocol::BatchError::None)
            break;
        for (auto r = records.rbegin(); r != records.rend() && newest_first.size() < kKeys; ++r)
            newest_first.push_back(display_key(r->key));
    }
    keys_.assign(newest_first.rbegin(), newest_first.rend());
    return keys_;
}

}  // namespace kraftlab::broker
