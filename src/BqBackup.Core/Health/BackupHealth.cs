using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BqBackup.Storage;

namespace BqBackup.Health
{
    /// <summary>What Get-BqBackupStatus reports: the seed's monitoring section as one object.</summary>
    public sealed class BackupHealth
    {
        public string Destination { get; set; }
        public string Status { get; set; }
        public ReasonList Reasons { get; } = new ReasonList();
        /// <summary>For schedulers and monitoring agents: 0 Healthy, 1 Warning, 2 Critical (the Nagios convention).</summary>
        public int ExitCode => Status == HealthStatus.Critical ? 2 : Status == HealthStatus.Warning ? 1 : 0;
        public string LastBackupName { get; set; }
        public DateTime? LastBackupTime { get; set; }
        /// <summary>LastBackupAge in seconds: the form exports carry (scripts read LastBackupAge, a TimeSpan).</summary>
        public double? LastBackupAgeSeconds => Durations.Seconds(LastBackupAge);
        internal TimeSpan? LastBackupAge { get; set; }
        public long? LastBackupSize { get; set; }
        public int BackupCount { get; set; }
        public long TotalSize { get; set; }
        public DateTime? OldestBackupTime { get; set; }
        /// <summary>Backups stamped beyond now plus the clock-skew tolerance: counted in BackupCount, never the newest.</summary>
        public int FutureBackupCount { get; set; }
        /// <summary>True when a backup or the status record is stamped in the future (a Warning reason says which).</summary>
        public bool ClockSkew { get; set; }
        /// <summary>Interval in seconds: the form exports carry (scripts read Interval, a TimeSpan).</summary>
        public double IntervalSeconds => Durations.Seconds(Interval);
        internal TimeSpan Interval { get; set; }
        public bool LastAttemptFailed { get; set; }
        public DateTime? LastFailureTime { get; set; }
        public string LastFailureErrorId { get; set; }
        public string LastFailureMessage { get; set; }
        /// <summary>With several destinations: the first one named, which the others are copies of; null for that one itself.</summary>
        public string Primary { get; set; }
        /// <summary>LagBehindPrimary in seconds: how much older this copy's newest backup is than the primary's (0 when it is not older).</summary>
        public double? LagBehindPrimarySeconds => Durations.Seconds(LagBehindPrimary);
        internal TimeSpan? LagBehindPrimary { get; set; }
    }
}
