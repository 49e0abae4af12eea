// Real producers for the integration tests that check acknowledged writes: acked_producer.py
// (kafka-python or confluent-kafka, retries off, reports what was acknowledged where), kcat in
// chunks, and reading a partition back with kcat.
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>

#include "lab_process.h"

namespace kraftlab::testing {

// Every record of a partition, read with kcat from the current leader: offset -> value.
inline QMap<qint64, QString> read_partition(const QString& bootstrap, const QString& topic,
                                            int partition, bool* ok) {
    auto r = run_client("kcat",
                        {"-C", "-b", bootstrap, "-t", topic, "-p", QString::number(partition), "-o",
                         "beginning", "-e", "-J", "-q"},
                        {}, 60'000);
    *ok = r.ok();
    QMap<qint64, QString> out;
    for (const auto& line : r.out.split('\n')) {
        if (line.trimmed().isEmpty()) continue;
        auto o = QJsonDocument::fromJson(line).object();
        out.insert(static_cast<qint64>(o["offset"].toDouble()), o["payload"].toString());
    }
    return out;
}

// acked_producer.py with `library` (kafka-python or confluent); timeout_ms: request.timeout.ms.
inline QProcess* start_python_producer(QObject* parent, const QString& library,
                                       const QString& bootstrap, const QString& topic, int count,
                                       int seconds, int timeout_ms = 15'000) {
    auto* p = new QProcess(parent);
    p->setProgram("/usr/bin/python3");
    p->setArguments({scripts_dir() + "/acked_producer.py", library, bootstrap, topic,
                     QString::number(count), QString::number(seconds), library,
                     QString::number(timeout_ms)});
    p->start();
    return p;
}

// kcat in chunks of 20 records: a chunk is acknowledged when kcat delivered all of it (exit 0,
// no delivery error); otherwise its records are "unknown" (written at most once).
// extra: more kcat -X settings ("-X request.timeout.ms=3000").
inline QProcess* start_kcat_producer(QObject* parent, const QString& bootstrap,
                                     const QString& topic, int chunks, const QString& extra = {}) {
    auto* p = new QProcess(parent);
    p->setProgram("bash");
    const QString script =
        "for c in $(seq 0 " + QString::number(chunks - 1) +
        "); do "
        "  for i in $(seq 0 19); do echo kcat-$c-$i; done > /tmp/kraftlab-kcat-chunk-$$; "
        "  if kcat -P -b " +
        bootstrap + " -t " + topic +
        " -X acks=all -X message.send.max.retries=0 -X enable.idempotence=false"
        "     -X message.timeout.ms=15000 -X topic.metadata.refresh.interval.ms=1000 " +
        extra +
        "     < /tmp/kraftlab-kcat-chunk-$$ 2>/tmp/kraftlab-kcat-err-$$ && "
        "     ! grep -qi 'fail\\|error' /tmp/kraftlab-kcat-err-$$; "
        "  then echo \"acked $c\"; else echo \"unknown $c\"; fi; "
        "  sleep 0.3; "
        "done; rm -f /tmp/kraftlab-kcat-chunk-$$ /tmp/kraftlab-kcat-err-$$";
    p->setArguments({"-c", script});
    p->start();
    return p;
}

}  // namespace kraftlab::testing
