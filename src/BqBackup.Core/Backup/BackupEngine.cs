using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
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
    /// With several destinations the snapshot, the compression and the encryption happen once and
    /// the stream is fanned out (<see cref="FanOutStream"/>); each destination claims its name,
    /// commits and fails on its own, and one that fails takes nothing from the others.
    /// </summary>
    public static class BackupEngine
    {
        public static readonly string ToolVersion = "bqbackup-" + typeof(BackupEngine).Assembly.GetName().Version.ToString(3);

        /// <summary>Run, and leave the outcome in the destination's status record for Get-BqBackupStatus.</summary>
        public static BackupInfo RunAndRecord(string databasePath, IBackupStore store, string destination, BackupOptions options, OperationContext ctx)
            => Single(RunAndRecord(databasePath, new[] { new BackupTarget(store, destination) }, options, ctx));

        /// <summary>
        /// Run to every target, and leave each one's outcome in its status record. A failure of the
        /// source (snapshot, integrity_check) is thrown, and recorded in every target; a failure of
        /// one destination is its outcome's Error.
        /// </summary>
        public static IReadOnlyList<BackupOutcome> RunAndRecord(string databasePath, IReadOnlyList<BackupTarget> targets, BackupOptions options, OperationContext ctx)
        {
            // A setting that can never work here (a lock on a folder) is the caller's mistake, not a failed run to record.
            foreach (var target in targets) Locking.BackupLocks.RequireLockable(target.Store, options.ObjectLock);
            IReadOnlyList<BackupOutcome> outcomes;
            try
            {
                outcomes = Run(databasePath, targets, options, ctx);
            }
            catch (BqBackupException e)
            {
                foreach (var target in targets) RecordFailure(target.Store, e, databasePath, options, ctx);
                throw;
            }
            for (var i = 0; i < targets.Count; i++)
            {
                var outcome = outcomes[i];
                if (outcome.Backup != null)
                    Health.StatusRecord.Record(targets[i].Store, ctx, r =>
                    {
                        r.LastSuccess = outcome.Backup.Timestamp;
                        r.LastSuccessName = outcome.Backup.Name;
                        r.SourcePath = databasePath;
                    });
                else
                    RecordFailure(targets[i].Store, outcome.Error, databasePath, options, ctx);
            }
            return outcomes;
        }

        private static void RecordFailure(IBackupStore store, BqBackupException e, string databasePath, BackupOptions options, OperationContext ctx) =>
            Health.StatusRecord.Record(store, ctx, r =>
            {
                r.LastFailure = options.UtcNow?.Invoke().ToUniversalTime() ?? ctx.UtcNow();
                r.LastFailureErrorId = e.ErrorId;
                r.LastFailureMessage = e.Message;
                r.SourcePath = databasePath;
            });

        public static BackupInfo Run(string databasePath, IBackupStore store, string destination, BackupOptions options, OperationContext ctx)
            => Single(Run(databasePath, new[] { new BackupTarget(store, destination) }, options, ctx));

        private static BackupInfo Single(IReadOnlyList<BackupOutcome> outcomes)
        {
            if (outcomes[0].Error != null) ExceptionDispatchInfo.Capture(outcomes[0].Error).Throw();
            return outcomes[0].Backup;
        }

        /// <summary>One outcome per target, in the order given.</summary>
        public static IReadOnlyList<BackupOutcome> Run(string databasePath, IReadOnlyList<BackupTarget> targets, BackupOptions options, OperationContext ctx)
        {
            if (targets == null || targets.Count == 0) throw new ArgumentException("A backup needs at least one destination.", nameof(targets));
            options.Validate();
            var states = targets.Select(t => new TargetState(t)).ToList();
            foreach (var state in states)
            {
                try
                {
                    // A lock the store cannot honour is refused before anything is written.
                    Locking.BackupLocks.Prepare(state.Target.Store, options.ObjectLock, ctx);
                    LeftoverCleanup.Clean(state.Target.Store, null, ctx); // what killed runs of this user left in this store
                }
                catch (BqBackupException e) { state.Error = e; }
            }
            if (states.All(s => s.Error != null)) return Outcomes(states);

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
                    Store(databasePath, states, options, ctx, snapshot, takenAt, check, clock);
                }
                finally
                {
                    // Never leave the check reading a snapshot that is about to be deleted.
                    try { check.Wait(); } catch (AggregateException) { }
                }
            }
            return Outcomes(states);
        }

        private static IReadOnlyList<BackupOutcome> Outcomes(List<TargetState> states) =>
            states.Select(s => new BackupOutcome(s.Target.Destination, s.Backup, s.Error)).ToList();

        /// <summary>How often a run that lost its name to a concurrent backup stores again under the next one.</summary>
        private const int MaxAttempts = 5;

        /// <summary>How often the destinations' claims are moved to the highest one's name before the run settles for different names.</summary>
        private const int AlignRounds = 3;

        /// <summary>
        /// Claims a name in each destination, then stores under it. A destination that loses its
        /// name to a concurrent backup (only possible on stores without conditional writes, see
        /// NameClaim) stores again under the next free name; a failure anywhere removes its own
        /// claim and nothing else.
        /// </summary>
        private static void Store(string databasePath, List<TargetState> states, BackupOptions options, OperationContext ctx,
            string snapshot, DateTime takenAt, System.Threading.Tasks.Task<(string integrity, DatabaseInspection inspection)> check, Stopwatch clock)
        {
            var runId = Guid.NewGuid().ToString("N");
            for (var attempt = 1; ; attempt++)
            {
                var pending = states.Where(s => s.Error == null && s.Backup == null).ToList();
                if (pending.Count == 0) return;
                Claim(pending, takenAt, runId, options, ctx);
                var claimed = pending.Where(s => s.Claim != null).ToList();
                try
                {
                    StoreAs(claimed, states.Count, attempt, databasePath, options, ctx, snapshot, takenAt, check, clock);
                }
                finally
                {
                    foreach (var state in claimed)
                    {
                        if (state.Backup == null) state.Claim.Release(ctx);
                        state.NextSequence = state.Claim.Sequence + 1;
                        state.Claim = null;
                    }
                }
            }
        }

        /// <summary>
        /// The first free name in each destination, and then the same name in all where the stores
        /// allow: a destination whose name is behind (its -1 free where another already holds one
        /// of that second) gives its claim back and claims the highest one's name. Where that name is
        /// taken too, the round repeats; after <see cref="AlignRounds"/> the names stay different and a warning says so.
        /// </summary>
        private static void Claim(List<TargetState> pending, DateTime takenAt, string runId, BackupOptions options, OperationContext ctx)
        {
            foreach (var state in pending) TakeClaim(state, state.NextSequence, takenAt, runId, options, ctx);
            for (var round = 0; round < AlignRounds; round++)
            {
                var claimed = pending.Where(s => s.Claim != null).ToList();
                if (claimed.Count < 2) return;
                var highest = claimed.Max(s => s.Claim.Sequence);
                var behind = claimed.Where(s => s.Claim.Sequence < highest).ToList();
                if (behind.Count == 0) return;
                foreach (var state in behind)
                {
                    ctx.WriteVerbose($"'{state.Claim.Name}' is free in '{state.Target.Store.Location}' but not everywhere; taking the name the other destinations have.");
                    state.Claim.Release(ctx);
                    state.Claim = null;
                    TakeClaim(state, highest, takenAt, runId, options, ctx);
                }
            }
            var names = pending.Where(s => s.Claim != null).ToList();
            if (names.Select(s => s.Claim.Name).Distinct().Count() > 1)
                ctx.WriteWarning("The backup could not take the same name in every destination (other backups of the same second hold them): " +
                                 string.Join(", ", names.Select(s => $"'{s.Claim.Name}' in '{s.Target.Store.Location}'")) + ".");
        }

        private static void TakeClaim(TargetState state, int firstSequence, DateTime takenAt, string runId, BackupOptions options, OperationContext ctx)
        {
            try { state.Claim = NameClaim.Take(state.Target.Store, takenAt, runId, firstSequence, options.Encryption != null, ctx, options.Compression); }
            catch (BqBackupException e) { state.Error = e; }
        }

        private static void StoreAs(List<TargetState> claimed, int destinationCount, int attempt, string databasePath, BackupOptions options, OperationContext ctx,
            string snapshot, DateTime takenAt, System.Threading.Tasks.Task<(string integrity, DatabaseInspection inspection)> check, Stopwatch clock)
        {
            var contentType = options.Encryption != null ? "application/octet-stream" : options.Compression == BqCompression.Zstd ? "application/zstd" : "application/gzip";
            // Body and sidecar get the same retain-until date; the claim stays unlocked, so a failed run can take it back.
            var lockState = options.ObjectLock?.For(takenAt);
            try
            {
                foreach (var state in claimed)
                {
                    ctx.WriteVerbose($"Storing as '{state.Claim.Name}' in '{state.Target.Store.Location}'.");
                    try
                    {
                        state.Upload = lockState != null ? ((Locking.ILockingStore)state.Target.Store).BeginUpload(state.Claim.Name, contentType, lockState, ctx.Cancellation)
                                                         : state.Target.Store.BeginUpload(state.Claim.Name, contentType, ctx.Cancellation);
                    }
                    catch (BqBackupException e) { state.Error = e; }
                }
                var streaming = claimed.Where(s => s.Upload != null).ToList();
                if (streaming.Count == 0) return;

                // A single destination is written straight into its upload; several share one
                // compression (and encryption) pass through the fan-out.
                var encoded = destinationCount == 1 ? Encode(snapshot, streaming[0].Upload.Content, options, ctx) : FanOut(streaming, snapshot, options, ctx);
                if (encoded == null) return; // every destination failed while the body streamed
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
                    RunId = streaming[0].Claim.RunId,
                    Compression = options.Compression == BqCompression.Zstd ? "zstd" : "gzip",
                    IntegrityCheck = BackupMetadata.IntegrityCheckOk,
                    GzipBlocks = encoded.BlockIndex,
                });
                var sidecar = meta.ToJson();
                foreach (var state in streaming.Where(s => s.Error == null))
                {
                    try
                    {
                        // Sidecar first, body last: bunqueue's commit protocol, which its restore expects.
                        state.Claim.Confirm(sidecar, ctx, lockState);
                        FailPoints.Hit("backup-sidecar-written");
                        state.Upload.Commit(ctx.Cancellation);
                        FailPoints.Hit("backup-committed");
                    }
                    catch (BqBackupException e) when (e.ErrorId == ErrorIds.BackupNameConflict && attempt < MaxAttempts)
                    {
                        ctx.WriteVerbose($"{e.Message} Storing again under the next free name.");
                        continue;
                    }
                    catch (BqBackupException e)
                    {
                        state.Error = e;
                        continue;
                    }
                    ctx.WriteVerbose($"Stored {encoded.EncodedBytes:N0} bytes (database {encoded.RawBytes:N0} bytes, sha256 {encoded.Sha256}) in '{state.Target.Store.Location}' in {clock.Elapsed.TotalSeconds:F2} s.");

                    // The same mapping a later listing applies, so what New-BqBackup returns is what Get-BqBackup lists.
                    var info = new BackupInfo
                    {
                        Name = state.Claim.Name, Destination = state.Target.Destination, Origin = BackupOrigin.BqBackup, Size = encoded.EncodedBytes,
                        MetadataName = state.Claim.MetadataName, LastModified = DateTimeOffset.UtcNow,
                    };
                    BackupCatalog.ApplyMetadata(info, meta, problem: null);
                    BackupCatalog.MarkListed(info, state.Target.Store);
                    BackupCatalog.FlagClockSkew(info, ctx.UtcNow());
                    state.Backup = info;
                    // Committed: a lock the store did not keep is this destination's error beside its backup.
                    try { Locking.BackupLocks.Confirm(state.Target.Store, info, lockState, ctx); }
                    catch (BqBackupException e) { state.Error = e; }
                }
            }
            finally
            {
                // An upload that was not committed removes every trace of itself.
                foreach (var state in claimed)
                {
                    state.Upload?.Dispose();
                    state.Upload = null;
                }
            }
        }

        /// <summary>gzip + SHA-256 of the snapshot, and age when the options encrypt, into <paramref name="sink"/>.</summary>
        private static CodecResult Encode(string snapshot, Stream sink, BackupOptions options, OperationContext ctx)
        {
            using (var input = new FileStream(snapshot, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            using (var body = Encryption.EncryptedBodyWriter.Open(sink, options.Encryption))
            {
                var encoded = options.Compression == BqCompression.Zstd
                    ? ZstdCodec.Compress(input, input.Length, body.Content, options.CompressionLevel, ctx, "Backup")
                    : GzipCodec.Compress(input, input.Length, body.Content, options.CompressionLevel, ctx, "Backup");
                body.Finish(encoded);
                return encoded;
            }
        }

        /// <summary>
        /// One encoding pass written to every upload at once. A destination whose upload fails
        /// mid-stream gets its error and drops out; null when every one failed.
        /// </summary>
        private static CodecResult FanOut(List<TargetState> streaming, string snapshot, BackupOptions options, OperationContext ctx)
        {
            using (var fan = new FanOutStream(streaming.Select(s => s.Upload.Content).ToList(), ctx.Cancellation))
            {
                CodecResult encoded = null;
                try
                {
                    encoded = Encode(snapshot, fan, options, ctx);
                    fan.Complete();
                }
                catch (Exception) when (fan.Failures.All(f => f != null) && !ctx.Cancellation.IsCancellationRequested)
                {
                    encoded = null;
                }
                var failures = fan.Failures;
                for (var i = 0; i < streaming.Count; i++)
                    if (failures[i] != null) streaming[i].Error = WriteFailure(streaming[i].Target, failures[i]);
                return encoded;
            }
        }

        private static BqBackupException WriteFailure(BackupTarget target, Exception e) =>
            e as BqBackupException ?? new BqBackupException(ErrorIds.StoreError, BqErrorCategory.WriteError,
                $"Writing the backup to '{target.Store.Location}' failed: {e.Message}", target.Destination,
                "Check the destination (free space, permissions, network) and run the backup again; the other destinations were not affected.", e);

        private sealed class TargetState
        {
            public TargetState(BackupTarget target) { Target = target; }
            public BackupTarget Target { get; }
            public NameClaim Claim { get; set; }
            public IStoreUpload Upload { get; set; }
            public int NextSequence { get; set; } = 1;
            public BackupInfo Backup { get; set; }
            public BqBackupException Error { get; set; }
        }
    }
}
