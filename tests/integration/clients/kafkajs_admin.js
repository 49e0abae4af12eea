/*
 * kafkajs 2.2.4's admin client against the lab (NODE_PATH points at build/js/node_modules):
 * describeConfigs (DescribeConfigs v2), alterConfigs (AlterConfigs v1), createPartitions
 * (CreatePartitions v1), deleteTopicRecords (DeleteRecords v1, after a produce of 30 records
 * to partition 0), alterPartitionReassignments (v0: partition 1 shrinks to brokers 2 and 3) and
 * listPartitionReassignments (v0), each also with bad input.
 *
 * usage: node kafkajs_admin.js BOOTSTRAP TOPIC
 *
 * Prints one JSON line with what each call returned, or its error's type and code.
 */
'use strict'

const { Kafka, logLevel, ConfigResourceTypes } = require('kafkajs')

async function main() {
  const [bootstrap, topic] = process.argv.slice(2)
  const kafka = new Kafka({
    clientId: 'kafkajs-admin',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  })
  const admin = kafka.admin()
  const out = {}
  const attempt = async (name, fn) => {
    try {
      out[name] = await fn()
    } catch (e) {
      out[name] = { error: e.type || e.name, message: e.message }
      // An aggregate (a partition-level error) carries each partition's error.
      if (Array.isArray(e.errors)) out[name].errors = e.errors.map((x) => x.type || x.name)
    }
  }
  await admin.connect()
  const describe = async (type, name) => {
    const r = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type, name }] })
    const configs = {}
    for (const res of r.resources) {
      if (res.errorCode) return { errorCode: res.errorCode, message: res.errorMessage }
      for (const e of res.configEntries) configs[e.configName] = { value: e.configValue, source: e.configSource }
    }
    return configs
  }
  await attempt('topic', () => describe(ConfigResourceTypes.TOPIC, topic))
  await attempt('broker', () => describe(ConfigResourceTypes.BROKER, '1'))
  await attempt('alter', () =>
    admin.alterConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic,
                    configEntries: [{ name: 'unclean.leader.election.enable', value: 'true' }] }],
    }))
  await attempt('after_alter', () => describe(ConfigResourceTypes.TOPIC, topic))
  await attempt('alter_bad', () =>
    admin.alterConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic,
                    configEntries: [{ name: 'max.message.bytes', value: 'lots' }] }],
    }))
  await attempt('create_partitions', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] })
    const meta = await admin.fetchTopicMetadata({ topics: [topic] })
    return { partitions: meta.topics[0].partitions.length }
  })
  await attempt('create_partitions_fewer', () =>
    admin.createPartitions({ topicPartitions: [{ topic, count: 1 }] }))

  const producer = kafka.producer()
  await producer.connect()
  const messages = []
  for (let i = 0; i < 30; i++) messages.push({ value: `record-${i}`, partition: 0 })
  await producer.send({ topic, acks: -1, messages })
  await producer.disconnect()
  await attempt('delete_records', async () => {
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '10' }] })
    return await admin.fetchTopicOffsets(topic)
  })
  await attempt('delete_records_beyond_hw', () =>
    admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '1000' }] }))
  await attempt('reassign', async () => {
    await admin.alterPartitionReassignments({
      topics: [{ topic, partitionAssignment: [{ partition: 1, replicas: [2, 3] }] }],
    })
    return { ok: true }
  })
  await attempt('reassign_unknown_broker', () =>
    admin.alterPartitionReassignments({
      topics: [{ topic, partitionAssignment: [{ partition: 1, replicas: [2, 9] }] }],
    }))
  await attempt('list_reassignments', () =>
    admin.listPartitionReassignments({ topics: [{ topic, partitions: [0, 1] }] }))
  await admin.disconnect()
  process.stdout.write(JSON.stringify(out) + '\n')
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ fatal: String(e) }) + '\n')
  process.exit(1)
})
