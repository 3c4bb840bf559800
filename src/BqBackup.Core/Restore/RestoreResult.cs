using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using BqBackup.Codec;
using BqBackup.IO;
using BqBackup.Snapshot;
using BqBackup.Storage;

namespace BqBackup.Restore
{
    public sealed class RestoreResult
    {
        /// <summary>The -Path given, made absolute.</summary>
        public string Path { get; set; }
        /// <summary>The file really replaced: Path itself, or where Path's symbolic links lead (the links stay).</summary>
        public string ResolvedPath { get; set; }
        public string BackupName { get; set; }
        public string Destination { get; set; }
        /// <summary>The store version the database came from (a backup listed by Get-BqBackup -IncludeDeleted); null for the key's current version.</summary>
        public string BackupVersionId { get; set; }
        public DateTime BackupTimestamp { get; set; }
        public long DatabaseSize { get; set; }
        public string Sha256 { get; set; }
        /// <summary>False for a forced restore of a backup without metadata, and for an encrypted backup whose minimal sidecar records no checksum.</summary>
        public bool ChecksumVerified { get; set; }
        /// <summary>The backup was age-encrypted: it was decrypted, and every chunk authenticated, before anything was replaced.</summary>
        public bool Encrypted { get; set; }
        public string IntegrityCheck { get; set; }
        /// <summary>
        /// What proved the copy sound: "integrity_check" (run on it), or "checksum" (its SHA-256
        /// matched a snapshot its sidecar records passed integrity_check when the backup was taken).
        /// </summary>
        public string IntegrityProof { get; set; }
        public int? SchemaVersion { get; set; }
        public JobCounts Counts { get; set; }
        public ReadableList<MovedFile> MovedAside { get; set; }
        /// <summary>Duration in seconds: the form exports carry (scripts read Duration, a TimeSpan).</summary>
        public double DurationSeconds => Durations.Seconds(Duration);
        internal TimeSpan Duration { get; set; }
    }
}
