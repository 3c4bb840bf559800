using System;

namespace BqBackup
{
    public static class BackupStatus
    {
        public const string Ok = "Ok";
        public const string MissingMetadata = "MissingMetadata";
        public const string InvalidMetadata = "InvalidMetadata";
    }
}
