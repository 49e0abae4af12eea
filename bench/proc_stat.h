// CPU time the kernel has counted for a process or one of its threads (utime + stime from
// /proc/.../stat), for benchmarks that report what each side of a run spent. Linux only.
#pragma once

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace kraftlab::bench {

// utime + stime in clock ticks from a /proc stat file; -1 when it cannot be read.
inline long stat_cpu_ticks(const std::string& stat_path) {
    std::ifstream in(stat_path);
    std::string line;
    if (!std::getline(in, line)) return -1;
    const auto close = line.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) return -1;
    std::istringstream fields(line.substr(close + 2));
    std::string f;
    long utime = 0, stime = 0;
    for (int i = 3; fields >> f; ++i) {  // field 3 is the state; 14 utime, 15 stime
        if (i == 14) utime = std::stol(f);
        if (i == 15) {
            stime = std::stol(f);
            break;
        }
    }
    return utime + stime;
}

// A thread of this process, in clock ticks.
inline long thread_cpu_ticks(pid_t tid) {
    return stat_cpu_ticks("/proc/self/task/" + std::to_string(tid) + "/stat");
}

// A whole process (getpid() for the benchmark itself), in seconds; 0 when it cannot be read.
inline double cpu_seconds(pid_t pid) {
    const long ticks = stat_cpu_ticks("/proc/" + std::to_string(pid) + "/stat");
    return ticks < 0 ? 0 : static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace kraftlab::bench
