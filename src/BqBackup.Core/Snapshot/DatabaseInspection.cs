using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace BqBackup.Snapshot
{
    /// <summary>What a bunqueue database holds, read from a snapshot (never from the live file).</summary>
    public sealed class DatabaseInspection
    {
        public int? SchemaVersion { get; set; }
        public JobCounts Counts { get; set; }
        public IReadOnlyList<string> MissingTables { get; set; }
        public bool IsBunqueue => MissingTables.Count == 0;
        public long Size { get; set; }
    }
}
