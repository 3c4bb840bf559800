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

        /// <summary>The full target path, or an error if it cannot be a database file.</summary>
        public static string ValidateTarget(string path)
        {
            var full = System.IO.Path.GetFullPath(path);
            if (Directory.Exists(full))
                throw new BqBackupException(ErrorIds.RestoreTargetIsDirectory, BqErrorCategory.InvalidArgument,
                    $"The restore target '{full}' is a folder; -Path names the database file.", full,
                    "Give the database file's path, e.g. /var/lib/bunqueue/queue.db.");
            var folder = System.IO.Path.GetDirectoryName(full);
            if (!Directory.Exists(folder))
                throw new BqBackupException(ErrorIds.RestoreTargetFolderNotFound, BqErrorCategory.ObjectNotFound,
                    $"The folder of the restore target '{full}' does not exist.", full,
                    "Create the folder (bunqueue's data directory) first, or check -Path for a typo.");
            return full;
        }

        /// <summary>What -WhatIf and -Confirm say: exactly what would change.</summary>
        public static string Describe(BackupInfo backup, string targetPath, DateTime nowUtc)
        {
            var existing = SqliteFiles.WithCompanions(targetPath).Where(File.Exists).ToList();
            var stamp = AsideStamp(nowUtc);
            var aside = existing.Count == 0
                ? "no database exists there yet"
                : "moving aside " + string.Join(", ", existing.Select(f => $"'{System.IO.Path.GetFileName(f)}' to '{System.IO.Path.GetFileName(f)}.corrupted-{stamp}'"));
            return $"Replace the database '{targetPath}' with backup '{backup.Name}' taken {backup.Timestamp:yyyy-MM-dd HH:mm:ss} UTC ({backup.Counts?.ToString() ?? "counts unknown"}), {aside}.";
        }

        public static RestoreResult Run(BackupInfo backup, IBackupStore store, string targetPath, RestoreOptions options, OperationContext ctx)
        {
            var clock = Stopwatch.StartNew();
            targetPath = ValidateTarget(targetPath);
            CheckMetadata(backup, options, ctx);

            var folder = System.IO.Path.GetDirectoryName(targetPath);
            var temp = System.IO.Path.Combine(folder, "." + System.IO.Path.GetFileName(targetPath) + TempMarker + Guid.NewGuid().ToString("N"));
            using (var restoreLock = AcquireLock(targetPath))
            try
            {
                CodecResult decoded;
                try
                {
                    decoded = Unchanged(() => BackupVerifier.Fetch(backup, store, temp, ctx, "Restore", options.Decryption));
                    FailPoints.Hit("restore-fetched");
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new BqBackupException(ErrorIds.RestoreFailed, BqErrorCategory.WriteError,
                        $"Cannot write the restored database beside '{targetPath}': {e.Message}. The database was not changed.", targetPath,
                        "Check free space and that this user may write to the database's folder.", e);
                }
                var checksumVerified = Unchanged(() => BackupVerifier.VerifyChecksum(backup, decoded));
                ctx.WriteVerbose(BackupVerifier.DescribeVerification(backup, decoded, checksumVerified));
                var inspection = Unchanged(() => BackupVerifier.CheckDatabase(backup, temp, ctx));
                var integrity = "ok";
                if (!inspection.IsBunqueue)
                {
                    if (!options.Force)
                        throw new BqBackupException(ErrorIds.NotABunqueueDatabase, BqErrorCategory.InvalidData,
                            $"The backup '{backup.Name}' is not a bunqueue database ({inspection.Describe()}); bunqueue would start on it empty or fail. The database was not changed.",
                            backup.Name, "Pick a backup of bunqueue's database, or add -Force if this file is really what you want there.");
                    ctx.WriteWarning($"The backup '{backup.Name}' is not a bunqueue database ({inspection.Describe()}); restoring it because of -Force.");
                }

                FailPoints.Hit("restore-verified");
                CheckNotInUse(targetPath, options, ctx);
                ctx.ThrowIfCancelled();
                var moved = SwapIn(temp, targetPath, options.UtcNow(), ctx);

                return new RestoreResult
                {
                    Path = targetPath,
                    BackupName = backup.Name,
                    Destination = backup.Destination,
                    BackupTimestamp = backup.Timestamp,
                    DatabaseSize = decoded.RawBytes,
                    Sha256 = decoded.Sha256,
                    ChecksumVerified = checksumVerified,
                    Encrypted = decoded.Decrypted,
                    IntegrityCheck = integrity,
                    SchemaVersion = inspection.SchemaVersion,
                    Counts = inspection.Counts,
                    MovedAside = moved,
                    Duration = clock.Elapsed,
                };
            }
            finally
            {
                foreach (var leftover in SqliteFiles.WithCompanions(temp)) NativeFile.TryDelete(leftover);
            }
        }

        private static void CheckMetadata(BackupInfo backup, RestoreOptions options, OperationContext ctx)
        {
            if (backup.Status == BackupStatus.Ok) return;
            var missing = backup.Status == BackupStatus.MissingMetadata;
            if (!options.Force)
                throw new BqBackupException(missing ? ErrorIds.BackupMetadataMissing : ErrorIds.BackupMetadataInvalid, BqErrorCategory.InvalidData,
                    $"The backup '{backup.Name}' has {(missing ? "no" : "an unreadable")} sidecar '{BqBackup.Catalog.BackupNaming.MetadataNameFor(backup.Name)}', so its checksum cannot be verified. The database was not changed.",
                    backup.Name, "Restore another backup, or add -Force to restore it checked by gzip's CRC and integrity_check only.");
            ctx.WriteWarning($"The backup '{backup.Name}' has no usable metadata: its checksum cannot be verified; relying on integrity_check because of -Force.");
        }

        /// <summary>Adds the reassurance an operator needs to a verification failure: nothing live changed.</summary>
        private static T Unchanged<T>(Func<T> check)
        {
            try { return check(); }
            catch (BqBackupException e)
            {
                throw new BqBackupException(e.ErrorId, e.Category, e.Message + " The database was not changed.", e.TargetObject, e.RecommendedAction, e.InnerException);
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
            FileStream lockFile;
            try
            {
                lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException e)
            {
                throw new BqBackupException(ErrorIds.RestoreInProgress, BqErrorCategory.ResourceBusy,
                    $"Another restore of '{targetPath}' is running.", targetPath, "Wait for it to finish; two restores of one database cannot both win.", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new BqBackupException(ErrorIds.RestoreFailed, BqErrorCategory.PermissionDenied,
                    $"Cannot write to the folder of '{targetPath}': {e.Message}. The database was not changed.", targetPath,
                    "Run the restore as a user who may write to bunqueue's data folder.", e);
            }
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

        /// <summary>
        /// The old database stays reachable at all times: it gets its .corrupted name as a hard
        /// link (a copy where links are impossible) before its companions move aside, and the
        /// verified file then replaces it in one rename, so the target path never goes missing.
        /// </summary>
        private static IReadOnlyList<MovedFile> SwapIn(string temp, string targetPath, DateTime nowUtc, OperationContext ctx)
        {
            var stamp = AsideStamp(nowUtc);
            var moved = new List<MovedFile>();
            var linkedDatabase = false;
            var exists = File.Exists(targetPath);
            var problem = NativeFile.TryCopyOwnership(exists ? targetPath : System.IO.Path.GetDirectoryName(targetPath), temp, copyMode: exists);
            if (problem != null) ctx.WriteWarning($"The restored database may not be usable by bunqueue's user: {problem}.");
            try
            {
                if (File.Exists(targetPath))
                {
                    var aside = AsideName(targetPath, stamp);
                    if (!NativeFile.TryHardLink(targetPath, aside)) File.Copy(targetPath, aside);
                    linkedDatabase = true;
                    moved.Add(new MovedFile(targetPath, aside));
                    FailPoints.Hit("restore-database-kept");
                }
                foreach (var companion in SqliteFiles.CompanionSuffixes.Select(s => targetPath + s).Where(File.Exists))
                {
                    var aside = AsideName(companion, stamp);
                    File.Move(companion, aside);
                    moved.Add(new MovedFile(companion, aside));
                    FailPoints.Hit("restore-moved" + companion.Substring(targetPath.Length));
                }
                NativeFile.ReplaceAtomically(temp, targetPath);
                FailPoints.Hit("restore-renamed");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // Put back what moved, newest first, so the database is exactly as it was.
                foreach (var m in Enumerable.Reverse(moved))
                {
                    try
                    {
                        if (m.From == targetPath && linkedDatabase) File.Delete(m.To);
                        else File.Move(m.To, m.From);
                    }
                    catch (Exception) { /* reported below: the operator sees both names in the error */ }
                }
                throw new BqBackupException(ErrorIds.RestoreFailed, BqErrorCategory.WriteError,
                    $"Could not put the restored database in place at '{targetPath}': {e.Message}. The database was left as it was.", targetPath,
                    "Check that this user may rename files in the database's folder.", e);
            }
            foreach (var m in moved) ctx.WriteVerbose($"Moved aside: {m}.");
            return moved;
        }

        private static string AsideName(string path, string stamp)
        {
            var aside = path + ".corrupted-" + stamp;
            for (var n = 2; File.Exists(aside); n++) aside = path + ".corrupted-" + stamp + "-" + n;
            return aside;
        }
    }
}
