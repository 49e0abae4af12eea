/*
 * kafkajs 2.2.4 (from the npm registry into build/js/node_modules by lab.sh; NODE_PATH points
 * there) in a consumer group against the lab: consumer.run reads every record of a topic, with
 * kafkajs's own auto commit (after each message), then the admin client asks the coordinator for
 * the committed offsets.
 *
 * usage: node kafkajs_group.js BOOTSTRAP GROUP TOPIC COUNT [SECONDS]
 *
 * Subscribes fromBeginning, reads until COUNT records came, disconnects (the last offsets are
 * committed and the member leaves), then admin.fetchOffsets({groupId, topics: [TOPIC]}) and
 * admin.fetchTopicOffsets(TOPIC). Prints one JSON line: {"read": [[partition, offset, value],
 * ...], "committed": {partition: offset}, "high": {partition: high watermark}}. kafkajs's log
 * goes to stderr as JSON lines (warnings and errors only). Gives up after SECONDS (default 60)
 * and exits 1 with what it has.
 */
'use strict'

const { Kafka, logLevel } = require('kafkajs')

async function main() {
  const [bootstrap, groupId, topic, countText, secondsText] = process.argv.slice(2)
  const count = Number(countText)
  const seconds = Number(secondsText || 60)
  const kafka = new Kafka({
    clientId: 'kafkajs-group',
    brokers: bootstrap.split(','),
    logLevel: logLevel.WARN,
    // kafkajs logs to stdout by default; the test reads the JSON summary from there.
    logCreator: () => ({ level, log }) => {
      process.stderr.write(JSON.stringify({ level, ...log }) + '\n')
    },
    retry: { initialRetryTime: 100, retries: 10 },
  })

  // A short session: the lab's coordinator accepts it, and a failure shows in seconds. A short
  // fetch wait: disconnect() waits for the fetch in flight (5 s by default) before it leaves.
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 500,
  })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const read = []
  let timer
  await new Promise(resolve => {
    timer = setTimeout(resolve, seconds * 1000)
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        read.push([partition, Number(message.offset), message.value.toString()])
        if (read.length >= count) resolve()
      },
    })
  })
  clearTimeout(timer)
  await consumer.disconnect()

  const admin = kafka.admin()
  await admin.connect()
  const committed = {}
  for (const t of await admin.fetchOffsets({ groupId, topics: [topic] })) {
    for (const p of t.partitions) committed[p.partition] = Number(p.offset)
  }
  const high = {}
  for (const p of await admin.fetchTopicOffsets(topic)) high[p.partition] = Number(p.high)
  await admin.disconnect()

  process.stdout.write(JSON.stringify({ read, committed, high }) + '\n')
  process.exit(read.length >= count ? 0 : 1)
}

main().catch(e => {
  process.stderr.write(`kafkajs_group.js failed: ${e.stack || e}\n`)
  process.exit(2)
})
