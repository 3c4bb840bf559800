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
    /// <summary>
    /// Snapshot → integrity_check → gzip + SHA-256 in one pass → sidecar → body commit. The body's
    /// commit is the last step, so a backup that failed anywhere leaves nothing that lists as one.
    /// </summary>
    public static class BackupEngine
    {
        public static readonly string ToolVersion = "bqbackup-" + typeof(BackupEngine).Assembly.GetName().Version.ToString(3);

        /// <summary>Run, and leave the outcome in the destination's status record for Get-BqBackupStatus.</summary>
        public static BackupInfo RunAndRecord(string databasePath, IBackupStore store, string destination, BackupOptions options, OperationContext ctx)
        {
            try
            {
                var info = Run(databasePath, store, destination, options, ctx);
                Health.StatusRecord.Record(store, ctx, r =>
                {
                    r.LastSuccess = info.Timestamp;
                    r.LastSuccessName = info.Name;
                    r.SourcePath = databasePath;
                });
                return info;
            }
            catch (BqBackupException e)
            {
                Health.StatusRecord.Record(store, ctx, r =>
                {
                    r.LastFailure = options.UtcNow();
                    r.LastFailureErrorId = e.ErrorId;
                    r.LastFailureMessage = e.Message;
                    r.SourcePath = databasePath;
                });
                throw;
            }
        }

        public static BackupInfo Run(string databasePath, IBackupStore store, string destination, BackupOptions options, OperationContext ctx)
        {
            LeftoverCleanup.Clean(store, null, ctx); // what killed runs of this user left in this store
            var clock = Stopwatch.StartNew();
            var takenAt = options.UtcNow();
            using (var temp = new PrivateTempDirectory("snapshot", options.TempRoot))
            {
                var snapshot = temp.File("snapshot.db");
                SqliteSnapshot.Take(databasePath, snapshot, ctx);
                FailPoints.Hit("backup-snapshot-taken");
                ctx.ThrowIfCancelled();

                // integrity_check runs beside the compression, on the same snapshot: it is needed
                // before the sidecar is written, not before the body starts to stream.
                var check = BqBackup.IO.BackgroundScheduler.Run(() =>
                {
                    using (var connection = SqliteFiles.OpenReadOnly(snapshot))
                    {
                        var integrity = DatabaseInspector.IntegrityCheck(connection);
                        return (integrity, inspection: integrity == "ok" ? DatabaseInspector.Inspect(connection) : null);
                    }
                });
                try
                {
                    return Store(databasePath, store, destination, options, ctx, snapshot, takenAt, check, clock);
                }
                finally
                {
                    // Never leave the check reading a snapshot that is about to be deleted.
                    try { check.Wait(); } catch (AggregateException) { }
                }
            }
        }

        private static BackupInfo Store(string databasePath, IBackupStore store, string destination, BackupOptions options, OperationContext ctx,
            string snapshot, DateTime takenAt, System.Threading.Tasks.Task<(string integrity, DatabaseInspection inspection)> check, Stopwatch clock)
        {
            var name = ChooseName(store, takenAt, ctx);
            var metaName = BackupNaming.MetadataNameFor(name);
            ctx.WriteVerbose($"Storing as '{name}' in '{store.Location}'.");

            var metadataWritten = false;
            try
            {
                CodecResult encoded;
                using (var upload = store.BeginUpload(name, "application/gzip", ctx.Cancellation))
                {
                    using (var input = new FileStream(snapshot, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                        encoded = GzipCodec.Compress(input, input.Length, upload.Content, options.CompressionLevel, ctx, "Backup");
                    ctx.CompleteProgress("Backup");
                    FailPoints.Hit("backup-body-written");

                    ctx.ReportProgress("Verify", "Waiting for integrity_check of the snapshot", 0, -1);
                    var (integrity, inspection) = check.GetAwaiter().GetResult();
                    ctx.CompleteProgress("Verify");
                    if (integrity != "ok")
                        throw new BqBackupException(ErrorIds.SourceIntegrityCheckFailed, BqErrorCategory.InvalidData,
                            $"The snapshot of '{databasePath}' fails integrity_check: {integrity}. Nothing was stored.", databasePath,
                            "The live database is damaged: keep the last good backups (do not expire them) and restore one with Restore-BqBackup.");
                    ctx.WriteVerbose($"integrity_check ok; schema version {inspection.SchemaVersion?.ToString() ?? "none"}; {inspection.Counts?.ToString() ?? "no jobs table"}.");
                    if (inspection.TableCount == 0) throw SqliteSnapshot.Empty(databasePath, "it holds no tables");
                    if (!inspection.IsBunqueue)
                        ctx.WriteWarning($"'{databasePath}' does not look like a bunqueue database ({inspection.Describe()}); backing it up anyway.");

                    var meta = new BackupMetadata
                    {
                        Timestamp = takenAt,
                        Version = ToolVersion,
                        Size = encoded.RawBytes,
                        CompressedSize = encoded.EncodedBytes,
                        Checksum = encoded.Sha256,
                        Compressed = true,
                        Tool = ToolVersion,
                        Host = Environment.MachineName,
                        SourcePath = databasePath,
                        SchemaVersion = inspection.SchemaVersion,
                        Counts = inspection.Counts,
                    };
                    // Sidecar first, body last: bunqueue's commit protocol, which its restore expects.
                    store.Put(metaName, meta.ToJson(), "application/json", overwrite: false, ctx.Cancellation);
                    metadataWritten = true;
                    FailPoints.Hit("backup-sidecar-written");
                    upload.Commit(ctx.Cancellation);
                    FailPoints.Hit("backup-committed");
                    ctx.WriteVerbose($"Stored {encoded.EncodedBytes:N0} bytes (database {encoded.RawBytes:N0} bytes, sha256 {encoded.Sha256}) in {clock.Elapsed.TotalSeconds:F2} s.");

                    // The same mapping a later listing applies, so what New-BqBackup returns is what Get-BqBackup lists.
                    var info = new BackupInfo
                    {
                        Name = name, Destination = destination, Origin = BackupOrigin.BqBackup, Size = encoded.EncodedBytes,
                        MetadataName = metaName, LastModified = DateTimeOffset.UtcNow,
                    };
                    BackupCatalog.ApplyMetadata(info, meta, problem: null);
                    return info;
                }
            }
            catch when (metadataWritten)
            {
                TryDelete(store, metaName);
                throw;
            }
        }

        /// <summary>The seed's name for this second, with -2, -3 … when earlier backups of the same second exist.</summary>
        private static string ChooseName(IBackupStore store, DateTime takenAt, OperationContext ctx)
        {
            for (var sequence = 1; sequence < 1000; sequence++)
            {
                var candidate = BackupNaming.NameFor(takenAt, sequence);
                if (store.Stat(candidate, ctx.Cancellation) == null &&
                    store.Stat(BackupNaming.MetadataNameFor(candidate), ctx.Cancellation) == null)
                    return candidate;
            }
            throw new BqBackupException(ErrorIds.BackupNameConflict, BqErrorCategory.WriteError,
                $"No free backup name for {takenAt:O} in '{store.Location}'.", store.Location, "Run the backup again.");
        }

        private static void TryDelete(IBackupStore store, string key)
        {
            try { store.Delete(key, default); }
            catch (Exception) { /* best effort: an orphaned sidecar is ignored by listings and cleaned by expiry */ }
        }
    }
}
