using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using BqBackup.Catalog;
using BqBackup.Codec;
using BqBackup.Encryption;
using BqBackup.IO;
using BqBackup.Snapshot;
using BqBackup.Storage;

namespace BqBackup.Restore
{
    /// <summary>
    /// The checks a backup must pass before it is trusted, shared by restore (which stops at the
    /// first failure) and Test-BqBackup (which reports every one).
    /// </summary>
    public static class BackupVerifier
    {
        /// <summary>True when the sidecar's sizes and checksum match; throws on a mismatch; false when there is no metadata to check against.</summary>
        internal static bool VerifyChecksum(BackupInfo backup, CodecResult decoded)
        {
            if (!BackupStatus.HasMetadata(backup.Status)) return false;
            if (backup.ExpectedSize.HasValue && backup.ExpectedSize.Value != decoded.EncodedBytes)
                throw new BqBackupException(ErrorIds.SizeMismatch, BqErrorCategory.InvalidData,
                    $"The backup '{backup.Name}' holds {decoded.EncodedBytes:N0} bytes but its metadata records {backup.ExpectedSize.Value:N0}: it was altered or cut short.",
                    backup.Name, "Use an older backup; this one cannot be trusted.");
            if (backup.DatabaseSize.HasValue && backup.DatabaseSize.Value != decoded.RawBytes)
                throw new BqBackupException(ErrorIds.SizeMismatch, BqErrorCategory.InvalidData,
                    $"The backup '{backup.Name}' decompresses to {decoded.RawBytes:N0} bytes but its metadata records {backup.DatabaseSize.Value:N0}.",
                    backup.Name, "Use an older backup; this one cannot be trusted.");
            // An encrypted backup's sidecar may leave the checksum out (-MinimalMetadata): age's tags and gzip's CRC are the checks then.
            if (backup.Sha256 == null && decoded.Decrypted) return false;
            if (!string.Equals(backup.Sha256, decoded.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new BqBackupException(ErrorIds.ChecksumMismatch, BqErrorCategory.InvalidData,
                    $"The backup '{backup.Name}' has SHA-256 {decoded.Sha256} but its metadata records {backup.Sha256}.",
                    backup.Name, "Use an older backup; this one was altered after it was written.");
            return true;
        }

        /// <summary>What a restore's verbose output says about the checks against the sidecar.</summary>
        internal static string DescribeVerification(BackupInfo backup, CodecResult decoded, bool checksumVerified)
        {
            if (checksumVerified)
                return $"Verified '{backup.Name}' against its sidecar: {decoded.EncodedBytes:N0} bytes stored, {decoded.RawBytes:N0} bytes of database, sha256 {decoded.Sha256}.";
            if (decoded.Decrypted && backup.Status == BackupStatus.Ok)
                return $"'{backup.Name}' has a minimal sidecar (no checksum): its sizes matched, and age's per-chunk tags and gzip's CRC verified its {decoded.RawBytes:N0} bytes of database.";
            return $"'{backup.Name}' has no usable sidecar: its size and checksum cannot be verified (restoring because of -Force).";
        }

        /// <summary>What proves the restored copy sound: integrity_check run on it here.</summary>
        public const string ProofIntegrityCheck = "integrity_check";
        /// <summary>What proves the restored copy sound: its SHA-256 matches a snapshot that passed integrity_check when the backup was taken.</summary>
        public const string ProofChecksum = "checksum";

        /// <summary>
        /// Whether the fetched copy needs integrity_check, and why (for -Verbose). It is proven
        /// already, and skipped, only when the sidecar records that the snapshot passed
        /// integrity_check before it was stored (our backups from now on) and the copy's size and
        /// SHA-256 matched that sidecar; it runs for bunqueue's backups, backups without a usable
        /// sidecar or checksum, our older sidecars, and whenever <paramref name="requested"/>.
        /// </summary>
        internal static bool NeedsIntegrityCheck(BackupInfo backup, bool checksumVerified, bool requested, out string why)
        {
            if (requested) { why = "running integrity_check on the restored copy, as -IntegrityCheck asks"; return true; }
            if (!BackupStatus.HasMetadata(backup.Status)) { why = "running integrity_check on the restored copy: it has no usable sidecar"; return true; }
            if (!backup.SnapshotIntegrityChecked)
            {
                why = backup.Origin == BackupOrigin.BqBackup
                    ? "running integrity_check on the restored copy: its sidecar (written before sidecars recorded it) does not record that the snapshot passed integrity_check"
                    : "running integrity_check on the restored copy: its sidecar (bunqueue's) does not record an integrity_check of the snapshot";
                return true;
            }
            if (!checksumVerified) { why = "running integrity_check on the restored copy: its sidecar records no checksum to tie it to the snapshot that passed integrity_check"; return true; }
            why = "skipping integrity_check of the restored copy: its SHA-256 matches the snapshot that passed integrity_check when the backup was taken (-IntegrityCheck runs it anyway)";
            return false;
        }

        /// <summary>
        /// integrity_check (unless <paramref name="runIntegrityCheck"/> is false, the copy being
        /// proven sound by its checksum), then what the database holds; BackupIntegrityCheckFailed
        /// when it is not sound.
        /// </summary>
        internal static DatabaseInspection CheckDatabase(BackupInfo backup, string path, OperationContext ctx, bool runIntegrityCheck = true)
        {
            string integrity;
            DatabaseInspection inspection = null;
            var clock = Stopwatch.StartNew();
            try
            {
                using (var connection = SqliteFiles.OpenReadOnly(path))
                {
                    if (runIntegrityCheck)
                    {
                        ctx.ReportProgress("Verify", $"Running integrity_check on '{backup.Name}'", 0, -1);
                        integrity = DatabaseInspector.IntegrityCheck(connection);
                    }
                    else integrity = "ok";
                    if (integrity == "ok") inspection = DatabaseInspector.Inspect(connection);
                    ctx.CompleteProgress("Verify");
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                integrity = e.Message;
            }
            if (integrity != "ok")
                throw new BqBackupException(ErrorIds.BackupIntegrityCheckFailed, BqErrorCategory.InvalidData,
                    $"The backup '{backup.Name}' is not a sound SQLite database (integrity_check: {integrity}).", backup.Name,
                    "Use an older backup; this one cannot be used.");
            ctx.WriteVerbose($"{(runIntegrityCheck ? "integrity_check ok" : "Inspected without integrity_check")}; schema version {inspection.SchemaVersion?.ToString() ?? "none"}; {inspection.Counts?.ToString() ?? "no jobs table"} ({clock.Elapsed.TotalSeconds:F2} s).");
            return inspection;
        }

        /// <summary>
        /// Every check a restore makes, and more, in a private temp folder: nothing live is touched.
        /// Data problems become reasons on the result (a body larger than its sidecar says or than
        /// <paramref name="maxSize"/> included); cancellation, an unreachable store, a temp folder
        /// without room (InsufficientSpace) or that cannot be written (TempFolderNotWritable) throw.
        /// </summary>
        public static BackupTestResult Test(BackupInfo backup, IBackupStore store, OperationContext ctx, string tempRoot = null, long maxSize = BackupFetch.DefaultMaxSize,
            BackupDecryption decryption = null, bool integrityCheck = false)
        {
            var clock = Stopwatch.StartNew();
            var result = new BackupTestResult
            {
                Name = backup.Name, Destination = backup.Destination, Timestamp = backup.Timestamp, Origin = backup.Origin, Backup = backup,
                Encrypted = backup.Encrypted, Recipients = backup.Recipients,
            };
            if (backup.Status == BackupStatus.MissingMetadata) result.Reasons.Add($"no sidecar '{BackupNaming.MetadataNameFor(backup.Name)}': the checksum cannot be verified");
            if (backup.Status == BackupStatus.InvalidMetadata) result.Reasons.Add($"the sidecar '{BackupNaming.MetadataNameFor(backup.Name)}' is unreadable: the checksum cannot be verified");
            try
            {
                BackupFetch.CheckDeclaredSize(backup, maxSize, string.Empty);
            }
            catch (BqBackupException e)
            {
                result.Fail(e);
                result.Duration = clock.Elapsed;
                return result;
            }

            // Encrypted and no identity: nothing is fetched, so no scratch space is needed (a body that
            // turns out to be age only when its first bytes are read is caught below, before a byte is written).
            if (backup.Encrypted && (decryption == null || decryption.Identities.Count == 0))
            {
                EncryptedBodyInspector.Inspect(backup, store, result, ctx);
                result.Duration = clock.Elapsed;
                return result;
            }

            var root = tempRoot ?? System.IO.Path.GetTempPath();
            if (root.Length > 1) root = root.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
            BackupFetch.CheckSpace(backup, root, string.Empty, ctx);
            PrivateTempDirectory temp;
            try { temp = new PrivateTempDirectory("test", root); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw TempNotWritable(root, e);
            }
            using (temp)
            {
                var path = temp.File("candidate.db");
                CodecResult decoded;
                FileStream output = null;
                try
                {
                    output = NativeFile.CreatePrivate(path, 1 << 20);
                    decoded = BackupFetch.Fetch(backup, store, output, path, maxSize, string.Empty, ctx, "Test", decryption);
                }
                catch (BqBackupException e) when (e.ErrorId == ErrorIds.AgeIdentityRequired)
                {
                    // Encrypted and no identity: check what can be checked without a key, and say the contents were not.
                    EncryptedBodyInspector.Inspect(backup, store, result, ctx);
                    result.Duration = clock.Elapsed;
                    return result;
                }
                catch (BqBackupException e) when (EncryptedBodyInspector.IsBodyFailure(e.ErrorId)
                    || e.ErrorId == ErrorIds.SizeMismatch || e.ErrorId == ErrorIds.MaxSizeExceeded)
                {
                    result.Fail(e);
                    result.Duration = clock.Elapsed;
                    return result;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw TempNotWritable(root, e);
                }
                finally
                {
                    BackupFetch.DisposeQuietly(output);
                }
                result.ContentsVerified = true;
                result.Encrypted |= decoded.Decrypted;
                result.DatabaseSize = decoded.RawBytes;
                try { result.ChecksumVerified = VerifyChecksum(backup, decoded); }
                catch (BqBackupException e) { result.Fail(e); }

                var runCheck = NeedsIntegrityCheck(backup, result.ChecksumVerified && result.Reasons.Count == 0, integrityCheck, out var why);
                ctx.WriteVerbose($"'{backup.Name}': {why}.");
                DatabaseInspection inspection;
                try { inspection = CheckDatabase(backup, path, ctx, runCheck); }
                catch (BqBackupException e)
                {
                    result.IntegrityCheck = "failed";
                    result.Fail(e);
                    result.Duration = clock.Elapsed;
                    return result;
                }
                result.IntegrityCheck = "ok";
                result.IntegrityProof = runCheck ? ProofIntegrityCheck : ProofChecksum;
                result.SchemaVersion = inspection.SchemaVersion;
                result.Counts = inspection.Counts;
                if (!inspection.IsBunqueue)
                    result.Reasons.Add($"not a bunqueue database: {inspection.Describe()}");
                else if (inspection.SchemaVersion == null)
                    result.Reasons.Add("the migrations table is empty: bunqueue could not tell the schema version");
                if (backup.SchemaVersion.HasValue && inspection.SchemaVersion != backup.SchemaVersion)
                    result.Reasons.Add($"schema version {inspection.SchemaVersion} differs from the {backup.SchemaVersion} its metadata records");
                if (backup.Counts != null && inspection.Counts != null && backup.Counts.ToString() != inspection.Counts.ToString())
                    result.Reasons.Add($"row counts ({inspection.Counts}) differ from those its metadata records ({backup.Counts})");
                ctx.WriteVerbose($"'{backup.Name}': {(result.Passed ? "passed" : "failed: " + string.Join("; ", result.Reasons))}.");
                result.Duration = clock.Elapsed;
                return result;
            }
        }

        private static BqBackupException TempNotWritable(string root, Exception e) =>
            new BqBackupException(ErrorIds.TempFolderNotWritable, BqErrorCategory.WriteError,
                $"Cannot write the scratch copy under '{root}': {e.Message.TrimEnd('.')}.", root,
                "Point TMPDIR at a folder this user may write to, with room for the database.", e);
    }
}
