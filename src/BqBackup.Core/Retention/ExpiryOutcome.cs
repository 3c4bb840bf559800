namespace BqBackup.Retention
{
    /// <summary>What an expiry run did with one backup it was asked about.</summary>
    public sealed class ExpiryOutcome
    {
        public RetentionDecision Decision { get; set; }

        /// <summary>The backup and its sidecar are gone.</summary>
        public bool Removed { get; set; }

        /// <summary>On a versioned bucket: a delete marker hides it, its data stays as a noncurrent version (no -PurgeVersions, or a version still locked).</summary>
        public bool Hidden { get; set; }

        /// <summary>How many versions and delete markers -PurgeVersions deleted for good.</summary>
        public int PurgedVersions { get; set; }

        /// <summary>The date -ExtendLock moved its lock to (body and sidecar); null when not extended.</summary>
        public System.DateTime? LockExtendedUntil { get; set; }

        /// <summary>Why a removal the policy wanted failed (RemoveFailed, a store error); null otherwise.</summary>
        public BqBackupException Error { get; set; }
    }
}
