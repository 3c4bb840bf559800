namespace BqBackup.Locking
{
    /// <summary>What deleting a key did.</summary>
    public enum KeyDeletion
    {
        /// <summary>The object is gone (an unversioned store).</summary>
        Removed,
        /// <summary>A delete marker hides it; the old version stays in the bucket (a versioned bucket).</summary>
        Hidden,
    }
}
