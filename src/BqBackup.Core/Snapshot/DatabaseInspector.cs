using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace BqBackup.Snapshot
{
    internal static class DatabaseInspector
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

        /// <summary>
        /// What the snapshot holds. Anything SQLite itself refuses while reading (a damaged table,
        /// a view where a table should be) is NotABunqueueDatabase, never a raw SqliteException.
        /// </summary>
        public static DatabaseInspection Inspect(SqliteConnection connection)
        {
            try
            {
                return InspectTables(connection);
            }
            catch (SqliteException e)
            {
                throw new BqBackupException(ErrorIds.NotABunqueueDatabase, BqErrorCategory.InvalidData,
                    $"The database could not be read as bunqueue's: {e.Message}", connection.DataSource,
                    "Check that the file is bunqueue's database; Test-BqBackup shows what a backup holds.", e);
            }
        }

        private static DatabaseInspection InspectTables(SqliteConnection connection)
        {
            var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
                using (var reader = command.ExecuteReader())
                    while (reader.Read()) tables.Add(reader.GetString(0));
            }

            var problems = new List<string>();
            var inspection = new DatabaseInspection
            {
                MissingTables = RequiredTables.Where(t => !tables.Contains(t)).ToList(),
                Problems = problems,
                TableCount = tables.Count,
                Size = Convert.ToInt64(SqliteFiles.Scalar(connection, "PRAGMA page_count"))
                       * Convert.ToInt64(SqliteFiles.Scalar(connection, "PRAGMA page_size")),
            };

            if (tables.Contains("migrations"))
            {
                var version = SqliteFiles.Scalar(connection, "SELECT MAX(version) FROM migrations");
                inspection.SchemaVersion = SchemaVersionOf(version, problems);
            }

            if (tables.Contains("jobs") && !HasColumn(connection, "jobs", "state"))
                problems.Add("the jobs table has no state column");
            else if (tables.Contains("jobs"))
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
                            // A state stored as a number or a blob is no state bunqueue knows: counted as Other.
                            switch (reader.IsDBNull(0) ? null : reader.GetValue(0) as string)
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

        /// <summary>
        /// MAX(version) as bunqueue would read it: a whole number that fits an int. Text, a
        /// fraction or a number beyond int32 is reported, never converted into an exception or a
        /// truncated version.
        /// </summary>
        internal static int? SchemaVersionOf(object version, IList<string> problems)
        {
            switch (version)
            {
                case null:
                case DBNull _:
                    return null;
                case long n when n >= int.MinValue && n <= int.MaxValue:
                    return (int)n;
                default:
                    var shown = Convert.ToString(version, System.Globalization.CultureInfo.InvariantCulture);
                    if (shown.Length > 40) shown = shown.Substring(0, 40) + "…";
                    problems.Add($"migrations.version '{shown}' is not a schema version");
                    return null;
            }
        }

        private static bool HasColumn(SqliteConnection connection, string table, string column)
        {
            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT 1 FROM pragma_table_info('{table}') WHERE name = $column";
                command.Parameters.AddWithValue("$column", column);
                return command.ExecuteScalar() != null;
            }
        }
    }
}
