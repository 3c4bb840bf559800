using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using BqBackup.Catalog;
using BqBackup.Codec;
using BqBackup.IO;
using BqBackup.Snapshot;
using BqBackup.Storage;

namespace BqBackup.Restore
{
    /// <summary>What Test-BqBackup found: a clear verdict and every reason behind a failure.</summary>
    public sealed class BackupTestResult
    {
        public string Name { get; set; }
        public string Destination { get; set; }
        public DateTime Timestamp { get; set; }
        public string Origin { get; set; }
        public bool Passed => Reasons.Count == 0;
        public string Result => Passed ? "Passed" : "Failed";
        public ReasonList Reasons { get; } = new ReasonList();
        public bool ChecksumVerified { get; set; }
        public string IntegrityCheck { get; set; }
        public int? SchemaVersion { get; set; }
        public JobCounts Counts { get; set; }
        public long? DatabaseSize { get; set; }
        /// <summary>Duration in seconds: the form exports carry (scripts read Duration, a TimeSpan).</summary>
        public double DurationSeconds => Durations.Seconds(Duration);
        internal TimeSpan Duration { get; set; }
        public BackupInfo Backup { get; set; }
    }
}
