#include "protocol/errors.h"

namespace kraftlab::protocol {

std::string_view error_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::UNKNOWN_SERVER_ERROR:
            return "UNKNOWN_SERVER_ERROR";
        case ErrorCode::NONE:
            return "NONE";
        case ErrorCode::OFFSET_OUT_OF_RANGE:
            return "OFFSET_OUT_OF_RANGE";
        case ErrorCode::CORRUPT_MESSAGE:
            return "CORRUPT_MESSAGE";
        case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
            return "UNKNOWN_TOPIC_OR_PARTITION";
        case ErrorCode::INVALID_FETCH_SIZE:
            return "INVALID_FETCH_SIZE";
        case ErrorCode::LEADER_NOT_AVAILABLE:
            return "LEADER_NOT_AVAILABLE";
        case ErrorCode::NOT_LEADER_OR_FOLLOWER:
            return "NOT_LEADER_OR_FOLLOWER";
        case ErrorCode::REQUEST_TIMED_OUT:
            return "REQUEST_TIMED_OUT";
        case ErrorCode::BROKER_NOT_AVAILABLE:
            return "BROKER_NOT_AVAILABLE";
        case ErrorCode::REPLICA_NOT_AVAILABLE:
            return "REPLICA_NOT_AVAILABLE";
        case ErrorCode::MESSAGE_TOO_LARGE:
            return "MESSAGE_TOO_LARGE";
        case ErrorCode::STALE_CONTROLLER_EPOCH:
            return "STALE_CONTROLLER_EPOCH";
        case ErrorCode::OFFSET_METADATA_TOO_LARGE:
            return "OFFSET_METADATA_TOO_LARGE";
        case ErrorCode::NETWORK_EXCEPTION:
            return "NETWORK_EXCEPTION";
        case ErrorCode::COORDINATOR_LOAD_IN_PROGRESS:
            return "COORDINATOR_LOAD_IN_PROGRESS";
        case ErrorCode::COORDINATOR_NOT_AVAILABLE:
            return "COORDINATOR_NOT_AVAILABLE";
        case ErrorCode::NOT_COORDINATOR:
            return "NOT_COORDINATOR";
        case ErrorCode::INVALID_TOPIC_EXCEPTION:
            return "INVALID_TOPIC_EXCEPTION";
        case ErrorCode::RECORD_LIST_TOO_LARGE:
            return "RECORD_LIST_TOO_LARGE";
        case ErrorCode::NOT_ENOUGH_REPLICAS:
            return "NOT_ENOUGH_REPLICAS";
        case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
            return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
        case ErrorCode::INVALID_REQUIRED_ACKS:
            return "INVALID_REQUIRED_ACKS";
        case ErrorCode::ILLEGAL_GENERATION:
            return "ILLEGAL_GENERATION";
        case ErrorCode::INCONSISTENT_GROUP_PROTOCOL:
            return "INCONSISTENT_GROUP_PROTOCOL";
        case ErrorCode::INVALID_GROUP_ID:
            return "INVALID_GROUP_ID";
        case ErrorCode::UNKNOWN_MEMBER_ID:
            return "UNKNOWN_MEMBER_ID";
        case ErrorCode::INVALID_SESSION_TIMEOUT:
            return "INVALID_SESSION_TIMEOUT";
        case ErrorCode::REBALANCE_IN_PROGRESS:
            return "REBALANCE_IN_PROGRESS";
        case ErrorCode::INVALID_COMMIT_OFFSET_SIZE:
            return "INVALID_COMMIT_OFFSET_SIZE";
        case ErrorCode::TOPIC_AUTHORIZATION_FAILED:
            return "TOPIC_AUTHORIZATION_FAILED";
        case ErrorCode::GROUP_AUTHORIZATION_FAILED:
            return "GROUP_AUTHORIZATION_FAILED";
        case ErrorCode::CLUSTER_AUTHORIZATION_FAILED:
            return "CLUSTER_AUTHORIZATION_FAILED";
        case ErrorCode::INVALID_TIMESTAMP:
            return "INVALID_TIMESTAMP";
        case ErrorCode::UNSUPPORTED_SASL_MECHANISM:
            return "UNSUPPORTED_SASL_MECHANISM";
        case ErrorCode::ILLEGAL_SASL_STATE:
            return "ILLEGAL_SASL_STATE";
        case ErrorCode::UNSUPPORTED_VERSION:
            return "UNSUPPORTED_VERSION";
        case ErrorCode::TOPIC_ALREADY_EXISTS:
            return "TOPIC_ALREADY_EXISTS";
        case ErrorCode::INVALID_PARTITIONS:
            return "INVALID_PARTITIONS";
        case ErrorCode::INVALID_REPLICATION_FACTOR:
            return "INVALID_REPLICATION_FACTOR";
        case ErrorCode::INVALID_REPLICA_ASSIGNMENT:
            return "INVALID_REPLICA_ASSIGNMENT";
        case ErrorCode::INVALID_CONFIG:
            return "INVALID_CONFIG";
        case ErrorCode::NOT_CONTROLLER:
            return "NOT_CONTROLLER";
        case ErrorCode::INVALID_REQUEST:
            return "INVALID_REQUEST";
        case ErrorCode::UNSUPPORTED_FOR_MESSAGE_FORMAT:
            return "UNSUPPORTED_FOR_MESSAGE_FORMAT";
        case ErrorCode::POLICY_VIOLATION:
            return "POLICY_VIOLATION";
        case ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER:
            return "OUT_OF_ORDER_SEQUENCE_NUMBER";
        case ErrorCode::DUPLICATE_SEQUENCE_NUMBER:
            return "DUPLICATE_SEQUENCE_NUMBER";
        case ErrorCode::INVALID_PRODUCER_EPOCH:
            return "INVALID_PRODUCER_EPOCH";
        case ErrorCode::INVALID_TXN_STATE:
            return "INVALID_TXN_STATE";
        case ErrorCode::INVALID_PRODUCER_ID_MAPPING:
            return "INVALID_PRODUCER_ID_MAPPING";
        case ErrorCode::INVALID_TRANSACTION_TIMEOUT:
            return "INVALID_TRANSACTION_TIMEOUT";
        case ErrorCode::CONCURRENT_TRANSACTIONS:
            return "CONCURRENT_TRANSACTIONS";
        case ErrorCode::TRANSACTION_COORDINATOR_FENCED:
            return "TRANSACTION_COORDINATOR_FENCED";
        case ErrorCode::TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
            return "TRANSACTIONAL_ID_AUTHORIZATION_FAILED";
        case ErrorCode::SECURITY_DISABLED:
            return "SECURITY_DISABLED";
        case ErrorCode::OPERATION_NOT_ATTEMPTED:
            return "OPERATION_NOT_ATTEMPTED";
        case ErrorCode::KAFKA_STORAGE_ERROR:
            return "KAFKA_STORAGE_ERROR";
        case ErrorCode::LOG_DIR_NOT_FOUND:
            return "LOG_DIR_NOT_FOUND";
        case ErrorCode::SASL_AUTHENTICATION_FAILED:
            return "SASL_AUTHENTICATION_FAILED";
        case ErrorCode::UNKNOWN_PRODUCER_ID:
            return "UNKNOWN_PRODUCER_ID";
        case ErrorCode::REASSIGNMENT_IN_PROGRESS:
            return "REASSIGNMENT_IN_PROGRESS";
        case ErrorCode::DELEGATION_TOKEN_AUTH_DISABLED:
            return "DELEGATION_TOKEN_AUTH_DISABLED";
        case ErrorCode::DELEGATION_TOKEN_NOT_FOUND:
            return "DELEGATION_TOKEN_NOT_FOUND";
        case ErrorCode::DELEGATION_TOKEN_OWNER_MISMATCH:
            return "DELEGATION_TOKEN_OWNER_MISMATCH";
        case ErrorCode::DELEGATION_TOKEN_REQUEST_NOT_ALLOWED:
            return "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED";
        case ErrorCode::DELEGATION_TOKEN_AUTHORIZATION_FAILED:
            return "DELEGATION_TOKEN_AUTHORIZATION_FAILED";
        case ErrorCode::DELEGATION_TOKEN_EXPIRED:
            return "DELEGATION_TOKEN_EXPIRED";
        case ErrorCode::INVALID_PRINCIPAL_TYPE:
            return "INVALID_PRINCIPAL_TYPE";
        case ErrorCode::NON_EMPTY_GROUP:
            return "NON_EMPTY_GROUP";
        case ErrorCode::GROUP_ID_NOT_FOUND:
            return "GROUP_ID_NOT_FOUND";
        case ErrorCode::FETCH_SESSION_ID_NOT_FOUND:
            return "FETCH_SESSION_ID_NOT_FOUND";
        case ErrorCode::INVALID_FETCH_SESSION_EPOCH:
            return "INVALID_FETCH_SESSION_EPOCH";
        case ErrorCode::LISTENER_NOT_FOUND:
            return "LISTENER_NOT_FOUND";
        case ErrorCode::TOPIC_DELETION_DISABLED:
            return "TOPIC_DELETION_DISABLED";
        case ErrorCode::FENCED_LEADER_EPOCH:
            return "FENCED_LEADER_EPOCH";
        case ErrorCode::UNKNOWN_LEADER_EPOCH:
            return "UNKNOWN_LEADER_EPOCH";
        case ErrorCode::UNSUPPORTED_COMPRESSION_TYPE:
            return "UNSUPPORTED_COMPRESSION_TYPE";
        case ErrorCode::STALE_BROKER_EPOCH:
            return "STALE_BROKER_EPOCH";
        case ErrorCode::OFFSET_NOT_AVAILABLE:
            return "OFFSET_NOT_AVAILABLE";
        case ErrorCode::MEMBER_ID_REQUIRED:
            return "MEMBER_ID_REQUIRED";
        case ErrorCode::PREFERRED_LEADER_NOT_AVAILABLE:
            return "PREFERRED_LEADER_NOT_AVAILABLE";
        case ErrorCode::GROUP_MAX_SIZE_REACHED:
            return "GROUP_MAX_SIZE_REACHED";
        case ErrorCode::FENCED_INSTANCE_ID:
            return "FENCED_INSTANCE_ID";
        case ErrorCode::ELIGIBLE_LEADERS_NOT_AVAILABLE:
            return "ELIGIBLE_LEADERS_NOT_AVAILABLE";
        case ErrorCode::ELECTION_NOT_NEEDED:
            return "ELECTION_NOT_NEEDED";
        case ErrorCode::NO_REASSIGNMENT_IN_PROGRESS:
            return "NO_REASSIGNMENT_IN_PROGRESS";
        case ErrorCode::GROUP_SUBSCRIBED_TO_TOPIC:
            return "GROUP_SUBSCRIBED_TO_TOPIC";
        case ErrorCode::INVALID_RECORD:
            return "INVALID_RECORD";
        case ErrorCode::UNSTABLE_OFFSET_COMMIT:
            return "UNSTABLE_OFFSET_COMMIT";
        case ErrorCode::THROTTLING_QUOTA_EXCEEDED:
            return "THROTTLING_QUOTA_EXCEEDED";
        case ErrorCode::PRODUCER_FENCED:
            return "PRODUCER_FENCED";
        case ErrorCode::RESOURCE_NOT_FOUND:
            return "RESOURCE_NOT_FOUND";
        case ErrorCode::DUPLICATE_RESOURCE:
            return "DUPLICATE_RESOURCE";
        case ErrorCode::UNACCEPTABLE_CREDENTIAL:
            return "UNACCEPTABLE_CREDENTIAL";
        case ErrorCode::INCONSISTENT_VOTER_SET:
            return "INCONSISTENT_VOTER_SET";
        case ErrorCode::INVALID_UPDATE_VERSION:
            return "INVALID_UPDATE_VERSION";
        case ErrorCode::FEATURE_UPDATE_FAILED:
            return "FEATURE_UPDATE_FAILED";
        case ErrorCode::PRINCIPAL_DESERIALIZATION_FAILURE:
            return "PRINCIPAL_DESERIALIZATION_FAILURE";
        case ErrorCode::SNAPSHOT_NOT_FOUND:
            return "SNAPSHOT_NOT_FOUND";
        case ErrorCode::POSITION_OUT_OF_RANGE:
            return "POSITION_OUT_OF_RANGE";
        case ErrorCode::UNKNOWN_TOPIC_ID:
            return "UNKNOWN_TOPIC_ID";
        case ErrorCode::DUPLICATE_BROKER_REGISTRATION:
            return "DUPLICATE_BROKER_REGISTRATION";
        case ErrorCode::BROKER_ID_NOT_REGISTERED:
            return "BROKER_ID_NOT_REGISTERED";
        case ErrorCode::INCONSISTENT_TOPIC_ID:
            return "INCONSISTENT_TOPIC_ID";
        case ErrorCode::INCONSISTENT_CLUSTER_ID:
            return "INCONSISTENT_CLUSTER_ID";
        case ErrorCode::TRANSACTIONAL_ID_NOT_FOUND:
            return "TRANSACTIONAL_ID_NOT_FOUND";
        case ErrorCode::FETCH_SESSION_TOPIC_ID_ERROR:
            return "FETCH_SESSION_TOPIC_ID_ERROR";
        case ErrorCode::INELIGIBLE_REPLICA:
            return "INELIGIBLE_REPLICA";
        case ErrorCode::NEW_LEADER_ELECTED:
            return "NEW_LEADER_ELECTED";
    }
    return "UNKNOWN_ERROR_CODE";
}

std::string_view error_message(ErrorCode code) {
    switch (code) {
        case ErrorCode::UNKNOWN_SERVER_ERROR:
            return "The server experienced an unexpected error when processing the request.";
        case ErrorCode::NONE:
            return "No error.";
        case ErrorCode::OFFSET_OUT_OF_RANGE:
            return "The requested offset is not within the range of offsets maintained by the "
                   "server.";
        case ErrorCode::CORRUPT_MESSAGE:
            return "This message has failed its CRC checksum, exceeds the valid size, has a null "
                   "key for a compacted topic, or is otherwise corrupt.";
        case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
            return "This server does not host this topic-partition.";
        case ErrorCode::INVALID_FETCH_SIZE:
            return "The requested fetch size is invalid.";
        case ErrorCode::LEADER_NOT_AVAILABLE:
            return "There is no leader for this topic-partition as we are in the middle of a "
                   "leadership election.";
        case ErrorCode::NOT_LEADER_OR_FOLLOWER:
            return "This server is not the leader or a follower for that topic-partition.";
        case ErrorCode::REQUEST_TIMED_OUT:
            return "The request timed out.";
        case ErrorCode::BROKER_NOT_AVAILABLE:
            return "The broker is not available.";
        case ErrorCode::REPLICA_NOT_AVAILABLE:
            return "The replica is not available for the requested topic-partition.";
        case ErrorCode::MESSAGE_TOO_LARGE:
            return "The request included a message larger than the max message size the server "
                   "will accept.";
        case ErrorCode::NETWORK_EXCEPTION:
            return "The server disconnected before a response was received.";
        case ErrorCode::COORDINATOR_LOAD_IN_PROGRESS:
            return "The coordinator is loading and hence can't process requests.";
        case ErrorCode::COORDINATOR_NOT_AVAILABLE:
            return "The coordinator is not available.";
        case ErrorCode::NOT_COORDINATOR:
            return "This is not the correct coordinator.";
        case ErrorCode::INVALID_TOPIC_EXCEPTION:
            return "The request attempted to perform an operation on an invalid topic.";
        case ErrorCode::RECORD_LIST_TOO_LARGE:
            return "The request included message batch larger than the configured segment size on "
                   "the server.";
        case ErrorCode::NOT_ENOUGH_REPLICAS:
            return "Messages are rejected since there are fewer in-sync replicas than required.";
        case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
            return "Messages are written to the log, but to fewer in-sync replicas than required.";
        case ErrorCode::INVALID_REQUIRED_ACKS:
            return "Produce request specified an invalid value for required acks.";
        case ErrorCode::ILLEGAL_GENERATION:
            return "Specified group generation id is not valid.";
        case ErrorCode::INCONSISTENT_GROUP_PROTOCOL:
            return "The group member's supported protocols are incompatible with those of existing "
                   "members or first group member tried to join with empty protocol type or empty "
                   "protocol list.";
        case ErrorCode::INVALID_GROUP_ID:
            return "The configured groupId is invalid.";
        case ErrorCode::UNKNOWN_MEMBER_ID:
            return "The coordinator is not aware of this member.";
        case ErrorCode::INVALID_SESSION_TIMEOUT:
            return "The session timeout is not within the range allowed by the broker.";
        case ErrorCode::REBALANCE_IN_PROGRESS:
            return "The group is rebalancing, so a rejoin is needed.";
        case ErrorCode::INVALID_TIMESTAMP:
            return "The timestamp of the message is out of acceptable range.";
        case ErrorCode::UNSUPPORTED_VERSION:
            return "The version of API is not supported.";
        case ErrorCode::TOPIC_ALREADY_EXISTS:
            return "Topic with this name already exists.";
        case ErrorCode::INVALID_PARTITIONS:
            return "Number of partitions is below 1.";
        case ErrorCode::INVALID_REPLICATION_FACTOR:
            return "Replication factor is below 1 or larger than the number of available brokers.";
        case ErrorCode::INVALID_REPLICA_ASSIGNMENT:
            return "Replica assignment is invalid.";
        case ErrorCode::INVALID_CONFIG:
            return "Configuration is invalid.";
        case ErrorCode::NOT_CONTROLLER:
            return "This is not the correct controller for this cluster.";
        case ErrorCode::INVALID_REQUEST:
            return "This most likely occurs because of a request being malformed by the client "
                   "library or the message was sent to an incompatible broker.";
        case ErrorCode::POLICY_VIOLATION:
            return "Request parameters do not satisfy the configured policy.";
        case ErrorCode::KAFKA_STORAGE_ERROR:
            return "Disk error when trying to access log file on the disk.";
        case ErrorCode::TOPIC_DELETION_DISABLED:
            return "Topic deletion is disabled.";
        case ErrorCode::FENCED_LEADER_EPOCH:
            return "The leader epoch in the request is older than the epoch on the broker.";
        case ErrorCode::UNKNOWN_LEADER_EPOCH:
            return "The leader epoch in the request is newer than the epoch on the broker.";
        case ErrorCode::UNSUPPORTED_COMPRESSION_TYPE:
            return "The requesting client does not support the compression type of given "
                   "partition.";
        case ErrorCode::STALE_BROKER_EPOCH:
            return "Broker epoch has changed.";
        case ErrorCode::OFFSET_NOT_AVAILABLE:
            return "The leader high watermark has not caught up from a recent leader election so "
                   "the offsets cannot be guaranteed to be monotonically increasing.";
        case ErrorCode::MEMBER_ID_REQUIRED:
            return "The group member needs to have a valid member id before actually entering a "
                   "consumer group.";
        case ErrorCode::ELIGIBLE_LEADERS_NOT_AVAILABLE:
            return "Eligible topic partition leaders are not available.";
        case ErrorCode::INVALID_RECORD:
            return "This record has failed the validation on broker and hence will be rejected.";
        case ErrorCode::INCONSISTENT_VOTER_SET:
            return "Indicates that the either the sender or recipient of a voter-only request is "
                   "not one of the expected voters.";
        case ErrorCode::POSITION_OUT_OF_RANGE:
            return "Requested position is not greater than or equal to zero, and less than the "
                   "size of the snapshot.";
        case ErrorCode::UNKNOWN_TOPIC_ID:
            return "This server does not host this topic ID.";
        case ErrorCode::DUPLICATE_BROKER_REGISTRATION:
            return "This broker ID is already in use.";
        case ErrorCode::BROKER_ID_NOT_REGISTERED:
            return "The given broker ID was not registered.";
        case ErrorCode::INCONSISTENT_CLUSTER_ID:
            return "The clusterId in the request does not match that found on the server.";
        case ErrorCode::INELIGIBLE_REPLICA:
            return "The new ISR contains at least one ineligible replica.";
        case ErrorCode::NEW_LEADER_ELECTED:
            return "The AlterPartition request successfully updated the partition state but the "
                   "leader has changed.";
        default:
            return "The server reported an error this lab does not describe.";
    }
}

}  // namespace kraftlab::protocol
