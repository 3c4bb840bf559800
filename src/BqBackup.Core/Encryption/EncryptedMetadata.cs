using System;
using System.Linq;
using BqBackup.Backup;
using BqBackup.Catalog;

namespace BqBackup.Encryption
{
    /// <summary>
    /// What an encrypted backup's sidecar says. It stays readable without a key and holds no
    /// secret: "encryption": "age" and the recipients' public keys, so a listing can tell who can
    /// open the backup. With -MinimalMetadata the plaintext checksum and the row counts are left
    /// out; the sizes, times, host and source path stay.
    /// </summary>
    internal static class EncryptedMetadata
    {
        public static BackupMetadata Describe(BackupOptions options, BackupMetadata meta)
        {
            if (options.Encryption == null) return meta;
            meta.Encryption = BackupMetadata.EncryptionAge;
            meta.Recipients = options.Encryption.RecipientNames.ToArray();
            if (options.MinimalMetadata)
            {
                meta.Checksum = null;
                meta.Counts = null;
                // Each block's compressed length tells how well each MiB of the database compresses.
                meta.GzipBlocks = null;
            }
            return meta;
        }
    }
}
