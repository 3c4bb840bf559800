using System;
using BqBackup.Catalog;
using BqBackup.Storage;

namespace BqBackup.Retention
{
    public static class ExpiryEngine
    {
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
