using System;
using System.IO;
using BqBackup.Codec;
using BqBackup.Encryption;
using BqBackup.IO;
using BqBackup.Storage;

namespace BqBackup.Restore
{
    /// <summary>
    /// Brings a backup's database out of its store into a file we created, within bounds: never
    /// more than the sidecar's size (SizeMismatch) or, when no sidecar tells, than -MaxSize
    /// (MaxSizeExceeded); and only where the database fits with a margin (InsufficientSpace,
    /// checked before the first byte and again when the disk fills anyway). An age-encrypted body
    /// is decrypted in the same pass (EncryptedBodyReader), inside the same bounds: the limits count
    /// the decrypted, decompressed bytes as they are written.
    /// </summary>
    public static class BackupFetch
    {
        /// <summary>What a backup may decompress to unless -MaxSize says otherwise: 64 GiB.</summary>
        public const long DefaultMaxSize = 64L * 1024 * 1024 * 1024;

        /// <summary>MaxSizeExceeded, before anything is fetched, when the sidecar already declares more than <paramref name="maxSize"/>.</summary>
        internal static void CheckDeclaredSize(BackupInfo backup, long maxSize, string unchanged)
        {
            if (backup.DatabaseSize.HasValue && backup.DatabaseSize.Value > maxSize)
                throw new BqBackupException(ErrorIds.MaxSizeExceeded, BqErrorCategory.LimitsExceeded,
                    $"The backup '{backup.Name}' holds a database of {backup.DatabaseSize.Value:N0} bytes, more than -MaxSize ({maxSize:N0} bytes).{unchanged}",
                    backup.Name, "If the database is really that large, pass a larger -MaxSize (e.g. -MaxSize 100GB).");
        }

        /// <summary>
        /// InsufficientSpace unless <paramref name="folder"/>'s file system has room for the database
        /// (the sidecar's size; without one the stored size, the least it can be) plus 10% and 64 MiB.
        /// </summary>
        internal static void CheckSpace(BackupInfo backup, string folder, string unchanged, OperationContext ctx)
        {
            var expected = backup.DatabaseSize ?? backup.Size;
            var needed = FreeSpace.WithMargin(expected);
            var available = FreeSpace.Available(folder);
            if (available == null)
            {
                ctx.WriteVerbose($"Could not tell the free space in '{folder}'; fetching without checking it.");
                return;
            }
            ctx.WriteVerbose($"Free space in '{folder}': {available.Value:N0} bytes; {needed:N0} needed.");
            if (available.Value >= needed) return;
            var what = backup.DatabaseSize.HasValue ? $"its {expected:N0}-byte database" : $"its {expected:N0} stored bytes (no sidecar gives the database's size)";
            throw new BqBackupException(ErrorIds.InsufficientSpace, BqErrorCategory.ResourceUnavailable,
                $"Not enough free space in '{folder}' to fetch '{backup.Name}': {needed:N0} bytes needed ({what} plus 10% and 64 MiB), {available.Value:N0} available.{unchanged}",
                folder, "Free space on that file system (the .corrupted-* copies of earlier restores are candidates), then run again.");
        }

        /// <summary>
        /// Streams the body into <paramref name="output"/> (a file at <paramref name="path"/> the
        /// caller created private), decrypting (when it is age-encrypted, with <paramref name="decryption"/>),
        /// gunzipping and hashing as it goes, then flushes it to disk. An encrypted body and no
        /// identity is AgeIdentityRequired before a byte is written.
        /// </summary>
        internal static CodecResult Fetch(BackupInfo backup, IBackupStore store, FileStream output, string path, long maxSize, string unchanged, OperationContext ctx, string activity,
            BackupDecryption decryption = null)
        {
            var declared = backup.DatabaseSize;
            var limit = declared.HasValue ? Math.Min(declared.Value, maxSize) : maxSize;
            BqBackupException TooLarge(long bound) => declared.HasValue && bound == declared.Value
                ? new BqBackupException(ErrorIds.SizeMismatch, BqErrorCategory.InvalidData,
                    $"The backup '{backup.Name}' decompresses to more than the {declared.Value:N0} bytes its metadata records; it was stopped there.{unchanged}",
                    backup.Name, "Use an older backup; this one was altered after it was written.")
                : new BqBackupException(ErrorIds.MaxSizeExceeded, BqErrorCategory.LimitsExceeded,
                    $"The backup '{backup.Name}' decompresses to more than -MaxSize ({bound:N0} bytes); it was stopped there.{unchanged}",
                    backup.Name, "If the database is really that large, pass a larger -MaxSize; otherwise use another backup.");
            try
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var index = UsableIndex(backup, ctx);
                CodecResult decoded;
                try
                {
                    decoded = FetchOnce(backup, store, output, limit, TooLarge, ctx, activity, decryption, index);
                }
                catch (BlockIndexMismatchException e)
                {
                    // A wrong index (or a damaged body) costs a second read, never the restore: one stream gives the verdict.
                    ctx.WriteVerbose($"The body of '{backup.Name}' does not match its block index ({e.Message}); fetching it again and inflating it as one stream.");
                    output.SetLength(0);
                    output.Position = 0;
                    decoded = FetchOnce(backup, store, output, limit, TooLarge, ctx, activity, decryption, null);
                }
                var inflated = clock.Elapsed;
                output.Flush(true);
                ctx.CompleteProgress(activity);
                ctx.WriteVerbose($"Fetched '{backup.Name}': {decoded.EncodedBytes:N0} bytes stored, {decoded.RawBytes:N0} bytes of database, sha256 {decoded.Sha256}; " +
                    $"{(decoded.InflatedInParallel ? $"inflated in {index.Count:N0} blocks on {Environment.ProcessorCount} cores" : decoded.WasCompressed ? "inflated as one stream" : "stored uncompressed")}, " +
                    $"fetched, inflated, hashed and written in {inflated.TotalSeconds:F2} s, flushed to disk in {(clock.Elapsed - inflated).TotalSeconds:F2} s.");
                return decoded;
            }
            catch (IOException e) when (FreeSpace.IsDiskFull(e))
            {
                throw DiskFull(backup, Path.GetDirectoryName(path), unchanged, e);
            }
        }

        private static CodecResult FetchOnce(BackupInfo backup, IBackupStore store, FileStream output, long limit, Func<long, BqBackupException> tooLarge,
            OperationContext ctx, string activity, BackupDecryption decryption, GzipBlockIndex index)
        {
            using (var body = store.OpenBody(backup, ctx.Cancellation))
            using (var opened = EncryptedBodyReader.Open(body, backup, decryption, ctx))
            {
                var decoded = GzipCodec.Decompress(opened.Content, backup.Size, output, ctx, activity, backup.Name, limit, tooLarge, index, backup.DatabaseSize ?? -1);
                opened.Finish(decoded, backup, ctx);
                return decoded;
            }
        }

        /// <summary>The sidecar's block index when it can describe the database the sidecar records; null (one stream) otherwise, with the reason in -Verbose.</summary>
        private static GzipBlockIndex UsableIndex(BackupInfo backup, OperationContext ctx)
        {
            var index = backup.BlockIndex;
            if (index == null)
            {
                ctx.WriteVerbose($"'{backup.Name}' has no block index in {(BackupStatus.HasMetadata(backup.Status) ? "its sidecar" : "a sidecar")} (bunqueue's backups and ours before it have none): inflating it as one stream.");
                return null;
            }
            if (!backup.DatabaseSize.HasValue || !index.Fits(backup.DatabaseSize.Value))
            {
                ctx.WriteVerbose($"The block index of '{backup.Name}' ({index.Count:N0} blocks) cannot describe the {backup.DatabaseSize:N0} bytes its sidecar records: inflating it as one stream.");
                return null;
            }
            return index;
        }

        internal static BqBackupException DiskFull(BackupInfo backup, string folder, string unchanged, Exception e)
        {
            var available = FreeSpace.Available(folder);
            return new BqBackupException(ErrorIds.InsufficientSpace, BqErrorCategory.ResourceUnavailable,
                $"The file system of '{folder}' filled up while '{backup.Name}' was fetched ({available?.ToString("N0") ?? "unknown"} bytes available now; the partial copy was removed).{unchanged}",
                folder, "Free space on that file system, then run again.", e);
        }

        /// <summary>Disposes a stream whose last flush may fail (a full disk): the failure that matters was already reported.</summary>
        internal static void DisposeQuietly(IDisposable stream)
        {
            try { stream?.Dispose(); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
