namespace BqBackup.Commands
{
    /// <summary>
    /// Where Get-Help -Online goes: each cmdlet's section of the README in the project repository
    /// (the manifest's ProjectUri), by GitHub's heading anchor. Defined once, here.
    /// </summary>
    internal static class HelpLinks
    {
        private const string Readme = "https://github.com/bqbackup/BqBackup#";

        public const string NewBqBackup = Readme + "new-bqbackup";
        public const string GetBqBackup = Readme + "get-bqbackup";
        public const string RestoreBqBackup = Readme + "restore-bqbackup";
        public const string TestBqBackup = Readme + "test-bqbackup";
        public const string RemoveBqBackup = Readme + "remove-bqbackup";
        public const string RemoveBqBackupExpired = Readme + "remove-bqbackupexpired";
        public const string GetBqBackupRetention = Readme + "get-bqbackupretention";
        public const string GetBqBackupStatus = Readme + "get-bqbackupstatus";
        public const string RegisterBqBackupSchedule = Readme + "register-bqbackupschedule";
        public const string UnregisterBqBackupSchedule = Readme + "unregister-bqbackupschedule";
        public const string GetBqBackupSchedule = Readme + "get-bqbackupschedule";
        public const string TestBqBackupDestination = Readme + "test-bqbackupdestination";
        public const string CopyBqBackup = Readme + "copy-bqbackup";
    }
}
