// Golden transcripts of the raft core: a tiny command language over a sim::Cluster, after etcd
// raft's datadriven testdata. A file is a sequence of blocks:
//
//   # comments and blank lines are kept as they are
//   <command> [args]
//   ----
//   <output: what the command made happen, one line each; "ok" when nothing did>
//   <blank line>
//
// Commands (time moves only with tick/run; messages move only with deliver/stabilize/run):
//   nodes 1 2 3 [observers=4,5] [seed=N] [fetch_max_entries=N]   a fresh cluster, no leader
//   tick [N] [ms=M]     N ticks of M ms (default 1 of 100 ms): timers fire, held fetches time
//                       out
//   deliver [from=A] [to=B] [drop=C]
//                       one round: every message in flight now (from A / to B only, if given)
//                       is delivered, those to C are dropped; answers wait for the next round
//   stabilize           deliver rounds until nothing is in flight (held fetches excepted)
//   run N               N ticks, each followed by stabilize; prints node changes only
//   campaign N / resign N / crash N / restart N
//   pause N / resume N  freeze node N (GC pause, SIGSTOP): not ticked, what reaches it waits
//                       ("(waits: N is paused)"); on resume the waiting messages are in flight
//                       again, after the others, in the order they arrived
//   propose N a b ...   records "a", "b", ... as one entry at node N
//   partition 1 | 2 3   cut every link between the groups; `heal` restores all
//   status              one line per node
//   log [N ...]         the entries of the named nodes (default: all)
//
// Every command is followed by the simulation's safety checks; a violation is printed as a
// "VIOLATION:" line (and fails the test).
#pragma once

#include <string>

namespace kraftlab::raft::sim {

struct TranscriptRun {
    std::string output;  // the file as it should read: every command with its actual output
    std::string error;   // a malformed command or a safety violation; empty when none
};

TranscriptRun run_transcript(const std::string& text);

}  // namespace kraftlab::raft::sim
