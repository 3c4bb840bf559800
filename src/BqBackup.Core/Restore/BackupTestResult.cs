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
        /// <summary>True only when the contents were verified and nothing failed.</summary>
        public bool Passed => Reasons.Count == 0 && ContentsVerified;
        /// <summary>Passed, Failed, or NotVerified: an encrypted backup tested without an identity, whose contents could not be checked.</summary>
        public string Result => Reasons.Count > 0 ? BackupTestStatus.Failed : ContentsVerified ? BackupTestStatus.Passed : BackupTestStatus.NotVerified;
        public ReasonList Reasons { get; } = new ReasonList();
        /// <summary>The stable ErrorId of each failure that has one (SizeMismatch, AgeBodyTampered, …), in order.</summary>
        public ReasonList ErrorIds { get; } = new ReasonList();
        /// <summary>The body was fetched, decrypted where encrypted, decompressed and checked; false when there was no identity to open it.</summary>
        public bool ContentsVerified { get; set; }
        public bool Encrypted { get; set; }
        /// <summary>Who can open it, as the sidecar records (age1… keys, or "scrypt").</summary>
        public ReadableList<string> Recipients { get; set; }
        public bool ChecksumVerified { get; set; }
        public string IntegrityCheck { get; set; }
        /// <summary>
        /// What proved the copy sound: "integrity_check" (run on it), or "checksum" (its SHA-256
        /// matched a snapshot its sidecar records passed integrity_check when the backup was taken).
        /// </summary>
        public string IntegrityProof { get; set; }
        public int? SchemaVersion { get; set; }
        public JobCounts Counts { get; set; }
        public long? DatabaseSize { get; set; }
        /// <summary>Duration in seconds: the form exports carry (scripts read Duration, a TimeSpan).</summary>
        public double DurationSeconds => Durations.Seconds(Duration);
        internal TimeSpan Duration { get; set; }
        public BackupInfo Backup { get; set; }

        internal void Fail(BqBackupException e)
        {
            Reasons.Add(e.Message);
            ErrorIds.Add(e.ErrorId);
        }
    }
}
