using System.IO;
using System.Threading;
using BqBackup.Catalog;

namespace BqBackup.Storage
{
    /// <summary>
    /// Reads of a backup's objects that honour the version a listing found them at: a backup hidden
    /// by a delete marker (Get-BqBackup -IncludeDeleted) is read at its VersionId, any other at the
    /// key's current version. Every reader of bodies and sidecars (restore, test, copy) goes through here.
    /// </summary>
    public static class StoreReads
    {
        /// <summary>
        /// The key's bytes at <paramref name="versionId"/>, or at its current version when that is
        /// null. VersionsNotSupported when a version is asked of a store that keeps none (a folder).
        /// </summary>
        public static Stream OpenRead(this IBackupStore store, string key, string versionId, CancellationToken cancellation)
        {
            if (versionId == null) return store.OpenRead(key, cancellation);
            if (store is IVersionedStore versioned) return versioned.OpenRead(key, versionId, cancellation);
            throw NoVersions(store, key, versionId);
        }

        internal static BqBackupException NoVersions(IBackupStore store, string key, string versionId) =>
            new BqBackupException(ErrorIds.VersionsNotSupported, BqErrorCategory.InvalidArgument,
                $"'{key}' was asked for at version '{versionId}', but '{store.Location}' keeps no versions (only S3 buckets do); nothing was read.", versionId,
                "Pipe backups listed from this destination (Get-BqBackup -Destination ...), or give the S3 destination the version came from.");

        /// <summary>The backup's body, at the version its listing found.</summary>
        public static Stream OpenBody(this IBackupStore store, BackupInfo backup, CancellationToken cancellation) =>
            store.OpenRead(backup.Name, backup.VersionId, cancellation);

        /// <summary>The backup's sidecar, at the version its listing paired with the body; BackupNotFound when it has none.</summary>
        public static Stream OpenMetadata(this IBackupStore store, BackupInfo backup, CancellationToken cancellation) =>
            store.OpenRead(backup.MetadataName ?? BackupNaming.MetadataNameFor(backup.Name), backup.MetadataVersionId, cancellation);
    }
}
