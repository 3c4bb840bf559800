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
        /// <summary>
        /// When the backup is taken; null (the default) for the operation's clock (OperationContext.Clock).
        /// Tests set it to take several backups "in the same second", or one while the clock runs ahead.
        /// </summary>
        public Func<DateTime> UtcNow { get; set; }
        /// <summary>Where the private scratch folder goes; null for the system temp folder (TMPDIR).</summary>
        public string TempRoot { get; set; }
    }
}
