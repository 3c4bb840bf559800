using System;
using System.Diagnostics;
using System.IO;
using BqBackup.Catalog;
using BqBackup.Codec;
using BqBackup.IO;
using BqBackup.Snapshot;
using BqBackup.Storage;

namespace BqBackup.Backup
{
    public sealed class BackupOptions
    {
        public BqCompressionLevel CompressionLevel { get; set; } = BqCompressionLevel.Optimal;
        /// <summary>Gzip (the default, what bunqueue's restore reads) or the opt-in Zstd (…db.zst).</summary>
        public BqCompression Compression { get; set; } = BqCompression.Gzip;
        /// <summary>
        /// When the backup is taken; null (the default) for the operation's clock (OperationContext.Clock).
        /// Tests set it to take several backups "in the same second", or one while the clock runs ahead.
        /// </summary>
        public Func<DateTime> UtcNow { get; set; }
        /// <summary>Where the private scratch folder goes; null for the system temp folder (TMPDIR).</summary>
        public string TempRoot { get; set; }
        /// <summary>Encrypt the body with age to these recipients (null: a plain backup, the default).</summary>
        public Encryption.BackupEncryption Encryption { get; set; }
        /// <summary>Leave the plaintext checksum and the row counts out of an encrypted backup's sidecar.</summary>
        public bool MinimalMetadata { get; set; }
        /// <summary>Lock body and sidecar with S3 Object Lock (null: no lock asked; a bucket's default retention still applies).</summary>
        public Locking.ObjectLockOptions ObjectLock { get; set; }

        /// <summary>Refuses settings that make no sense together, before anything runs.</summary>
        public void Validate()
        {
            if (MinimalMetadata && Encryption == null)
                throw new BqBackupException(ErrorIds.AgeRecipientRequired, BqErrorCategory.InvalidArgument,
                    "-MinimalMetadata applies only to encrypted backups: without encryption the sidecar's checksum is the only check of the body.", null,
                    $"Add -Recipient, -RecipientFile or -Passphrase (or set {BqBackup.Encryption.EncryptionEnvironment.Recipients}), or drop -MinimalMetadata.");
        }
    }
}
