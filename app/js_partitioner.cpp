#include "js_partitioner.h"

#include <cmath>

namespace kraftlab::app {

namespace {

QString to_js_string(protocol::ByteView bytes) {
    return QString::fromUtf8(reinterpret_cast<const char*>(bytes.data()),
                             static_cast<qsizetype>(bytes.size()));
}

QString describe_value(const QJSValue& v) {
    if (v.isUndefined()) return "undefined";
    if (v.isNull()) return "null";
    if (v.isString()) return "the string \"" + v.toString().left(40) + "\"";
    return v.toString().left(40);
}

}  // namespace

QString default_partitioner_source() {
    return QStringLiteral(
        "// Called once per record. Return a partition number from 0 to numPartitions - 1.\n"
        "// key and value are strings (key is null when the record has no key).\n"
        "function partition(key, value, numPartitions) {\n"
        "    if (key === null || numPartitions < 2) return 0;\n"
        "    // Keys ending in an even character code go to the first half of the\n"
        "    // partitions, odd ones to the second half.\n"
        "    var code = key.charCodeAt(key.length - 1);\n"
        "    var half = Math.floor(numPartitions / 2);\n"
        "    if (code % 2 === 0) return code % half;\n"
        "    return half + code % (numPartitions - half);\n"
        "}\n");
}

JsPartitioner::JsPartitioner(const QString& source, int time_limit_ms)
    : engine_(std::make_unique<QJSEngine>()), time_limit_ms_(time_limit_ms) {
    engine_->installExtensions(QJSEngine::ConsoleExtension);
    watchdog_ = std::thread([this] { watchdog_loop(); });

    // Compile under the watchdog too: top-level code may loop forever.
    {
        std::lock_guard lock(mutex_);
        calling_ = true;
        deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(time_limit_ms_);
    }
    wake_.notify_all();
    QJSValue result = engine_->evaluate(source, "partitioner.js");
    {
        std::lock_guard lock(mutex_);
        calling_ = false;
    }
    if (interrupted_.exchange(false)) {
        engine_->setInterrupted(false);
        error_ = QString("the script's top-level code ran longer than %1 ms and was stopped")
                     .arg(time_limit_ms_);
        return;
    }
    if (result.isError()) {
        error_ = QString("line %1: %2")
                     .arg(result.property("lineNumber").toInt())
                     .arg(result.toString());
        return;
    }
    function_ = engine_->globalObject().property("partition");
    if (!function_.isCallable()) {
        error_ = "the script must define function partition(key, value, numPartitions)";
    }
}

JsPartitioner::~JsPartitioner() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    if (watchdog_.joinable()) watchdog_.join();
}

void JsPartitioner::watchdog_loop() {
    std::unique_lock lock(mutex_);
    while (!quit_) {
        if (!calling_) {
            watchdog_idle_ = true;
            wake_.wait(lock);
            watchdog_idle_ = false;
            continue;
        }
        auto deadline = deadline_;
        if (wake_.wait_until(lock, deadline,
                             [&] { return quit_ || !calling_ || deadline_ != deadline; })) {
            continue;
        }
        // Still inside the same call past its deadline.
        interrupted_ = true;
        engine_->setInterrupted(true);  // thread-safe by contract
        wake_.wait(lock, [&] { return quit_ || !calling_; });
    }
}

lab::Partitioner::Choice JsPartitioner::choose(std::optional<protocol::ByteView> key,
                                               protocol::ByteView value,
                                               std::int32_t num_partitions) {
    if (!ok()) return {-1, error_.toStdString()};
    QJSValueList args;
    args << (key ? QJSValue(to_js_string(*key)) : QJSValue(QJSValue::NullValue))
         << QJSValue(to_js_string(value)) << QJSValue(num_partitions);
    bool wake_watchdog = false;
    {
        std::lock_guard lock(mutex_);
        calling_ = true;
        deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(time_limit_ms_);
        wake_watchdog = watchdog_idle_;
    }
    // A busy watchdog re-reads the deadline when its old one passes; only an idle one needs a
    // wake-up. That keeps the cost of a call at two uncontended locks.
    if (wake_watchdog) wake_.notify_all();
    QJSValue result = function_.call(args);
    {
        std::lock_guard lock(mutex_);
        calling_ = false;
    }
    if (interrupted_.exchange(false)) {
        engine_->setInterrupted(false);
        error_ =
            QString("partition() ran longer than %1 ms and was stopped; fix the code to resume")
                .arg(time_limit_ms_);
        return {-1, error_.toStdString()};
    }
    if (result.isError()) {
        return {-1, QString("partition() threw %1 (line %2)")
                        .arg(result.toString())
                        .arg(result.property("lineNumber").toInt())
                        .toStdString()};
    }
    if (!result.isNumber()) {
        return {
            -1,
            ("partition() returned " + describe_value(result) + ", not a number").toStdString()};
    }
    const double n = result.toNumber();
    if (!std::isfinite(n) || n != std::floor(n)) {
        return {-1, QString("partition() returned %1, not a whole number").arg(n).toStdString()};
    }
    if (n < 0 || n >= num_partitions) {
        return {-1, QString("partition() returned %1; the topic has partitions 0 to %2")
                        .arg(n)
                        .arg(num_partitions - 1)
                        .toStdString()};
    }
    return {static_cast<std::int32_t>(n), {}};
}

lab::PartitionerFactory JsPartitioner::factory(const QString& source) {
    return [source](std::string* error) -> std::unique_ptr<lab::Partitioner> {
        auto p = std::make_unique<JsPartitioner>(source);
        if (!p->ok()) {
            if (error) *error = p->error().toStdString();
            return nullptr;
        }
        return p;
    };
}

PartitionerCheck check_partitioner(const QString& source, int num_partitions, int samples) {
    PartitionerCheck check;
    if (num_partitions < 1) {
        check.message = "the topic has no partitions";
        return check;
    }
    JsPartitioner p(source);
    if (!p.ok()) {
        check.message = p.error();
        const auto& e = p.error();
        if (e.startsWith("line ")) check.line = e.mid(5, e.indexOf(':') - 5).toInt();
        return check;
    }
    QStringList shown;
    for (int i = 0; i < samples; ++i) {
        const QByteArray key = "key-" + QByteArray::number(i);
        const QByteArray value = "value";
        auto choice =
            p.choose(protocol::ByteView(reinterpret_cast<const std::uint8_t*>(key.data()),
                                        static_cast<std::size_t>(key.size())),
                     protocol::ByteView(reinterpret_cast<const std::uint8_t*>(value.data()),
                                        static_cast<std::size_t>(value.size())),
                     num_partitions);
        if (!choice.error.empty()) {
            check.message = QString("for key \"%1\": %2")
                                .arg(QString::fromUtf8(key), QString::fromStdString(choice.error));
            check.preview.clear();
            return check;
        }
        check.preview.push_back(choice.partition);
        shown << QString("%1→%2").arg(QString::fromUtf8(key)).arg(choice.partition);
    }
    check.ok = true;
    check.message = shown.join("  ");
    return check;
}

}  // namespace kraftlab::app
