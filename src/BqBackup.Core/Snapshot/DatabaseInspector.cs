using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace BqBackup.Snapshot
{
    public static class DatabaseInspector
    {
        /// <summary>
        /// The tables without which bunqueue would start on the file as if it were empty, or lose
        /// the state operators restore it for (cron schedules, the DLQ).
        /// </summary>
        public static readonly string[] RequiredTables = { "migrations", "jobs", "dlq", "cron_jobs" };

        /// <summary>"ok", or the first problems integrity_check reports joined on one line.</summary>
        public static string IntegrityCheck(SqliteConnection connection)
        {
            var problems = new List<string>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA integrity_check(20)";
                command.CommandTimeout = 0;
                using (var reader = command.ExecuteReader())
                    while (reader.Read()) problems.Add(reader.GetString(0));
            }
            return problems.Count == 1 && problems[0] == "ok" ? "ok" : string.Join("; ", problems);
        }

        public static DatabaseInspection Inspect(SqliteConnection connection)
        {
            var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
                using (var reader = command.ExecuteReader())
                    while (reader.Read()) tables.Add(reader.GetString(0));
            }

            var inspection = new DatabaseInspection
            {
                MissingTables = RequiredTables.Where(t => !tables.Contains(t)).ToList(),
                Size = Convert.ToInt64(SqliteFiles.Scalar(connection, "PRAGMA page_count"))
                       * Convert.ToInt64(SqliteFiles.Scalar(connection, "PRAGMA page_size")),
            };

            if (tables.Contains("migrations"))
            {
                var version = SqliteFiles.Scalar(connection, "SELECT MAX(version) FROM migrations");
                inspection.SchemaVersion = version is DBNull || version == null ? (int?)null : Convert.ToInt32(version);
            }

            if (tables.Contains("jobs"))
            {
                var counts = new JobCounts();
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = "SELECT state, COUNT(*) FROM jobs GROUP BY state";
                    using (var reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            var n = reader.GetInt64(1);
                            switch (reader.IsDBNull(0) ? null : reader.GetString(0))
                            {
                                case "waiting": counts.Waiting += n; break;
                                case "prioritized": counts.Prioritized += n; break;
                                case "delayed": counts.Delayed += n; break;
                                case "waiting-children": counts.WaitingChildren += n; break;
                                case "active": counts.Active += n; break;
                                case "completed": counts.Completed += n; break;
                                default: counts.Other += n; break;
                            }
                        }
                    }
                }
                if (tables.Contains("dlq")) counts.Dlq = Convert.ToInt64(SqliteFiles.Scalar(connection, "SELECT COUNT(*) FROM dlq"));
                if (tables.Contains("cron_jobs")) counts.CronJobs = Convert.ToInt64(SqliteFiles.Scalar(connection, "SELECT COUNT(*) FROM cron_jobs"));
                inspection.Counts = counts;
            }
            return inspection;
        }
    }
}
