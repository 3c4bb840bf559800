namespace BqBackup.Backup
{
    /// <summary>What one destination of a backup run ended with: the backup it committed, or why it has none.</summary>
    public sealed class BackupOutcome
    {
        public BackupOutcome(string destination, BackupInfo backup, BqBackupException error)
        {
            Destination = destination;
            Backup = backup;
            Error = error;
        }

        public string Destination { get; }
        /// <summary>Null when this destination failed.</summary>
        public BackupInfo Backup { get; }
        /// <summary>Null when this destination has its backup without a problem; beside a backup, a lock the store did not keep (ObjectLockNotApplied).</summary>
        public BqBackupException Error { get; }
    }
}
