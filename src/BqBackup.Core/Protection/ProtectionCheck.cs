namespace BqBackup.Protection
{
    /// <summary>
    /// One finding of Test-BqBackupDestination: how well one setting of a destination protects its
    /// backups from deletion. One object per check, so `Where-Object Verdict -ne Pass` is the alert.
    /// </summary>
    public sealed class ProtectionCheck
    {
        public string Destination { get; set; }
        /// <summary>Versioning, ObjectLock, DefaultRetention, NewestBackupLocked, IncompleteUploadCleanup or DefaultEncryption.</summary>
        public string Check { get; set; }
        /// <summary>Pass or Warn (ProtectionVerdict).</summary>
        public string Verdict { get; set; }
        /// <summary>What was found, short: Enabled, Off, "GOVERNANCE, 30 days", "AES256", ...</summary>
        public string Value { get; set; }
        /// <summary>Why that verdict, and what to do about a Warn.</summary>
        public string Reason { get; set; }

        public override string ToString() => $"{Check}: {Verdict} ({Value})";
    }
}
