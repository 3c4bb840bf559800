using System;
using System.Collections.Generic;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Storage;

namespace BqBackup.Retention
{
    public static class ExpiryEngine
    {
        /// <summary>
        /// A backup writes its sidecar moments before its body commits; one older than this with no
        /// body is what a failed or half-deleted backup left, not a backup in flight.
        /// </summary>
        public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(15);

        /// <summary>Deletes sidecars whose backup body is gone (never listed as backups); returns their names.</summary>
        public static IReadOnlyList<string> RemoveOrphanedSidecars(IBackupStore store, DateTime nowUtc, OperationContext ctx)
        {
            var objects = store.List(ctx.Cancellation);
            var keys = new HashSet<string>(objects.Select(o => o.Key), StringComparer.Ordinal);
            var removed = new List<string>();
            foreach (var o in objects)
            {
                if (!BackupNaming.IsMetadataName(o.Key)) continue;
                var body = o.Key.Substring(0, o.Key.Length - BackupNaming.MetadataSuffix.Length);
                if (keys.Contains(body) || !BackupNaming.TryParse(body, out _, out _)) continue;
                if (nowUtc - o.LastModified.UtcDateTime < OrphanAge) continue;
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
