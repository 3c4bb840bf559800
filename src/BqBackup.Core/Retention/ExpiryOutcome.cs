namespace BqBackup.Retention
{
    /// <summary>What an expiry run did with one backup it was asked about.</summary>
    public sealed class ExpiryOutcome
    {
        public RetentionDecision Decision { get; set; }

        /// <summary>The backup and its sidecar are gone.</summary>
        public bool Removed { get; set; }

        /// <summary>Why a removal the policy wanted failed (RemoveFailed, a store error); null otherwise.</summary>
        public BqBackupException Error { get; set; }
    }
}
