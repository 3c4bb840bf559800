using System;

namespace BqBackup
{
    public static class BackupStatus
    {
        public const string Ok = "Ok";
        public const string MissingMetadata = "MissingMetadata";
        public const string InvalidMetadata = "InvalidMetadata";
        /// <summary>
        /// A sound backup stamped later than now plus the clock-skew tolerance (Catalog.ClockSkew):
        /// taken while a clock ran ahead. Never picked by -Latest/-At, never expired, fills no
        /// retention slot; restorable by name.
        /// </summary>
        public const string FutureTimestamp = "FutureTimestamp";

        /// <summary>True when the backup's sidecar was read and its sizes and checksum can be verified.</summary>
        public static bool HasMetadata(string status) => status == Ok || status == FutureTimestamp;
    }
}
