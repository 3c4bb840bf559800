using System;

namespace BqBackup
{
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
        /// <summary>Ok, MissingMetadata, InvalidMetadata or FutureTimestamp (see BackupStatus).</summary>
        public string Status { get; set; }
        /// <summary>
        /// Stamped later than now plus the clock-skew tolerance (whatever its Status: a backup with no
        /// sidecar is dated by its name). Such a backup is never picked by -Latest or -At.
        /// </summary>
        public bool TimestampInFuture { get; set; }
        public int? SchemaVersion { get; set; }
        public JobCounts Counts { get; set; }
        public bool Compressed { get; set; }
        /// <summary>"Gzip", "Zstd" or "None" (one of bunqueue's uncompressed backups): from the sidecar, else from the name.</summary>
        public string Compression { get; set; }
        /// <summary>The body is age-encrypted (its name ends .age, or its sidecar says so): restoring or testing its contents needs an identity.</summary>
        public bool Encrypted { get; set; }
        /// <summary>Who can open an encrypted backup, as its sidecar records it: age1… public keys, or "scrypt" for a passphrase; null when unknown.</summary>
        public ReadableList<string> Recipients { get; set; }
        /// <summary>The sidecar describes the encrypted body (its "encryption" field), so its compressedSize is the stored size of the encrypted body.</summary>
        internal bool MetadataRecordsEncryption { get; set; }
        /// <summary>The "version" field of the metadata: bunqueue's version, or this tool's.</summary>
        public string WrittenBy { get; set; }
        public string Host { get; set; }
        public string SourcePath { get; set; }
        public string MetadataName { get; set; }
        /// <summary>The stored size the metadata promises (compressedSize); a body of another size was altered or cut short.</summary>
        public long? ExpectedSize { get; set; }
        /// <summary>Object time reported by the store.</summary>
        public DateTimeOffset LastModified { get; set; }
        /// <summary>
        /// The non-secret settings of the store it lives in (S3 endpoint, region, addressing, profile),
        /// so a cmdlet it is piped into reopens that store; null for a folder.
        /// </summary>
        public Storage.StoreSettings StoreSettings { get; set; }

        /// <summary>
        /// The store's version of the body this object stands for when it is not the key's current
        /// one (Deleted), as a versioned bucket's listing with -IncludeDeleted reports it; reads
        /// (restore, test, copy) take that version. Null otherwise: the key's current version is read.
        /// </summary>
        public string VersionId { get; set; }
        /// <summary>
        /// The body is not the key's current version: a delete marker hides it (deleted by someone, or
        /// by expiry on a versioned bucket) or another version replaced it. Only -IncludeDeleted lists such backups.
        /// </summary>
        public bool Deleted { get; set; }
        /// <summary>The sidecar version paired with <see cref="VersionId"/>; null for the current one.</summary>
        internal string MetadataVersionId { get; set; }
        /// <summary>The S3 Object Lock mode of the body's current version (asked by -LockMode or the bucket's default retention); null when not locked, and for folders.</summary>
        public Locking.ObjectLockMode? LockMode { get; set; }
        /// <summary>Until when (UTC) that lock forbids deleting or overwriting the body; null when not locked.</summary>
        public DateTime? LockedUntil { get; set; }
        /// <summary>The sidecar's index of the gzip body's blocks (see GzipBlockIndex); null when it has none.</summary>
        internal Codec.GzipBlockIndex BlockIndex { get; set; }
        /// <summary>The sidecar records that the snapshot passed integrity_check before it was stored.</summary>
        internal bool SnapshotIntegrityChecked { get; set; }

        /// <summary>Whether a listing of its store (or the backup that wrote it) made this object, rather than a conversion of some other input.</summary>
        internal bool Listed { get; set; }

        /// <summary>
        /// How long ago it was taken. Scripts read it as a TimeSpan through the module's hidden
        /// <c>Age</c> property (BqBackup.Types.ps1xml); this is the form exports carry.
        /// </summary>
        public double AgeSeconds => Durations.Seconds(Age);

        internal TimeSpan Age => DateTime.UtcNow - Timestamp;

        public override string ToString() => Name;
    }
}
