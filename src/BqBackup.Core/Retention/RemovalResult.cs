namespace BqBackup.Retention
{
    /// <summary>What removing one backup did.</summary>
    public sealed class RemovalResult
    {
        /// <summary>A delete marker hides it; its data stays in the bucket as a noncurrent version.</summary>
        public bool Hidden { get; set; }
        /// <summary>Versions and delete markers deleted for good.</summary>
        public int PurgedVersions { get; set; }
        /// <summary>Noncurrent versions left because a lock still protects them.</summary>
        public int LockedVersions { get; set; }
    }
}
