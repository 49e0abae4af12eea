// kraftlab-cluster's command vocabulary (commands.h): one line in, one result out.
#include "cli/commands.h"

#include <charconv>
#include <sstream>

#include "cli/network_commands.h"
#include "cli/parse.h"
#include "lab/field_rules.h"
#include "metadata/topic_config.h"

namespace kraftlab::cli {

using lab::check_field;
using lab::Cluster;
using lab::CommandResult;
using lab::Field;
using nlohmann::json;

const std::string_view kUsage =
    "usage: kraftlab-cluster [--controllers N] [--brokers N] [--port-base P] [--data DIR]\n"
    "                        [--num-partitions N] [--no-auto-create] [--kafka-timeouts]\n"
    "                        [--offsets-partitions N]\n"
    "                        [--connections-max-idle-ms MS] [--queued-max-request-bytes N]\n"
    "                        [--client-sasl USER:PASSWORD] [--lab-secret-file PATH]\n"
    "                        [--sasl-authentication-timeout-ms MS] [--rpc-events]\n"
    "                        [--scenario FILE [--speed X]]\n"
    "\n"
    "Runs a KRaft lab cluster on 127.0.0.1 (a controller quorum and brokers) and prints JSON\n"
    "lines: a 'ready' line with the bootstrap servers, then events. Real Kafka clients (kcat,\n"
    "librdkafka, kafka-python) can use the brokers.\n"
    "\n"
    "  --controllers N controllers in the KRaft quorum (ids 101, 102, ...), 1..7 (default 3)\n"
    "  --brokers N     number of brokers (ids 1, 2, ...), 1..32 (default 3)\n"
    "  --port-base P   broker i listens on P+i-1, controller 100+j on P+100+j-1;\n"
    "                  0 = ephemeral ports (default 0)\n"
    "  --data DIR      session directory (default: a fresh temporary directory)\n"
    "  --num-partitions N   partitions of auto-created topics (default 3)\n"
    "  --no-auto-create     refuse to create topics that clients ask for\n"
    "  --offsets-partitions N   partitions of __consumer_offsets, where consumer groups keep\n"
    "                       their offsets; the leader of a group's partition is its\n"
    "                       coordinator (offsets.topic.num.partitions; lab 3, Kafka 50), 1..50\n"
    "  --kafka-timeouts     Kafka's default timeouts (election 1000 ms, fetch 2000 ms, heartbeat\n"
    "                       2000 ms, session 9000 ms) instead of the lab's shorter ones\n"
    "  --connections-max-idle-ms MS   every node closes a connection that has had no request\n"
    "                       for MS ms (connections.max.idle.ms; lab 60000, Kafka 600000), 100..\n"
    "  --queued-max-request-bytes N   bytes each node holds in requests being read or queued;\n"
    "                       when full, sockets stop being read (queued.max.request.bytes;\n"
    "                       default 104857600; a larger request is refused), 2097152..\n"
    "  --client-sasl USER:PASSWORD   brokers require SASL PLAIN from clients too (kcat -X\n"
    "                       security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=PLAIN ...);\n"
    "                       default: clients use PLAINTEXT\n"
    "  --lab-secret-file PATH   the secret the lab's nodes authenticate with (SASL PLAIN as\n"
    "                       kraftlab-node), read from a file only its owner may read; default:\n"
    "                       a fresh random one per run, never shown\n"
    "  --rpc-events    print every RPC between nodes and between clients and brokers as a\n"
    "                  JSON line ({\"type\":\"rpc\",\"from\":...,\"api\":...,\"outcome\":...})\n"
    "  --no-lab-network  nodes talk over plain sockets, outside the lab network (no faults,\n"
    "                  no RPC events): for measuring what the network costs\n"
    "  --sasl-authentication-timeout-ms MS   a connection to a controller that has not\n"
    "                       authenticated after MS ms is closed (default 10000), 100..600000\n"
    "  --scenario FILE  run a scenario file (resources/scenarios/*.json) on a lab of its shape:\n"
    "                  its steps, the events and the verdict as JSON lines; exits 0 when every\n"
    "                  expectation held, 1 when one did not, 2 for a bad file\n"
    "  --speed X       with --scenario: lab speed 0.05..4 instead of the scenario's own\n"
    "\n"
    "Commands on stdin, one a line (each answered with a 'reply' line):\n"
    "  create-topic NAME PARTITIONS [REPLICATION_FACTOR] [key=value ...]\n"
    "  delete-topic NAME\n"
    "  set-config TOPIC key=value [key=value ...]   (key= or key alone: back to the default)\n"
    "                  topic configs: min.insync.replicas, unclean.leader.election.enable,\n"
    "                  segment.bytes, max.message.bytes ('status' shows each topic's)\n"
    "  add-partitions TOPIC COUNT   grow a topic to COUNT partitions (CreatePartitions)\n"
    "  elect-leaders preferred|unclean [TOPIC [PARTITION]]   ElectLeaders, as\n"
    "                 kafka-leader-election (unclean: a replica not in sync may lead)\n"
    "  reassign TOPIC PARTITION 2,3,4   move the partition's replicas to brokers 2, 3 and 4\n"
    "                 (the first is the preferred leader); 'reassign TOPIC PARTITION cancel'\n"
    "                 stops a move (AlterPartitionReassignments, as kafka-reassign-partitions)\n"
    "  replication-factor TOPIC N   change a topic's replication factor (a move per partition)\n"
    "  kill broker|controller ID        restart broker|controller ID\n"
    "  kill broker ID power-loss   the broker's machine loses power: what it wrote since its\n"
    "                        last flush is gone (plain 'kill' is a process crash: nothing is)\n"
    "  flush-interval MS     brokers fsync their logs every MS ms (log.flush.interval.ms;\n"
    "                        lab default 1000, Kafka's is never), 10..86400000\n"
    "  resign controller ID  the active controller steps down; the quorum elects another\n"
    "  timeouts ELECTION_MS FETCH_MS HEARTBEAT_MS SESSION_MS   change them live\n"
    "  produce TOPIC RATE [acks=0|1|all|N] [keys=none|sequence|random:N|fixed:K]\n"
    "          [partitioner=round-robin|key-hash] [value-bytes=N] [route=leader|any]\n"
    "          [compression=none|gzip|snappy|lz4|zstd] [linger-ms=N] [max-records=N]\n"
    "          [idempotence=on|off]\n"
    "                        start a built-in producer (RATE records/s); replies its id.\n"
    "                        acks=N (2..32) is the lab's own: N replicas have the record.\n"
    "                        route=any sends each request to the next broker in turn, which\n"
    "                        forwards it to the leader (route=leader: straight to the leader)\n"
    "                        idempotence=on (needs acks=all): producer id and sequences, so a\n"
    "                        retried batch is answered from the leader's log, not written twice\n"
    "  update-producer ID key=value ...   change a producer live (rate=N and the keys above)\n"
    "  stop-producer ID\n"
    "  consume TOPIC [from=earliest|latest] [group=NAME] [assignor=range|roundrobin]\n"
    "          [commit=auto|poll]\n"
    "                        start a built-in consumer; replies its id. Without a group it\n"
    "                        reads every partition; with group=NAME it joins that consumer\n"
    "                        group (Kafka's classic protocol) and reads the partitions the\n"
    "                        group assigns it (assignor: range, the default, or roundrobin),\n"
    "                        from their committed offsets (none: from=, default earliest);\n"
    "                        commit=auto commits every second, commit=poll after each fetch\n"
    "  stop-consumer ID\n"
    "  kill consumer ID      its process dies: no last commit and no LeaveGroup; its group\n"
    "                        notices when its session times out (session.timeout.ms)\n"
    "  audit                 read every topic back and check that no record the built-in\n"
    "                        producers saw acknowledged is lost, moved, duplicated or out of "
    "order\n"
    "  pause                 lab time stops and every node is held (real clients' requests\n"
    "                        wait, unanswered; they may time out on their own clocks)\n"
    "  resume                lab time runs on from where it stood\n"
    "  speed X               lab speed, 0.05..4 (1 = real time; 0.1 = ten times slower)\n"
    "  step MS               while paused: run exactly MS ms of lab time (1..10000), pause again\n"
    "  pause-node ID         freeze one broker or controller (a long GC pause); the rest go on\n"
    "  resume-node ID        it goes on from what it last knew\n"
    "  pause-on [election] [isr] | pause-on off   pause the lab the moment one happens\n"
    "  status                help                 quit (or end of input)\n";

namespace {

CommandResult bad(std::string why) {
    return CommandResult::failure(std::move(why));
}

// One producer setting from the command line ("acks=all", "keys=random:10", ...) applied to a
// config; returns what is wrong with it, if anything. Numbers are checked by their field rules
// (lab/field_rules.h) and never clamped; what depends on the topic is checked by the lab.
std::optional<std::string> apply_producer_setting(kraftlab::lab::ProducerConfig& config,
                                                  const std::string& word) {
    using namespace kraftlab::lab;
    auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) return "expected key=value, not '" + word + "'";
    const std::string key = word.substr(0, eq);
    const std::string value = word.substr(eq + 1);
    auto whole = [&](auto& out) -> std::optional<std::string> {
        auto n = parse_number<std::remove_reference_t<decltype(out)>>(value);
        if (!n) return key + " needs a whole number, not '" + value + "'";
        out = *n;
        return std::nullopt;
    };
    if (key == "rate") {
        auto rate = check_field(Field::ProducerRate, value);
        if (!rate.ok) return rate.message;
        config.records_per_second = rate.value;
    } else if (key == "acks") {
        if (value == "all" || value == "-1") {
            config.acks = -1;
        } else if (value == "0" || value == "1") {
            config.acks = static_cast<std::int16_t>(value[0] - '0');
        } else if (!parse_number<std::int64_t>(value)) {
            return "acks must be 0, 1, all or the lab's 2.." + std::to_string(kMaxLabAcks) +
                   ", not '" + value + "'";
        } else {
            auto n = check_field(Field::LabAcks, value);
            if (!n.ok) return n.message;
            config.acks = static_cast<std::int16_t>(n.whole());
        }
    } else if (key == "idempotence") {
        if (value != "on" && value != "off")
            return "idempotence must be on or off, not '" + value + "'";
        config.idempotence = value == "on";
    } else if (key == "route") {
        if (value == "leader") {
            config.route = Route::Leader;
        } else if (value == "any") {
            config.route = Route::AnyBroker;
        } else {
            return "route must be leader or any, not '" + value + "'";
        }
    } else if (key == "keys") {
        if (value == "none") {
            config.key_pattern = KeyPattern::None;
        } else if (value == "sequence") {
            config.key_pattern = KeyPattern::Sequence;
        } else if (value.rfind("random:", 0) == 0) {
            auto n = check_field(Field::RandomKeyCount, value.substr(7));
            if (!n.ok) return "keys=random:N: " + n.message;
            config.key_pattern = KeyPattern::RandomKeys;
            config.random_key_count = static_cast<std::int32_t>(n.whole());
        } else if (value.rfind("fixed:", 0) == 0 && value.size() > 6) {
            config.key_pattern = KeyPattern::Fixed;
            config.fixed_key = value.substr(6);
        } else {
            return "keys must be none, sequence, random:N or fixed:KEY, not '" + value + "'";
        }
    } else if (key == "partitioner") {
        if (value == "round-robin") {
            config.partitioner = PartitionerKind::RoundRobin;
        } else if (value == "key-hash") {
            config.partitioner = PartitionerKind::KeyHash;
        } else {
            return "partitioner must be round-robin or key-hash, not '" + value +
                   "' (custom partitioners are written in the app)";
        }
    } else if (key == "value-bytes") {
        auto n = check_field(Field::ValueBytes, value);
        if (!n.ok) return n.message;
        config.value_bytes = static_cast<std::int32_t>(n.whole());
    } else if (key == "linger-ms") {
        return whole(config.linger_ms);
    } else if (key == "max-records") {
        return whole(config.max_records);
    } else if (key == "compression") {
        auto c = kraftlab::protocol::compression_from_name(value);
        if (!c) return "compression must be none, gzip, snappy, lz4 or zstd, not '" + value + "'";
        config.compression = *c;
    } else {
        return "unknown producer setting '" + key +
               "' (rate, acks, keys, partitioner, value-bytes, compression, linger-ms, "
               "max-records, route, idempotence)";
    }
    return std::nullopt;
}

// One consumer setting from the command line ("from=latest", "group=g", ...). The group's
// values are checked by validate(ConsumerConfig) when the lab adds the consumer.
std::optional<std::string> apply_consumer_setting(kraftlab::lab::ConsumerConfig& config,
                                                  const std::string& word) {
    using kraftlab::lab::StartFrom;
    auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) return "expected key=value, not '" + word + "'";
    const std::string key = word.substr(0, eq);
    const std::string value = word.substr(eq + 1);
    if (key == "from") {
        if (value == "earliest") {
            config.start_from = StartFrom::Earliest;
        } else if (value == "latest") {
            config.start_from = StartFrom::Latest;
        } else {
            return "expected from=earliest or from=latest, not '" + word + "'";
        }
    } else if (key == "group") {
        if (value.empty()) return "group= needs a name";
        config.group = value;
    } else if (key == "assignor") {
        config.assignor = value;
    } else if (key == "commit") {
        config.commit = value;
    } else {
        return "unknown consumer setting '" + key + "' (from, group, assignor, commit)";
    }
    return std::nullopt;
}

std::optional<std::int32_t> parse_id(const std::string& word) {
    auto id = parse_number<std::int32_t>(word);
    if (!id || *id < 1) return std::nullopt;
    return id;
}

std::optional<std::int32_t> parse_partition(const std::string& word) {
    auto p = parse_number<std::int32_t>(word);
    if (!p || *p < 0 || *p > 1'000'000) return std::nullopt;
    return p;
}

// "2,3,4": broker ids, at least one; duplicates are left for the controller to refuse.
std::optional<std::vector<std::int32_t>> parse_broker_list(const std::string& word) {
    std::vector<std::int32_t> ids;
    std::size_t start = 0;
    while (start <= word.size()) {
        const auto comma = word.find(',', start);
        const auto end = comma == std::string::npos ? word.size() : comma;
        auto id = parse_id(word.substr(start, end - start));
        if (!id || ids.size() >= 64) return std::nullopt;
        ids.push_back(*id);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return ids;
}

}  // namespace

json ready_line(const Cluster& lab) {
    return {{"type", "ready"},
            {"bootstrap", lab.bootstrap()},
            {"data", lab.data_dir().string()},
            {"temporary_data", lab.temporary_data_dir()},
            {"cluster_id", lab.cluster_id()},
            {"brokers", lab.broker_ids()},
            {"controllers", lab.controller_ids()}};
}

json reply(const std::string& command, const CommandResult& r) {
    json j = r.data.is_object() ? r.data : json::object();
    j["type"] = "reply";
    j["command"] = command;
    j["ok"] = r.ok;
    j[r.ok ? "message" : "error"] = r.message;
    return j;
}

CommandOutcome run_command(Cluster& lab, const std::string& line) {
    CommandOutcome out;
    auto words = split_words(line);
    if (words.empty()) return out;
    const std::string& cmd = words[0];
    out.command = cmd;
    auto answer = [&](CommandResult r) { out.result = std::move(r); };

    if (cmd == "quit" || cmd == "exit") {
        out.quit = true;
        return out;
    }
    if (cmd == "help") {
        answer(CommandResult::success(std::string(kUsage) + "\n" +
                                      std::string(kraftlab::cli::kNetworkUsage)));
    } else if (cmd == "status") {
        CommandResult r = CommandResult::success("ok", lab.status());
        answer(r);
    } else if (cmd == "create-topic") {
        if (words.size() < 3) {
            answer(bad("usage: create-topic NAME PARTITIONS [REPLICATION_FACTOR] [key=value ...]"));
            return out;
        }
        auto partitions = check_field(Field::Partitions, words[2]);
        if (!partitions.ok) {
            answer(bad(partitions.message));
            return out;
        }
        std::int16_t rf = -1;
        std::size_t next = 3;
        if (words.size() > 3 && words[3].find('=') == std::string::npos) {
            kraftlab::lab::FieldContext context;
            context.brokers = static_cast<std::int64_t>(lab.broker_ids().size());
            auto parsed = check_field(Field::ReplicationFactor, words[3], context);
            if (!parsed.ok) {
                answer(bad(parsed.message));
                return out;
            }
            rf = static_cast<std::int16_t>(parsed.whole());
            next = 4;
        }
        std::vector<std::pair<std::string, std::string>> configs;
        for (std::size_t i = next; i < words.size(); ++i) {
            auto eq = words[i].find('=');
            if (eq == std::string::npos || eq == 0) {
                answer(bad("expected key=value, not '" + words[i] + "'"));
                return out;
            }
            configs.emplace_back(words[i].substr(0, eq), words[i].substr(eq + 1));
        }
        answer(lab.create_topic(words[1], static_cast<std::int32_t>(partitions.whole()), rf,
                                std::move(configs)));
    } else if (cmd == "set-config") {
        if (words.size() < 3) {
            answer(
                bad("usage: set-config TOPIC key=value [key=value ...] (key= or key alone "
                    "returns key to its default)"));
            return out;
        }
        std::vector<std::pair<std::string, std::optional<std::string>>> configs;
        for (std::size_t i = 2; i < words.size(); ++i) {
            const auto eq = words[i].find('=');
            if (eq == 0) {
                answer(bad("expected key=value, key= or key, not '" + words[i] + "'"));
                return out;
            }
            if (eq == std::string::npos || eq + 1 == words[i].size()) {
                configs.emplace_back(words[i].substr(0, eq), std::nullopt);
            } else {
                configs.emplace_back(words[i].substr(0, eq), words[i].substr(eq + 1));
            }
        }
        answer(lab.set_topic_config(words[1], std::move(configs)));
    } else if (cmd == "add-partitions") {
        if (words.size() != 3) {
            answer(bad("usage: add-partitions TOPIC COUNT"));
            return out;
        }
        auto count = check_field(Field::Partitions, words[2]);
        if (!count.ok) {
            answer(bad(count.message));
            return out;
        }
        answer(lab.add_partitions(words[1], static_cast<std::int32_t>(count.whole())));
    } else if (cmd == "reassign") {
        if (words.size() != 4) {
            answer(bad("usage: reassign TOPIC PARTITION BROKER,BROKER,... | cancel"));
            return out;
        }
        auto partition = parse_partition(words[2]);
        if (!partition) {
            answer(bad("PARTITION must be a partition number (0, 1, ...), not '" + words[2] + "'"));
            return out;
        }
        std::optional<std::vector<std::int32_t>> replicas;
        if (words[3] != "cancel") {
            replicas = parse_broker_list(words[3]);
            if (!replicas) {
                answer(
                    bad("the replicas are broker ids separated by commas, like 2,3,4 (the "
                        "first is the preferred leader), not '" +
                        words[3] + "'"));
                return out;
            }
        }
        answer(lab.reassign(words[1], *partition, std::move(replicas)));
    } else if (cmd == "replication-factor") {
        if (words.size() != 3) {
            answer(bad("usage: replication-factor TOPIC N"));
            return out;
        }
        auto rf = check_field(Field::ReplicationFactor, words[2]);
        if (!rf.ok) {
            answer(bad(rf.message));
            return out;
        }
        answer(lab.set_replication_factor(words[1], static_cast<std::int32_t>(rf.whole())));
    } else if (cmd == "elect-leaders") {
        if (words.size() < 2 || words.size() > 4 ||
            (words[1] != "preferred" && words[1] != "unclean")) {
            answer(bad("usage: elect-leaders preferred|unclean [TOPIC [PARTITION]]"));
            return out;
        }
        std::int32_t partition = -1;
        if (words.size() == 4) {
            auto p = parse_partition(words[3]);
            if (!p) {
                answer(bad("PARTITION must be a partition number (0, 1, ...), not '" + words[3] +
                           "'"));
                return out;
            }
            partition = *p;
        }
        answer(
            lab.elect_leaders(words[1] == "unclean", words.size() > 2 ? words[2] : "", partition));
    } else if (cmd == "delete-topic") {
        if (words.size() != 2) {
            answer(bad("usage: delete-topic NAME"));
            return out;
        }
        answer(lab.delete_topic(words[1]));
    } else if (cmd == "kill" && words.size() >= 2 && words[1] == "consumer") {
        auto id = words.size() == 3 ? parse_id(words[2]) : std::nullopt;
        if (!id) {
            answer(bad("usage: kill consumer ID"));
            return out;
        }
        answer(lab.kill_consumer(*id));
    } else if (cmd == "kill" || cmd == "restart" || cmd == "resign") {
        const bool controller = words.size() == 3 && words[1] == "controller";
        // "kill broker ID power-loss": the only command with a fourth word.
        const bool power_loss = cmd == "kill" && words.size() == 4 && words[1] == "broker";
        if (power_loss && words[3] != "power-loss") {
            answer(bad("usage: kill broker ID [power-loss], not '" + words[3] + "'"));
            return out;
        }
        if ((words.size() != 3 && !power_loss) ||
            (!controller && (words[1] != "broker" || cmd == "resign"))) {
            answer(bad(cmd == "resign" ? std::string("usage: resign controller ID")
                       : cmd == "kill"
                           ? std::string("usage: kill broker|controller ID, or kill broker ID "
                                         "power-loss")
                           : "usage: " + cmd + " broker|controller ID"));
            return out;
        }
        auto id = parse_number<std::int32_t>(words[2]);
        if (!id) {
            answer(bad("ID must be a " + words[1] + " number, not '" + words[2] + "'"));
            return out;
        }
        if (cmd == "resign") {
            answer(lab.resign_controller(*id));
        } else if (controller) {
            answer(cmd == "kill" ? lab.kill_controller(*id) : lab.restart_controller(*id));
        } else {
            answer(cmd == "kill"
                       ? lab.kill_broker(*id, power_loss ? kraftlab::broker::CrashMode::PowerLoss
                                                         : kraftlab::broker::CrashMode::Process)
                       : lab.restart_broker(*id));
        }
    } else if (cmd == "timeouts") {
        if (words.size() != 5) {
            answer(bad("usage: timeouts ELECTION_MS FETCH_MS HEARTBEAT_MS SESSION_MS"));
            return out;
        }
        // In order, each by its rule; the session timeout must outlast the heartbeat interval.
        const Field fields[] = {Field::ElectionTimeout, Field::FetchTimeout,
                                Field::HeartbeatInterval, Field::SessionTimeout};
        std::int32_t ms[4] = {};
        kraftlab::lab::FieldContext context;
        for (std::size_t i = 0; i < 4; ++i) {
            auto c = check_field(fields[i], words[i + 1], context);
            if (!c.ok) {
                answer(bad(c.message));
                return out;
            }
            ms[i] = static_cast<std::int32_t>(c.whole());
            if (fields[i] == Field::HeartbeatInterval) context.heartbeat_interval_ms = ms[i];
        }
        answer(lab.set_timeouts(ms[0], ms[1], ms[2], ms[3]));
    } else if (cmd == "flush-interval") {
        if (words.size() != 2) {
            answer(bad("usage: flush-interval MS (a whole number of milliseconds)"));
            return out;
        }
        auto ms = check_field(Field::FlushInterval, words[1]);
        if (!ms.ok) {
            answer(bad(ms.message));
            return out;
        }
        answer(lab.set_flush_interval(ms.whole()));
    } else if (cmd == "audit") {
        if (words.size() != 1) {
            answer(bad("usage: audit"));
            return out;
        }
        answer(lab.audit());
    } else if (cmd == "produce") {
        if (words.size() < 3) {
            answer(
                bad("usage: produce TOPIC RATE [acks=0|1|all] [keys=...] [partitioner=...] "
                    "[value-bytes=N]"));
            return out;
        }
        kraftlab::lab::ProducerConfig config;
        config.topic = words[1];
        auto rate = check_field(Field::ProducerRate, words[2]);
        if (!rate.ok) {
            answer(bad(rate.message));
            return out;
        }
        config.records_per_second = rate.value;
        for (std::size_t i = 3; i < words.size(); ++i) {
            if (auto error = apply_producer_setting(config, words[i])) {
                answer(bad(*error));
                return out;
            }
        }
        answer(lab.add_producer(std::move(config)).result);
    } else if (cmd == "update-producer") {
        if (words.size() < 3) {
            answer(bad("usage: update-producer ID key=value ..."));
            return out;
        }
        auto id = parse_id(words[1]);
        auto config = id ? lab.producer_config(*id) : std::nullopt;
        if (!config) {
            answer(bad("there is no producer '" + words[1] + "'"));
            return out;
        }
        for (std::size_t i = 2; i < words.size(); ++i) {
            if (auto error = apply_producer_setting(*config, words[i])) {
                answer(bad(*error));
                return out;
            }
        }
        answer(lab.update_producer(*id, std::move(*config)));
    } else if (cmd == "consume") {
        if (words.size() < 2) {
            answer(
                bad("usage: consume TOPIC [from=earliest|latest] [group=NAME] "
                    "[assignor=range|roundrobin] [commit=auto|poll]"));
            return out;
        }
        kraftlab::lab::ConsumerConfig config;
        config.topic = words[1];
        bool group_setting = false;
        for (std::size_t i = 2; i < words.size(); ++i) {
            if (auto error = apply_consumer_setting(config, words[i])) {
                answer(bad(*error));
                return out;
            }
            group_setting |=
                words[i].rfind("assignor=", 0) == 0 || words[i].rfind("commit=", 0) == 0;
        }
        if (group_setting && config.group.empty()) {
            answer(bad("assignor= and commit= are a group's settings: add group=NAME"));
            return out;
        }
        answer(lab.add_consumer(std::move(config)).result);
    } else if (cmd == "pause" || cmd == "resume") {
        if (words.size() != 1) {
            answer(bad("usage: " + cmd));
            return out;
        }
        answer(cmd == "pause" ? lab.pause() : lab.resume());
    } else if (cmd == "speed") {
        auto speed = words.size() == 2 ? parse_number<double>(words[1]) : std::nullopt;
        if (!speed) {
            answer(bad("usage: speed X (0.05..4; 1 is real time)"));
            return out;
        }
        answer(lab.set_speed(*speed));
    } else if (cmd == "step") {
        auto ms = words.size() == 2 ? parse_number<std::int64_t>(words[1]) : std::nullopt;
        if (!ms) {
            answer(bad("usage: step MS (1..10000 ms of lab time, while paused)"));
            return out;
        }
        answer(lab.step(*ms));
    } else if (cmd == "pause-node" || cmd == "resume-node") {
        auto id = words.size() == 2 ? parse_id(words[1]) : std::nullopt;
        if (!id) {
            answer(bad("usage: " + cmd + " ID (a broker 1.. or a controller 101..)"));
            return out;
        }
        answer(cmd == "pause-node" ? lab.pause_node(*id) : lab.resume_node(*id));
    } else if (cmd == "pause-on") {
        bool election = false, isr = false, ok = words.size() >= 2;
        for (std::size_t i = 1; i < words.size(); ++i) {
            if (words[i] == "election") {
                election = true;
            } else if (words[i] == "isr") {
                isr = true;
            } else if (!(words[i] == "off" && words.size() == 2)) {
                ok = false;
            }
        }
        if (!ok) {
            answer(bad("usage: pause-on [election] [isr] | pause-on off"));
            return out;
        }
        lab.set_pause_on(election, isr);
        answer(CommandResult::success(
            std::string("pause on election ") + (election ? "on" : "off") +
                ", pause on ISR change " + (isr ? "on" : "off"),
            {{"pause_on_election", election}, {"pause_on_isr_change", isr}}));
    } else if (cmd == "stop-producer" || cmd == "stop-consumer") {
        auto id = words.size() == 2 ? parse_id(words[1]) : std::nullopt;
        if (!id) {
            answer(bad("usage: " + cmd + " ID"));
            return out;
        }
        answer(cmd == "stop-producer" ? lab.remove_producer(*id) : lab.remove_consumer(*id));
    } else if (auto result = kraftlab::cli::run_network_command(lab, words)) {
        answer(*result);
    } else {
        answer(bad("unknown command '" + cmd + "'; try 'help'"));
    }
    return out;
}

}  // namespace kraftlab::cli
