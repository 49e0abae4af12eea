// lab_time_text: how the app writes a moment of lab time (core::LabClock, ms since the lab was
// made): "t=12.3 s", as the engine's own messages do. Pure; any thread.
#pragma once

#include <QString>

inline QString lab_time_text(qint64 lab_ms) {
    return QString("t=%1 s").arg(static_cast<double>(lab_ms) / 1000.0, 0, 'f', 1);
}
