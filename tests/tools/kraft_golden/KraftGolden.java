// Prints, for every sample message of tests/engine/test_kraft_messages.cpp, the bytes that Kafka's
// own generated message classes write for it: one "<Name> <version> <sample> <hex>" line each.
// Run by generate.sh (see there); the samples here mirror the C++ builders field for field, so
// change both together.
//
// Only fields that exist at the version are set, as in the C++ builders: Kafka's generated
// writers refuse a non-default value in a field that a version lacks (unless it is "ignorable").
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntFunction;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.BeginQuorumEpochRequestData;
import org.apache.kafka.common.message.BeginQuorumEpochResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.EndQuorumEpochRequestData;
import org.apache.kafka.common.message.EndQuorumEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.VoteRequestData;
import org.apache.kafka.common.message.VoteResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

public class KraftGolden {
    static final Uuid DIR_A = new Uuid(0x0123456789abcdefL, 0xfedcba9876543210L);
    static final Uuid DIR_B = new Uuid(0x1000000000000001L, 0x2000000000000002L);
    static final Uuid DIR_C = new Uuid(0, 1);
    static final Uuid TOPIC_ID = new Uuid(0x5a5a5a5a5a5a5a5aL, 0xa5a5a5a5a5a5a5a5L);
    static final Uuid OTHER_TOPIC_ID = new Uuid(0, 2);
    static final Uuid INCARNATION = new Uuid(0x7e57000000000001L, 0x0000000000c0ffeeL);

    // ---- Vote ----------------------------------------------------------------------------------

    static List<Message> voteRequests(int v) {
        var p0 = new VoteRequestData.PartitionData().setPartitionIndex(0).setCandidateEpoch(7)
                .setCandidateId(1).setLastOffsetEpoch(6).setLastOffset(1234567890123L);
        var p1 = new VoteRequestData.PartitionData().setPartitionIndex(1).setCandidateEpoch(8)
                .setCandidateId(3).setLastOffsetEpoch(-1).setLastOffset(-1);
        var r = new VoteRequestData().setClusterId("kraftlab-kc");
        if (v >= 1) {
            r.setVoterId(2);
            p0.setCandidateDirectoryId(DIR_A).setVoterDirectoryId(DIR_B);
            p1.setCandidateDirectoryId(DIR_C);
        }
        r.setTopics(List.of(new VoteRequestData.TopicData().setTopicName("__cluster_metadata")
                .setPartitions(List.of(p0, p1))));
        return List.of(r, new VoteRequestData());
    }

    static List<Message> voteResponses(int v) {
        var r = new VoteResponseData().setTopics(List.of(new VoteResponseData.TopicData()
                .setTopicName("__cluster_metadata")
                .setPartitions(List.of(
                        new VoteResponseData.PartitionData().setPartitionIndex(0)
                                .setErrorCode((short) 0).setLeaderId(3).setLeaderEpoch(7)
                                .setVoteGranted(true),
                        new VoteResponseData.PartitionData().setPartitionIndex(1)
                                .setErrorCode((short) 74).setLeaderId(-1).setLeaderEpoch(8)
                                .setVoteGranted(false)))));
        if (v >= 1) {
            var eps = new VoteResponseData.NodeEndpointCollection();
            eps.add(new VoteResponseData.NodeEndpoint().setNodeId(3).setHost("controller-3.local")
                    .setPort(9093));
            eps.add(new VoteResponseData.NodeEndpoint().setNodeId(1).setHost("").setPort(65535));
            r.setNodeEndpoints(eps);
        }
        return List.of(r, new VoteResponseData().setErrorCode((short) 104));
    }

    // ---- BeginQuorumEpoch ----------------------------------------------------------------------

    static List<Message> beginRequests(int v) {
        var p0 = new BeginQuorumEpochRequestData.PartitionData().setPartitionIndex(0)
                .setLeaderId(1).setLeaderEpoch(5);
        var p1 = new BeginQuorumEpochRequestData.PartitionData().setPartitionIndex(2)
                .setLeaderId(-1).setLeaderEpoch(0);
        var r = new BeginQuorumEpochRequestData().setClusterId("kc");
        if (v >= 1) {
            r.setVoterId(3);
            p0.setVoterDirectoryId(DIR_B);
            var eps = new BeginQuorumEpochRequestData.LeaderEndpointCollection();
            eps.add(new BeginQuorumEpochRequestData.LeaderEndpoint().setName("CONTROLLER")
                    .setHost("127.0.0.1").setPort(9093));
            eps.add(new BeginQuorumEpochRequestData.LeaderEndpoint().setName("CONTROLLER_SSL")
                    .setHost("c1.local").setPort(65535));
            r.setLeaderEndpoints(eps);
        }
        r.setTopics(List.of(
                new BeginQuorumEpochRequestData.TopicData().setTopicName("__cluster_metadata")
                        .setPartitions(List.of(p0)),
                new BeginQuorumEpochRequestData.TopicData().setTopicName("x")
                        .setPartitions(List.of(p1))));
        return List.of(r, new BeginQuorumEpochRequestData());
    }

    static List<Message> beginResponses(int v) {
        var r = new BeginQuorumEpochResponseData().setTopics(List.of(
                new BeginQuorumEpochResponseData.TopicData().setTopicName("__cluster_metadata")
                        .setPartitions(List.of(
                                new BeginQuorumEpochResponseData.PartitionData()
                                        .setPartitionIndex(0).setErrorCode((short) 0)
                                        .setLeaderId(1).setLeaderEpoch(5),
                                new BeginQuorumEpochResponseData.PartitionData()
                                        .setPartitionIndex(1).setErrorCode((short) 6)
                                        .setLeaderId(-1).setLeaderEpoch(4)))));
        if (v >= 1) {
            var eps = new BeginQuorumEpochResponseData.NodeEndpointCollection();
            eps.add(new BeginQuorumEpochResponseData.NodeEndpoint().setNodeId(1)
                    .setHost("c1.local").setPort(9093));
            r.setNodeEndpoints(eps);
        }
        return List.of(r, new BeginQuorumEpochResponseData());
    }

    // ---- EndQuorumEpoch ------------------------------------------------------------------------

    static List<Message> endRequests(int v) {
        var p0 = new EndQuorumEpochRequestData.PartitionData().setPartitionIndex(0)
                .setLeaderId(1).setLeaderEpoch(5);
        var p1 = new EndQuorumEpochRequestData.PartitionData().setPartitionIndex(1)
                .setLeaderId(2).setLeaderEpoch(6);
        var r = new EndQuorumEpochRequestData().setClusterId("kc");
        if (v == 0) {
            p0.setPreferredSuccessors(List.of(3, 2));
        } else {
            p0.setPreferredCandidates(List.of(
                    new EndQuorumEpochRequestData.ReplicaInfo().setCandidateId(3)
                            .setCandidateDirectoryId(DIR_A),
                    new EndQuorumEpochRequestData.ReplicaInfo().setCandidateId(2)
                            .setCandidateDirectoryId(DIR_C)));
            var eps = new EndQuorumEpochRequestData.LeaderEndpointCollection();
            eps.add(new EndQuorumEpochRequestData.LeaderEndpoint().setName("CONTROLLER")
                    .setHost("c1.local").setPort(9093));
            r.setLeaderEndpoints(eps);
        }
        r.setTopics(List.of(new EndQuorumEpochRequestData.TopicData()
                .setTopicName("__cluster_metadata").setPartitions(List.of(p0, p1))));
        return List.of(r, new EndQuorumEpochRequestData());
    }

    static List<Message> endResponses(int v) {
        var r = new EndQuorumEpochResponseData().setTopics(List.of(
                new EndQuorumEpochResponseData.TopicData().setTopicName("__cluster_metadata")
                        .setPartitions(List.of(new EndQuorumEpochResponseData.PartitionData()
                                .setPartitionIndex(0).setErrorCode((short) 0).setLeaderId(2)
                                .setLeaderEpoch(6)))));
        if (v >= 1) {
            var eps = new EndQuorumEpochResponseData.NodeEndpointCollection();
            eps.add(new EndQuorumEpochResponseData.NodeEndpoint().setNodeId(2)
                    .setHost("c2.local").setPort(19093));
            eps.add(new EndQuorumEpochResponseData.NodeEndpoint().setNodeId(3)
                    .setHost("c3.local").setPort(29093));
            r.setNodeEndpoints(eps);
        }
        return List.of(r, new EndQuorumEpochResponseData());
    }

    // ---- DescribeQuorum ------------------------------------------------------------------------

    static List<Message> describeRequests(int v) {
        var r = new DescribeQuorumRequestData().setTopics(List.of(
                new DescribeQuorumRequestData.TopicData().setTopicName("__cluster_metadata")
                        .setPartitions(List.of(
                                new DescribeQuorumRequestData.PartitionData().setPartitionIndex(0))),
                new DescribeQuorumRequestData.TopicData().setTopicName("other")
                        .setPartitions(List.of(
                                new DescribeQuorumRequestData.PartitionData().setPartitionIndex(1),
                                new DescribeQuorumRequestData.PartitionData().setPartitionIndex(2)))));
        return List.of(r, new DescribeQuorumRequestData());
    }

    static DescribeQuorumResponseData.ReplicaState replica(int id, long leo) {
        return new DescribeQuorumResponseData.ReplicaState().setReplicaId(id).setLogEndOffset(leo);
    }

    static List<Message> describeResponses(int v) {
        var v1 = replica(1, 1200);
        var v2 = replica(2, 1100);
        var o4 = replica(4, -1);
        var p0 = new DescribeQuorumResponseData.PartitionData().setPartitionIndex(0)
                .setLeaderId(1).setLeaderEpoch(5).setHighWatermark(1000)
                .setCurrentVoters(List.of(v1, v2)).setObservers(List.of(o4));
        var p1 = new DescribeQuorumResponseData.PartitionData().setPartitionIndex(1)
                .setErrorCode((short) 6).setLeaderId(-1).setLeaderEpoch(5).setHighWatermark(-1)
                .setCurrentVoters(List.of()).setObservers(List.of());
        if (v >= 1) {
            v1.setLastCaughtUpTimestamp(1700000000000L);
            v2.setLastFetchTimestamp(1699999999000L).setLastCaughtUpTimestamp(1699999998000L);
        }
        var r = new DescribeQuorumResponseData();
        if (v >= 2) {
            v1.setReplicaDirectoryId(DIR_A);
            v2.setReplicaDirectoryId(DIR_B);
            p0.setErrorMessage(null);
            p1.setErrorMessage("this node is not the leader");
            r.setErrorMessage(null);
            var l1 = new DescribeQuorumResponseData.ListenerCollection();
            l1.add(new DescribeQuorumResponseData.Listener().setName("CONTROLLER")
                    .setHost("c1.local").setPort(9093));
            l1.add(new DescribeQuorumResponseData.Listener().setName("CONTROLLER_SSL")
                    .setHost("c1.local").setPort(9094));
            var nodes = new DescribeQuorumResponseData.NodeCollection();
            nodes.add(new DescribeQuorumResponseData.Node().setNodeId(1).setListeners(l1));
            nodes.add(new DescribeQuorumResponseData.Node().setNodeId(2));
            r.setNodes(nodes);
        }
        r.setTopics(List.of(new DescribeQuorumResponseData.TopicData()
                .setTopicName("__cluster_metadata").setPartitions(List.of(p0, p1))));
        return List.of(r, new DescribeQuorumResponseData());
    }

    // ---- BrokerRegistration --------------------------------------------------------------------

    static List<Message> registrationRequests(int v) {
        var listeners = new BrokerRegistrationRequestData.ListenerCollection();
        listeners.add(new BrokerRegistrationRequestData.Listener().setName("PLAINTEXT")
                .setHost("broker-4.local").setPort(9092).setSecurityProtocol((short) 0));
        listeners.add(new BrokerRegistrationRequestData.Listener().setName("SASL_SSL")
                .setHost("10.0.0.4").setPort(65535).setSecurityProtocol((short) 3));
        var features = new BrokerRegistrationRequestData.FeatureCollection();
        features.add(new BrokerRegistrationRequestData.Feature().setName("metadata.version")
                .setMinSupportedVersion((short) 1).setMaxSupportedVersion((short) 21));
        features.add(new BrokerRegistrationRequestData.Feature().setName("kraft.version")
                .setMinSupportedVersion((short) 0).setMaxSupportedVersion((short) 1));
        var r = new BrokerRegistrationRequestData().setBrokerId(4)
                .setClusterId("MkU3OEVBNTcwNTJENDM2Qk").setIncarnationId(INCARNATION)
                .setListeners(listeners).setFeatures(features).setRack("rack-a");
        if (v >= 1) r.setIsMigratingZkBroker(true);
        if (v >= 2) r.setLogDirs(List.of(DIR_A, DIR_B));
        if (v >= 3) r.setPreviousBrokerEpoch(4242);
        return List.of(r, new BrokerRegistrationRequestData().setRack(null));
    }

    static List<Message> registrationResponses(int v) {
        return List.of(
                new BrokerRegistrationResponseData().setThrottleTimeMs(12)
                        .setErrorCode((short) 0).setBrokerEpoch(8589934592L),
                new BrokerRegistrationResponseData().setThrottleTimeMs(0)
                        .setErrorCode((short) 101).setBrokerEpoch(-1));
    }

    // ---- BrokerHeartbeat -----------------------------------------------------------------------

    static List<Message> heartbeatRequests(int v) {
        var r = new BrokerHeartbeatRequestData().setBrokerId(4).setBrokerEpoch(8589934592L)
                .setCurrentMetadataOffset(123456).setWantFence(false).setWantShutDown(true);
        if (v >= 1) r.setOfflineLogDirs(List.of(DIR_A, DIR_C));
        var fence = new BrokerHeartbeatRequestData().setBrokerId(5).setBrokerEpoch(3)
                .setCurrentMetadataOffset(0).setWantFence(true).setWantShutDown(false);
        return List.of(r, fence);
    }

    static List<Message> heartbeatResponses(int v) {
        return List.of(
                new BrokerHeartbeatResponseData().setThrottleTimeMs(1).setErrorCode((short) 0)
                        .setIsCaughtUp(true).setIsFenced(false).setShouldShutDown(true),
                new BrokerHeartbeatResponseData());
    }

    // ---- AlterPartition ------------------------------------------------------------------------

    static AlterPartitionRequestData.BrokerState brokerState(int id, long epoch) {
        return new AlterPartitionRequestData.BrokerState().setBrokerId(id).setBrokerEpoch(epoch);
    }

    static List<Message> alterRequests(int v) {
        var p0 = new AlterPartitionRequestData.PartitionData().setPartitionIndex(0)
                .setLeaderEpoch(5).setPartitionEpoch(9);
        var p4 = new AlterPartitionRequestData.PartitionData().setPartitionIndex(4)
                .setLeaderEpoch(2).setPartitionEpoch(3);
        if (v <= 2) {
            p0.setNewIsr(List.of(1, 2, 3));
            p4.setNewIsr(List.of(1));
        } else {
            p0.setNewIsrWithEpochs(List.of(brokerState(1, 77), brokerState(2, -1),
                    brokerState(3, 80)));
            p4.setNewIsrWithEpochs(List.of(brokerState(1, 77)));
        }
        if (v >= 1) p0.setLeaderRecoveryState((byte) 1);
        var orders = new AlterPartitionRequestData.TopicData().setPartitions(List.of(p0, p4));
        var logs = new AlterPartitionRequestData.TopicData();
        if (v >= 2) {
            orders.setTopicId(TOPIC_ID);
            logs.setTopicId(OTHER_TOPIC_ID);
        } else {
            orders.setTopicName("orders");
            logs.setTopicName("logs");
        }
        var r = new AlterPartitionRequestData().setBrokerId(1).setBrokerEpoch(77)
                .setTopics(List.of(orders, logs));
        return List.of(r, new AlterPartitionRequestData().setBrokerId(0));
    }

    static List<Message> alterResponses(int v) {
        var p0 = new AlterPartitionResponseData.PartitionData().setPartitionIndex(0)
                .setErrorCode((short) 0).setLeaderId(1).setLeaderEpoch(5)
                .setIsr(List.of(1, 2, 3)).setPartitionEpoch(10);
        var p4 = new AlterPartitionResponseData.PartitionData().setPartitionIndex(4)
                .setErrorCode((short) 107).setLeaderId(-1).setLeaderEpoch(-1)
                .setIsr(List.of()).setPartitionEpoch(-1);
        if (v >= 1) p0.setLeaderRecoveryState((byte) 1);
        var orders = new AlterPartitionResponseData.TopicData().setPartitions(List.of(p0, p4));
        if (v >= 2) {
            orders.setTopicId(TOPIC_ID);
        } else {
            orders.setTopicName("orders");
        }
        var r = new AlterPartitionResponseData().setThrottleTimeMs(5).setTopics(List.of(orders));
        return List.of(r, new AlterPartitionResponseData().setErrorCode((short) 41));
    }

    // ---- OffsetForLeaderEpoch ------------------------------------------------------------------

    static List<Message> ofleRequests(int v) {
        var o0 = new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                .setLeaderEpoch(4);
        var o1 = new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(1)
                .setLeaderEpoch(5);
        var l0 = new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                .setLeaderEpoch(0);
        if (v >= 2) {
            o0.setCurrentLeaderEpoch(5);
            l0.setCurrentLeaderEpoch(0);
        }
        var topics = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        topics.add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("orders")
                .setPartitions(List.of(o0, o1)));
        topics.add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("logs")
                .setPartitions(List.of(l0)));
        var r = new OffsetForLeaderEpochRequestData().setTopics(topics);
        if (v >= 3) r.setReplicaId(2);
        return List.of(r, new OffsetForLeaderEpochRequestData());
    }

    static List<Message> ofleResponses(int v) {
        var o0 = new OffsetForLeaderEpochResponseData.EpochEndOffset().setErrorCode((short) 0)
                .setPartition(0).setEndOffset(1000);
        var o1 = new OffsetForLeaderEpochResponseData.EpochEndOffset().setErrorCode((short) 74)
                .setPartition(1).setEndOffset(-1);
        var l0 = new OffsetForLeaderEpochResponseData.EpochEndOffset().setErrorCode((short) 0)
                .setPartition(0).setEndOffset(0);
        if (v >= 1) {
            o0.setLeaderEpoch(4);
            l0.setLeaderEpoch(0);
        }
        var topics = new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResultCollection();
        topics.add(new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult()
                .setTopic("orders").setPartitions(List.of(o0, o1)));
        topics.add(new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult()
                .setTopic("logs").setPartitions(List.of(l0)));
        var r = new OffsetForLeaderEpochResponseData().setTopics(topics);
        if (v >= 2) r.setThrottleTimeMs(3);
        return List.of(r, new OffsetForLeaderEpochResponseData());
    }

    // ---- Output --------------------------------------------------------------------------------

    static byte[] write(Message m, short version) {
        var cache = new ObjectSerializationCache();
        int size = m.size(cache, version);
        ByteBuffer buf = ByteBuffer.allocate(size);
        m.write(new ByteBufferAccessor(buf), cache, version);
        if (buf.hasRemaining()) throw new IllegalStateException("size() disagrees with write()");
        return buf.array();
    }

    static void emit(String name, int minVersion, int maxVersion, IntFunction<List<Message>> samples) {
        for (int v = minVersion; v <= maxVersion; ++v) {
            List<Message> list = samples.apply(v);
            for (int i = 0; i < list.size(); ++i) {
                byte[] bytes = write(list.get(i), (short) v);
                StringBuilder hex = new StringBuilder();
                for (byte b : bytes) hex.append(String.format("%02x", b & 0xff));
                System.out.println(name + " " + v + " " + i + " " + (hex.length() == 0 ? "-" : hex));
            }
        }
    }

    public static void main(String[] args) {
        emit("VoteRequest", 0, 1, KraftGolden::voteRequests);
        emit("VoteResponse", 0, 1, KraftGolden::voteResponses);
        emit("BeginQuorumEpochRequest", 0, 1, KraftGolden::beginRequests);
        emit("BeginQuorumEpochResponse", 0, 1, KraftGolden::beginResponses);
        emit("EndQuorumEpochRequest", 0, 1, KraftGolden::endRequests);
        emit("EndQuorumEpochResponse", 0, 1, KraftGolden::endResponses);
        emit("DescribeQuorumRequest", 0, 2, KraftGolden::describeRequests);
        emit("DescribeQuorumResponse", 0, 2, KraftGolden::describeResponses);
        emit("BrokerRegistrationRequest", 0, 4, KraftGolden::registrationRequests);
        emit("BrokerRegistrationResponse", 0, 4, KraftGolden::registrationResponses);
        emit("BrokerHeartbeatRequest", 0, 1, KraftGolden::heartbeatRequests);
        emit("BrokerHeartbeatResponse", 0, 1, KraftGolden::heartbeatResponses);
        emit("AlterPartitionRequest", 0, 3, KraftGolden::alterRequests);
        emit("AlterPartitionResponse", 0, 3, KraftGolden::alterResponses);
        emit("OffsetForLeaderEpochRequest", 0, 4, KraftGolden::ofleRequests);
        emit("OffsetForLeaderEpochResponse", 0, 4, KraftGolden::ofleResponses);
    }
}
