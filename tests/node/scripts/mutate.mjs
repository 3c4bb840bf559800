// Changes the state seed.mjs made, so a restore has something to undo:
//   'orders':  drained (waiting and delayed jobs removed), then new waiting and prioritized jobs
//   'reports': the 'nightly-report' schedule removed, a new 'added-later' schedule
//   'failing': the DLQ purged
// Prints the ids of the jobs it added as JSON.
//
//   bun mutate.mjs --port P [--add 7]
import { Queue } from 'bunqueue/client';
import { connection, parseArgs } from './args.mjs';

const args = parseArgs();
const conn = connection(args);
const orders = new Queue('orders', { connection: conn });
const reports = new Queue('reports', { connection: conn });
const failing = new Queue('failing', { connection: conn });

await orders.drainAsync();
const added = [];
for (let i = 0; i < Number(args.add ?? 7); i++)
  added.push((await orders.add('after-backup', { i }, { priority: i % 2 ? 5 : undefined, durable: true })).id);
await reports.removeJobScheduler('nightly-report');
await reports.upsertJobScheduler('added-later', { pattern: '0 4 2 2 *' }, { name: 'later', data: {} });
await failing.purgeDlqAsync();

console.log(JSON.stringify({ added }));
for (const q of [orders, reports, failing]) q.close();
process.exit(0);
