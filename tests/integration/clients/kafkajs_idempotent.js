/*
 * kafkajs 2.2.4 as an idempotent producer (idempotent: true; NODE_PATH points at build/js/
 * node_modules): sends COUNT records, one per send, each awaited, over about SECONDS, while the
 * lab kills partition leaders. kafkajs retries a failed send with the same producer id and
 * sequence, so a retry the new leader already holds is answered with its original offset, not
 * written again.
 *
 * usage: node kafkajs_idempotent.js BOOTSTRAP TOPIC COUNT SECONDS PREFIX
 *
 * Values (and keys) are PREFIX-<n>. Prints one JSON line: {"acked": [[partition, offset, value], ...],
 * "errors": n, "first_errors": [...]}, like acked_producer.py. kafkajs's log goes to stderr.
 */
'use strict'

const { Kafka, logLevel } = require('kafkajs')

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

async function main() {
  const [bootstrap, topic, countText, secondsText, prefix] = process.argv.slice(2)
  const count = Number(countText)
  const pace = (Number(secondsText) * 1000) / count
  const kafka = new Kafka({
    clientId: 'kafkajs-idempotent',
    brokers: bootstrap.split(','),
    logLevel: logLevel.ERROR,
    logCreator: () => ({ level, log }) => {
      process.stderr.write(JSON.stringify({ level, ...log }) + '\n')
    },
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 30 },
  })
  // kafkajs requires maxInFlightRequests 1 for an idempotent producer.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    metadataMaxAge: 1000,
  })
  await producer.connect()
  const acked = []
  const errors = []
  for (let i = 0; i < count; i++) {
    const value = `${prefix}-${i}`
    const started = Date.now()
    try {
      // Keyed: kafkajs partitions a keyless message again on every retry of a send, so a
      // retry could land on another partition, where no sequence number can recognise it (a
      // duplicate idempotence cannot prevent, in Kafka too). A key keeps it on one partition.
      const [result] = await producer.send({ topic, acks: -1, timeout: 15000, messages: [{ key: value, value }] })
      acked.push([result.partition, Number(result.baseOffset), value])
    } catch (e) {
      errors.push(String(e))
    }
    const left = pace - (Date.now() - started)
    if (left > 0) await sleep(left)
  }
  await producer.disconnect()
  process.stdout.write(
    JSON.stringify({ acked, errors: errors.length, first_errors: errors.slice(0, 5) }) + '\n')
}

main().catch(e => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n')
  process.exit(1)
})
