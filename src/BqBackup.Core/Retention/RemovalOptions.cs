using BqBackup.Locking;

namespace BqBackup.Retention
{
    /// <summary>How a removal treats versions and locks (Remove-BqBackup, Remove-BqBackupExpired).</summary>
    public sealed class RemovalOptions
    {
        public static RemovalOptions Default { get; } = new RemovalOptions();

        /// <summary>Also delete every noncurrent version and delete marker of the backup's keys that no lock protects.</summary>
        public bool PurgeVersions { get; set; }

        /// <summary>Delete Governance-locked versions with x-amz-bypass-governance-retention (needs s3:BypassGovernanceRetention); implies purging.</summary>
        public bool BypassGovernance { get; set; }

        /// <summary>-ExtendLock: long-term keepers stay locked at least this long from now; null: locks are left as they are.</summary>
        public ObjectLockOptions ExtendLock { get; set; }
    }
}
