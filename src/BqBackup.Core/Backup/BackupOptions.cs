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
        /// <summary>Overridable so tests can take several backups "in the same second".</summary>
        public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
        /// <summary>Where the private scratch folder goes; null for the system temp folder (TMPDIR).</summary>
        public string TempRoot { get; set; }
    }
}
