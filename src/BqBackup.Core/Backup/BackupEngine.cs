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
                    r.LastFailure = options.UtcNow?.Invoke().ToUniversalTime() ?? ctx.UtcNow();
                    r.LastFailureErrorId = e.ErrorId;
                    r.LastFailureMessage = e.Message;
                    r.SourcePath = databasePath;
                });
                throw;
            }
        }

        public static BackupInfo Run(string databasePath, IBackupStore store, string destination, BackupOptions options, OperationContext ctx)
        {
            options.Validate();
            LeftoverCleanup.Clean(store, null, ctx); // what killed runs of this user left in this store
            var clock = Stopwatch.StartNew();
            var takenAt = options.UtcNow?.Invoke().ToUniversalTime() ?? ctx.UtcNow();
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

        /// <summary>How often a run that lost its name to a concurrent backup stores again under the next one.</summary>
        private const int MaxAttempts = 5;

        /// <summary>
        /// Claims a name, then stores under it. A run that loses its name to a concurrent backup
        /// (only possible on stores without conditional writes, see NameClaim) uploads again under
        /// the next free name; a failure anywhere removes its own claim and nothing else.
        /// </summary>
        private static BackupInfo Store(string databasePath, IBackupStore store, string destination, BackupOptions options, OperationContext ctx,
            string snapshot, DateTime takenAt, System.Threading.Tasks.Task<(string integrity, DatabaseInspection inspection)> check, Stopwatch clock)
        {
            var runId = Guid.NewGuid().ToString("N");
            var firstSequence = 1;
            for (var attempt = 1; ; attempt++)
            {
                var claim = NameClaim.Take(store, takenAt, runId, firstSequence, options.Encryption != null, ctx);
                try
                {
                    return StoreAs(claim, databasePath, store, destination, options, ctx, snapshot, takenAt, check, clock);
                }
                catch (BqBackupException e) when (e.ErrorId == ErrorIds.BackupNameConflict && attempt < MaxAttempts)
                {
                    claim.Release(ctx);
                    ctx.WriteVerbose($"{e.Message} Storing again under the next free name.");
                    firstSequence = claim.Sequence + 1;
                }
                catch
                {
                    claim.Release(ctx);
                    throw;
                }
            }
        }

        private static BackupInfo StoreAs(NameClaim claim, string databasePath, IBackupStore store, string destination, BackupOptions options, OperationContext ctx,
            string snapshot, DateTime takenAt, System.Threading.Tasks.Task<(string integrity, DatabaseInspection inspection)> check, Stopwatch clock)
        {
            var name = claim.Name;
            ctx.WriteVerbose($"Storing as '{name}' in '{store.Location}'.");
            CodecResult encoded;
            using (var upload = store.BeginUpload(name, options.Encryption != null ? "application/octet-stream" : "application/gzip", ctx.Cancellation))
            {
                // Encryption wraps the upload's stream: gzip, SHA-256 of the gzip and age in one pass.
                using (var input = new FileStream(snapshot, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                using (var body = Encryption.EncryptedBodyWriter.Open(upload.Content, options.Encryption))
                {
                    encoded = GzipCodec.Compress(input, input.Length, body.Content, options.CompressionLevel, ctx, "Backup");
                    body.Finish(encoded);
                }
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

                var meta = Encryption.EncryptedMetadata.Describe(options, new BackupMetadata
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
                    RunId = claim.RunId,
                    IntegrityCheck = BackupMetadata.IntegrityCheckOk,
                    GzipBlocks = encoded.BlockIndex,
                });
                // Sidecar first, body last: bunqueue's commit protocol, which its restore expects.
                claim.Confirm(meta.ToJson(), ctx);
                FailPoints.Hit("backup-sidecar-written");
                upload.Commit(ctx.Cancellation);
                FailPoints.Hit("backup-committed");
                ctx.WriteVerbose($"Stored {encoded.EncodedBytes:N0} bytes (database {encoded.RawBytes:N0} bytes, sha256 {encoded.Sha256}) in {clock.Elapsed.TotalSeconds:F2} s.");

                // The same mapping a later listing applies, so what New-BqBackup returns is what Get-BqBackup lists.
                var info = new BackupInfo
                {
                    Name = name, Destination = destination, Origin = BackupOrigin.BqBackup, Size = encoded.EncodedBytes,
                    MetadataName = claim.MetadataName, LastModified = DateTimeOffset.UtcNow,
                };
                BackupCatalog.ApplyMetadata(info, meta, problem: null);
                BackupCatalog.MarkListed(info, store);
                BackupCatalog.FlagClockSkew(info, ctx.UtcNow());
                return info;
            }
        }
    }
}
