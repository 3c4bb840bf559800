using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BqBackup.Storage;

namespace BqBackup.Retention
{
    /// <summary>What the policy says of one backup, and why: Remove-BqBackupExpired -WhatIf outputs these.</summary>
    public sealed class RetentionDecision
    {
        public BackupInfo Backup { get; set; }
        public string Name => Backup.Name;
        public DateTime Timestamp => Backup.Timestamp;
        public string Origin => Backup.Origin;
        public bool Keep { get; set; }
        public string Action => Keep ? "Keep" : "Remove";
        /// <summary>The rules that keep it, or why it goes.</summary>
        public string Reason { get; set; }
    }
}
