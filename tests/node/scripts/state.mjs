// Reads a server's state back through the client and prints it as JSON:
//   { "<queue>": { counts: getJobCountsAsync(), dlq: [job ids], schedulers: [{id, pattern, every, next}] } }
// With --ids FILE (one job id per line, first word of each line), also reports which of them
// the server still knows: { ..., "present": [ids getJob found] }.
//
//   bun state.mjs --port P [--queues orders,reports,failing] [--ids FILE --ids-queue load]
import { readFileSync } from 'node:fs';
import { Queue } from 'bunqueue/client';
import { connection, parseArgs } from './args.mjs';

const args = parseArgs();
const conn = connection(args);
const names = String(args.queues ?? 'orders,reports,failing').split(',').filter(Boolean);

const result = {};
const opened = [];
for (const name of names) {
  const q = new Queue(name, { connection: conn });
  opened.push(q);
  const counts = await q.getJobCountsAsync();
  const dlq = (await q.getDlqAsync()).map((e) => String(e.job?.id ?? e.jobId ?? e.id)).sort();
  const schedulers = (await q.getJobSchedulers(0, 1000, true))
    .map((s) => ({ id: s.id, pattern: s.pattern ?? null, every: s.every ?? null, next: s.next ?? null }))
    .sort((a, b) => a.id.localeCompare(b.id));
  result[name] = { counts, dlq, schedulers };
}

if (args.ids) {
  const q = new Queue(String(args['ids-queue'] ?? names[0]), { connection: conn });
  opened.push(q);
  const ids = readFileSync(String(args.ids), 'utf8').split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
  const present = [];
  // Bounded batches keep the number of requests in flight small.
  for (let i = 0; i < ids.length; i += 100) {
    const found = await Promise.all(ids.slice(i, i + 100).map((id) => q.getJob(id)));
    found.forEach((job, k) => { if (job) present.push(ids[i + k]); });
  }
  result.present = present;
}

console.log(JSON.stringify(result));
for (const q of opened) q.close();
process.exit(0);
