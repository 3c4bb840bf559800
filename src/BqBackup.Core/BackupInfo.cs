using System;

namespace BqBackup
{
    /// <summary>Row counts of a bunqueue database, taken from the snapshot itself.</summary>
    public sealed class JobCounts
    {
        public long Waiting { get; set; }
        public long Prioritized { get; set; }
        public long Delayed { get; set; }
        public long WaitingChildren { get; set; }
        public long Active { get; set; }
        public long Completed { get; set; }
        /// <summary>Jobs in a state this version does not know; kept so totals add up.</summary>
        public long Other { get; set; }
        public long Dlq { get; set; }
        public long CronJobs { get; set; }

        public long Jobs => Waiting + Prioritized + Delayed + WaitingChildren + Active + Completed + Other;

        public override string ToString() =>
            $"jobs={Jobs} (waiting={Waiting} prioritized={Prioritized} delayed={Delayed} waiting-children={WaitingChildren} active={Active} completed={Completed}) dlq={Dlq} cron={CronJobs}";
    }

    public static class BackupOrigin
    {
        /// <summary>Written by this module: backup-YYYY-MM-DDTHH-mm-ss.db.gz.</summary>
        public const string BqBackup = "BqBackup";
        /// <summary>Written by bunqueue's own built-in S3 backup: bunqueue-&lt;time&gt;-&lt;uuid&gt;.db.</summary>
        public const string Bunqueue = "bunqueue";
    }

    public static class BackupStatus
    {
        public const string Ok = "Ok";
        public const string MissingMetadata = "MissingMetadata";
        public const string InvalidMetadata = "InvalidMetadata";
    }

    /// <summary>One backup in a store: what Get-BqBackup lists and the other cmdlets take from the pipeline.</summary>
    public sealed class BackupInfo
    {
        public string Name { get; set; }
        /// <summary>The store it lives in, as given to the cmdlets (folder path or s3:// URL).</summary>
        public string Destination { get; set; }
        /// <summary>When the snapshot was taken, UTC.</summary>
        public DateTime Timestamp { get; set; }
        /// <summary>Bytes stored (the compressed body).</summary>
        public long Size { get; set; }
        /// <summary>Bytes of the database it restores to; null when no metadata tells.</summary>
        public long? DatabaseSize { get; set; }
        /// <summary>SHA-256 hex of the uncompressed database.</summary>
        public string Sha256 { get; set; }
        public string Origin { get; set; }
        public string Status { get; set; }
        public int? SchemaVersion { get; set; }
        public JobCounts Counts { get; set; }
        public bool Compressed { get; set; }
        /// <summary>The "version" field of the metadata: bunqueue's version, or this tool's.</summary>
        public string WrittenBy { get; set; }
        public string Host { get; set; }
        public string SourcePath { get; set; }
        public string MetadataName { get; set; }
        /// <summary>The stored size the metadata promises (compressedSize); a body of another size was altered or cut short.</summary>
        public long? ExpectedSize { get; set; }
        /// <summary>Object time reported by the store.</summary>
        public DateTimeOffset LastModified { get; set; }

        public TimeSpan Age => DateTime.UtcNow - Timestamp;

        public override string ToString() => Name;
    }
}
