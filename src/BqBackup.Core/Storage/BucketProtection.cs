namespace BqBackup.Storage
{
    /// <summary>
    /// What a bucket's settings do against deletion. Each setting that could not be read carries
    /// the provider's error code in its *Error property instead (AccessDenied, NotImplemented, ...).
    /// </summary>
    public sealed class BucketProtection
    {
        /// <summary>Enabled, Suspended or Off.</summary>
        public string Versioning { get; set; }
        public string VersioningError { get; set; }

        public bool ObjectLockEnabled { get; set; }
        /// <summary>GOVERNANCE or COMPLIANCE when a default retention locks every new object; null otherwise.</summary>
        public string DefaultRetentionMode { get; set; }
        public int? DefaultRetentionDays { get; set; }
        public int? DefaultRetentionYears { get; set; }
        public string ObjectLockError { get; set; }

        /// <summary>Days after which an enabled lifecycle rule covering the store's prefix aborts incomplete multipart uploads; null when none does.</summary>
        public int? AbortIncompleteUploadDays { get; set; }
        /// <summary>The id of that rule.</summary>
        public string AbortIncompleteUploadRule { get; set; }
        public string LifecycleError { get; set; }

        /// <summary>The default server-side encryption (AES256, aws:kms, ...); null when the bucket has none.</summary>
        public string DefaultEncryption { get; set; }
        public string EncryptionError { get; set; }
    }
}
