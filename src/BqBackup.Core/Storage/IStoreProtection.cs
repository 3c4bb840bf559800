using System.Threading;

namespace BqBackup.Storage
{
    /// <summary>
    /// A store whose own settings can protect backups from deletion (an S3 bucket: versioning,
    /// Object Lock, lifecycle, default encryption), read without changing anything.
    /// </summary>
    public interface IStoreProtection
    {
        /// <summary>The bucket's protective settings; a setting the credentials may not read is reported as such, not thrown.</summary>
        BucketProtection ReadProtection(CancellationToken cancellation);

        /// <summary>Whether the bucket has Object Lock enabled (one GET); null when that cannot be read (the provider's error code in <paramref name="error"/>).</summary>
        bool? ReadObjectLockEnabled(CancellationToken cancellation, out string error);

        /// <summary>The Object Lock an object carries (read from HEAD: x-amz-object-lock-mode, -retain-until-date, -legal-hold).</summary>
        ObjectLockState ReadLock(string key, string versionId, CancellationToken cancellation);
    }
}
