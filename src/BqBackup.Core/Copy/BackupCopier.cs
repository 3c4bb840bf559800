using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Codec;
using BqBackup.IO;
using BqBackup.Locking;
using BqBackup.Restore;
using BqBackup.Storage;
using BqBackup.Storage.S3;

namespace BqBackup.Copy
{
    /// <summary>
    /// Copies a backup from one store to another under the same name, so each destination holds a
    /// complete, independent copy (3-2-1). The body streams through once (flat memory) while it is
    /// gunzipped and hashed on the side; only when its SHA-256 and sizes match the source's sidecar is
    /// the sidecar written to the target and then the body committed — the backup engine's order, so a
    /// copy that fails anywhere leaves nothing that lists as a backup there. Between two S3 stores of
    /// the same endpoint and credentials the service copies the body itself (after the same
    /// verification, read from the source). A target that holds the same backup is skipped; one that
    /// holds a different backup of that name is never overwritten (CopyTargetDiffers). A backup listed
    /// at an old version (Get-BqBackup -IncludeDeleted) is read at that version; the copy is the
    /// target's current one. A lock asked in <see cref="CopyOptions.ObjectLock"/> goes on the copy's
    /// sidecar and body as the backup engine sets it; the source's lock does not travel.
    /// </summary>
    public static class BackupCopier
    {
        private const int MaxSidecarBytes = 1 << 20;

        /// <summary>The backups of <paramref name="source"/> whose names <paramref name="target"/> does not list, in the source's order.</summary>
        public static IReadOnlyList<BackupInfo> Missing(IEnumerable<BackupInfo> source, IEnumerable<BackupInfo> target)
        {
            var present = new HashSet<string>(target.Select(b => b.Name), StringComparer.Ordinal);
            return source.Where(b => !present.Contains(b.Name)).ToList();
        }

        /// <summary>
        /// CopySameDestination when both name the same store: a copy onto itself would only ever be a skip,
        /// and says the command line is not what was meant.
        /// </summary>
        public static void RefuseSameStore(IBackupStore source, string sourceDestination, IBackupStore target, string targetDestination)
        {
            var same = string.Equals(source.Location, target.Location, StringComparison.Ordinal)
                && (source is FolderStore && target is FolderStore || S3ServerSideCopy.IsPossible(source, target));
            if (!same) return;
            throw new BqBackupException(ErrorIds.CopySameDestination, BqErrorCategory.InvalidArgument,
                $"The source '{sourceDestination}' and the target '{targetDestination}' are the same store; a copy needs another one.", targetDestination,
                "Give -To another folder, bucket, prefix or endpoint than the backups come from.");
        }

        /// <summary>
        /// Before the first copy: a lock asked of a target that cannot lock is refused, InvalidLockSetting
        /// for a folder (<paramref name="targetStore"/> null: a folder not created yet), ObjectLockNotEnabled
        /// for a bucket without Object Lock, so nothing is written. Nothing is asked when no lock is.
        /// </summary>
        public static void PrepareTarget(IBackupStore targetStore, string targetDestination, CopyOptions options, OperationContext ctx)
        {
            if (options?.ObjectLock == null) return;
            if (targetStore == null)
                throw new BqBackupException(ErrorIds.InvalidLockSetting, BqErrorCategory.InvalidArgument,
                    $"-LockMode needs an S3 bucket with Object Lock; '{targetDestination}' is a folder, which cannot lock files.", targetDestination,
                    "Copy to an s3:// destination whose bucket has Object Lock, or leave out -LockMode.");
            BackupLocks.Prepare(targetStore, options.ObjectLock, ctx);
        }

        /// <summary>
        /// Decides what copying <paramref name="backup"/> will do, reading the source's sidecar and what
        /// the target holds under its name; nothing is written. BackupMetadataMissing / BackupMetadataInvalid
        /// for a source without a usable sidecar (nothing to verify the copy against), CopyTargetDiffers
        /// when the target holds another backup (or another backup's sidecar) of that name.
        /// </summary>
        public static CopyPlan Plan(BackupInfo backup, IBackupStore sourceStore, string sourceDestination, IBackupStore targetStore, string targetDestination,
            CopyOptions options, OperationContext ctx)
        {
            options = options ?? new CopyOptions();
            var metaName = BackupNaming.MetadataNameFor(backup.Name);
            if (!BackupStatus.HasMetadata(backup.Status)) throw NoSidecar(backup, metaName, sourceDestination, backup.Status == BackupStatus.InvalidMetadata);
            var sidecar = ReadSourceSidecar(sourceStore, backup, metaName, ctx) ?? throw NoSidecar(backup, metaName, sourceDestination, invalid: false);
            if (BackupMetadata.Parse(sidecar, out _) == null) throw NoSidecar(backup, metaName, sourceDestination, invalid: true);

            var plan = new CopyPlan { Backup = backup, Source = sourceDestination, Target = targetDestination, Sidecar = sidecar };
            // No store: a target folder that does not exist yet holds nothing.
            var targetBody = targetStore?.Stat(backup.Name, ctx.Cancellation);
            var targetSidecar = targetStore == null ? null : ReadSmall(targetStore, metaName, ctx);
            var sameSidecar = targetSidecar != null && targetSidecar.AsSpan().SequenceEqual(sidecar);
            if (targetBody != null)
            {
                if (sameSidecar && targetBody.Size == backup.Size)
                {
                    plan.Action = CopyAction.Skipped;
                    return plan;
                }
                throw Differs(backup, targetDestination, targetSidecar == null
                    ? "a body of that name without a sidecar"
                    : targetBody.Size != backup.Size ? $"a body of {targetBody.Size:N0} bytes where the source's has {backup.Size:N0}" : "a sidecar that differs from the source's");
            }
            if (targetSidecar != null)
            {
                if (!sameSidecar) throw Differs(backup, targetDestination, "another backup's sidecar under that name (a backup being written there, or one that failed)");
                plan.TargetHasSidecarOnly = true; // an interrupted copy of this very backup: finish it
            }
            if (options.AllowServerSideCopy && targetStore != null && S3ServerSideCopy.IsPossible(sourceStore, targetStore))
            {
                plan.Action = CopyAction.ServerSideCopied;
                plan.Multipart = backup.Size > options.SingleCopyLimit;
            }
            else
            {
                plan.Action = CopyAction.Copied;
            }
            return plan;
        }

        /// <summary>Carries out a plan: skips, or copies verified and commits sidecar first, body last.</summary>
        public static CopyResult Execute(CopyPlan plan, IBackupStore sourceStore, IBackupStore targetStore, CopyOptions options, OperationContext ctx)
        {
            options = options ?? new CopyOptions();
            var clock = Stopwatch.StartNew();
            var backup = plan.Backup;
            var result = new CopyResult
            {
                Name = backup.Name, Action = plan.Action, Source = plan.Source, Target = plan.Target, Size = backup.Size, Sha256 = backup.Sha256,
                Encrypted = backup.Encrypted,
            };
            if (plan.Action == CopyAction.Skipped)
            {
                ctx.WriteVerbose($"'{backup.Name}' is already in '{plan.Target}' (same size, same sidecar): skipped.");
                result.Backup = AtTarget(backup, targetStore, plan.Target, null);
                BackupLocks.Confirm(targetStore, result.Backup, null, ctx); // reported, not changed: a skip writes nothing
                result.Duration = clock.Elapsed;
                return result;
            }
            LeftoverCleanup.Clean(targetStore, null, ctx); // what killed copies or backups of this user left there
            var contentType = backup.Encrypted ? "application/octet-stream"
                : string.Equals(backup.Compression, nameof(BqCompression.Zstd), StringComparison.OrdinalIgnoreCase) ? "application/zstd" : "application/gzip";
            // Counted from the copy: the copy stays as long as asked, however old the backup is.
            var lockState = options.ObjectLock?.For(DateTime.UtcNow);
            var streamed = plan.Action != CopyAction.ServerSideCopied;
            if (!streamed)
            {
                try
                {
                    var etag = S3ServerSideCopy.ETagOf(sourceStore, backup.Name, backup.VersionId, ctx.Cancellation);
                    using (var copy = S3ServerSideCopy.Begin(sourceStore, targetStore, backup.Name, backup.VersionId, contentType, etag, backup.Size,
                        options.SingleCopyLimit, options.CopyPartSize, lockState))
                    {
                        result.ChecksumVerified = Verify(plan, sourceStore, Stream.Null, ctx);
                        copy.Prepare(ctx.Cancellation);
                        CommitInOrder(plan, targetStore, lockState, () => copy.Commit(ctx.Cancellation), ctx);
                    }
                }
                catch (S3ServerSideCopy.Refused e)
                {
                    // Nothing of it is visible (the sidecar went with it): stream this one, and the rest of the command's.
                    ctx.WriteVerbose($"{e.Message} Streaming it through this machine instead.");
                    options.AllowServerSideCopy = false;
                    plan.Action = result.Action = CopyAction.Copied;
                    // A locked sidecar written for it cannot be taken away again: the streamed copy writes over it (a new version).
                    plan.TargetHasSidecarOnly = targetStore.Stat(BackupNaming.MetadataNameFor(backup.Name), ctx.Cancellation) != null;
                    streamed = true;
                }
            }
            if (streamed)
            {
                using (var upload = lockState != null ? ((ILockingStore)targetStore).BeginUpload(backup.Name, contentType, lockState, ctx.Cancellation)
                                                      : targetStore.BeginUpload(backup.Name, contentType, ctx.Cancellation))
                {
                    result.ChecksumVerified = Verify(plan, sourceStore, upload.Content, ctx);
                    CommitInOrder(plan, targetStore, lockState, () => upload.Commit(ctx.Cancellation), ctx);
                }
            }
            result.Backup = AtTarget(backup, targetStore, plan.Target, DateTimeOffset.UtcNow);
            // Committed: the lock the copy really carries (set where the server dropped the headers); ObjectLockNotApplied when it cannot be.
            BackupLocks.Confirm(targetStore, result.Backup, lockState, ctx);
            result.Duration = clock.Elapsed;
            ctx.WriteVerbose($"{(plan.Action == CopyAction.ServerSideCopied ? "Copied inside the S3 service" : "Copied")} '{backup.Name}' ({backup.Size:N0} bytes) " +
                $"from '{plan.Source}' to '{plan.Target}' in {result.Duration.TotalSeconds:F2} s{(result.ChecksumVerified ? ", sha256 verified" : "")}.");
            return result;
        }

        /// <summary>
        /// Reads the source body once, every byte also written to <paramref name="sink"/>, and checks it
        /// against the sidecar: gunzipped and hashed (sizes and SHA-256); an encrypted body, for which
        /// there is no key here, by its size and its age header. Throws before anything is committed;
        /// true when the checksum was verified.
        /// </summary>
        private static bool Verify(CopyPlan plan, IBackupStore sourceStore, Stream sink, OperationContext ctx)
        {
            var backup = plan.Backup;
            var unchanged = $" Nothing was committed at '{plan.Target}'.";
            try
            {
                using (var body = sourceStore.OpenBody(backup, ctx.Cancellation))
                {
                    var tee = new TeeReadStream(body, sink);
                    bool verified;
                    if (backup.Encrypted)
                    {
                        var header = Codec.Age.AgeHeader.Read(tee, backup.Name);
                        ctx.WriteVerbose($"'{backup.Name}' is encrypted: copied as it is, without a key ({header.Describe()}).");
                        ReportAndDrain(tee, backup, ctx);
                        if (backup.MetadataRecordsEncryption && backup.ExpectedSize.HasValue && backup.ExpectedSize.Value != tee.Count)
                            throw SizeMismatch(backup, tee.Count, backup.ExpectedSize.Value);
                        verified = false;
                    }
                    else
                    {
                        var decoded = GzipCodec.Decompress(tee, backup.Size, Stream.Null, ctx, "Copy", backup.Name, backup.DatabaseSize ?? long.MaxValue);
                        tee.Drain();
                        decoded.EncodedBytes = tee.Count;
                        verified = BackupVerifier.VerifyChecksum(backup, decoded);
                    }
                    if (tee.Count != backup.Size) throw SizeMismatch(backup, tee.Count, backup.Size);
                    ctx.CompleteProgress("Copy");
                    FailPoints.Hit("copy-body-verified");
                    return verified;
                }
            }
            catch (BqBackupException e) when (e.ErrorId == ErrorIds.ChecksumMismatch || e.ErrorId == ErrorIds.SizeMismatch
                || Encryption.EncryptedBodyInspector.IsBodyFailure(e.ErrorId))
            {
                throw new BqBackupException(e.ErrorId, e.Category, e.Message.TrimEnd() + unchanged, e.TargetObject,
                    $"The source copy of '{backup.Name}' in '{plan.Source}' fails its check: keep it out of rotation and copy an older backup; Test-BqBackup shows what is wrong.", e);
            }
        }

        private static void ReportAndDrain(TeeReadStream tee, BackupInfo backup, OperationContext ctx)
        {
            var scratch = new byte[1 << 16];
            while (tee.Read(scratch, 0, scratch.Length) > 0)
            {
                ctx.ThrowIfCancelled();
                ctx.ReportProgress("Copy", $"Copying '{backup.Name}'", tee.Count, backup.Size);
            }
        }

        /// <summary>Sidecar first, body last; a body that cannot commit takes the sidecar written for it away again.</summary>
        private static void CommitInOrder(CopyPlan plan, IBackupStore targetStore, ObjectRetention lockState, Action commitBody, OperationContext ctx)
        {
            var metaName = BackupNaming.MetadataNameFor(plan.Backup.Name);
            if (lockState != null) ((ILockingStore)targetStore).Put(metaName, plan.Sidecar, "application/json", plan.TargetHasSidecarOnly, lockState, ctx.Cancellation);
            else targetStore.Put(metaName, plan.Sidecar, "application/json", overwrite: plan.TargetHasSidecarOnly, ctx.Cancellation);
            FailPoints.Hit("copy-sidecar-written");
            try
            {
                commitBody();
            }
            catch
            {
                RemoveSidecarWithoutBody(plan, targetStore, metaName, ctx);
                throw;
            }
            FailPoints.Hit("copy-committed");
        }

        /// <summary>Best effort, after Ctrl-C too; never when a body of that name exists (another copy of the same backup won the race).</summary>
        private static void RemoveSidecarWithoutBody(CopyPlan plan, IBackupStore targetStore, string metaName, OperationContext ctx)
        {
            try
            {
                using (var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(30)))
                {
                    if (targetStore.Stat(plan.Backup.Name, timeout.Token) != null) return;
                    targetStore.Delete(metaName, timeout.Token);
                }
            }
            catch (Exception e) when (e is BqBackupException || e is IOException || e is OperationCanceledException)
            {
                // A sidecar alone never lists as a backup, and the next copy of this backup finishes it.
                ctx.WriteVerbose($"Could not remove the sidecar '{metaName}' of the failed copy: {e.Message}");
            }
        }

        /// <summary>The bytes of a small object (a sidecar); null when it does not exist; BackupMetadataInvalid above 1 MiB.</summary>
        private static byte[] ReadSmall(IBackupStore store, string key, OperationContext ctx) =>
            store.Stat(key, ctx.Cancellation) == null ? null : ReadAll(store, key, () => store.OpenRead(key, ctx.Cancellation));

        /// <summary>The source's sidecar at the version its listing paired with the body (a deleted backup's is no current object).</summary>
        private static byte[] ReadSourceSidecar(IBackupStore store, BackupInfo backup, string metaName, OperationContext ctx) =>
            backup.MetadataVersionId == null ? ReadSmall(store, metaName, ctx) : ReadAll(store, metaName, () => store.OpenMetadata(backup, ctx.Cancellation));

        private static byte[] ReadAll(IBackupStore store, string key, Func<Stream> open)
        {
            try
            {
                using (var stream = open())
                using (var buffer = new MemoryStream())
                {
                    var chunk = new byte[8192];
                    int n;
                    while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
                    {
                        buffer.Write(chunk, 0, n);
                        if (buffer.Length > MaxSidecarBytes)
                            throw new BqBackupException(ErrorIds.BackupMetadataInvalid, BqErrorCategory.InvalidData,
                                $"'{key}' in '{store.Location}' is larger than 1 MiB: not a sidecar.", key, "Remove or rename that object; sidecars are a few hundred bytes.");
                    }
                    return buffer.ToArray();
                }
            }
            catch (BqBackupException e) when (e.ErrorId == ErrorIds.BackupNotFound)
            {
                return null;
            }
        }

        /// <summary>
        /// The backup as the target holds it after the copy: the source's description, the target's
        /// place and settings, its current version (no VersionId, not Deleted); the lock is the
        /// target's, read back by <see cref="BackupLocks.Confirm"/>, never the source's.
        /// </summary>
        private static BackupInfo AtTarget(BackupInfo b, IBackupStore targetStore, string targetDestination, DateTimeOffset? written)
        {
            var info = new BackupInfo
            {
                Name = b.Name, Destination = targetDestination, Timestamp = b.Timestamp, Size = b.Size, DatabaseSize = b.DatabaseSize, Sha256 = b.Sha256,
                Origin = b.Origin, Status = b.Status, TimestampInFuture = b.TimestampInFuture, SchemaVersion = b.SchemaVersion, Counts = b.Counts,
                Compressed = b.Compressed, Compression = b.Compression, Encrypted = b.Encrypted, Recipients = b.Recipients, MetadataRecordsEncryption = b.MetadataRecordsEncryption,
                WrittenBy = b.WrittenBy, Host = b.Host, SourcePath = b.SourcePath, MetadataName = b.MetadataName, ExpectedSize = b.ExpectedSize,
                LastModified = written ?? targetStore.Stat(b.Name, System.Threading.CancellationToken.None)?.LastModified ?? b.LastModified,
            };
            BackupCatalog.MarkListed(info, targetStore);
            return info;
        }

        private static BqBackupException NoSidecar(BackupInfo backup, string metaName, string sourceDestination, bool invalid) =>
            invalid
                ? new BqBackupException(ErrorIds.BackupMetadataInvalid, BqErrorCategory.InvalidData,
                    $"The sidecar '{metaName}' of '{backup.Name}' in '{sourceDestination}' cannot be read; without it the copy cannot be verified, so it was not copied.", backup.Name,
                    "Test-BqBackup shows what is wrong with it; copy another backup, or fix the sidecar.")
                : new BqBackupException(ErrorIds.BackupMetadataMissing, BqErrorCategory.InvalidData,
                    $"'{backup.Name}' in '{sourceDestination}' has no sidecar '{metaName}'; without it the copy cannot be verified (and bunqueue's restore refuses a gzip body without one), so it was not copied.", backup.Name,
                    "Copy another backup; a backup without its sidecar is what a failed or half-deleted backup leaves.");

        private static BqBackupException Differs(BackupInfo backup, string targetDestination, string what) =>
            new BqBackupException(ErrorIds.CopyTargetDiffers, BqErrorCategory.ResourceExists,
                $"'{targetDestination}' already holds {what} '{backup.Name}', not the same backup as the source's; it was left as it is (a copy never overwrites).", backup.Name,
                $"Compare the two (Get-BqBackup -Destination '{targetDestination}' -Name '{backup.Name}'); remove the one in the target with Remove-BqBackup if it is not needed, then copy again.");

        private static BqBackupException SizeMismatch(BackupInfo backup, long read, long expected) =>
            new BqBackupException(ErrorIds.SizeMismatch, BqErrorCategory.InvalidData,
                $"The backup '{backup.Name}' holds {read:N0} bytes but {expected:N0} were expected: it was altered or cut short.", backup.Name,
                "Use an older backup; this one cannot be trusted.");
    }
}
