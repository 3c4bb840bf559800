// Load generator: adds durable jobs as fast as it can for --seconds, or until --stop-file exists.
// Every acknowledged add is appended to --out as one line:
//   <job id> <epoch ms when add() resolved> <epoch ms when add() was called> <add() latency ms>
// The acknowledgement stamp is taken after the promise resolved, so "stamp < T" proves the job
// was acknowledged before T. At the end prints one JSON summary line on stdout.
//
//   bun writer.mjs --port P --out FILE [--queue load] [--seconds 5] [--stop-file F]
//                  [--concurrency 16] [--payload-bytes 200] [--max-jobs 1000000] [--max-failures 1000]
// Exits 2 when still running 15 s past --seconds, 3 when adds hang 5 s after the stop.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { Queue } from 'bunqueue/client';
import { connection, parseArgs, required } from './args.mjs';

const args = parseArgs();
const out = required(args, 'out');
const queueName = args.queue ?? 'load';
const seconds = Number(args.seconds ?? 5);
const stopFile = args['stop-file'];
const concurrency = Number(args.concurrency ?? 16);
const payload = 'x'.repeat(Number(args['payload-bytes'] ?? 200));
const maxJobs = Number(args['max-jobs'] ?? 1_000_000);

const queue = new Queue(queueName, { connection: connection(args) });
writeFileSync(out, '');

let buffer = [];
const flush = () => {
  if (buffer.length === 0) return;
  const text = buffer.join('');
  buffer = [];
  appendFileSync(out, text);
};

let stop = false;
const started = Date.now();
const deadline = started + seconds * 1000;
const poll = setInterval(() => {
  flush();
  if (Date.now() >= deadline || (stopFile && existsSync(stopFile))) stop = true;
}, 50);

let issued = 0;
let acked = 0;
let failed = 0;
let firstError = null;
const maxFailures = Number(args['max-failures'] ?? 1000);

const finish = (code) => {
  clearInterval(poll);
  flush();
  const elapsed = (Date.now() - started) / 1000;
  console.log(JSON.stringify({ queue: queueName, acked, failed, firstError, seconds: elapsed, perSecond: Math.round(acked / elapsed) }));
  queue.close();
  process.exit(code);
};
// Hard bounds: adds still pending 5 s after the stop, or a run 15 s past --seconds, end the process.
const hardStop = setInterval(() => {
  if (Date.now() > deadline + 15000) finish(2);
}, 1000);
let stoppedAt = 0;
const grace = setInterval(() => {
  if (stop && !stoppedAt) stoppedAt = Date.now();
  if (stoppedAt && Date.now() - stoppedAt > 5000) finish(3);
}, 100);

async function loop(lane) {
  while (!stop && issued < maxJobs && failed < maxFailures) {
    const n = issued++;
    const calledAt = Date.now();
    const t0 = performance.now();
    try {
      const job = await queue.add('load', { n, lane, payload }, { durable: true });
      const latency = performance.now() - t0;
      buffer.push(`${job.id} ${Date.now()} ${calledAt} ${latency.toFixed(3)}\n`);
      acked++;
    } catch (error) {
      failed++;
      firstError ??= String(error?.message ?? error);
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, (_, lane) => loop(lane)));
clearInterval(hardStop);
clearInterval(grace);
finish(0);
