using System;
using System.Collections.Generic;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.IO;
using BqBackup.Storage;

namespace BqBackup.Retention
{
    /// <summary>
    /// Carries out retention decisions on a store. Every deletion, a sidecar left without its
    /// backup included, is first put to <c>confirm(target, action)</c> — the cmdlet's
    /// ShouldProcess, so -WhatIf, -Confirm and $WhatIfPreference are honoured in one place — and
    /// is skipped when it answers false.
    /// </summary>
    public static class ExpiryEngine
    {
        /// <summary>
        /// A backup writes its sidecar moments before its body commits; one older than this with no
        /// body is what a failed or half-deleted backup left, not a backup in flight.
        /// </summary>
        public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(15);

        /// <summary>
        /// What comes before any policy is judged: the scratch folders of dead processes in TMPDIR
        /// (unless <paramref name="scratch"/> is false, as under -WhatIf), what killed runs of this
        /// user left in this store (partial bodies, multipart uploads; see the in-flight records),
        /// and, unless the run is <paramref name="narrowed"/> to piped backups, multipart uploads
        /// under an S3 prefix initiated more than a day ago by anyone. Every removal in the store
        /// goes through <paramref name="confirm"/>; nothing here fails the expiry.
        /// </summary>
        public static void CleanUp(IBackupStore store, Func<string, string, bool> confirm, OperationContext ctx, bool narrowed, bool scratch = true)
        {
            if (scratch) PrivateTempDirectory.RemoveOrphans(System.IO.Path.GetTempPath());
            LeftoverCleanup.Clean(store, confirm, ctx);
            if (!narrowed && store is Storage.S3.S3Store s3)
                StaleUploads.Abort(s3, ctx.UtcNow(), StaleUploads.Age(ProcessEnvironment.Instance, ctx), confirm, ctx);
        }

        /// <summary>
        /// Removes the backups the decisions do not keep, and outputs an outcome for each decision
        /// in scope, in order, to <paramref name="outcome"/> as it happens (for streaming) and in
        /// the list returned. <paramref name="onlyThese"/> (backup names, e.g. piped ones) narrows
        /// what may be removed; without it the run also cleans orphaned sidecars first. A failed
        /// removal is an outcome with its Error, never thrown: the next backup is still tried.
        /// </summary>
        public static IReadOnlyList<ExpiryOutcome> Apply(IBackupStore store, IEnumerable<RetentionDecision> decisions,
            Func<string, string, bool> confirm, OperationContext ctx, ISet<string> onlyThese = null, Action<ExpiryOutcome> outcome = null,
            bool includeBunqueueBackups = false)
        {
            if (onlyThese == null) RemoveOrphanedSidecars(store, DateTime.UtcNow, confirm, ctx, includeBunqueueBackups);
            var outcomes = new List<ExpiryOutcome>();
            foreach (var decision in decisions)
            {
                ctx.ThrowIfCancelled();
                if (onlyThese != null && !onlyThese.Contains(decision.Backup.Name)) continue;
                ctx.WriteVerbose($"{decision.Action} '{decision.Backup.Name}': {decision.Reason}.");
                var result = new ExpiryOutcome { Decision = decision };
                if (!decision.Keep && confirm($"{decision.Backup.Name} in {store.Location}", $"Remove backup ({decision.Reason})"))
                {
                    try
                    {
                        Remove(decision.Backup, store, ctx);
                        result.Removed = true;
                    }
                    catch (BqBackupException e)
                    {
                        result.Error = e;
                    }
                }
                outcomes.Add(result);
                outcome?.Invoke(result);
            }
            return outcomes;
        }

        /// <summary>
        /// Deletes the sidecars whose backup body is gone (never listed as backups) and that are
        /// older than <see cref="OrphanAge"/>, each once <paramref name="confirm"/> agrees; returns their names.
        /// bunqueue's own sidecars are bunqueue's business unless <paramref name="includeBunqueueBackups"/>,
        /// as its backups are.
        /// </summary>
        public static IReadOnlyList<string> RemoveOrphanedSidecars(IBackupStore store, DateTime nowUtc, Func<string, string, bool> confirm, OperationContext ctx,
            bool includeBunqueueBackups = false)
        {
            var objects = store.List(ctx.Cancellation);
            var keys = new HashSet<string>(objects.Select(o => o.Key), StringComparer.Ordinal);
            var removed = new List<string>();
            foreach (var o in objects)
            {
                if (!BackupNaming.IsMetadataName(o.Key)) continue;
                var body = o.Key.Substring(0, o.Key.Length - BackupNaming.MetadataSuffix.Length);
                if (keys.Contains(body) || !BackupNaming.TryParse(body, out var origin, out _)) continue;
                if (origin == BackupOrigin.Bunqueue && !includeBunqueueBackups) continue;
                if (nowUtc - o.LastModified.UtcDateTime < OrphanAge) continue;
                if (!confirm($"{o.Key} in {store.Location}", $"Remove orphaned sidecar (its backup '{body}' is gone)")) continue;
                store.Delete(o.Key, ctx.Cancellation);
                ctx.WriteVerbose($"Removed '{o.Key}': its backup '{body}' is gone (a failed or half-deleted backup).");
                removed.Add(o.Key);
            }
            return removed;
        }

        /// <summary>
        /// Deletes one backup: body first, so it stops being a backup in one step, then its
        /// sidecar. The store is asked again afterwards: a delete that was acknowledged but did not
        /// happen is an error, never a silent success.
        /// </summary>
        public static void Remove(BackupInfo backup, IBackupStore store, OperationContext ctx)
        {
            store.Delete(backup.Name, ctx.Cancellation);
            var metaName = BackupNaming.MetadataNameFor(backup.Name);
            store.Delete(metaName, ctx.Cancellation);
            if (store.Stat(backup.Name, ctx.Cancellation) != null)
                throw new BqBackupException(ErrorIds.RemoveFailed, BqErrorCategory.WriteError,
                    $"The store acknowledged deleting '{backup.Name}' but it is still there.", backup.Name,
                    "Check that the credentials may delete objects, and whether the bucket has object lock or versioning rules.");
            ctx.WriteVerbose($"Removed '{backup.Name}' and '{metaName}' from '{store.Location}'.");
        }
    }
}
