using System.Collections.Generic;
using System.Threading;
using BqBackup.Storage;

namespace BqBackup.Locking
{
    /// <summary>
    /// A store that can lock what it writes (S3 Object Lock) and keeps versions. Folders are not
    /// one. Every write here carries a content checksum, which Object Lock requires.
    /// </summary>
    public interface ILockingStore : IBackupStore
    {
        /// <summary>Versioning and Object Lock as the bucket reports them; fields it would not report stay null.</summary>
        BucketProtection ReadProtection(CancellationToken cancellation);

        /// <summary>As <see cref="IBackupStore.Put"/>, the object locked with <paramref name="lockState"/> (null: as the bucket's default).</summary>
        void Put(string key, byte[] content, string contentType, bool overwrite, ObjectLockState lockState, CancellationToken cancellation);

        /// <summary>As <see cref="IBackupStore.BeginUpload"/>, the object locked with <paramref name="lockState"/> once committed.</summary>
        IStoreUpload BeginUpload(string key, string contentType, ObjectLockState lockState, CancellationToken cancellation);

        /// <summary>The lock of the key's current version (from HEAD); null when it has none or the key is gone.</summary>
        ObjectLockState ReadLock(string key, CancellationToken cancellation);

        /// <summary>Locks a version (the current one when <paramref name="versionId"/> is null) until the date given (PutObjectRetention).</summary>
        void SetLock(string key, string versionId, ObjectLockState lockState, CancellationToken cancellation);

        /// <summary>Deletes the key's current version, or hides it behind a delete marker where the bucket keeps versions.</summary>
        KeyDeletion DeleteKey(string key, CancellationToken cancellation);

        /// <summary>Every version and delete marker of exactly this key, newest first.</summary>
        IReadOnlyList<StoreVersion> ListVersions(string key, CancellationToken cancellation);

        /// <summary>The lock of one version; null when it has none.</summary>
        ObjectLockState ReadVersionLock(string key, string versionId, CancellationToken cancellation);

        /// <summary>Deletes one version for good; <paramref name="bypassGovernance"/> sends x-amz-bypass-governance-retention.</summary>
        void DeleteVersion(string key, string versionId, bool bypassGovernance, CancellationToken cancellation);
    }
}
