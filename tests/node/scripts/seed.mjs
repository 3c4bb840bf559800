// Seeds a server with known state and prints what it made as JSON:
//   queue 'orders':  waiting jobs, prioritized jobs (priority > 0), delayed jobs (due in a day)
//   queue 'reports': cron schedules via upsertJobScheduler (a pattern and an interval, both far off)
//   queue 'failing': one job with attempts: 1 whose worker throws, so it lands in the DLQ
//
//   bun seed.mjs --port P [--waiting 5] [--prioritized 3] [--delayed 2] [--timeout-ms 10000]
import { Queue, Worker } from 'bunqueue/client';
import { connection, parseArgs, waitFor } from './args.mjs';

const args = parseArgs();
const conn = connection(args);
const timeoutMs = Number(args['timeout-ms'] ?? 10000);
const day = 24 * 3600 * 1000;

const orders = new Queue('orders', { connection: conn });
const reports = new Queue('reports', { connection: conn });
const failing = new Queue('failing', { connection: conn });

const ids = { waiting: [], prioritized: [], delayed: [], dlq: [] };
for (let i = 0; i < Number(args.waiting ?? 5); i++)
  ids.waiting.push((await orders.add('ship', { order: i }, { durable: true })).id);
for (let i = 0; i < Number(args.prioritized ?? 3); i++)
  ids.prioritized.push((await orders.add('rush', { order: 100 + i }, { priority: i + 1, durable: true })).id);
for (let i = 0; i < Number(args.delayed ?? 2); i++)
  ids.delayed.push((await orders.add('later', { order: 200 + i }, { delay: day, durable: true })).id);

// Far-off schedules: nothing fires while the tests run, nor on a restart (next run still ahead).
await reports.upsertJobScheduler('nightly-report', { pattern: '0 3 1 1 *' }, { name: 'nightly', data: { kind: 'nightly' } });
await reports.upsertJobScheduler('weekly-digest', { every: 7 * day }, { name: 'digest', data: { kind: 'digest' } });

const doomed = await failing.add('explode', { boom: true }, { attempts: 1, durable: true });
ids.dlq.push(doomed.id);
const worker = new Worker('failing', async () => { throw new Error('seeded failure'); }, { connection: conn, concurrency: 1 });
try {
  await waitFor(async () => (await failing.getDlqAsync()).length >= 1, timeoutMs, 'the failed job to reach the DLQ');
} finally {
  await worker.close();
}

console.log(JSON.stringify(ids));
for (const q of [orders, reports, failing]) q.close();
process.exit(0);
