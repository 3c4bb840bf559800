using System;

namespace BqBackup.Restore
{
    /// <summary>The values of BackupTestResult.Result.</summary>
    public static class BackupTestStatus
    {
        public const string Passed = "Passed";
        public const string Failed = "Failed";
        /// <summary>An encrypted backup tested without an identity: what can be checked without a key passed, the contents were not verified.</summary>
        public const string NotVerified = "NotVerified";
    }
}
