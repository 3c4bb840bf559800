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
    /// <summary>
    /// Replaces a database with a backup without ever leaving it missing or mixed: everything is
    /// fetched and verified in a private temp file beside the target before anything there is
    /// touched; the old database and its -wal/-shm/-journal are kept as *.corrupted-&lt;UTC&gt;
    /// (the seed's runbook), and the verified file is renamed over the target in one step.
    /// </summary>
    public static class RestoreEngine
    {
        public const string TempMarker = ".bqrestore-";

        /// <summary>
        /// The full target path as given, or an error if it cannot be a database file. A path that
        /// is a symbolic link is checked through to the file it leads to (see <see cref="ResolveTarget"/>).
        /// </summary>
        public static string ValidateTarget(string path)
        {
            var full = System.IO.Path.GetFullPath(path);
            var real = RestoreTarget.Resolve(full);
            if (Directory.Exists(real))
                throw new BqBackupException(ErrorIds.RestoreTargetIsDirectory, BqErrorCategory.InvalidArgument,
                    $"The restore target '{full}' is a folder; -Path names the database file.", full,
                    "Give the database file's path, e.g. /var/lib/bunqueue/queue.db.");
            var folder = System.IO.Path.GetDirectoryName(real);
            if (!Directory.Exists(folder))
                throw new BqBackupException(ErrorIds.RestoreTargetFolderNotFound, BqErrorCategory.ObjectNotFound,
                    $"The folder of the restore target '{full}' does not exist.", full,
                    "Create the folder (bunqueue's data directory) first, or check -Path for a typo.");
            return full;
        }

        /// <summary>The file a restore to <paramref name="path"/> really replaces: itself, or where its symbolic links lead.</summary>
        public static string ResolveTarget(string path) => RestoreTarget.Resolve(System.IO.Path.GetFullPath(path));

        /// <summary>RestoreTargetInBackupFolder when <paramref name="targetPath"/> lies in the folder the backup comes from.</summary>
        public static void CheckOutsideStore(string targetPath, IBackupStore store) =>
            RestoreTarget.CheckOutsideStore(System.IO.Path.GetFullPath(targetPath), ResolveTarget(targetPath), store);

        /// <summary>What -WhatIf and -Confirm say: exactly what would change.</summary>
        public static string Describe(BackupInfo backup, string targetPath, DateTime nowUtc)
        {
            var real = ResolveTarget(targetPath);
            var existing = SqliteFiles.WithCompanions(real).Where(NativeFile.ExistsNoFollow).ToList();
            var stamp = AsideStamp(nowUtc);
            var aside = existing.Count == 0
                ? "no database exists there yet"
                : "moving aside " + string.Join(", ", existing.Select(f => $"'{System.IO.Path.GetFileName(f)}' to '{System.IO.Path.GetFileName(f)}.corrupted-{stamp}'"));
            var where = real == System.IO.Path.GetFullPath(targetPath) ? $"'{real}'" : $"'{real}' (where the link '{targetPath}' leads; the link stays)";
            return $"Replace the database {where} with backup '{backup.Name}'{(backup.VersionId != null ? $" (version '{backup.VersionId}'{(backup.Deleted ? ", deleted" : "")})" : "")} taken {backup.Timestamp:yyyy-MM-dd HH:mm:ss} UTC ({backup.Counts?.ToString() ?? "counts unknown"}), {aside}.";
        }

        public static RestoreResult Run(BackupInfo backup, IBackupStore store, string targetPath, RestoreOptions options, OperationContext ctx)
        {
            PrivateTempDirectory.RemoveOrphans(System.IO.Path.GetTempPath()); // scratch folders of killed backups and tests
            var clock = Stopwatch.StartNew();
            targetPath = ValidateTarget(targetPath);
            var real = ResolveTarget(targetPath);
            if (real != targetPath) ctx.WriteVerbose($"'{targetPath}' is a symbolic link to '{real}': restoring into '{real}'; the link stays as it is.");
            RestoreTarget.CheckOutsideStore(targetPath, real, store);
            CheckMetadata(backup, options, ctx);
            BackupFetch.CheckDeclaredSize(backup, options.MaxSize, NotChanged);
            // Known to be encrypted (name or sidecar) and nothing to open it: say so before locking or fetching anything.
            if (backup.Encrypted && (options.Decryption == null || options.Decryption.Identities.Count == 0))
                Unchanged<bool>(() => throw Encryption.EncryptedBodyReader.IdentityRequired(backup));

            var folder = System.IO.Path.GetDirectoryName(real);
            var temp = System.IO.Path.Combine(folder, "." + System.IO.Path.GetFileName(real) + TempMarker + Guid.NewGuid().ToString("N"));
            using (var restoreLock = AcquireLock(real))
            {
                FileStream output = null;
                try
                {
                    BackupFetch.CheckSpace(backup, folder, NotChanged, ctx);
                    CodecResult decoded;
                    try
                    {
                        output = NativeFile.CreatePrivate(temp, 1 << 20);
                        decoded = Unchanged(() => BackupFetch.Fetch(backup, store, output, temp, options.MaxSize, NotChanged, ctx, "Restore", options.Decryption));
                        FailPoints.Hit("restore-fetched");
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                        throw new BqBackupException(ErrorIds.RestoreFailed, BqErrorCategory.WriteError,
                            $"Cannot write the restored database beside '{real}': {e.Message.TrimEnd('.')}.{NotChanged}", targetPath,
                            "Check free space and that this user may write to the database's folder.", e);
                    }
                    var checksumVerified = Unchanged(() => BackupVerifier.VerifyChecksum(backup, decoded));
                    ctx.WriteVerbose(BackupVerifier.DescribeVerification(backup, decoded, checksumVerified));
                    var runCheck = BackupVerifier.NeedsIntegrityCheck(backup, checksumVerified, options.IntegrityCheck, out var why);
                    ctx.WriteVerbose($"'{backup.Name}': {why}.");
                    var inspection = Unchanged(() => BackupVerifier.CheckDatabase(backup, temp, ctx, runCheck));
                    if (!inspection.IsBunqueue)
                    {
                        if (!options.Force)
                            throw new BqBackupException(ErrorIds.NotABunqueueDatabase, BqErrorCategory.InvalidData,
                                $"The backup '{backup.Name}' is not a bunqueue database ({inspection.Describe()}); bunqueue would start on it empty or fail.{NotChanged}",
                                backup.Name, "Pick a backup of bunqueue's database, or add -Force if this file is really what you want there.");
                        ctx.WriteWarning($"The backup '{backup.Name}' is not a bunqueue database ({inspection.Describe()}); restoring it because of -Force.");
                    }

                    FailPoints.Hit("restore-verified");
                    CheckNotInUse(real, options, ctx);
                    ctx.ThrowIfCancelled();
                    var moved = RestoreSwap.SwapIn(output, temp, real, targetPath, options.UtcNow(), ctx);

                    return new RestoreResult
                    {
                        Path = targetPath,
                        ResolvedPath = real,
                        BackupName = backup.Name,
                        Destination = backup.Destination,
                        BackupVersionId = backup.VersionId,
                        BackupTimestamp = backup.Timestamp,
                        DatabaseSize = decoded.RawBytes,
                        Sha256 = decoded.Sha256,
                        ChecksumVerified = checksumVerified,
                        Encrypted = decoded.Decrypted,
                        IntegrityCheck = "ok",
                        IntegrityProof = runCheck ? BackupVerifier.ProofIntegrityCheck : BackupVerifier.ProofChecksum,
                        SchemaVersion = inspection.SchemaVersion,
                        Counts = inspection.Counts,
                        MovedAside = new ReadableList<MovedFile>(moved),
                        Duration = clock.Elapsed,
                    };
                }
                finally
                {
                    BackupFetch.DisposeQuietly(output);
                    foreach (var leftover in SqliteFiles.WithCompanions(temp)) NativeFile.TryDelete(leftover);
                }
            }
        }

        private const string NotChanged = " The database was not changed.";

        private static void CheckMetadata(BackupInfo backup, RestoreOptions options, OperationContext ctx)
        {
            if (BackupStatus.HasMetadata(backup.Status)) return;
            var missing = backup.Status == BackupStatus.MissingMetadata;
            if (!options.Force)
                throw new BqBackupException(missing ? ErrorIds.BackupMetadataMissing : ErrorIds.BackupMetadataInvalid, BqErrorCategory.InvalidData,
                    $"The backup '{backup.Name}' has {(missing ? "no" : "an unreadable")} sidecar '{BqBackup.Catalog.BackupNaming.MetadataNameFor(backup.Name)}', so its checksum cannot be verified.{NotChanged}",
                    backup.Name, "Restore another backup, or add -Force to restore it checked by gzip's CRC and integrity_check only.");
            ctx.WriteWarning($"The backup '{backup.Name}' has no usable metadata: its checksum cannot be verified; relying on integrity_check because of -Force.");
        }

        /// <summary>Adds the reassurance an operator needs to a verification failure: nothing live changed (once: the fetch's own bounds say it already).</summary>
        private static T Unchanged<T>(Func<T> check)
        {
            try { return check(); }
            catch (BqBackupException e) when (!e.Message.EndsWith(NotChanged, StringComparison.Ordinal))
            {
                throw new BqBackupException(e.ErrorId, e.Category, e.Message + NotChanged, e.TargetObject, e.RecommendedAction, e.InnerException);
            }
        }

        /// <summary>
        /// One restore per database at a time, and what a killed restore left (its temp file) is
        /// removed by the next one: the lock is an flock the kernel drops with its process.
        /// </summary>
        private static IDisposable AcquireLock(string targetPath)
        {
            var folder = System.IO.Path.GetDirectoryName(targetPath);
            var name = System.IO.Path.GetFileName(targetPath);
            var lockPath = System.IO.Path.Combine(folder, "." + name + ".bqrestore.lock");
            LockFile lockFile;
            try
            {
                lockFile = LockFile.TryAcquire(lockPath);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new BqBackupException(ErrorIds.RestoreFailed, BqErrorCategory.PermissionDenied,
                    $"Cannot write to the folder of '{targetPath}': {e.Message.TrimEnd('.')}.{NotChanged}", targetPath,
                    "Run the restore as a user who may write to bunqueue's data folder.", e);
            }
            if (lockFile == null)
                throw new BqBackupException(ErrorIds.RestoreInProgress, BqErrorCategory.ResourceBusy,
                    $"Another restore of '{targetPath}' is running.", targetPath, "Wait for it to finish; two restores of one database cannot both win.");
            // Unlinking removes names, never what a link there points to.
            foreach (var stale in Directory.GetFiles(folder, "." + name + TempMarker + "*")) NativeFile.TryDelete(stale);
            return lockFile;
        }

        private static void CheckNotInUse(string targetPath, RestoreOptions options, OperationContext ctx)
        {
            var holders = OpenFileDetector.FindHolders(SqliteFiles.WithCompanions(targetPath));
            if (holders.Count == 0) return;
            var who = string.Join(", ", holders.Select(h => h.ToString()).Distinct());
            if (!options.Force)
                throw new BqBackupException(ErrorIds.DatabaseInUse, BqErrorCategory.ResourceBusy,
                    $"The database '{targetPath}' is open in {who}. Restoring under a running bunqueue loses the restore or corrupts the database. The database was not changed.",
                    targetPath, "Stop bunqueue first (systemctl stop bunqueue, docker stop bunqueue), then run the restore again; -Force restores anyway.");
            ctx.WriteWarning($"The database '{targetPath}' is open in {who}; restoring anyway because of -Force.");
        }

        internal static string AsideStamp(DateTime utc) => utc.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
    }
}
