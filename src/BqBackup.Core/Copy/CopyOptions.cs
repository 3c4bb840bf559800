namespace BqBackup.Copy
{
    /// <summary>
    /// How Copy-BqBackup copies; the defaults are S3's limits, the setters are test seams.
    /// </summary>
    public sealed class CopyOptions
    {
        /// <summary>S3's limit for one CopyObject: 5 GiB. Above it a server-side copy goes part by part (UploadPartCopy).</summary>
        public const long DefaultSingleCopyLimit = 5L * 1024 * 1024 * 1024;
        /// <summary>Parts of a server-side multipart copy: 1 GiB (5 TiB, S3's largest object, in 5,120 parts).</summary>
        public const long DefaultCopyPartSize = 1L * 1024 * 1024 * 1024;

        public long SingleCopyLimit { get; set; } = SingleCopyLimitForTests ?? DefaultSingleCopyLimit;
        public long CopyPartSize { get; set; } = CopyPartSizeForTests ?? DefaultCopyPartSize;

        /// <summary>Test seams (set by reflection from Pester): the multipart server-side path with small bodies.</summary>
        internal static long? SingleCopyLimitForTests { get; set; }
        internal static long? CopyPartSizeForTests { get; set; }
        /// <summary>False: always stream through this machine, even where the service could copy on its own.</summary>
        public bool AllowServerSideCopy { get; set; } = true;

        /// <summary>
        /// The lock every copy's sidecar and body get at the target (-LockMode with -LockDays, counted
        /// from the copy, or -LockUntil), on the streamed upload and the server-side copy alike; null:
        /// none asked (a bucket's default retention still locks). A copy never carries the source's lock.
        /// </summary>
        public Locking.ObjectLockOptions ObjectLock { get; set; }
    }
}
