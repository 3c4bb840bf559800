using System;

namespace BqBackup
{
    public static class BackupOrigin
    {
        /// <summary>Written by this module: backup-YYYY-MM-DDTHH-mm-ss.db.gz.</summary>
        public const string BqBackup = "BqBackup";
        /// <summary>Written by bunqueue's own built-in S3 backup: bunqueue-&lt;time&gt;-&lt;uuid&gt;.db.</summary>
        public const string Bunqueue = "bunqueue";
    }
}
