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
        /// <summary>Its body's Object Lock (from the listing), null when not locked.</summary>
        public Locking.ObjectLockMode? LockMode => Backup.LockMode;
        public DateTime? LockedUntil => Backup.LockedUntil;
        /// <summary>No rule keeps it, but its lock forbids deleting it: it stays until <see cref="LockedUntil"/> and goes on the first run after.</summary>
        public bool KeptByLock { get; set; }
        /// <summary>A -KeepMonthly or -KeepYearly pick: a long-term keeper, whose lock -ExtendLock extends.</summary>
        public bool LongTerm { get; set; }
    }
}
