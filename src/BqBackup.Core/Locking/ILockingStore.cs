using System.Collections.Generic;
using System.Threading;
using BqBackup.Storage;

namespace BqBackup.Locking
{
    /// <summary>
    /// A store that can lock what it writes (S3 Object Lock) and keeps versions; its locks are read
    /// through <see cref="IStoreProtection.ReadLock"/>. Folders are not one. Every write here
    /// carries a content checksum, which Object Lock requires.
    /// </summary>
    public interface ILockingStore : IBackupStore, IStoreProtection
    {
        /// <summary>As <see cref="IBackupStore.Put"/>, the object locked with <paramref name="retention"/> (null: as the bucket's default).</summary>
        void Put(string key, byte[] content, string contentType, bool overwrite, ObjectRetention retention, CancellationToken cancellation);

        /// <summary>As <see cref="IBackupStore.BeginUpload"/>, the object locked with <paramref name="retention"/> once committed.</summary>
        IStoreUpload BeginUpload(string key, string contentType, ObjectRetention retention, CancellationToken cancellation);

        /// <summary>Locks a version (the current one when <paramref name="versionId"/> is null) until the date given (PutObjectRetention).</summary>
        void SetLock(string key, string versionId, ObjectRetention retention, CancellationToken cancellation);

        /// <summary>Deletes the key's current version, or hides it behind a delete marker where the bucket keeps versions.</summary>
        KeyDeletion DeleteKey(string key, CancellationToken cancellation);

        /// <summary>Every version and delete marker of exactly this key, the current one first.</summary>
        IReadOnlyList<StoreVersion> ListVersions(string key, CancellationToken cancellation);

        /// <summary>Deletes one version for good; <paramref name="bypassGovernance"/> sends x-amz-bypass-governance-retention.</summary>
        void DeleteVersion(string key, string versionId, bool bypassGovernance, CancellationToken cancellation);
    }
}
