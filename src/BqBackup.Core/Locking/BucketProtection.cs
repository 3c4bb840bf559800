using System;

namespace BqBackup.Locking
{
    /// <summary>What a bucket says of its own protection: versioning and Object Lock with its default retention.</summary>
    public sealed class BucketProtection
    {
        /// <summary>Enabled, Suspended or Off; null when the store would not say (no permission, a server without the call).</summary>
        public string Versioning { get; set; }
        /// <summary>Whether Object Lock is enabled on the bucket; null when the store would not say.</summary>
        public bool? ObjectLockEnabled { get; set; }
        /// <summary>The mode the bucket's default retention locks every new object with; null for none.</summary>
        public ObjectLockMode? DefaultMode { get; set; }
        /// <summary>How long the default retention locks a new object; null for none.</summary>
        public TimeSpan? DefaultPeriod { get; set; }

        /// <summary>A delete of a key leaves a delete marker and the old version (versioning on or suspended).</summary>
        public bool KeepsVersions => Versioning == "Enabled" || Versioning == "Suspended";

        public bool LocksByDefault => ObjectLockEnabled == true && DefaultMode.HasValue && DefaultPeriod.HasValue;
    }
}
