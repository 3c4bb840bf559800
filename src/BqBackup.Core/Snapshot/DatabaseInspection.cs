using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace BqBackup.Snapshot
{
    /// <summary>What a bunqueue database holds, read from a snapshot (never from the live file).</summary>
    internal sealed class DatabaseInspection
    {
        public int? SchemaVersion { get; set; }
        public JobCounts Counts { get; set; }
        public IReadOnlyList<string> MissingTables { get; set; }
        /// <summary>What makes the file unlike bunqueue's beyond missing tables (a schema version that is no number, a jobs table without its state column).</summary>
        public IReadOnlyList<string> Problems { get; set; } = new string[0];
        /// <summary>Tables of any name: none at all is an empty database, not a backup worth keeping.</summary>
        public int TableCount { get; set; }
        public bool IsBunqueue => MissingTables.Count == 0 && Problems.Count == 0;
        /// <summary>Missing tables and problems on one line, for messages.</summary>
        public string Describe() =>
            string.Join("; ", (MissingTables.Count > 0 ? new[] { "missing tables: " + string.Join(", ", MissingTables) } : new string[0]).Concat(Problems));
        public long Size { get; set; }
    }
}
