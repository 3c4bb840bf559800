using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using BqBackup.Catalog;
using BqBackup.Storage;

namespace BqBackup.Backup
{
    /// <summary>
    /// One backup run's right to a name. Before its body is uploaded, a run writes the name's sidecar
    /// exclusively (a folder: link(), which fails on an existing name; S3: If-None-Match: *, where the
    /// server honours it) holding only its run id, then reads it back: a store that cannot refuse a
    /// second writer (s3rver, older S3-compatibles) lets the last one win, and the read says who did.
    /// The loser moves on to the next name (-2, -3 …). Before its body commits the run checks the
    /// sidecar still holds its id and replaces the claim with the complete sidecar; it deletes a
    /// sidecar only while the sidecar still holds its id, so it never deletes another run's.
    /// </summary>
    internal sealed class NameClaim
    {
        private const int MaxSequence = 1000;
        private readonly IBackupStore store;

        private NameClaim(IBackupStore store, string name, string runId, int sequence)
        {
            this.store = store;
            Name = name;
            MetadataName = BackupNaming.MetadataNameFor(name);
            RunId = runId;
            Sequence = sequence;
        }

        public string Name { get; }
        public string MetadataName { get; }
        public string RunId { get; }
        public int Sequence { get; }

        /// <summary>
        /// The first free name of the second of <paramref name="takenAt"/> from <paramref name="firstSequence"/> on, claimed
        /// (…db.gz.age when <paramref name="encrypted"/>, …db.zst[.age] for zstd: the claim, like the name, is that backup's own).
        /// </summary>
        public static NameClaim Take(IBackupStore store, DateTime takenAt, string runId, int firstSequence, bool encrypted, OperationContext ctx,
            Codec.BqCompression compression = Codec.BqCompression.Gzip)
        {
            var unreadable = 0;
            for (var sequence = firstSequence; sequence < MaxSequence; sequence++)
            {
                var claim = new NameClaim(store, BackupNaming.NameFor(takenAt, sequence, encrypted, compression), runId, sequence);
                if (store.Stat(claim.Name, ctx.Cancellation) != null || store.Stat(claim.MetadataName, ctx.Cancellation) != null) continue;
                try
                {
                    store.Put(claim.MetadataName, ClaimJson(runId, takenAt), "application/json", overwrite: false, ctx.Cancellation);
                }
                catch (BqBackupException e) when (e.ErrorId == ErrorIds.BackupNameConflict)
                {
                    continue;
                }
                var holder = claim.Holder(ctx.Cancellation, out _, out var failure);
                if (holder == runId) return claim;
                // Another run replaced our claim: the name is its own now, and its sidecar is not ours to delete.
                ctx.WriteVerbose($"'{claim.Name}' was claimed by another backup at the same moment; trying the next name.");
                // A claim that cannot be read back is nobody's for sure (s3rver, overwritten by two writers at
                // once, can keep one's bytes under the other's checksum); a store that reads nothing back is broken.
                if (failure != null && ++unreadable >= 3) throw failure;
            }
            throw new BqBackupException(ErrorIds.BackupNameConflict, BqErrorCategory.WriteError,
                $"No free backup name for {takenAt:yyyy-MM-dd HH:mm:ss} UTC in '{store.Location}': {MaxSequence - 1} backups of that second exist.", store.Location,
                "Run the backup again.");
        }

        /// <summary>
        /// Replaces the claim with the complete sidecar once the name is still ours (BackupNameConflict
        /// otherwise). A claim that is gone — the orphan clean-up removes sidecars older than 15 minutes
        /// that have no body, which a very long backup's claim looks like — is claimed again.
        /// </summary>
        public void Confirm(byte[] sidecar, OperationContext ctx, Locking.ObjectRetention lockState = null)
        {
            var holder = Holder(ctx.Cancellation, out var exists);
            if (!exists)
            {
                if (store.Stat(Name, ctx.Cancellation) != null) throw Lost();
                Put(sidecar, overwrite: false, lockState, ctx);
            }
            else if (holder != RunId)
            {
                throw Lost();
            }
            else
            {
                Put(sidecar, overwrite: true, lockState, ctx);
            }
            if (Holder(ctx.Cancellation, out _) != RunId) throw Lost();
        }

        /// <summary>The complete sidecar, locked as its body will be (the claim it replaces stays an unlocked older version).</summary>
        private void Put(byte[] sidecar, bool overwrite, Locking.ObjectRetention lockState, OperationContext ctx)
        {
            if (lockState != null) ((Locking.ILockingStore)store).Put(MetadataName, sidecar, "application/json", overwrite, lockState, ctx.Cancellation);
            else store.Put(MetadataName, sidecar, "application/json", overwrite, ctx.Cancellation);
        }

        /// <summary>Deletes the sidecar if it still holds this run's id; best effort, and after Ctrl-C too.</summary>
        public void Release(OperationContext ctx)
        {
            try
            {
                using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                {
                    if (Holder(timeout.Token, out var exists) != RunId || !exists) return;
                    store.Delete(MetadataName, timeout.Token);
                }
            }
            catch (Exception e) when (e is BqBackupException || e is IOException || e is OperationCanceledException)
            {
                // An orphaned sidecar is never listed as a backup, and expiry removes it after 15 minutes.
                ctx.WriteVerbose($"Could not remove the sidecar '{MetadataName}' of the failed backup: {e.Message}");
            }
        }

        private string Holder(CancellationToken cancellation, out bool exists) => Holder(cancellation, out exists, out _);

        /// <summary>
        /// The run id the sidecar holds now (null when it holds none, or cannot be read: then
        /// <paramref name="failure"/> says why); <paramref name="exists"/> false when it is gone.
        /// </summary>
        private string Holder(CancellationToken cancellation, out bool exists, out BqBackupException failure)
        {
            failure = null;
            // A server that overwrites in place (s3rver) can fail a read that meets a concurrent write: read again.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return ReadHolder(cancellation, out exists);
                }
                catch (Exception e) when (e is IOException || e is BqBackupException bq && bq.ErrorId == ErrorIds.StoreError)
                {
                    if (attempt == 4)
                    {
                        failure = e as BqBackupException ?? new BqBackupException(ErrorIds.StoreError, BqErrorCategory.ReadError,
                            $"Cannot read '{MetadataName}' back from '{store.Location}': {e.Message}", MetadataName, "Retry; check the store.", e);
                        exists = true;
                        return null;
                    }
                    cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50 * attempt));
                    cancellation.ThrowIfCancellationRequested();
                }
            }
        }

        private string ReadHolder(CancellationToken cancellation, out bool exists)
        {
            try
            {
                using (var stream = store.OpenRead(MetadataName, cancellation))
                using (var buffer = new MemoryStream())
                {
                    stream.CopyTo(buffer);
                    exists = true;
                    return BackupMetadata.ReadRunId(buffer.ToArray());
                }
            }
            catch (BqBackupException e) when (e.ErrorId == ErrorIds.BackupNotFound)
            {
                exists = false;
                return null;
            }
        }

        private BqBackupException Lost() =>
            new BqBackupException(ErrorIds.BackupNameConflict, BqErrorCategory.WriteError,
                $"Another backup took the name '{Name}' in '{store.Location}' at the same moment.", Name, "Run the backup again.");

        private static byte[] ClaimJson(string runId, DateTime takenAt) =>
            Encoding.UTF8.GetBytes("{\"claim\":true,\"runId\":\"" + runId + "\",\"takenAt\":\"" +
                takenAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "\",\"tool\":\"" + BackupEngine.ToolVersion + "\"}");
    }
}
