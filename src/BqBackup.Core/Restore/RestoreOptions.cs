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
    public sealed class RestoreOptions
    {
        /// <summary>
        /// Restores although the target is open in another process, the backup is not a bunqueue
        /// database, or its metadata is missing. Never skips the checksum or integrity_check.
        /// </summary>
        public bool Force { get; set; }
        /// <summary>The most a backup may decompress to (its sidecar's size bounds it too); the default is 64 GiB.</summary>
        public long MaxSize { get; set; } = BackupFetch.DefaultMaxSize;
        public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
        /// <summary>The identities that open an encrypted backup; null when none was given.</summary>
        public Encryption.BackupDecryption Decryption { get; set; }
        /// <summary>Runs integrity_check on the restored copy even when its checksum already proves it (see BackupVerifier.NeedsIntegrityCheck).</summary>
        public bool IntegrityCheck { get; set; }
    }
}
