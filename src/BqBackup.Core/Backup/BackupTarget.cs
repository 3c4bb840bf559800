using BqBackup.Storage;

namespace BqBackup.Backup
{
    /// <summary>One destination of a backup run: the store it opened and how the destination is shown.</summary>
    public sealed class BackupTarget
    {
        public BackupTarget(IBackupStore store, string destination)
        {
            Store = store;
            Destination = destination;
        }

        public IBackupStore Store { get; }
        public string Destination { get; }
    }
}
