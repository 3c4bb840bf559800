using System;

namespace BqBackup.Copy
{
    /// <summary>One backup Copy-BqBackup handled: what it did, from where, to where.</summary>
    public sealed class CopyResult
    {
        public string Name { get; set; }
        /// <summary>Copied, ServerSideCopied or Skipped (see CopyAction).</summary>
        public string Action { get; set; }
        /// <summary>The destination it was copied from (folder path or s3:// URL).</summary>
        public string Source { get; set; }
        /// <summary>The destination it was copied to.</summary>
        public string Target { get; set; }
        /// <summary>Bytes of the stored body.</summary>
        public long Size { get; set; }
        /// <summary>SHA-256 hex of the database, as the sidecar records it (null for an encrypted backup with a minimal sidecar).</summary>
        public string Sha256 { get; set; }
        public bool Encrypted { get; set; }
        /// <summary>
        /// The body's decompressed SHA-256 and sizes were recomputed from the bytes copied and matched
        /// the sidecar. False for an encrypted backup (copied without a key: its size and age header
        /// were checked, its contents are authenticated by age when it is restored) and for a skip.
        /// </summary>
        public bool ChecksumVerified { get; set; }
        public TimeSpan Duration { get; set; }
        /// <summary>The backup as the target now lists it (with its store's settings, for the next cmdlet in a pipeline).</summary>
        public BackupInfo Backup { get; set; }

        public override string ToString() => $"{Action} {Name}";
    }
}
