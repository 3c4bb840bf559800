using System;
using System.IO;
using System.Reflection;
using System.Text;
using BqBackup.Snapshot;

namespace BqBackup.Sample
{
    /// <summary>
    /// A deterministic bunqueue-shaped database: bunqueue 2.9.5's real schema (version 37) with
    /// jobs in every pending state, completed jobs with results, DLQ entries and cron schedules,
    /// payloads encoded as MessagePack as bunqueue stores them. For the demo, tests and benchmarks.
    /// </summary>
    public static class SampleDatabase
    {
        public const int SchemaVersion = 37;
        private static readonly string[] PendingStates = { "waiting", "prioritized", "delayed", "waiting-children", "active" };

        public static string Schema()
        {
            using (var stream = typeof(SampleDatabase).Assembly.GetManifestResourceStream("BqBackup.Sample.bunqueue-schema-37.sql"))
            using (var reader = new StreamReader(stream, Encoding.UTF8))
                return reader.ReadToEnd();
        }

        /// <summary>A database of at least <paramref name="bytes"/> bytes, for benchmarks: payloads of 100 B to 8 KB.</summary>
        public static JobCounts CreateOfSize(string path, long bytes, int seed = 1) =>
            Create(path, int.MaxValue, seed, 8192, bytes);

        /// <summary>
        /// A database of at least <paramref name="bytes"/> bytes of mixed, realistic payloads for
        /// benchmarks: e-mails, webhooks with JSON events, report rows, tokens and signatures (the
        /// incompressible part), results with JSON bodies, and the holes a cleanup of completed jobs
        /// leaves; it compresses about 3:1 with gzip -6, as real queue data does (the random-letter
        /// payloads of <see cref="CreateOfSize"/> compress about 2:1).
        /// </summary>
        public static JobCounts CreateMixedOfSize(string path, long bytes, int seed = 1) =>
            Create(path, int.MaxValue, seed, 8192, bytes, mixed: true);

        /// <summary>Creates (or refuses to overwrite) a database with about <paramref name="jobs"/> jobs.</summary>
        public static JobCounts Create(string path, int jobs = 500, int seed = 1, int maxPayloadBytes = 2048, long stopAtBytes = 0, bool mixed = false)
        {
            var words = mixed ? new MixedPayloads(seed) : null;
            if (File.Exists(path))
                throw new IOException($"'{path}' exists; the sample database is only written to a new file.");
            var random = new Random(seed);
            var counts = new JobCounts();
            var baseTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            using (var connection = SqliteFiles.OpenReadWriteCreate(path))
            {
                SqliteFiles.Execute(connection, "PRAGMA journal_mode = WAL");
                SqliteFiles.Execute(connection, Schema());
                using (var tx = connection.BeginTransaction())
                {
                    Insert(connection, "INSERT INTO migrations(version, applied_at) VALUES ($v, $t)", ("$v", SchemaVersion), ("$t", Millis(baseTime)));
                    string[] queues = { "emails", "reports", "webhooks" };
                    foreach (var queue in queues)
                        Insert(connection, "INSERT INTO queue_state(name, paused) VALUES ($n, 0)", ("$n", queue));

                    using (var insert = connection.CreateCommand())
                    {
                        insert.CommandText = "INSERT INTO jobs(id, queue, name, data, priority, created_at, run_at, started_at, completed_at, attempts, max_attempts, state) " +
                                             "VALUES ($id, $queue, $name, $data, $priority, $created, $run, $started, $completed, $attempts, 3, $state)";
                        var p = new[] { "$id", "$queue", "$name", "$data", "$priority", "$created", "$run", "$started", "$completed", "$attempts", "$state" };
                        foreach (var name in p) insert.Parameters.Add(insert.CreateParameter()).ParameterName = name;
                        insert.Prepare();
                        long written = 0;
                        for (var i = 0; i < jobs; i++)
                        {
                            // Each row costs its payload and about as much again in results, indexes and pages.
                            if (stopAtBytes > 0 && written >= stopAtBytes) { jobs = i; break; }
                            var created = baseTime.AddSeconds(i * 7);
                            // Most of a real queue's rows are completed jobs kept for their results.
                            var state = random.NextDouble() < 0.7 ? "completed" : PendingStates[random.Next(PendingStates.Length)];
                            var queue = queues[random.Next(queues.Length)];
                            var payload = mixed ? words.Payload(random, i, maxPayloadBytes) : MessagePack.Map(
                                ("to", $"user{random.Next(100000)}@example.test"),
                                ("template", "welcome"),
                                ("n", i),
                                ("body", Text(random, random.Next(50, maxPayloadBytes))));
                            written += payload.Length + 400;
                            Set(insert, "$id", $"{seed:x4}{i:x8}-0000-7000-8000-{i:x12}");
                            Set(insert, "$queue", queue);
                            Set(insert, "$name", "send");
                            Set(insert, "$data", payload);
                            Set(insert, "$priority", state == "prioritized" ? random.Next(1, 10) : 0);
                            Set(insert, "$created", Millis(created));
                            Set(insert, "$run", Millis(state == "delayed" ? created.AddDays(30) : created));
                            Set(insert, "$started", state == "active" || state == "completed" ? (object)Millis(created.AddSeconds(1)) : DBNull.Value);
                            Set(insert, "$completed", state == "completed" ? (object)Millis(created.AddSeconds(2)) : DBNull.Value);
                            Set(insert, "$attempts", state == "completed" ? 1 : 0);
                            Set(insert, "$state", state);
                            insert.ExecuteNonQuery();
                            Count(counts, state);
                            if (state == "completed")
                                Insert(connection, "INSERT INTO job_results(job_id, result, completed_at) VALUES ($id, $r, $t)",
                                    ("$id", $"{seed:x4}{i:x8}-0000-7000-8000-{i:x12}"), ("$r", mixed ? words.Result(random, i) : MessagePack.Map(("ok", 1))), ("$t", Millis(created.AddSeconds(2))));
                        }
                    }

                    var dlq = Math.Max(1, jobs / 50);
                    for (var i = 0; i < dlq; i++)
                        Insert(connection, "INSERT INTO dlq(job_id, queue, entry, entered_at) VALUES ($id, $q, $e, $t)",
                            ("$id", $"dead-{i:x8}"), ("$q", "webhooks"),
                            ("$e", MessagePack.Map(("reason", "max_attempts_exceeded"), ("error", "HTTP 503 from receiver"), ("attempt", 3))),
                            ("$t", Millis(baseTime.AddMinutes(i))));
                    counts.Dlq = dlq;

                    (string name, string pattern)[] crons = { ("nightly-report", "0 3 * * *"), ("hourly-sync", "0 * * * *"), ("weekly-digest", "0 8 * * 1") };
                    foreach (var (name, pattern) in crons)
                        Insert(connection, "INSERT INTO cron_jobs(name, queue, job_name, data, schedule, next_run) VALUES ($n, 'reports', $n, $d, $s, $t)",
                            ("$n", name), ("$d", MessagePack.Map(("k", 1))), ("$s", pattern), ("$t", Millis(baseTime.AddDays(400))));
                    counts.CronJobs = crons.Length;
                    if (mixed)
                    {
                        // bunqueue's cleanup of old completed jobs leaves free pages behind, as in a long-running queue.
                        SqliteFiles.Execute(connection, "DELETE FROM jobs WHERE state = 'completed' AND (created_at / 7000) % 10 = 3");
                        SqliteFiles.Execute(connection, "DELETE FROM job_results WHERE job_id NOT IN (SELECT id FROM jobs)");
                        using (var count = connection.CreateCommand())
                        {
                            count.CommandText = "SELECT COUNT(*) FROM jobs WHERE state = 'completed'";
                            counts.Completed = Convert.ToInt64(count.ExecuteScalar());
                        }
                    }
                    tx.Commit();
                }
                SqliteFiles.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            }
            return counts;
        }

        private static void Count(JobCounts counts, string state)
        {
            switch (state)
            {
                case "waiting": counts.Waiting++; break;
                case "prioritized": counts.Prioritized++; break;
                case "delayed": counts.Delayed++; break;
                case "waiting-children": counts.WaitingChildren++; break;
                case "active": counts.Active++; break;
                default: counts.Completed++; break;
            }
        }

        /// <summary>Words of random letters: compresses about as well as real job payloads, unlike a run of one letter.</summary>
        private static string Text(Random random, int length)
        {
            var chars = new char[length];
            for (var i = 0; i < length; i++) chars[i] = random.Next(6) == 0 ? ' ' : (char)('a' + random.Next(26));
            return new string(chars);
        }

        private static long Millis(DateTime utc) => (long)(utc - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;

        private static void Set(Microsoft.Data.Sqlite.SqliteCommand command, string name, object value) => command.Parameters[name].Value = value;

        private static void Insert(Microsoft.Data.Sqlite.SqliteConnection connection, string sql, params (string name, object value)[] values)
        {
            using (var command = connection.CreateCommand())
            {
                command.CommandText = sql;
                foreach (var (name, value) in values) command.Parameters.AddWithValue(name, value);
                command.ExecuteNonQuery();
            }
        }
    }
}
